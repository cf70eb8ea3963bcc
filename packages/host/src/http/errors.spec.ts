import { createManualClock } from '@ordo/adapter-memory';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Host } from '../composition/host';
import { createInMemoryHost } from '../composition/in-memory-host';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { createHttpServer } from './create-http-server';
import { admin, at, checkAgainstDocument, expectProblem, jwtSecret, testApi } from './http-test-kit';

test('unknown routes are 404 problems', async () => {
  const api = await testApi();
  expectProblem(await api.send({ method: 'GET', url: '/nowhere' }), 404, 'route_not_found');
  expectProblem(await api.send({ method: 'GET', url: '/orders/o1/nothing' }), 404, 'route_not_found');
  await api.close();
});

test('a known path with another method is a 405 with Allow; an overlong path parameter a 414', async () => {
  const api = await testApi();
  const answer = await api.send({ method: 'DELETE', url: '/orders' });
  expectProblem(answer, 405, 'method_not_allowed');
  assert.is(answer.headers.allow, 'POST, GET, HEAD');
  expectProblem(
    await api.send({ method: 'GET', url: `/orders/${'x'.repeat(3000)}`, token: await api.adminToken() }),
    414,
  );
  expectProblem(
    await api.send({ method: 'GET', url: `/orders/${'x'.repeat(200)}`, token: await api.adminToken() }),
    400,
  );
  await api.close();
});

test('__proto__ keys in a body are dropped, not a 400', async () => {
  const api = await testApi();
  const registered = await api.send({
    method: 'POST',
    url: '/customers',
    payload: '{"email":"ann@example.com","password":"long-enough","__proto__":{"admin":true}}',
  });
  assert.is(registered.status, 201, registered.text);
  await api.close();
});

test('a body too large is a 413; another media type a 415; broken JSON a 400', async () => {
  const api = await testApi({ bodyLimitBytes: 1024 });
  const body = { email: 'ann@example.com', password: 'x'.repeat(2000) };
  expectProblem(await api.send({ method: 'POST', url: '/customers', payload: body }), 413, 'body_too_large');
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/customers',
      payload: 'email=a',
      headers: { 'content-type': 'text/plain' },
    }),
    415,
    'unsupported_media_type',
  );
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/customers',
      payload: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    415,
  );
  expectProblem(await api.send({ method: 'POST', url: '/customers', payload: '{"email":' }), 400, 'invalid_request');
  expectProblem(await api.send({ method: 'POST', url: '/customers', payload: '[]' }), 400);
  await api.close();
});

test('rate limits: 429 with Retry-After per subject or address, stricter on /auth/token', async () => {
  const api = await testApi({ rateLimit: { max: 3, authMax: 1, timeWindowMs: 60_000 } });
  for (let i = 0; i < 3; i++) assert.is((await api.send({ method: 'GET', url: '/catalog' })).status, 200);
  const limited = await api.send({ method: 'GET', url: '/catalog' });
  expectProblem(limited, 429, 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0, String(limited.headers['retry-after']));
  const token = await api.adminToken();
  // The admin's budget is its own: the address spent its budget, the token subject did not.
  assert.is((await api.send({ method: 'GET', url: '/inventory/levels', token })).status, 200);
  expectProblem(
    await api.send({ method: 'POST', url: '/auth/token', payload: { email: admin.email, password: admin.password } }),
    429,
  );
  assert.is((await api.send({ method: 'GET', url: '/health/live' })).status, 200, 'health is not limited');
  await api.close();
});

const hostWhere = async (change: Partial<Host>) => {
  const host = await createInMemoryHost({
    clock: createManualClock(at),
    passwordHasher: createScryptPasswordHasher({ N: 256 }),
  });
  return { real: host, host: Object.assign(Object.create(host) as Host, host, change) };
};

test('an unexpected failure is a 500 problem without a stack trace or the error’s text', async () => {
  const { real, host } = await hostWhere({
    catalog: async () => {
      throw new Error('database password is hunter2');
    },
  });
  const server = await createHttpServer(host, { auth: { jwtSecret } });
  const response = await server.app.inject({ method: 'GET', url: '/catalog' });
  const answer = {
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(response.body),
    text: response.body,
  };
  expectProblem(answer, 500, 'internal_error');
  assert.not.ok(response.body.includes('hunter2'));
  checkAgainstDocument(server, { method: 'GET', url: '/catalog' }, answer);
  await server.close();
  await real.stop();
});

test('health: live is 200; ready is 200, or 503 with the host’s reasons', async () => {
  const api = await testApi();
  assert.equal((await api.send({ method: 'GET', url: '/health/live' })).body, { live: true });
  const ready = await api.send({ method: 'GET', url: '/health/ready' });
  assert.is(ready.status, 200);
  assert.is((ready.body as { ready: boolean }).ready, true);
  await api.close();
  const { real, host } = await hostWhere({});
  const notReady = { ...(await real.health()), ready: false, reasons: ['store unreachable'] };
  const server = await createHttpServer(Object.assign(host, { health: async () => notReady }), { auth: { jwtSecret } });
  const response = await server.app.inject({ method: 'GET', url: '/health/ready' });
  assert.is(response.statusCode, 503);
  assert.equal(JSON.parse(response.body).reasons, ['store unreachable']);
  await server.close();
  await real.stop();
});

test('the docs page and the document are served; the secret never appears', async () => {
  const api = await testApi();
  const docs = await api.send({ method: 'GET', url: '/docs' });
  assert.is(docs.status, 200);
  assert.ok(String(docs.headers['content-type']).startsWith('text/html'));
  assert.ok(docs.text.includes('/orders/{orderId}'));
  const document = await api.send({ method: 'GET', url: '/openapi.json' });
  assert.is((document.body as { openapi: string }).openapi, '3.1.0');
  assert.not.ok(document.text.includes(jwtSecret));
  assert.not.ok(document.text.includes(admin.password));
  await api.close();
});

test.run();
