import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStore } from '../../../event-store/event-store';
import { eventStoreConformance, eventStoreConformanceCases } from '.';
import { deepEqual } from '../shared/assert';

const brokenStore = (): EventStore => ({
  appendToStream: async () => {
    throw new Error('store down');
  },
  readStream: async () => [],
  readAll: async () => [],
  subscribeToAll: () => {
    throw new Error('store down');
  },
});

test('case names are unique and every case has a name', () => {
  const names = eventStoreConformanceCases.map((c) => c.name);
  assert.ok(names.length >= 30, `only ${names.length} cases`);
  assert.is(new Set(names).size, names.length);
  assert.ok(names.every((n) => n.trim().length > 0));
});

test('registration: every case is registered; unsupported ones are skipped with a SKIP line', () => {
  const registered: string[] = [];
  const skipped: string[] = [];
  const register = Object.assign((name: string) => void registered.push(name), {
    skip: (name: string) => void skipped.push(name),
  });
  const target = eventStoreConformanceCases[0]!.name;
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => void lines.push(line);
  try {
    eventStoreConformance(register, { create: async () => brokenStore(), unsupported: { [target]: 'no reason' } });
  } finally {
    console.log = log;
  }
  assert.is(registered.length + skipped.length, eventStoreConformanceCases.length);
  assert.equal(skipped, [target]);
  assert.equal(lines, [`SKIP ${target}: no reason`]);
});

test('registration: naming an unknown case in unsupported is an error', () => {
  assert.throws(
    () =>
      eventStoreConformance(() => undefined, {
        create: async () => brokenStore(),
        unsupported: { 'no such case': 'x' },
      }),
    /no such case/,
  );
});

test('a store that cannot append fails the cases and is disposed every time', async () => {
  let created = 0;
  let disposed = 0;
  const factory = {
    create: async () => {
      created += 1;
      return brokenStore();
    },
    dispose: async () => {
      disposed += 1;
    },
  };
  for (const c of eventStoreConformanceCases.slice(0, 5)) {
    let failed = false;
    try {
      await c.run(factory);
    } catch {
      failed = true;
    }
    assert.ok(failed, `${c.name} passed against a broken store`);
  }
  assert.is(created, 5);
  assert.is(disposed, 5);
});

test('deepEqual treats undefined properties as absent and compares bigints by value', () => {
  assert.ok(deepEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(deepEqual([1n, { x: [2n] }], [1n, { x: [2n] }]));
  assert.not.ok(deepEqual([1n], [2n]));
  assert.not.ok(deepEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.not.ok(deepEqual([1, 2], [2, 1]));
  assert.not.ok(deepEqual({ a: [] }, { a: {} }));
});

test.run();
