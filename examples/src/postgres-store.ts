// Ordo on PostgreSQL in one file: the event store with an outbox and an inline projection in the
// append transaction, commands through the kernel's command handler, reads, a live subscription
// woken by NOTIFY, an async projection with its checkpoint, the outbox relay feeding a consumer
// that deduplicates through the inbox, snapshots, a tenant-scoped read and a soft delete.
//
//   DATABASE_URL=postgres://user:password@localhost:5432/mydb npm run example:postgres
//
// Everything lives in the schema `ordo_example`, which the example drops and creates again at the
// start (so every run prints the same); nothing else in the database is touched.
import {
  createAsyncProjectionRunner,
  createPostgresEventStore,
  createPostgresOutboxRelay,
  EXTRA_MIGRATIONS,
  inlineProjectionHook,
  type Migration,
  outboxHook,
  PostgresCheckpointStore,
  PostgresEventStore,
  PostgresInbox,
  PostgresOutbox,
  PostgresSnapshotStore,
} from '@ordo/adapter-postgres';
import {
  accept,
  createCommandHandler,
  type Decider,
  defineMessages,
  domainError,
  everyNEvents,
  isWrongExpectedVersionError,
  type MessageOf,
  narrowStore,
  type OutgoingMessage,
  type ProjectionHandler,
  type Publisher,
  reject,
} from '@ordo/kernel';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { pathToFileURL } from 'node:url';
import pg, { type PoolClient } from 'pg';

export const SCHEMA = 'ordo_example';
const table = (name: string) => `${SCHEMA}.${name}`;

// 1. Commands, events and the decider (the cart of quick-start.ts).
const CartCommands = defineMessages({
  AddItem: { cartId: t.string, sku: t.string, quantity: t.number },
  CheckOut: { cartId: t.string },
});
type CartCommand = MessageOf<typeof CartCommands>;
const CartEvents = defineMessages({
  ItemAdded: { cartId: t.string, sku: t.string, quantity: t.number },
  CartCheckedOut: { cartId: t.string, items: t.number },
});
type CartEvent = MessageOf<typeof CartEvents>;

type Cart = { readonly items: number; readonly checkedOut: boolean };
const cart: Decider<CartCommand, CartEvent, Cart> = {
  initialState: { items: 0, checkedOut: false },
  decide: (command, state) => {
    if (state.checkedOut) return reject(domainError('cart_checked_out', 'the cart is already checked out'));
    switch (command.type) {
      case 'AddItem':
        if (command.quantity <= 0) return reject(domainError('invalid_quantity', 'quantity must be positive'));
        return accept({ type: 'ItemAdded', cartId: command.cartId, sku: command.sku, quantity: command.quantity });
      case 'CheckOut':
        if (state.items === 0) return reject(domainError('empty_cart', 'nothing to check out'));
        return accept({ type: 'CartCheckedOut', cartId: command.cartId, items: state.items });
    }
  },
  evolve: (state, event) =>
    event.type === 'ItemAdded' ? { ...state, items: state.items + event.quantity } : { ...state, checkedOut: true },
};

// 2. Read-model tables: your own migration, applied with the store's (versions >= 100).
const readModels: Migration = {
  version: 1000,
  name: 'example read models',
  sql: ({ quoted: s }) => `
    CREATE TABLE ${s}.units_per_sku (sku text PRIMARY KEY, units integer NOT NULL);
    CREATE TABLE ${s}.orders_to_ship (cart_id text PRIMARY KEY, tenant_id text, items integer NOT NULL);
    CREATE TABLE ${s}.mails_sent (id bigserial PRIMARY KEY, cart_id text NOT NULL, message_id text NOT NULL);`,
};

// 3. Projections as SQL handlers on the transaction's client.
/** Inline: runs inside the append transaction, so the table changes in the same commit as the events. */
const unitsPerSku: ProjectionHandler<CartEvent, PoolClient> = {
  name: 'units-per-sku',
  eventTypes: ['ItemAdded'],
  handle: async (events, client) => {
    for (const { event } of events) {
      if (event.type !== 'ItemAdded') continue;
      await client.query(
        `INSERT INTO ${table('units_per_sku')} AS u (sku, units) VALUES ($1, $2)
         ON CONFLICT (sku) DO UPDATE SET units = u.units + EXCLUDED.units`,
        [event.sku, event.quantity],
      );
    }
  },
};
/** Async: run by a runner, each batch in one transaction with the projection's checkpoint. */
const ordersToShip: ProjectionHandler<CartEvent, PoolClient> = {
  name: 'orders-to-ship',
  eventTypes: ['CartCheckedOut'],
  handle: async (events, client) => {
    for (const { event, metadata } of events) {
      if (event.type !== 'CartCheckedOut') continue;
      await client.query(`INSERT INTO ${table('orders_to_ship')} (cart_id, tenant_id, items) VALUES ($1, $2, $3)`, [
        event.cartId,
        metadata.tenantId ?? null,
        event.items,
      ]);
    }
  },
};

/** What the example did, for its test. */
export interface PostgresExampleResult {
  /** Outcome of each command, by label. */
  readonly commands: Readonly<Record<string, string>>;
  /** `cart-1` as `version:type@position`. */
  readonly cartOne: ReadonlyArray<string>;
  /** Every global position of `readAll` before the soft delete. */
  readonly positions: ReadonlyArray<bigint>;
  readonly conflict: { readonly expected: string; readonly actual: string };
  /** Event ids `readAll({ tenantId: 'globex' })` answered. */
  readonly globexEvents: ReadonlyArray<string>;
  readonly unitsPerSku: Readonly<Record<string, number>>;
  readonly snapshotVersion: bigint | undefined;
  readonly live: {
    readonly eventId: string;
    readonly position: bigint;
    readonly ms: number;
    readonly listening: boolean;
  };
  readonly ordersToShip: ReadonlyArray<{
    readonly cartId: string;
    readonly tenantId: string | null;
    readonly items: number;
  }>;
  readonly checkpoint: bigint | undefined;
  readonly relay: {
    readonly pendingBefore: number;
    readonly published: ReadonlyArray<string>;
    readonly pendingAfter: number;
    readonly redelivered: ReadonlyArray<string>;
    readonly mailsSent: number;
  };
  readonly softDelete: {
    readonly deleted: boolean;
    readonly readStream: number;
    readonly stillInAll: number;
    readonly restartedAt: string;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the whole example against `databaseUrl`; `log` receives what it prints. */
export const main = async (
  databaseUrl: string,
  log: (line: string) => void = (line) => console.log(line),
): Promise<PostgresExampleResult> => {
  const show = (label: string, value: unknown) => log(`${label.padEnd(26)} ${String(value)}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);

  // 4. The store: migrates the schema (event store, the adapter's extra tables, ours), and runs two
  //    hooks in every append transaction: the inline projection and the outbox writer. The outbox
  //    routing sends only checkouts, to the topic `checkouts`.
  const store = await createPostgresEventStore({
    pool,
    schema: SCHEMA,
    extraMigrations: [...EXTRA_MIGRATIONS, readModels],
    inTransaction: [
      inlineProjectionHook(unitsPerSku),
      outboxHook<CartEvent>(SCHEMA, (e) => (e.event.type === 'CartCheckedOut' ? { topic: 'checkouts' } : undefined)),
    ],
  });
  const carts = narrowStore<CartEvent>(store);
  const snapshots = new PostgresSnapshotStore({ pool, schema: SCHEMA });

  // 5. The command handler: load (snapshot, then newer events), decide, append with the loaded
  //    version, retry on conflict. Every third event of a stream it stores a snapshot.
  const handler = createCommandHandler({
    decider: cart,
    store: carts,
    streamId: (command: CartCommand) => `cart-${command.cartId}`,
    commandCodec: CartCommands.codec,
    eventCodec: CartEvents.codec,
    snapshots: { store: snapshots, deciderVersion: 'cart-v1', policy: everyNEvents(3) },
  });
  const commands: Record<string, string> = {};
  const run = async (label: string, command: CartCommand, commandId: string, tenantId: string) => {
    const result = await handler.handle(command, { commandId, occurredAt: '2026-01-01T12:00:00Z', tenantId });
    commands[label] = E.isRight(result)
      ? `version ${result.right.version}${result.right.duplicate ? ' (duplicate)' : ''}`
      : `${result.left._tag}: ${result.left.message}`;
    show(label, commands[label]);
  };
  await run('acme: add 2 books', { type: 'AddItem', cartId: '1', sku: 'book', quantity: 2 }, 'c1', 'acme');
  await run('acme: add 1 pen', { type: 'AddItem', cartId: '1', sku: 'pen', quantity: 1 }, 'c2', 'acme');
  await run('acme: same command again', { type: 'AddItem', cartId: '1', sku: 'pen', quantity: 1 }, 'c2', 'acme');
  await run('acme: check out', { type: 'CheckOut', cartId: '1' }, 'c3', 'acme');
  await run('globex: add 1 mug', { type: 'AddItem', cartId: '2', sku: 'mug', quantity: 1 }, 'c4', 'globex');

  // 6. Reads: one stream in version order, everything in global order, one tenant's events.
  const cartOne = (await carts.readStream('cart-1')).map(
    (e) => `${e.streamVersion}:${e.event.type}@${e.globalPosition}`,
  );
  show('stream cart-1', cartOne.join(', '));
  const positions = (await carts.readAll()).map((e) => e.globalPosition);
  show('$all positions', positions.join(', '));
  const globexEvents = (await carts.readAll({ tenantId: 'globex' })).map((e) => e.metadata.eventId);
  show('tenant globex reads', globexEvents.join(', '));

  // An append that expects an older version is refused with the stream's actual version.
  let conflict = { expected: '', actual: '' };
  try {
    await carts.appendToStream(
      'cart-1',
      [
        {
          event: { type: 'ItemAdded', cartId: '1', sku: 'late', quantity: 1 },
          metadata: {
            eventId: 'late:0',
            correlationId: 'late',
            causationId: 'late',
            occurredAt: '2026-01-01T12:00:00Z',
          },
        },
      ],
      { expectedVersion: 0n },
    );
  } catch (error) {
    if (!isWrongExpectedVersionError(error)) throw error;
    conflict = { expected: String(error.expected), actual: String(error.actual) };
    show('append expecting 0', `WrongExpectedVersionError, actual ${conflict.actual}`);
  }

  // The inline projection's table and the snapshot, both written as a side effect of the commands.
  const units = await pool.query<{ sku: string; units: number }>(
    `SELECT sku, units FROM ${table('units_per_sku')} ORDER BY sku`,
  );
  const unitsPerSkuModel = Object.fromEntries(units.rows.map((r) => [r.sku, r.units]));
  show('units per sku (inline)', JSON.stringify(unitsPerSkuModel));
  const snapshotVersion = (await snapshots.load('cart-1', 'cart-v1'))?.version;
  show('cart-1 snapshot at', snapshotVersion);

  // 7. A live subscription in a second store (as another process would have): LISTEN/NOTIFY wakes
  //    it when an append commits. Its poll interval is long on purpose, so a quick delivery shows
  //    NOTIFY at work (behind a transaction pooler, pass `listen: false` and a short interval).
  const reader = new PostgresEventStore({ pool, schema: SCHEMA, pollIntervalMs: 10_000 });
  let delivered: (event: { eventId: string; position: bigint }) => void = () => undefined;
  const deliveredLive = new Promise<{ eventId: string; position: bigint }>((resolve) => (delivered = resolve));
  const subscription = narrowStore<CartEvent>(reader).subscribeToAll({
    after: positions.at(-1) ?? 0n,
    onEvent: (e) => delivered({ eventId: e.metadata.eventId, position: e.globalPosition }),
  });
  await subscription.caughtUp;
  for (let waited = 0; !reader.listening && waited < 5_000; waited += 10) await sleep(10);
  const sentAt = Date.now();
  await run('globex: add 3 mugs', { type: 'AddItem', cartId: '2', sku: 'mug', quantity: 3 }, 'c5', 'globex');
  const liveEvent = await deliveredLive;
  const live = { ...liveEvent, ms: Date.now() - sentAt, listening: reader.listening };
  show('live subscription got', `${live.eventId} at ${live.position} (listening: ${live.listening})`);

  // 8. The async projection: batches of 2 events, each committed with the checkpoint. Several
  //    processes may run it; a lease lets one work at a time. Here: run until caught up.
  const runner = createAsyncProjectionRunner({
    pool,
    schema: SCHEMA,
    store: carts,
    projection: ordersToShip,
    owner: `example-${process.pid}`,
    batchSize: 2,
  });
  while ((await runner.runOnce()) > 0);
  const shipped = await pool.query<{ cart_id: string; tenant_id: string | null; items: number }>(
    `SELECT cart_id, tenant_id, items FROM ${table('orders_to_ship')} ORDER BY cart_id`,
  );
  const toShip = shipped.rows.map((r) => ({ cartId: r.cart_id, tenantId: r.tenant_id, items: r.items }));
  const checkpoint = await new PostgresCheckpointStore({ pool, schema: SCHEMA }).load(ordersToShip.name);
  show('orders to ship (async)', JSON.stringify(toShip));
  show('its checkpoint', checkpoint);

  // 9. Outbox -> relay -> consumer. The publisher hands each message to a consumer that sends a
  //    mail once per message id: the inbox row and the mail row commit in one transaction.
  const inbox = new PostgresInbox({ pool, schema: SCHEMA });
  const consume = async (message: OutgoingMessage): Promise<string> => {
    const decoded = CartEvents.codec.decode(message.payload); // untrusted input: decode it
    if (E.isLeft(decoded) || decoded.right.type !== 'CartCheckedOut') return 'ignored';
    const { cartId } = decoded.right;
    const outcome = await inbox.handleOnce('mailer', message.id, async (tx) => {
      await tx.query(`INSERT INTO ${table('mails_sent')} (cart_id, message_id) VALUES ($1, $2)`, [cartId, message.id]);
    });
    return outcome.duplicate ? 'duplicate' : 'mail sent';
  };
  const published: OutgoingMessage[] = [];
  const publisher: Publisher = {
    publish: async (messages) => {
      for (const message of messages) {
        published.push(message);
        show(`published to ${message.topic}`, `${message.id}: ${await consume(message)}`);
      }
    },
  };
  const outbox = new PostgresOutbox({ pool, schema: SCHEMA });
  const pendingBefore = await outbox.pending();
  const relay = createPostgresOutboxRelay({ pool, schema: SCHEMA, publisher, owner: `example-${process.pid}` });
  while ((await relay.runOnce()) > 0);
  const pendingAfter = await outbox.pending();
  // A relay that crashes between publish and mark publishes again: the inbox absorbs it.
  const redelivered: string[] = [];
  for (const message of published) redelivered.push(await consume(message));
  show('redelivered', redelivered.join(', '));
  const mails = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table('mails_sent')}`);
  const mailsSent = Number(mails.rows[0]?.n);
  show('mails sent', mailsSent);

  // 10. Soft delete: stream reads forget cart-2, $all keeps its events, the id starts again at 0.
  const deleted = await store.deleteStream('cart-2');
  const readAfter = (await carts.readStream('cart-2')).length;
  const stillInAll = (await carts.readAll()).filter((e) => e.streamId === 'cart-2').length;
  await run('globex: cart 2 again', { type: 'AddItem', cartId: '2', sku: 'pen', quantity: 1 }, 'c6', 'globex');
  show('cart-2 after delete', `${readAfter} events in its stream, ${stillInAll} in $all`);

  // 11. Close: the subscription, the workers (stop releases their leases), the stores, the pool.
  await subscription.stop();
  await runner.stop();
  await relay.stop();
  await reader.close();
  await store.close(); // waits for queued appends; the store never ends a pool it was given
  await pool.end();

  return {
    commands,
    cartOne,
    positions,
    conflict,
    globexEvents,
    unitsPerSku: unitsPerSkuModel,
    snapshotVersion,
    live,
    ordersToShip: toShip,
    checkpoint,
    relay: {
      pendingBefore,
      published: published.map((m) => m.id),
      pendingAfter,
      redelivered,
      mailsSent,
    },
    softDelete: { deleted, readStream: readAfter, stillInAll, restartedAt: commands['globex: cart 2 again'] ?? '' },
  };
};

// Run when executed directly (not when imported by the test).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    console.error('Set DATABASE_URL, e.g. DATABASE_URL=postgres://user:password@localhost:5432/mydb');
    process.exit(1);
  }
  await main(url);
}
