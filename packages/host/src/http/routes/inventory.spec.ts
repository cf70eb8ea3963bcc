import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectProblem, testApi } from '../http-test-kit';

test('admins receive stock (with If-Match) and read the stock levels', async () => {
  const api = await testApi();
  const token = await api.adminToken();
  const first = await api.send({ method: 'POST', url: '/inventory/mug/receipts', token, payload: { quantity: 5 } });
  assert.is(first.status, 200, first.text);
  assert.equal(first.body, { sku: 'mug', received: 5, available: 5, reserved: 0, shipped: 0 });
  assert.is(first.headers.etag, '"0"');
  const second = await api.send({
    method: 'POST',
    url: '/inventory/mug/receipts',
    token,
    headers: { 'if-match': '"0"' },
    payload: { quantity: 3 },
  });
  assert.is((second.body as { available: number }).available, 8);
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/inventory/mug/receipts',
      token,
      headers: { 'if-match': '"0"' },
      payload: { quantity: 1 },
    }),
    412,
  );
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/inventory/new-sku/receipts',
      token,
      headers: { 'if-match': '*' },
      payload: { quantity: 1 },
    }),
    412,
  );
  expectProblem(
    await api.send({ method: 'POST', url: '/inventory/mug/receipts', token, payload: { quantity: 1.5 } }),
    400,
  );
  await api.host.runUntilIdle();
  const levels = await api.send({ method: 'GET', url: '/inventory/levels', token });
  assert.equal(levels.body, { mug: { received: 8, available: 8, reserved: 0, shipped: 0 } });
  const { token: customer } = await api.customer('ann@example.com');
  expectProblem(await api.send({ method: 'GET', url: '/inventory/levels', token: customer }), 403);
  expectProblem(await api.send({ method: 'GET', url: '/inventory/levels' }), 401);
  await api.close();
});

test.run();
