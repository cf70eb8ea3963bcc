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

test('a locked account: only the right password learns it is locked; a wrong one is answered as an unknown address', async () => {
  const api = await testApi({ rateLimit: { authMax: 100 } });
  await api.customer('ann@example.com', 'right-password');
  const login = (password: string, email = 'ann@example.com') =>
    api.send({ method: 'POST', url: '/auth/token', payload: { email, password } });
  for (let i = 0; i < MAX_FAILED_LOGINS; i++) expectProblem(await login('wrong-password'), 401, 'invalid_credentials');
  const wrong = expectProblem(await login('wrong-password'), 401, 'invalid_credentials');
  const unknown = expectProblem(await login('wrong-password', 'nobody@example.com'), 401, 'invalid_credentials');
  assert.equal(wrong, unknown, 'the same answer as for an address nobody has');
  expectProblem(await login('right-password'), 401, 'customer_locked');
  await api.close();
});

test('a customer changes their password with the current one; a wrong current one is a 403 that counts', async () => {
  const api = await testApi({ rateLimit: { authMax: 100 } });
  const { customerId, token } = await api.customer('ann@example.com', 'old-password');
  const change = (currentPassword: string, newPassword: string, key?: string) =>
    api.send({
      method: 'PUT',
      url: '/customers/me/password',
      token,
      headers: key === undefined ? {} : { 'idempotency-key': key },
      payload: { currentPassword, newPassword },
    });
  const wrong = await change('not-the-password', 'new-password');
  expectProblem(wrong, 403, 'wrong_password');
  assert.not.ok(wrong.text.includes('not-the-password') || wrong.text.includes('new-password'));
  const short = expectProblem(await change('old-password', 'short'), 400, 'invalid_request');
  assert.equal(short.errors, [{ path: 'newPassword', expected: 'Password', actual: '<hidden>' }]);
  const changed = await change('old-password', 'new-password', 'pw-1');
  assert.is(changed.status, 200, changed.text);
  assert.equal(changed.body, { customerId, email: 'ann@example.com', emailVerified: false });
  assert.not.ok(changed.text.includes('password'), 'neither password nor hash in the answer');
  const login = (password: string) =>
    api.send({ method: 'POST', url: '/auth/token', payload: { email: 'ann@example.com', password } });
  expectProblem(await login('old-password'), 401, 'invalid_credentials');
  assert.is((await login('new-password')).status, 200);
  expectProblem(
    await api.send({
      method: 'PUT',
      url: '/customers/me/password',
      payload: { currentPassword: 'x', newPassword: 'new-password-2' },
    }),
    401,
  );
  expectProblem(
    await api.send({
      method: 'PUT',
      url: '/customers/me/password',
      token: await api.adminToken(),
      payload: { currentPassword: 'x', newPassword: 'new-password-2' },
    }),
    403,
  );
  await api.close();
});

test('an admin resets a password, which unlocks the account, and marks an address verified', async () => {
  const api = await testApi({ rateLimit: { authMax: 100 } });
  const { customerId, token: customerToken } = await api.customer('ann@example.com', 'right-password');
  const adminToken = await api.adminToken();
  const login = (password: string) =>
    api.send({ method: 'POST', url: '/auth/token', payload: { email: 'ann@example.com', password } });
  for (let i = 0; i < MAX_FAILED_LOGINS; i++) await login('wrong-password');
  expectProblem(await login('right-password'), 401, 'customer_locked');
  const reset = await api.send({
    method: 'PUT',
    url: `/customers/${customerId}/password`,
    token: adminToken,
    payload: { newPassword: 'reset-password' },
  });
  assert.is(reset.status, 200, reset.text);
  assert.is((await login('reset-password')).status, 200, 'unlocked, with the new password');
  expectProblem(
    await api.send({
      method: 'PUT',
      url: '/customers/nobody/password',
      token: adminToken,
      payload: { newPassword: 'reset-password' },
    }),
    404,
  );
  expectProblem(
    await api.send({
      method: 'PUT',
      url: `/customers/${customerId}/password`,
      token: customerToken,
      payload: { newPassword: 'reset-password' },
    }),
    403,
  );
  const verified = await api.send({
    method: 'POST',
    url: `/customers/${customerId}/email-verification`,
    token: adminToken,
  });
  assert.is(verified.status, 200, verified.text);
  assert.equal(verified.body, { customerId, email: 'ann@example.com', emailVerified: true });
  expectProblem(
    await api.send({ method: 'POST', url: `/customers/${customerId}/email-verification`, token: adminToken }),
    409,
    'email_already_verified',
  );
  expectProblem(
    await api.send({ method: 'POST', url: '/customers/nobody/email-verification', token: adminToken }),
    404,
  );
  const me = await api.send({ method: 'GET', url: '/customers/me', token: customerToken });
  assert.is((me.body as { emailVerified: boolean }).emailVerified, true);
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
