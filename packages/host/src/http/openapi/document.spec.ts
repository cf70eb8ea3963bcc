import { Validator } from '@seriousme/openapi-schema-validator';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testApi } from '../http-test-kit';

test('the served document is valid OpenAPI 3.1', async () => {
  const api = await testApi();
  const served = (await api.send({ method: 'GET', url: '/openapi.json' })).body as Record<string, unknown>;
  const validator = new Validator();
  const result = await validator.validate(served);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.is(validator.version, '3.1');
  await api.close();
});

test('every route is documented with its errors, bearer security and problem+json answers', async () => {
  const api = await testApi();
  const { paths } = api.server.openapi;
  const operations = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
  assert.is(operations.length, 25, operations.map((o) => `${o.method} ${o.path}`).join('\n'));
  const placeOrder = paths['/orders']?.post;
  assert.ok(placeOrder !== undefined);
  for (const status of ['201', '400', '401', '403', '409', '413', '415', '422', '429', '500']) {
    assert.ok(Object.hasOwn(placeOrder.responses, status), `POST /orders documents ${status}`);
  }
  assert.equal(placeOrder.security, [{ bearer: [] }]);
  assert.ok(Object.hasOwn(paths['/orders/{orderId}/cancel']?.post?.responses ?? {}, '412'));
  assert.equal(paths['/catalog']?.get?.security, []);
  const schemas = api.server.openapi.components.schemas;
  assert.equal(schemas.PlaceOrderBody?.required, ['lines', 'currency', 'shippingAddress']);
  assert.equal(schemas.PlaceOrderBody?.properties?.lines?.minItems, 1);
  assert.equal(schemas.ChangePriceBody?.required, ['price']);
  assert.equal(schemas.ChangePasswordBody?.required, ['currentPassword', 'newPassword']);
  assert.is(schemas.ChangePasswordBody?.properties?.newPassword?.minLength, 8);
  assert.equal(paths['/customers/{customerId}/password']?.put?.security, [{ bearer: [] }]);
  await api.close();
});

test.run();
