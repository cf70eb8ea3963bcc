import { inventoryDecider, inventoryStreamId, reservedQuantity, type StockState } from '@ordo/domains';
import * as t from 'io-ts';
import { Bodies, PathId, Views } from '../codecs';
import { type AnyRoute, defineRoute, execute, expectedVersionOf } from '../route-kit';

/** One sku's stock as the receipt answers it. */
export const StockView = t.type(
  { sku: t.string, received: t.Int, available: t.Int, reserved: t.Int, shipped: t.Int },
  'Stock',
);

const stockView = (sku: string, state: StockState) => ({
  sku,
  received: state.received,
  available: state.available,
  reserved: reservedQuantity(state),
  shipped: state.shipped,
});

/** Inventory (admin): receive stock for a sku, read every sku's stock levels. */
export const inventoryRoutes: ReadonlyArray<AnyRoute> = [
  defineRoute({
    method: 'POST',
    path: '/inventory/{sku}/receipts',
    operationId: 'receiveStock',
    summary: 'Receive stock of a sku (admin)',
    tag: 'inventory',
    access: 'admin',
    params: { sku: PathId },
    body: Bodies.ReceiveStock,
    idempotent: true,
    ifMatch: true,
    responses: { 200: { description: 'the sku’s stock after the receipt', view: StockView, etag: true } },
    errors: [412, 422],
    handle: async (context) => {
      const sku = context.params.sku ?? '';
      const expected = await expectedVersionOf(
        context.ifMatch,
        async () => (await context.reader.read(inventoryDecider, inventoryStreamId({ sku }))).version,
      );
      const done = await execute<StockState>(
        context,
        { type: 'ReceiveStock', sku, quantity: context.body.quantity, at: context.now },
        expected,
      );
      return {
        status: 200,
        body: stockView(sku, done.state),
        ...(done.version === undefined ? {} : { etag: done.version }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/inventory/levels',
    operationId: 'stockLevels',
    summary: 'Stock per sku: received = available + reserved + shipped (admin; as of the last projection step)',
    tag: 'inventory',
    access: 'admin',
    responses: { 200: { description: 'stock levels by sku', view: Views.StockLevels } },
    handle: async ({ host }) => ({ status: 200, body: await host.stockLevels() }),
  }),
];
