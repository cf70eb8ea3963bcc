import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectProblem, orderBody, testApi } from '../http-test-kit';

test('a completed order’s payment and shipment: readable by its customer and admins, 404 for others', async () => {
  const api = await testApi();
  await api.shop();
  const ann = await api.customer('ann@example.com');
  const bob = await api.customer('bob@example.com');
  await api.send({ method: 'POST', url: '/orders', token: ann.token, payload: orderBody({ orderId: 'o1' }) });
  await api.host.runUntilIdle();
  const order = (await api.send({ method: 'GET', url: '/orders/o1', token: ann.token })).body as {
    paymentId: string;
    shipmentId: string;
  };
  const payment = await api.send({ method: 'GET', url: `/payments/${order.paymentId}`, token: ann.token });
  assert.is(payment.status, 200, payment.text);
  assert.is((payment.body as { captured: number }).captured, 1200);
  assert.ok(typeof payment.headers.etag === 'string');
  const shipment = await api.send({ method: 'GET', url: `/shipments/${order.shipmentId}`, token: ann.token });
  assert.is((shipment.body as { status: string }).status, 'delivered');
  expectProblem(await api.send({ method: 'GET', url: `/payments/${order.paymentId}`, token: bob.token }), 404);
  expectProblem(await api.send({ method: 'GET', url: `/shipments/${order.shipmentId}`, token: bob.token }), 404);
  const adminToken = await api.adminToken();
  assert.is((await api.send({ method: 'GET', url: `/payments/${order.paymentId}`, token: adminToken })).status, 200);
  assert.is((await api.send({ method: 'GET', url: `/shipments/${order.shipmentId}`, token: adminToken })).status, 200);
  expectProblem(await api.send({ method: 'GET', url: '/payments/none', token: adminToken }), 404);
  expectProblem(await api.send({ method: 'GET', url: '/shipments/none', token: adminToken }), 404);
  expectProblem(await api.send({ method: 'GET', url: `/payments/${order.paymentId}` }), 401);
  await api.close();
});

test('analytics are for admins: revenue and funnel after an order completes', async () => {
  const api = await testApi();
  await api.shop();
  const ann = await api.customer('ann@example.com');
  await api.send({ method: 'POST', url: '/orders', token: ann.token, payload: orderBody({ orderId: 'o1' }) });
  await api.host.runUntilIdle();
  const token = await api.adminToken();
  const revenue = await api.send({ method: 'GET', url: '/analytics/revenue', token });
  assert.equal(revenue.body, {
    byDay: { '2024-05-01': { EUR: { gross: 1200, refunded: 0, net: 1200, orders: 1 } } },
    bySku: { mug: { EUR: { quantity: 1, revenue: 1200 } } },
  });
  const funnel = await api.send({ method: 'GET', url: '/analytics/funnel', token });
  assert.is((funnel.body as { completed: number }).completed, 1);
  expectProblem(await api.send({ method: 'GET', url: '/analytics/revenue', token: ann.token }), 403);
  expectProblem(await api.send({ method: 'GET', url: '/analytics/funnel' }), 401);
  await api.close();
});

test.run();
