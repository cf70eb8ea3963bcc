import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrateExtras } from '../schema/extra-migrations';
import {
  type ExtrasDatabase,
  invalidInput,
  invalidOptions,
  openExtrasDatabase,
  rejected,
  thrown,
} from '../test-support';
import { PostgresJsonStateStore, ReadModelMovedError } from './json-state-store';

type Model = { readonly count: number; readonly names: ReadonlyArray<string> };

let db: ExtrasDatabase;
test.before(async () => {
  db = await openExtrasDatabase('pg_json_state_store');
});
test.after(async () => {
  await db.close();
});

let schemas = 0;
const freshStore = async <M = Model>(): Promise<PostgresJsonStateStore<M>> => {
  const schema = `states_t${++schemas}`;
  await migrateExtras(db.pool, { schema });
  return new PostgresJsonStateStore<M>({ pool: db.pool, schema });
};

/** What a save rejected with, as the spec checks it. */
const movedBy = async (attempt: () => Promise<void>) => {
  try {
    await attempt();
  } catch (error) {
    assert.instance(error, ReadModelMovedError);
    const moved = error as ReadModelMovedError;
    return { code: moved.code, name: moved.readModelName, expected: moved.expected, actual: moved.actual };
  }
  return assert.unreachable('the save must be refused');
};

test('load is undefined until saved; save writes model and position; reset deletes; names lists', async () => {
  const store = await freshStore();
  assert.is(await store.load('funnel'), undefined);
  assert.equal(await store.names(), []);
  await store.save('funnel', { model: { count: 1, names: ['a'] }, position: 5n }, undefined);
  assert.equal(await store.load('funnel'), { model: { count: 1, names: ['a'] }, position: 5n });
  const big = 9_007_199_254_740_993n; // beyond 2^53: kept exactly
  await store.save('funnel', { model: { count: 2, names: ['a', 'Grüße 🎉'] }, position: big }, 5n);
  assert.equal(await store.load('funnel'), { model: { count: 2, names: ['a', 'Grüße 🎉'] }, position: big });
  await store.save('revenue', { model: { count: 0, names: [] }, position: undefined }, undefined);
  assert.equal(await store.load('revenue'), { model: { count: 0, names: [] }, position: undefined });
  assert.equal(await store.names(), ['funnel', 'revenue']);
  await store.reset('funnel');
  await store.reset('never-saved');
  assert.is(await store.load('funnel'), undefined);
  assert.equal(await store.names(), ['revenue']);
  // After a reset the name starts over from undefined.
  await store.save('funnel', { model: { count: 9, names: [] }, position: 1n }, undefined);
  assert.equal((await store.load('funnel'))?.position, 1n);
});

test('compare-and-set: a save from another position than the stored one is refused and writes nothing', async () => {
  const store = await freshStore();
  const model = (count: number): Model => ({ count, names: [] });
  assert.equal(await movedBy(() => store.save('p', { model: model(1), position: 3n }, 2n)), {
    code: 'read_model_moved',
    name: 'p',
    expected: 2n,
    actual: undefined,
  });
  assert.is(await store.load('p'), undefined, 'no row was made');
  await store.save('p', { model: model(1), position: 3n }, undefined);
  for (const expected of [undefined, 2n, 4n]) {
    assert.equal(await movedBy(() => store.save('p', { model: model(99), position: 10n }, expected)), {
      code: 'read_model_moved',
      name: 'p',
      expected,
      actual: 3n,
    });
  }
  assert.equal(await store.load('p'), { model: model(1), position: 3n }, 'refused saves changed nothing');
  // A row saved without a position counts as undefined.
  await store.save('q', { model: model(0), position: undefined }, undefined);
  assert.equal(await movedBy(() => store.save('q', { model: model(1), position: 1n }, 0n)), {
    code: 'read_model_moved',
    name: 'q',
    expected: 0n,
    actual: undefined,
  });
  await store.save('q', { model: model(1), position: 1n }, undefined);
  assert.equal(await store.load('q'), { model: model(1), position: 1n });
});

test('concurrent saves with the same expected position: exactly one wins, whatever the start', async () => {
  const store = await freshStore<{ readonly by: number }>();
  for (const [name, expected] of [
    ['first', undefined],
    ['next', 7n],
  ] as const) {
    if (expected !== undefined) await store.save(name, { model: { by: -1 }, position: expected }, undefined);
    const savers = Array.from({ length: 8 }, (_, by) =>
      store.save(name, { model: { by }, position: (expected ?? 0n) + BigInt(by) + 1n }, expected),
    );
    const outcomes = await Promise.allSettled(savers);
    const winners = outcomes.flatMap((o, by) => (o.status === 'fulfilled' ? [by] : []));
    assert.is(winners.length, 1, `${name}: one winner`);
    for (const o of outcomes) {
      if (o.status === 'rejected') assert.instance(o.reason, ReadModelMovedError);
    }
    const by = winners[0]!;
    assert.equal(await store.load(name), { model: { by }, position: (expected ?? 0n) + BigInt(by) + 1n });
  }
});

test('bad input is refused before any SQL; a model JSON cannot carry is not_serialisable', async () => {
  const store = await freshStore<unknown>();
  const ok = { model: {}, position: 1n };
  for (const [attempt, error] of [
    [() => store.load(''), invalidInput('invalid_read_model_name', 'name')],
    [() => store.save('', ok, undefined), invalidInput('invalid_read_model_name', 'name')],
    [() => store.reset('nul\u0000'), invalidInput('invalid_read_model_name', 'name')],
    [
      () => store.save('x', { model: {}, position: -1n }, undefined),
      invalidInput('invalid_position', 'state.position'),
    ],
    [
      () => store.save('x', { model: {}, position: 1 as never }, undefined),
      invalidInput('invalid_position', 'state.position'),
    ],
    [() => store.save('x', ok, -2n), invalidInput('invalid_position', 'expected')],
    [
      () => store.save('x', { model: { at: new Date() }, position: 1n }, undefined),
      invalidInput('not_serialisable', 'state.model.at'),
    ],
    [
      () => store.save('x', { model: undefined, position: 1n }, undefined),
      invalidInput('not_serialisable', 'state.model'),
    ],
    [
      () => store.save('x', { model: ['a\u0000'], position: 1n }, undefined),
      invalidInput('not_serialisable', 'state.model.0'),
    ],
  ] as const) {
    assert.equal(await rejected(attempt), error);
  }
  assert.equal(await store.names(), [], 'nothing was written');
  assert.equal(
    thrown(() => new PostgresJsonStateStore({ pool: db.pool, schema: 'Bad' })),
    invalidOptions('schema'),
  );
});

test.run();
