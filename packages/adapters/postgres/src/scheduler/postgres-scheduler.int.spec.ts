import type { OutboxMessage } from '@ordo/kernel';
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { appendLockSql } from '../event-store/write-lock';
import { migrateExtras } from '../schema/extra-migrations';
import { qualified } from '../schema/qualified-name';
import { schemaName } from '../schema/schema-name';
import {
  type ExtrasDatabase,
  invalidInput,
  invalidOptions,
  newEvent,
  openExtrasDatabase,
  rejected,
  thrown,
  within,
} from '../test-support';
import { PostgresScheduler, type ScheduledEntry } from './postgres-scheduler';

let db: ExtrasDatabase;
const pools: pg.Pool[] = [];
test.before(async () => {
  db = await openExtrasDatabase('pg_scheduler');
});
test.after(async () => {
  for (const pool of pools) await pool.end();
  await db.close();
});

/** Another pool on the test database: a scheduler per pool behaves like a scheduler per process. */
const otherPool = (max = 4): pg.Pool => {
  const pool = new pg.Pool({ connectionString: db.url, max });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
};

let schemas = 0;
/** A schema of its own per test, so outbox counts see only the test's rows. */
const freshSchema = async (): Promise<string> => {
  const schema = `sched_t${++schemas}`;
  await migrateExtras(db.pool, { schema });
  return schema;
};

const T0 = Date.parse('2030-01-02T03:04:05.000Z');
const at = (ms: number) => new Date(T0 + ms);

let fires = 0;
/** The outbox message of a fired timer. Its id is unique per firing, so a double firing shows as two rows. */
const fired =
  (by: string) =>
  (entry: ScheduledEntry<unknown>): ReadonlyArray<OutboxMessage> => [
    {
      id: `${entry.id}:${by}:${++fires}`,
      topic: 'timers',
      key: entry.id,
      type: 'TimerFired',
      payload: { entryId: entry.id, message: entry.message, dueAt: entry.dueAt.toISOString() },
      headers: { 'ordo-timer-id': entry.id },
      streamId: `timer-${entry.id}`,
      streamVersion: 0n,
      globalPosition: 0n,
    },
  ];

/** Outbox rows per fired entry id. */
const outboxRows = async (schema: string): Promise<Map<string, number>> => {
  const result = await db.pool.query<{ entry: string; n: string }>(
    `SELECT payload->>'entryId' AS entry, count(*) AS n FROM ${qualified(schema, 'ordo_outbox')} GROUP BY 1`,
  );
  return new Map(result.rows.map((row) => [row.entry, Number(row.n)]));
};

test('messages round-trip as JSON with their due time to the millisecond; queues are independent', async () => {
  const schema = await freshSchema();
  const a = new PostgresScheduler<unknown>({ pool: db.pool, schema, queue: 'a' });
  const b = new PostgresScheduler<unknown>({ pool: db.pool, schema, queue: 'b' });
  const message = { type: 'PaymentTimedOut', nested: { list: [1, 'two', null, true], text: 'Grüße 🎉' } };
  assert.is(await a.nextDueAt(), undefined);
  await a.schedule('same-id', message, at(123));
  await a.schedule('later', 'plain string', at(5_000.5));
  await b.schedule('same-id', 42, at(1));
  assert.is(await a.pending(), 2);
  assert.is(await b.pending(), 1);
  assert.equal(await a.nextDueAt(), at(123));
  assert.equal(await b.nextDueAt(), at(1));
  const taken = await a.takeDue(at(10_000));
  assert.equal(
    taken.map((e) => ({ ...e, dueAt: e.dueAt.getTime() })),
    [
      { id: 'same-id', message, dueAt: T0 + 123 },
      { id: 'later', message: 'plain string', dueAt: T0 + 5_000 }, // a Date holds whole milliseconds
    ],
  );
  assert.is(await a.pending(), 0);
  assert.equal(await b.takeDue(at(10_000)), [{ id: 'same-id', message: 42, dueAt: at(1) }], 'b kept its own');
});

test('batchSize bounds takeDue to the oldest due; ties come out in scheduling order, a replace goes last', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<string>({ pool: db.pool, schema, batchSize: 2 });
  assert.is(scheduler.queue, 'default');
  for (const id of ['t1', 't2', 't3', 't4']) await scheduler.schedule(id, id, at(0));
  await scheduler.schedule('t1', 't1 again', at(0)); // replaced: now the last of the tie
  await scheduler.schedule('early', 'early', at(-1));
  const ids = async () => (await scheduler.takeDue(at(0))).map((e) => e.id);
  assert.equal(await ids(), ['early', 't2']);
  assert.equal(await ids(), ['t3', 't4']);
  assert.equal(await ids(), ['t1']);
  assert.equal(await ids(), []);
});

test('fireDue: two schedulers firing 500 due entries concurrently fire each exactly once', async () => {
  const schema = await freshSchema();
  const left = new PostgresScheduler<{ n: number }>({ pool: db.pool, schema, queue: 'timers' });
  const right = new PostgresScheduler<{ n: number }>({ pool: otherPool(), schema, queue: 'timers' });
  const ids = Array.from({ length: 500 }, (_, i) => `timer-${i}`);
  await Promise.all(ids.map((id, i) => left.schedule(id, { n: i }, at(i % 50))));
  await left.schedule('not-yet', { n: -1 }, at(60_000));
  const mappedBy = { left: 0, right: 0 };
  const loop = async (scheduler: PostgresScheduler<{ n: number }>, by: 'left' | 'right'): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await scheduler.fireDue({
        now: at(1_000),
        limit: 7,
        toMessages: (entry) => {
          mappedBy[by]++;
          return fired(by)(entry);
        },
      });
      if (n === 0) return total;
      assert.ok(n <= 7, 'at most limit per call');
      total += n;
    }
  };
  const [l, r] = await Promise.all([loop(left, 'left'), loop(right, 'right')]);
  assert.is(l + r, 500, 'fired in all');
  assert.is(mappedBy.left + mappedBy.right, 500, 'each entry mapped once');
  assert.ok(l > 0 && r > 0, `both schedulers fired (${l} / ${r})`);
  const rows = await outboxRows(schema);
  assert.is(rows.size, 500, 'every entry reached the outbox');
  assert.equal(
    [...rows.values()].filter((n) => n !== 1),
    [],
    'one outbox row per entry',
  );
  assert.is(await left.pending(), 1, 'the entry not yet due stays');
  assert.equal(await left.nextDueAt(), at(60_000));
});

test('takeDue: two schedulers taking 500 due entries concurrently take each exactly once', async () => {
  const schema = await freshSchema();
  const left = new PostgresScheduler<number>({ pool: db.pool, schema, batchSize: 9 });
  const right = new PostgresScheduler<number>({ pool: otherPool(), schema, batchSize: 9 });
  await Promise.all(Array.from({ length: 500 }, (_, i) => left.schedule(`m-${i}`, i, at(i))));
  const loop = async (scheduler: PostgresScheduler<number>): Promise<string[]> => {
    const got: string[] = [];
    for (;;) {
      const batch = await scheduler.takeDue(at(1_000));
      if (batch.length === 0) return got;
      for (const entry of batch) got.push(entry.id);
    }
  };
  const [l, r] = await Promise.all([loop(left), loop(right)]);
  const all = [...l, ...r];
  assert.is(all.length, 500);
  assert.is(new Set(all).size, 500, 'no entry taken twice');
});

test('fireDue: a mapping that throws writes nothing and leaves every claimed entry pending', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<string>({ pool: db.pool, schema });
  for (const id of ['a', 'b', 'c']) await scheduler.schedule(id, id, at(0));
  const failure = new Error('cannot map b');
  let mapped = 0;
  try {
    await scheduler.fireDue({
      now: at(0),
      toMessages: (entry) => {
        mapped++;
        if (entry.id === 'b') throw failure;
        return fired('x')(entry);
      },
    });
    assert.unreachable('fireDue must reject with the mapping error');
  } catch (error) {
    assert.is(error, failure);
  }
  assert.is(mapped, 2, 'a was mapped (and its message written in the transaction) before b threw');
  assert.is((await outboxRows(schema)).size, 0, 'no outbox row');
  assert.is(await scheduler.pending(), 3, 'every entry stays');
  // A mapping that returns what JSON cannot carry fails the same way.
  const bad = await rejected(() =>
    scheduler.fireDue({
      now: at(0),
      toMessages: (entry) => fired('x')(entry).map((m) => ({ ...m, payload: { n: 1n } })),
    }),
  );
  assert.ok(bad !== undefined);
  assert.is(await scheduler.pending(), 3);
  assert.is(await scheduler.fireDue({ now: at(0), toMessages: fired('x') }), 3, 'fixed: all fire');
  assert.is((await outboxRows(schema)).size, 3);
  assert.is(await scheduler.fireDue({ now: at(0), toMessages: fired('x') }), 0);
});

test('fireDue: several messages per entry, or none; the outbox keeps the first message of an id', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<number>({ pool: db.pool, schema });
  for (let i = 0; i < 3; i++) await scheduler.schedule(`e${i}`, i, at(i));
  const fanOut = (entry: ScheduledEntry<number>): ReadonlyArray<OutboxMessage> =>
    Array.from({ length: entry.message }, (_, k) => ({ ...fired('x')(entry)[0]!, id: `${entry.id}:${k}` }));
  assert.is(await scheduler.fireDue({ now: at(10), toMessages: fanOut }), 3);
  const ids = await db.pool.query<{ id: string }>(`SELECT id FROM ${qualified(schema, 'ordo_outbox')} ORDER BY seq`);
  assert.equal(
    ids.rows.map((row) => row.id),
    ['e1:0', 'e2:0', 'e2:1'],
    'oldest due first; e0 sent nothing',
  );
  // Firing the same message ids again (a timer re-armed and fired under the same id) writes nothing twice.
  await scheduler.schedule('e2', 2, at(0));
  assert.is(await scheduler.fireDue({ now: at(10), toMessages: fanOut }), 1);
  assert.is((await db.pool.query(`SELECT 1 FROM ${qualified(schema, 'ordo_outbox')}`)).rowCount, 3);
});

test('scheduleWith / cancelWith write in the caller transaction: a rollback leaves nothing', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<string>({ pool: db.pool, schema });
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await scheduler.scheduleWith(client, 'rolled-back', 'x', at(0));
    assert.is(await scheduler.pending(), 0, 'not visible before COMMIT');
    await client.query('ROLLBACK');
    assert.is(await scheduler.pending(), 0, 'a rolled back schedule leaves nothing');
    assert.equal(await scheduler.takeDue(at(1)), []);

    await client.query('BEGIN');
    await scheduler.scheduleWith(client, 'kept', 'y', at(0));
    await client.query('COMMIT');
    await client.query('BEGIN');
    await scheduler.cancelWith(client, 'kept');
    await client.query('ROLLBACK');
    assert.is(await scheduler.pending(), 1, 'a rolled back cancel leaves the message');

    // An open transaction holding a re-schedule: takeDue and fireDue skip the row, never wait.
    await client.query('BEGIN');
    await scheduler.scheduleWith(client, 'kept', 'y2', at(0));
    assert.equal(await within(scheduler.takeDue(at(1)), 5_000, 'takeDue next to an open schedule'), []);
    assert.is(await within(scheduler.fireDue({ now: at(1), toMessages: fired('x') }), 5_000, 'fireDue next to it'), 0);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  assert.equal(await scheduler.takeDue(at(1)), [{ id: 'kept', message: 'y2', dueAt: at(0) }]);
});

test('fireDue with nothing due does not wait for the write lock', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<string>({ pool: db.pool, schema });
  await scheduler.schedule('later', 'x', at(60_000));
  const holder = await db.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(appendLockSql(schemaName(schema))); // an append in progress
    assert.is(await within(scheduler.fireDue({ now: at(0), toMessages: fired('x') }), 5_000, 'idle fireDue'), 0);
    const waiting = scheduler.fireDue({ now: at(60_000), toMessages: fired('x') });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.is((await outboxRows(schema)).size, 0, 'a due fire waits for the append');
    await holder.query('COMMIT');
    assert.is(await within(waiting, 5_000, 'fireDue after the append'), 1);
  } finally {
    holder.release();
  }
});

test('appends that re-arm timers in their hook while fireDue runs: no deadlock, each id fires its versions in order', async () => {
  const schema = await freshSchema();
  const scheduler = new PostgresScheduler<{ version: string }>({ pool: db.pool, schema, queue: 'saga' });
  const firing = new PostgresScheduler<{ version: string }>({ pool: otherPool(), schema, queue: 'saga' });
  const store = new PostgresEventStore({
    pool: db.pool,
    schema,
    // A saga's append arming (or re-arming) its stream's timeout in the same transaction.
    inTransaction: [
      async (client, appended) => {
        for (const e of appended) {
          await scheduler.scheduleWith(client, `timeout-${e.streamId}`, { version: `${e.streamVersion}` }, at(0));
        }
      },
    ],
  });
  const seen = new Map<string, number[]>();
  const record = (entry: ScheduledEntry<{ version: string }>): ReadonlyArray<OutboxMessage> => {
    const list = seen.get(entry.id) ?? [];
    list.push(Number(entry.message.version));
    seen.set(entry.id, list);
    return fired('f')(entry);
  };
  let appending = true;
  const fireLoop = async () => {
    while (appending) {
      await firing.fireDue({ now: at(1), limit: 3, toMessages: record });
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const streams = ['s0', 's1', 's2', 's3', 's4'];
  const appendLoop = async (streamId: string) => {
    for (let v = 0; v < 40; v++) await store.appendToStream(streamId, [newEvent(`${schema}-${streamId}-${v}`)]);
  };
  const loops = fireLoop();
  await within(Promise.all(streams.map(appendLoop)), 60_000, 'appends');
  appending = false;
  await loops;
  while ((await firing.fireDue({ now: at(1), toMessages: record })) > 0);
  await store.close();
  assert.is(await scheduler.pending(), 0);
  for (const s of streams) {
    const versions = seen.get(`timeout-${s}`) ?? [];
    assert.ok(
      versions.every((v, i) => i === 0 || v > versions[i - 1]!),
      `${s} fired in version order: ${versions.join(',')}`,
    );
    assert.is(versions[versions.length - 1], 39, `${s}: the last arming fired`);
  }
});

test('bad options and input are refused before any SQL', async () => {
  const scheduler = new PostgresScheduler<unknown>({ pool: db.pool, schema: db.schema, queue: 'bad-input' });
  for (const [options, path] of [
    [{ schema: 'Bad' }, 'schema'],
    [{ queue: '' }, 'queue'],
    [{ queue: 7 }, 'queue'],
    [{ queue: 'nul\u0000' }, 'queue'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchSize: 1.5 }, 'batchSize'],
  ] as const) {
    assert.equal(
      thrown(() => new PostgresScheduler({ pool: db.pool, ...(options as object) })),
      invalidOptions(path),
      JSON.stringify(options),
    );
  }
  const toMessages = fired('x');
  for (const [attempt, error] of [
    [() => scheduler.fireDue({ now: at(0), limit: 0, toMessages }), invalidOptions('limit')],
    [() => scheduler.fireDue({ now: at(0), toMessages: undefined as never }), invalidOptions('toMessages')],
    [() => scheduler.fireDue({ now: new Date(Number.NaN), toMessages }), invalidInput('invalid_time', 'now')],
    [() => scheduler.schedule('d', { at: new Date() }, at(0)), invalidInput('not_serialisable', 'message.at')],
    [() => scheduler.schedule('b', { n: 1n }, at(0)), invalidInput('not_serialisable', 'message.n')],
    [() => scheduler.schedule('u', undefined, at(0)), invalidInput('not_serialisable', 'message')],
    [() => scheduler.schedule('z', { text: 'a\u0000b' }, at(0)), invalidInput('not_serialisable', 'message.text')],
    [() => scheduler.schedule('nul\u0000', 'x', at(0)), invalidInput('invalid_schedule', 'id')],
    [() => scheduler.cancel(''), invalidInput('invalid_schedule', 'id')],
  ] as const) {
    assert.equal(await rejected(attempt), error);
  }
  assert.is(await scheduler.pending(), 0, 'nothing was scheduled');
});

test.run();
