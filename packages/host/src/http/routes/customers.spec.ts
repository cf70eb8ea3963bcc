import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_FAILED_LOGINS } from '@ordo/domains';
import { admin, expectProblem, testApi } from '../http-test-kit';

test('register, log in, read oneself; the token carries the customer id and role', async () => {
  const api = await testApi();
  const registered = await api.send({
    method: 'POST',
    url: '/customers',
    payload: { email: 'Ann@Example.com', password: 'a-good-password', customerId: 'ann' },
  });
  assert.is(registered.status, 201, registered.text);
  assert.equal(registered.body, { customerId: 'ann', email: 'ann@example.com', emailVerified: false });
  assert.not.ok(registered.text.includes('password'), 'no password nor hash in the answer');
  const token = await api.send({
    method: 'POST',
    url: '/auth/token',
    payload: { email: ' ann@example.COM', password: 'a-good-password' },
  });
  assert.is(token.status, 200, token.text);
  assert.is(token.headers['cache-control'], 'no-store');
  const issued = token.body as { access_token: string; role: string; sub: string; expires_in: number };
  assert.is(issued.role, 'customer');
  assert.is(issued.sub, 'ann');
  assert.is(issued.expires_in, 900);
  const claims = JSON.parse(Buffer.from(issued.access_token.split('.')[1] ?? '', 'base64url').toString());
  assert.is(claims.sub, 'ann');
  assert.is(claims.role, 'customer');
  const me = await api.send({ method: 'GET', url: '/customers/me', token: issued.access_token });
  assert.equal(me.body, { customerId: 'ann', email: 'ann@example.com', emailVerified: false });
  assert.ok(typeof me.headers.etag === 'string');
  expectProblem(await api.send({ method: 'GET', url: '/customers/me', token: await api.adminToken() }), 403);
  await api.close();
});

test('a taken address is a 409 email_taken; a short password a 400 that does not echo it', async () => {
  const api = await testApi();
  await api.customer('ann@example.com');
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/customers',
      payload: { email: 'ANN@example.com', password: 'another-pass' },
    }),
    409,
    'email_taken',
  );
  const short = await api.send({
    method: 'POST',
    url: '/customers',
    payload: { email: 'bob@example.com', password: 'secret1' },
  });
  const body = expectProblem(short, 400, 'invalid_request');
  assert.equal(body.errors, [{ path: 'password', expected: 'Password', actual: '<hidden>' }]);
  assert.not.ok(short.text.includes('secret1'));
  expectProblem(
    await api.send({ method: 'POST', url: '/customers', payload: { email: 'not-an-email', password: 'long-enough' } }),
    400,
  );
  await api.close();
});

test('wrong passwords are 401 and count: the account locks after MAX_FAILED_LOGINS', async () => {
  const api = await testApi({ rateLimit: { authMax: 100 } });
  await api.customer('ann@example.com', 'right-password');
  for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
    const wrong = await api.send({
      method: 'POST',
      url: '/auth/token',
      payload: { email: 'ann@example.com', password: 'wrong-password' },
    });
    expectProblem(wrong, 401, 'invalid_credentials');
    assert.ok(String(wrong.headers['www-authenticate']).startsWith('Bearer'));
  }
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/auth/token',
      payload: { email: 'ann@example.com', password: 'right-password' },
    }),
    401,
    'customer_locked',
  );
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/auth/token',
      payload: { email: 'nobody@example.com', password: 'whatever-pass' },
    }),
    401,
    'invalid_credentials',
  );
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/auth/token',
      payload: { email: admin.email, password: 'not-the-admin-pass' },
    }),
    401,
    'invalid_credentials',
  );
  await api.close();
});

test('a token expires after tokenTtlSeconds; a forged or malformed one is a 401', async () => {
  const api = await testApi({ auth: { tokenTtlSeconds: 60 } });
  const { token } = await api.customer('ann@example.com');
  assert.is((await api.send({ method: 'GET', url: '/orders', token })).status, 200);
  api.clock.advance(61_000);
  expectProblem(await api.send({ method: 'GET', url: '/orders', token }), 401, 'invalid_token');
  const [header, payload] = token.split('.');
  const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin' })).toString('base64url')}.${payload}`;
  expectProblem(await api.send({ method: 'GET', url: '/analytics/funnel', token: forged }), 401, 'invalid_token');
  expectProblem(
    await api.send({ method: 'GET', url: '/orders', headers: { authorization: 'Basic YTpi' } }),
    401,
    'invalid_token',
  );
  await api.close();
});

test.run();
