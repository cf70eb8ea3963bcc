import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { catalogStreamId } from '@ordo/domains';
import type { EventStore } from '@ordo/kernel';
import { HostTokens, resolveService } from '../../composition/tokens';
import { at, expectProblem, testApi } from '../http-test-kit';

test('admins add products; the public catalog lists them after the projection step', async () => {
  const api = await testApi();
  const token = await api.adminToken();
  const added = await api.send({
    method: 'POST',
    url: '/catalog/products',
    token,
    payload: { sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR' },
  });
  assert.is(added.status, 201);
  assert.is(added.headers.etag, '"0"');
  assert.is(added.headers.location, '/catalog/products/mug');
  assert.equal(added.body, { sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', status: 'active' });
  await api.host.runUntilIdle();
  const listed = await api.send({ method: 'GET', url: '/catalog' });
  assert.is(listed.status, 200);
  assert.equal(
    (listed.body as { products: Array<{ sku: string }> }).products.map((p) => p.sku),
    ['mug'],
  );
  const one = await api.send({ method: 'GET', url: '/catalog/products/mug' });
  assert.is(one.headers.etag, '"0"');
  expectProblem(await api.send({ method: 'GET', url: '/catalog/products/nope' }), 404, 'not_found');
  await api.close();
});

test("two writes naming the same version: one is a 412 naming the new version; the winner's retry still answers 200", async () => {
  const api = await testApi();
  await api.shop();
  const token = await api.adminToken();
  const write = (price: number, key: string) =>
    api.send({
      method: 'PUT',
      url: '/catalog/products/mug/price',
      token,
      headers: { 'if-match': '"0"', 'idempotency-key': key },
      payload: { price },
    });
  // Both are in flight before either is handled: a read-then-check would let both through.
  const [a, b] = await Promise.all([write(1500, 'race-a'), write(1600, 'race-b')]);
  assert.equal([a.status, b.status].sort(), [200, 412], `${a.text} / ${b.text}`);
  const lost = a.status === 412 ? a : b;
  expectProblem(lost, 412, 'precondition_failed');
  assert.is(lost.headers.etag, '"1"', 'the 412 names the version the winner made');
  // The winner's retry (same key, same body) answers as the first time, though "0" is stale now.
  const winner = a.status === 200 ? { price: 1500, key: 'race-a' } : { price: 1600, key: 'race-b' };
  const again = await write(winner.price, winner.key);
  assert.is(again.status, 200, again.text);
  assert.is(again.headers.etag, '"1"');
  const product = await api.send({ method: 'GET', url: '/catalog/products/mug' });
  assert.is((product.body as { price: number }).price, winner.price);
  assert.is(product.headers.etag, '"1"', 'one price change stored');
  await api.close();
});

test('If-Match holds the command to the version it matched: a write landing after the check is a 412', async () => {
  const api = await testApi();
  await api.shop();
  const token = await api.adminToken();
  // The route reads the product (several versions in If-Match need the current one); right after
  // that read, before the route's command, another write re-prices the product.
  const store: EventStore = resolveService(api.host.container, HostTokens.EventStore);
  const readStream = store.readStream.bind(store);
  let armed = true;
  store.readStream = async (streamId, options) => {
    const events = await readStream(streamId, options);
    if (armed && streamId === catalogStreamId({ sku: 'mug' })) {
      armed = false;
      await api.host.execute(
        { type: 'ChangePrice', sku: 'mug', price: 1700, at },
        { commandId: 'rival', occurredAt: at },
      );
    }
    return events;
  };
  const late = await api.send({
    method: 'PUT',
    url: '/catalog/products/mug/price',
    token,
    headers: { 'if-match': '"0", "5"' },
    payload: { price: 1500 },
  });
  assert.not.ok(armed, 'the rival write ran between the read and the command');
  expectProblem(late, 412, 'precondition_failed');
  assert.is(late.headers.etag, '"1"');
  const product = await api.send({ method: 'GET', url: '/catalog/products/mug' });
  assert.is((product.body as { price: number }).price, 1700, 'the rival price stands; the late write changed nothing');
  await api.close();
});

test('a product added twice is a 409 with the domain code; a bad field a 400 naming it', async () => {
  const api = await testApi();
  const token = await api.adminToken();
  const body = { sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR' };
  await api.send({ method: 'POST', url: '/catalog/products', token, payload: body });
  expectProblem(
    await api.send({ method: 'POST', url: '/catalog/products', token, payload: body }),
    409,
    'product_already_exists',
  );
  const bad = expectProblem(
    await api.send({
      method: 'POST',
      url: '/catalog/products',
      token,
      payload: { ...body, price: 0, currency: 'eur' },
    }),
    400,
    'invalid_request',
  );
  assert.equal(bad.errors, [
    { path: 'price', expected: 'PositiveInt', actual: 0 },
    { path: 'currency', expected: 'Currency', actual: 'eur' },
  ]);
  await api.close();
});

test('changing a price honours If-Match: the current ETag passes, a stale one is a 412', async () => {
  const api = await testApi();
  await api.shop();
  const token = await api.adminToken();
  const changed = await api.send({
    method: 'PUT',
    url: '/catalog/products/mug/price',
    token,
    headers: { 'if-match': '"0"' },
    payload: { price: 1500 },
  });
  assert.is(changed.status, 200, changed.text);
  assert.is(changed.headers.etag, '"1"');
  assert.is((changed.body as { price: number }).price, 1500);
  const stale = await api.send({
    method: 'PUT',
    url: '/catalog/products/mug/price',
    token,
    headers: { 'if-match': '"0"' },
    payload: { price: 1600 },
  });
  expectProblem(stale, 412, 'precondition_failed');
  assert.is(stale.headers.etag, '"1"');
  expectProblem(
    await api.send({
      method: 'PUT',
      url: '/catalog/products/mug/price',
      token,
      headers: { 'if-match': 'W/"1"' },
      payload: { price: 1 },
    }),
    400,
  );
  expectProblem(
    await api.send({
      method: 'PUT',
      url: '/catalog/products/mug/price',
      token,
      payload: { price: 1, currency: 'USD' },
    }),
    422,
    'currency_mismatch',
  );
  expectProblem(
    await api.send({ method: 'PUT', url: '/catalog/products/ghost/price', token, payload: { price: 1 } }),
    404,
    'product_not_found',
  );
  await api.close();
});

test('discontinuing takes a product off the listing; re-pricing it then is a 409', async () => {
  const api = await testApi();
  await api.shop();
  const token = await api.adminToken();
  const gone = await api.send({ method: 'POST', url: '/catalog/products/tea/discontinue', token });
  assert.is(gone.status, 200, gone.text);
  assert.is((gone.body as { status: string }).status, 'discontinued');
  expectProblem(
    await api.send({ method: 'PUT', url: '/catalog/products/tea/price', token, payload: { price: 5 } }),
    409,
    'product_discontinued',
  );
  await api.host.runUntilIdle();
  const listed = await api.send({ method: 'GET', url: '/catalog' });
  assert.equal(
    (listed.body as { products: Array<{ sku: string }> }).products.map((p) => p.sku),
    ['mug'],
  );
  await api.close();
});

test('catalog writes need the admin role: 401 without a token, 403 for a customer', async () => {
  const api = await testApi();
  const body = { sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR' };
  const anonymous = expectProblem(await api.send({ method: 'POST', url: '/catalog/products', payload: body }), 401);
  assert.is(anonymous.code, 'unauthorized');
  const { token } = await api.customer('ann@example.com');
  expectProblem(await api.send({ method: 'POST', url: '/catalog/products', token, payload: body }), 403, 'forbidden');
  await api.close();
});

test.run();
