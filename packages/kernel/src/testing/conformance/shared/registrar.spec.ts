import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkpointStoreConformance,
  checkpointStoreConformanceCases,
  eventStoreConformance,
  eventStoreConformanceCases,
  inboxConformance,
  inboxConformanceCases,
  messageConsumerConformance,
  messageConsumerConformanceCases,
  outboxConformance,
  outboxConformanceCases,
  schedulerConformance,
  schedulerConformanceCases,
  snapshotStoreConformance,
  snapshotStoreConformanceCases,
} from '..';
import type { TestRegistrar, UnsupportedCases } from './registrar';

/** Every suite, registered with a factory that is never called (registration creates nothing). */
const never = async (): Promise<never> => {
  throw new Error('registration must not create anything');
};
const suites: ReadonlyArray<
  readonly [string, (test: TestRegistrar, unsupported: UnsupportedCases['unsupported']) => void, readonly string[]]
> = [
  [
    'event store',
    (t, unsupported) => eventStoreConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    eventStoreConformanceCases.map((c) => c.name),
  ],
  [
    'outbox',
    (t, unsupported) => outboxConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    outboxConformanceCases.map((c) => c.name),
  ],
  [
    'snapshot store',
    (t, unsupported) => snapshotStoreConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    snapshotStoreConformanceCases.map((c) => c.name),
  ],
  [
    'checkpoint store',
    (t, unsupported) => checkpointStoreConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    checkpointStoreConformanceCases.map((c) => c.name),
  ],
  [
    'inbox',
    (t, unsupported) => inboxConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    inboxConformanceCases.map((c) => c.name),
  ],
  [
    'scheduler',
    (t, unsupported) => schedulerConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    schedulerConformanceCases.map((c) => c.name),
  ],
  [
    'message consumer',
    (t, unsupported) => messageConsumerConformance(t, { create: never, ...(unsupported && { unsupported }) }),
    messageConsumerConformanceCases.map((c) => c.name),
  ],
];

const recorder = () => {
  const registered: string[] = [];
  const skipped: string[] = [];
  const register: TestRegistrar = Object.assign((name: string) => void registered.push(name), {
    skip: (name: string) => void skipped.push(name),
  });
  return { register, registered, skipped };
};

const quietly = <T>(fn: () => T): { result: T; lines: string[] } => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => void lines.push(line);
  try {
    return { result: fn(), lines };
  } finally {
    console.log = log;
  }
};

for (const [suite, register, names] of suites) {
  test(`${suite}: every case registered once, names unique, prefixed by the port`, () => {
    const r = recorder();
    register(r.register, undefined);
    assert.equal(r.registered, names);
    assert.equal(r.skipped, []);
    assert.is(new Set(names).size, names.length);
    assert.ok(names.length >= 4, `${suite}: only ${names.length} cases`);
    assert.ok(
      names.every((n) => n.includes(': ')),
      `${suite}: every case name says what it is about`,
    );
  });

  test(`${suite}: an unsupported case is skipped with a SKIP line; an unknown name is an error`, () => {
    const target = names[names.length - 1]!;
    const r = recorder();
    const { lines } = quietly(() => register(r.register, { [target]: 'no reason' }));
    assert.equal(r.skipped, [target]);
    assert.is(r.registered.length, names.length - 1);
    assert.equal(lines, [`SKIP ${target}: no reason`]);
    assert.throws(() => register(recorder().register, { 'no such case': 'x' }), /no such case/);
    // A framework without skip still gets the SKIP line and no registration.
    const bare: string[] = [];
    quietly(() => register((name) => void bare.push(name), { [target]: 'no reason' }));
    assert.is(bare.length, names.length - 1);
  });
}

test('case names are unique across suites', () => {
  const all = suites.flatMap(([, , names]) => names);
  assert.is(new Set(all).size, all.length);
});

test.run();
