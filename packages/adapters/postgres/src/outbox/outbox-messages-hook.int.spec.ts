import { type OutboxMapping, type RecordedEvent, messageHeaders } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { migrateExtras } from '../schema/extra-migrations';
import { qualified } from '../schema/qualified-name';
import { type ExtrasDatabase, invalidInput, newEvent, openExtrasDatabase, thrown } from '../test-support';
import { outboxHook, outboxMessagesHook } from './postgres-outbox';

let db: ExtrasDatabase;
test.before(async () => {
  db = await openExtrasDatabase('pg_outbox_messages_hook');
});
test.after(async () => {
  await db.close();
});

let schemas = 0;
const freshSchema = async (): Promise<string> => {
  const schema = `hook_t${++schemas}`;
  await migrateExtras(db.pool, { schema });
  return schema;
};

interface OutboxRow {
  readonly id: string;
  readonly stream_id: string;
  readonly stream_version: string;
  readonly global_position: string;
  readonly topic: string;
  readonly message_key: string;
  readonly type: string;
  readonly payload: unknown;
  readonly headers: Record<string, string>;
}

const outboxRows = async (schema: string): Promise<OutboxRow[]> =>
  (
    await db.pool.query<OutboxRow>(
      `SELECT id, stream_id, stream_version::text, global_position::text, topic, message_key, type, payload, headers
       FROM ${qualified(schema, 'ordo_outbox')} ORDER BY seq`,
    )
  ).rows;

const eventCount = async (schema: string): Promise<number> =>
  Number(
    (await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, 'ordo_events')}`)).rows[0]?.n,
  );

/** A field of a test event's data. */
const field = (event: RecordedEvent, key: string): unknown => (event.event as Readonly<Record<string, unknown>>)[key];

/** A saga-like mapping: an event asking for two commands and a timeout sends three messages. */
const threeMessages: OutboxMapping = (event) =>
  ['reserve-stock', 'charge-payment', 'payment-timeout'].map((topic, index) => ({
    id: `${event.metadata.eventId}:${index}`,
    topic,
    key: event.streamId,
    type: `${event.event.type}.${topic}`,
    payload: { index, event: event.event },
    headers: messageHeaders(event),
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
  }));

test('an append of one event mapped to three messages writes three outbox rows with the event', async () => {
  const schema = await freshSchema();
  const store = new PostgresEventStore({
    pool: db.pool,
    schema,
    inTransaction: [outboxMessagesHook(schema, threeMessages)],
  });
  const { position } = await store.appendToStream('order-1', [newEvent(`${schema}-e1`, { total: 5 })]);
  const rows = await outboxRows(schema);
  assert.equal(
    rows.map((r) => [r.id, r.topic, r.type, r.payload]),
    [
      [`${schema}-e1:0`, 'reserve-stock', 'Tested.reserve-stock', { index: 0, event: { type: 'Tested', total: 5 } }],
      [`${schema}-e1:1`, 'charge-payment', 'Tested.charge-payment', { index: 1, event: { type: 'Tested', total: 5 } }],
      [
        `${schema}-e1:2`,
        'payment-timeout',
        'Tested.payment-timeout',
        { index: 2, event: { type: 'Tested', total: 5 } },
      ],
    ],
  );
  for (const r of rows) {
    assert.is(r.stream_id, 'order-1');
    assert.is(r.stream_version, '0');
    assert.is(r.global_position, position.toString());
    assert.is(r.message_key, 'order-1');
    assert.is(r.headers['ordo-event-id'], `${schema}-e1`);
  }
  assert.is(await eventCount(schema), 1);
  await store.close();
});

test('events mapped to none or several messages; several events in one append keep their order', async () => {
  const schema = await freshSchema();
  const mapping: OutboxMapping = (event) => {
    const n = field(event, 'n');
    return typeof n === 'number' ? threeMessages(event).slice(0, n) : [];
  };
  const store = new PostgresEventStore({ pool: db.pool, schema, inTransaction: [outboxMessagesHook(schema, mapping)] });
  await store.appendToStream('s-1', [
    newEvent(`${schema}-a`, { n: 2 }),
    newEvent(`${schema}-b`, { n: 0 }),
    newEvent(`${schema}-c`),
    newEvent(`${schema}-d`, { n: 1 }),
  ]);
  assert.equal(
    (await outboxRows(schema)).map((r) => r.id),
    [`${schema}-a:0`, `${schema}-a:1`, `${schema}-d:0`],
  );
  await store.close();
});

test('a mapping that throws fails the append: neither events nor outbox rows are written', async () => {
  const schema = await freshSchema();
  const failure = new Error('cannot map this event');
  const mapping: OutboxMapping = (event) => {
    if (field(event, 'poison') === true) throw failure;
    return threeMessages(event);
  };
  const store = new PostgresEventStore({ pool: db.pool, schema, inTransaction: [outboxMessagesHook(schema, mapping)] });
  try {
    await store.appendToStream('order-2', [newEvent(`${schema}-ok`), newEvent(`${schema}-poison`, { poison: true })]);
    assert.unreachable('the append must fail');
  } catch (error) {
    assert.is(error, failure);
  }
  assert.is(await eventCount(schema), 0, 'no event');
  assert.equal(await outboxRows(schema), [], 'no outbox row, not even those of the first event');
  // Its group neighbours are unaffected.
  const [bad, good] = await Promise.allSettled([
    store.appendToStream('order-3', [newEvent(`${schema}-p2`, { poison: true })]),
    store.appendToStream('order-4', [newEvent(`${schema}-g`)]),
  ]);
  assert.is(bad?.status, 'rejected');
  assert.is(good?.status, 'fulfilled');
  assert.is(await eventCount(schema), 1);
  assert.is((await outboxRows(schema)).length, 3);
  await store.close();
});

test('outboxHook is the one-message case; a bad schema is refused when the hook is made', async () => {
  const schema = await freshSchema();
  const store = new PostgresEventStore({
    pool: db.pool,
    schema,
    inTransaction: [outboxHook(schema, (e) => (field(e, 'skip') === true ? undefined : { topic: 'orders' }))],
  });
  await store.appendToStream('order-9', [newEvent(`${schema}-x`), newEvent(`${schema}-y`, { skip: true })]);
  assert.equal(
    (await outboxRows(schema)).map((r) => [r.id, r.topic, r.type]),
    [[`${schema}-x`, 'orders', 'Tested']],
  );
  await store.close();
  assert.equal(
    thrown(() => outboxMessagesHook('Bad', threeMessages)),
    invalidInput('invalid_schema_name', 'schema'),
  );
});

test.run();
