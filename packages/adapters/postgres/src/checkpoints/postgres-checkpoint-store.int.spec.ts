import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { withTransaction } from '../runtime/transaction';
import {
  type ExtrasDatabase,
  invalidInput,
  invalidOptions,
  openExtrasDatabase,
  rejected,
  thrown,
} from '../test-support';
import { PostgresCheckpointStore, StaleCheckpointError, compareAndSetCheckpoint } from './postgres-checkpoint-store';

let db: ExtrasDatabase;
let store: PostgresCheckpointStore;
test.before(async () => {
  db = await openExtrasDatabase('pg_checkpoints');
  store = new PostgresCheckpointStore({ pool: db.pool, schema: db.schema });
});
test.after(async () => {
  await db.close();
});

test('load is undefined until saved; save replaces; reset goes back to the start', async () => {
  assert.is(await store.load('p1'), undefined);
  await store.save('p1', 5n);
  assert.is(await store.load('p1'), 5n);
  await store.save('p1', 9_007_199_254_740_993n); // beyond 2^53: kept exactly
  assert.is(await store.load('p1'), 9_007_199_254_740_993n);
  assert.is(await store.load('p2'), undefined, 'names are independent');
  await store.reset('p1');
  assert.is(await store.load('p1'), undefined);
});

test('compare-and-set moves only from the expected position', async () => {
  await withTransaction(db.pool, (c) => compareAndSetCheckpoint(c, db.schema, 'cas', undefined, 3n));
  assert.is(await store.load('cas'), 3n);
  for (const expected of [undefined, 2n]) {
    try {
      await withTransaction(db.pool, (c) => compareAndSetCheckpoint(c, db.schema, 'cas', expected, 7n));
      assert.unreachable('a stale compare-and-set succeeded');
    } catch (e) {
      assert.instance(e, StaleCheckpointError);
    }
  }
  await withTransaction(db.pool, (c) => compareAndSetCheckpoint(c, db.schema, 'cas', 3n, 7n));
  assert.is(await store.load('cas'), 7n);
});

test('two concurrent first commits: exactly one wins', async () => {
  const outcomes = await Promise.allSettled(
    [10n, 20n].map((p) => withTransaction(db.pool, (c) => compareAndSetCheckpoint(c, db.schema, 'race', undefined, p))),
  );
  assert.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  const loser = outcomes.find((o) => o.status === 'rejected');
  assert.instance((loser as PromiseRejectedResult).reason, StaleCheckpointError);
});

test('bad input throws InvalidInputError', async () => {
  for (const [attempt, error] of [
    [() => store.save('', 1n), invalidInput('invalid_checkpoint_name', 'name')],
    [() => store.save('x', -1n), invalidInput('invalid_position', 'position')],
    [() => store.load(''), invalidInput('invalid_checkpoint_name', 'name')],
  ] as const) {
    assert.equal(await rejected(attempt), error);
  }
  assert.equal(
    thrown(() => new PostgresCheckpointStore({ pool: db.pool, schema: 'Bad' })),
    invalidOptions('schema'),
  );
});

test.run();
