import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectProblem, orderBody, testApi } from '../http-test-kit';

test('a customer places an order (id generated), reads it with its ETag and sees it complete', async () => {
  const api = await testApi();
  await api.shop();
  const { customerId, token } = await api.customer('ann@example.com');
  const placed = await api.send({ method: 'POST', url: '/orders', token, payload: orderBody() });
  assert.is(placed.status, 201, placed.text);
  const order = placed.body as { orderId: string; customerId: string; status: string; total: number };
  assert.ok(order.orderId.startsWith('o-'));
  assert.is(order.customerId, customerId);
  assert.is(order.status, 'placed');
  assert.is(order.total, 1200);
  assert.is(placed.headers.etag, '"0"');
  assert.is(placed.headers.location, `/orders/${order.orderId}`);
  await api.host.runUntilIdle();
  const read = await api.send({ method: 'GET', url: `/orders/${order.orderId}`, token });
  assert.is((read.body as { status: string }).status, 'completed');
  assert.ok(Number(String(read.headers.etag).replaceAll('"', '')) > 0);
  const mine = await api.send({ method: 'GET', url: '/orders', token });
  assert.equal(
    (mine.body as { orders: Array<{ orderId: string; status: string }> }).orders.map((o) => [o.orderId, o.status]),
    [[order.orderId, 'completed']],
  );
  await api.close();
});

test('another customer’s order is a 404, not a 403; an admin sees every order', async () => {
  const api = await testApi();
  await api.shop();
  const ann = await api.customer('ann@example.com');
  const bob = await api.customer('bob@example.com');
  await api.send({ method: 'POST', url: '/orders', token: ann.token, payload: orderBody({ orderId: 'ann-1' }) });
  expectProblem(await api.send({ method: 'GET', url: '/orders/ann-1', token: bob.token }), 404, 'not_found');
  expectProblem(await api.send({ method: 'GET', url: '/orders/nobody', token: bob.token }), 404, 'not_found');
  expectProblem(
    await api.send({ method: 'POST', url: '/orders/ann-1/cancel', token: bob.token, payload: { reason: 'mine now' } }),
    404,
  );
  await api.host.runUntilIdle();
  assert.equal((await api.send({ method: 'GET', url: '/orders', token: bob.token })).body, { orders: [] });
  expectProblem(await api.send({ method: 'GET', url: `/orders?customerId=${ann.customerId}`, token: bob.token }), 403);
  const adminToken = await api.adminToken();
  assert.is((await api.send({ method: 'GET', url: '/orders/ann-1', token: adminToken })).status, 200);
  const listed = await api.send({ method: 'GET', url: `/orders?customerId=${ann.customerId}`, token: adminToken });
  assert.is((listed.body as { orders: unknown[] }).orders.length, 1);
  expectProblem(await api.send({ method: 'GET', url: '/orders?customerId=bad%20id', token: adminToken }), 400);
  expectProblem(await api.send({ method: 'POST', url: '/orders', token: adminToken, payload: orderBody() }), 403);
  await api.close();
});

test('cancelling: If-Match checks the version, a cancelled order cannot be cancelled again (409)', async () => {
  const api = await testApi();
  await api.shop();
  const { token } = await api.customer('ann@example.com');
  await api.send({ method: 'POST', url: '/orders', token, payload: orderBody({ orderId: 'o1' }) });
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/orders/o1/cancel',
      token,
      headers: { 'if-match': '"7"' },
      payload: { reason: 'x' },
    }),
    412,
  );
  const cancelled = await api.send({
    method: 'POST',
    url: '/orders/o1/cancel',
    token,
    headers: { 'if-match': '"0"' },
    payload: { reason: 'changed my mind' },
  });
  assert.is(cancelled.status, 200, cancelled.text);
  assert.equal((cancelled.body as { status: string; cancelReason: string }).cancelReason, 'changed my mind');
  assert.is(cancelled.headers.etag, '"1"');
  expectProblem(
    await api.send({ method: 'POST', url: '/orders/o1/cancel', token, payload: { reason: 'again' } }),
    409,
    'order_cancelled',
  );
  expectProblem(await api.send({ method: 'POST', url: '/orders/o1/cancel', token, payload: { reason: '   ' } }), 400);
  await api.close();
});

test('bad order bodies are 400s naming each field; a placed order id again is a 409', async () => {
  const api = await testApi();
  await api.shop();
  const { token } = await api.customer('ann@example.com');
  const bad = expectProblem(
    await api.send({
      method: 'POST',
      url: '/orders',
      token,
      payload: {
        lines: [{ sku: 'mug', quantity: 0, unitPrice: 1200 }],
        currency: 'EUR',
        shippingAddress: { name: 'Ada' },
      },
    }),
    400,
  );
  const paths = (bad.errors as Array<{ path: string }>).map((e) => e.path);
  assert.ok(paths.includes('lines.0.quantity'), paths.join());
  assert.ok(paths.includes('shippingAddress.line1'), paths.join());
  expectProblem(await api.send({ method: 'POST', url: '/orders', token, payload: orderBody({ lines: [] }) }), 400);
  await api.send({ method: 'POST', url: '/orders', token, payload: orderBody({ orderId: 'o1' }) });
  expectProblem(
    await api.send({ method: 'POST', url: '/orders', token, payload: orderBody({ orderId: 'o1' }) }),
    409,
    'order_already_placed',
  );
  await api.close();
});

test('Idempotency-Key: the same key and body answer the first response again; another body is a 422', async () => {
  const api = await testApi();
  await api.shop();
  const { token } = await api.customer('ann@example.com');
  const headers = { 'idempotency-key': 'checkout-42' };
  const first = await api.send({ method: 'POST', url: '/orders', token, headers, payload: orderBody() });
  const again = await api.send({ method: 'POST', url: '/orders', token, headers, payload: orderBody() });
  assert.is(first.status, 201);
  assert.is(again.status, 201);
  assert.is(again.text, first.text);
  assert.is(again.headers['idempotent-replayed'], 'true');
  expectProblem(
    await api.send({ method: 'POST', url: '/orders', token, headers, payload: orderBody({}, 2) }),
    422,
    'idempotency_key_reused',
  );
  await api.host.runUntilIdle();
  assert.is(
    ((await api.send({ method: 'GET', url: '/orders', token })).body as { orders: unknown[] }).orders.length,
    1,
  );
  expectProblem(
    await api.send({
      method: 'POST',
      url: '/orders',
      token,
      headers: { 'idempotency-key': 'bad key' },
      payload: orderBody(),
    }),
    400,
  );
  await api.close();
});

test('without the remembered answer (another process), the key still derives the same order and command id', async () => {
  const api = await testApi({ idempotency: { maxEntries: 1 } });
  await api.shop();
  const { token } = await api.customer('ann@example.com');
  const first = await api.send({
    method: 'POST',
    url: '/orders',
    token,
    headers: { 'idempotency-key': 'k1' },
    payload: orderBody(),
  });
  await api.send({ method: 'POST', url: '/orders', token, headers: { 'idempotency-key': 'k2' }, payload: orderBody() });
  const retried = await api.send({
    method: 'POST',
    url: '/orders',
    token,
    headers: { 'idempotency-key': 'k1' },
    payload: orderBody(),
  });
  assert.is(retried.headers['idempotent-replayed'], undefined, 'forgotten: evicted by k2');
  assert.is(retried.status, 201);
  assert.is((retried.body as { orderId: string }).orderId, (first.body as { orderId: string }).orderId);
  assert.is(retried.headers.etag, '"0"', 'nothing appended again');
  await api.close();
});

test.run();
