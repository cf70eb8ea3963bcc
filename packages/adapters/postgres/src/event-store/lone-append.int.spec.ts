/**
 * The write path of a lone append (one caller, nothing else queued), made lean by migration 2:
 * one statement per group (so one round trip without hooks), no subtransaction for a single
 * event, and the same answers as before for every rule of `ordo_append` on that path.
 */
import { type ExpectedVersion, isInvalidInputError, isWrongExpectedVersionError } from '@ordo/kernel';
import type pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../schema/migrate';
import { newEvent, openTestDatabase } from '../test-support';
import { PostgresEventStore } from './postgres-event-store';

const db = await openTestDatabase('pg_lone_append', 20);

/** A pool whose `query` calls are counted (each is one statement and one round trip). */
const countingPool = (): { readonly pool: pg.Pool; readonly queries: () => number } => {
  const pool = db.newPool(4);
  let count = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    count += 1;
    return query(...args);
  };
  return { pool, queries: () => count };
};

const fresh = async (schema: string, pool: pg.Pool = db.newPool(4)) => {
  await migrate(db.pool, { schema });
  return new PostgresEventStore({ pool, schema });
};

test('a lone append is one statement (one round trip); appends started together share one', async () => {
  const { pool, queries } = countingPool();
  const store = await fresh('lone_round_trips', pool);
  for (let i = 0; i < 5; i++) await store.appendToStream('s', [newEvent(`a${i}`)]);
  assert.is(queries(), 5, 'five lone appends, five statements');
  await store.appendToStream('s', [newEvent('b0'), newEvent('b1'), newEvent('b2')]);
  assert.is(queries(), 6, 'a batch is one statement too');
  await Promise.all(Array.from({ length: 8 }, (_, w) => store.appendToStream(`w${w}`, [newEvent(`c${w}`)])));
  assert.is(queries(), 7, 'eight appends started together, one statement');
  assert.equal(store.writeStats, { groups: 7, appends: 14 });
  await store.close();
  await pool.end();
});

test('one event is written without a subtransaction; several keep the optimistic insert in one', async () => {
  const store = await fresh('lone_subtransaction');
  await store.appendToStream('one', [newEvent('x1')]);
  await store.appendToStream('many', [newEvent('y1'), newEvent('y2')]);
  // A row written in a subtransaction carries the subtransaction's id as xmin, not the id of the
  // transaction that wrote the stream's row (outside the block).
  const { rows } = await db.pool.query<{ stream_id: string; same: boolean }>(
    `SELECT e.stream_id, bool_and(e.xmin = s.xmin) AS same
       FROM lone_subtransaction.ordo_events e JOIN lone_subtransaction.ordo_streams s USING (stream_id)
      GROUP BY e.stream_id ORDER BY e.stream_id`,
  );
  assert.equal(rows, [
    { stream_id: 'many', same: false },
    { stream_id: 'one', same: true },
  ]);
  await store.close();
});

test('single-event appends answer every rule as before: retry, conflict, duplicate id, holes', async () => {
  const store = await fresh('lone_rules');
  const append = (stream: string, id: string, expectedVersion: ExpectedVersion) =>
    store.appendToStream(stream, [newEvent(id)], { expectedVersion });
  const outcome = async (stream: string, id: string, expectedVersion: ExpectedVersion): Promise<string> => {
    try {
      const r = await append(stream, id, expectedVersion);
      return `ok ${r.nextExpectedVersion} @${r.position}`;
    } catch (error) {
      if (isWrongExpectedVersionError(error)) return `wrong, actual ${String(error.actual)}`;
      if (isInvalidInputError(error)) return error.code;
      throw error;
    }
  };
  assert.is(await outcome('s', 'e0', 'no_stream'), 'ok 0 @1');
  assert.is(await outcome('s', 'e1', 0n), 'ok 1 @2');
  assert.is(await outcome('s', 'e2', 'stream_exists'), 'ok 2 @3');
  // (a) idempotent retries: the expectation held before the stored event.
  assert.is(await outcome('s', 'e0', 'no_stream'), 'ok 0 @1');
  assert.is(await outcome('s', 'e1', 0n), 'ok 1 @2');
  assert.is(await outcome('s', 'e1', 'any'), 'ok 1 @2');
  assert.is(await outcome('s', 'e2', 'stream_exists'), 'ok 2 @3');
  // (b) a wrong expectation that no stored event explains.
  assert.is(await outcome('s', 'e1', 1n), 'wrong, actual 2');
  assert.is(await outcome('s', 'new', 0n), 'wrong, actual 2');
  assert.is(await outcome('t', 'new', 'stream_exists'), 'wrong, actual no_stream');
  // (c) the expectation holds but the id is stored elsewhere (another stream, another revision).
  assert.is(await outcome('t', 'e0', 'no_stream'), 'duplicate_event_id');
  assert.is(await outcome('s', 'e0', 2n), 'duplicate_event_id');
  assert.is(await outcome('s', 'e0', 'any'), 'ok 0 @1', "'any' held before e0: a retry");
  // Nothing above wrote a row or burnt a position: the next event takes the next one.
  assert.is(await outcome('s', 'e3', 2n), 'ok 3 @4');
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM lone_rules.ordo_events');
  assert.is(rows[0]!.n, 4);
  await store.close();
});

test('a lone single event and a group mixing it with others agree', async () => {
  const store = await fresh('lone_vs_group');
  await store.appendToStream('s', [newEvent('g0')]);
  // The same retry, alone and inside a group of three (one statement): the same answer.
  const alone = await store.appendToStream('s', [newEvent('g0')], { expectedVersion: 'no_stream' });
  const group = await Promise.allSettled([
    store.appendToStream('s', [newEvent('g0')], { expectedVersion: 'no_stream' }),
    store.appendToStream('s', [newEvent('g1')], { expectedVersion: 0n }),
    store.appendToStream('u', [newEvent('g0')], { expectedVersion: 'any' }),
  ]);
  assert.equal(group[0], { status: 'fulfilled', value: alone });
  assert.equal(group[1], { status: 'fulfilled', value: { nextExpectedVersion: 1n, position: 2n } });
  assert.is(group[2].status, 'rejected');
  assert.is((group[2] as PromiseRejectedResult).reason.code, 'duplicate_event_id');
  await store.close();
});

test.run();
