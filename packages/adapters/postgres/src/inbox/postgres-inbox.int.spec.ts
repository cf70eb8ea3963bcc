import { InvalidInputError } from '@ordo/kernel';
import type { PoolClient } from 'pg';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { qualified } from '../schema/qualified-name';
import { type ExtrasDatabase, invalidOptions, openExtrasDatabase, sleep, thrown } from '../test-support';
import { PostgresInbox } from './postgres-inbox';

let db: ExtrasDatabase;
let inbox: PostgresInbox;
let effects: string;

test.before(async () => {
  db = await openExtrasDatabase('pg_inbox');
  inbox = new PostgresInbox({ pool: db.pool, schema: db.schema });
  effects = qualified(db.schema, 'effects');
  await db.pool.query(`CREATE TABLE ${effects} (message_id text NOT NULL, consumer text NOT NULL)`);
});
test.after(async () => {
  await db.close();
});

const effectCount = async (messageId: string): Promise<number> => {
  const r = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${effects} WHERE message_id = $1`, [
    messageId,
  ]);
  return Number(r.rows[0]?.n ?? 0);
};

test('a message runs its effect once; a redelivery answers duplicate and has no effect', async () => {
  const first = await inbox.handleOnce('billing', 'm1', async (tx) => {
    await tx.query(`INSERT INTO ${effects} VALUES ('m1', 'billing')`);
    return 'done';
  });
  assert.equal(first, { duplicate: false, result: 'done' });
  let ran = false;
  const second = await inbox.handleOnce('billing', 'm1', async () => {
    ran = true;
  });
  assert.equal(second, { duplicate: true });
  assert.not.ok(ran, 'the effect of a duplicate does not run');
  assert.is(await effectCount('m1'), 1);
  assert.ok(await inbox.has('billing', 'm1'));
  assert.not.ok(await inbox.has('shipping', 'm1'), 'dedup is per consumer');
  assert.equal(await inbox.handleOnce('shipping', 'm1', async () => 1), { duplicate: false, result: 1 });
});

test('an effect that throws rolls back its writes and the inbox record; a redelivery runs it again', async () => {
  try {
    await inbox.handleOnce('billing', 'm2', async (tx) => {
      await tx.query(`INSERT INTO ${effects} VALUES ('m2', 'billing')`);
      throw new Error('effect failed');
    });
    assert.unreachable('the effect error was swallowed');
  } catch (e) {
    assert.match(String(e), /effect failed/);
  }
  assert.is(await effectCount('m2'), 0, 'the effect rolled back');
  assert.not.ok(await inbox.has('billing', 'm2'), 'the inbox record rolled back');
  const retry = await inbox.handleOnce('billing', 'm2', async (tx) => {
    await tx.query(`INSERT INTO ${effects} VALUES ('m2', 'billing')`);
  });
  assert.is(retry.duplicate, false);
  assert.is(await effectCount('m2'), 1);
});

test('concurrent duplicates: exactly one effect, the others answer duplicate (not an error)', async () => {
  const attempts = 12;
  const results = await Promise.all(
    Array.from({ length: attempts }, () =>
      inbox.handleOnce('billing', 'm3', async (tx) => {
        await tx.query(`INSERT INTO ${effects} VALUES ('m3', 'billing')`);
        await sleep(50); // hold the transaction open while the duplicates arrive
        return 'effect';
      }),
    ),
  );
  assert.is(results.filter((r) => !r.duplicate).length, 1);
  assert.is(results.filter((r) => r.duplicate).length, attempts - 1);
  assert.is(await effectCount('m3'), 1);
});

test('a concurrent duplicate waiting on a failing first delivery takes over and runs the effect', async () => {
  let firstStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (firstStarted = resolve));
  const first = inbox
    .handleOnce('billing', 'm4', async () => {
      firstStarted();
      await sleep(100);
      throw new Error('first delivery failed');
    })
    .catch((e: unknown) => e);
  await started;
  const second = await inbox.handleOnce('billing', 'm4', async (tx) => {
    await tx.query(`INSERT INTO ${effects} VALUES ('m4', 'billing')`);
    return 'second';
  });
  assert.match(String(await first), /first delivery failed/);
  assert.equal(second, { duplicate: false, result: 'second' });
  assert.is(await effectCount('m4'), 1);
});

test('handleBatch: one transaction for many ids; the effect writes for the fresh ones only, or nothing when it throws', async () => {
  const insert = (tx: PoolClient, fresh: ReadonlyArray<string>) =>
    tx.query(`INSERT INTO ${effects} (message_id, consumer) SELECT id, 'batch' FROM unnest($1::text[]) AS id`, [
      [...fresh],
    ]);
  await inbox.handleOnce('batch', 'b-2', async (tx) => insert(tx, ['b-2']));
  const first = await inbox.handleBatch('batch', ['b-1', 'b-2', 'b-3'], async (tx, fresh) => {
    await insert(tx, fresh);
    return fresh.length;
  });
  assert.equal(first, { ran: true, fresh: ['b-1', 'b-3'], duplicates: ['b-2'], result: 2 });
  for (const id of ['b-1', 'b-2', 'b-3']) assert.is(await effectCount(id), 1, id);
  try {
    await inbox.handleBatch('batch', ['b-3', 'b-4', 'b-5'], async (tx, fresh) => {
      await insert(tx, fresh);
      throw new Error('batch effect failed');
    });
    assert.unreachable('the effect error was swallowed');
  } catch (e) {
    assert.match(String(e), /batch effect failed/);
  }
  assert.is(await effectCount('b-4'), 0, 'the effect rolled back');
  assert.not.ok(await inbox.has('batch', 'b-4'), 'the records rolled back');
  // Overlapping batches in opposite orders, each holding its transaction open: no deadlock, and
  // every id's effect lands once.
  const wide = Array.from({ length: 40 }, (_, i) => `w-${i}`);
  const results = await Promise.all(
    [wide, [...wide].reverse(), wide.slice(10, 30), [...wide.slice(20), 'b-4']].map((batch) =>
      inbox.handleBatch('batch', batch, async (tx, fresh) => {
        await insert(tx, fresh);
        await sleep(30);
      }),
    ),
  );
  assert.is(
    results.reduce((n, r) => n + r.fresh.length, 0),
    wide.length + 1,
  );
  for (const id of [...wide, 'b-4']) assert.is(await effectCount(id), 1, id);
});

test('bad input is refused with a structured error and nothing is written', async () => {
  for (const [consumer, id] of [
    ['', 'x'],
    ['c', ''],
  ] as const) {
    try {
      await inbox.handleOnce(consumer, id, async () => undefined);
      assert.unreachable('bad input accepted');
    } catch (e) {
      assert.instance(e, InvalidInputError);
    }
  }
  const r = await db.pool.query(
    `SELECT 1 FROM ${qualified(db.schema, 'ordo_inbox')} WHERE consumer = '' OR message_id = ''`,
  );
  assert.is(r.rowCount, 0);
  assert.equal(
    thrown(() => new PostgresInbox({ pool: db.pool, schema: 'public; drop' })),
    invalidOptions('schema'),
  );
});

test.run();
