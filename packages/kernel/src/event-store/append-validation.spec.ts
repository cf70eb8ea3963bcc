import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertValidAppend, assertValidStreamId, byteLength, MAX_STREAM_ID_LENGTH } from './append-validation';
import { findNonJsonValue, frozenJsonCopy } from './json-walk';
import { InvalidInputError } from '../model/errors';
import type { EventMetadata } from '../model/event-metadata';
import type { NewEvent } from './recorded-event';

const metadata = (eventId: string, extra: Partial<EventMetadata> = {}): EventMetadata => ({
  eventId,
  correlationId: 'corr',
  causationId: 'cause',
  occurredAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});
const event = (eventId: string, data: Record<string, unknown> = {}): NewEvent => ({
  event: { type: 'Happened', ...data },
  metadata: metadata(eventId),
});

/** Runs `fn`, which must throw InvalidInputError, and answers it. */
const rejection = (fn: () => void): InvalidInputError => {
  try {
    fn();
  } catch (error) {
    assert.instance(error, InvalidInputError);
    return error as InvalidInputError;
  }
  assert.unreachable('expected an InvalidInputError');
  throw new Error('unreachable');
};

const rejects = (fn: () => void, code: string, path?: string): InvalidInputError => {
  const error = rejection(fn);
  assert.is(error.code, code, error.message);
  assert.ok(error.issues.length > 0, 'issues name the problem');
  if (path !== undefined) assert.is(error.issues[0]?.path, path, error.message);
  return error;
};

test('a valid append passes', () => {
  assertValidAppend('order-1', [event('e1'), event('e2', { n: 1, list: [1, 'a', null], nested: { ok: true } })], 'any');
  assertValidAppend('order-1', [event('e1')], undefined);
  assertValidAppend('order-1', [event('e1')], 0n);
});

test('stream id: non-string, empty, blank, too long, control characters', () => {
  rejects(() => assertValidStreamId(42), 'invalid_stream_id', 'streamId');
  rejects(() => assertValidStreamId(''), 'empty_stream_id', 'streamId');
  rejects(() => assertValidStreamId('   '), 'empty_stream_id');
  rejects(() => assertValidStreamId('a'.repeat(MAX_STREAM_ID_LENGTH + 1)), 'invalid_stream_id');
  assertValidStreamId('a'.repeat(MAX_STREAM_ID_LENGTH));
  rejects(() => assertValidStreamId('order\n1'), 'invalid_stream_id');
  rejects(() => assertValidStreamId('order\u007f'), 'invalid_stream_id');
  assertValidStreamId('commande-été-😀');
  rejects(() => assertValidAppend(undefined, [event('e1')], 'any'), 'invalid_stream_id');
});

test('expected version: negative bigints, numbers and unknown names are refused', () => {
  for (const bad of [-1n, 3, 'exists', null]) {
    rejects(() => assertValidAppend('s', [event('e1')], bad), 'invalid_expected_version', 'expectedVersion');
  }
});

test('an empty batch, or no array at all, is refused', () => {
  rejects(() => assertValidAppend('s', [], 'any'), 'empty_append', 'events');
  rejects(() => assertValidAppend('s', undefined, 'any'), 'empty_append');
  rejects(() => assertValidAppend('s', { 0: event('e1') }, 'any'), 'empty_append');
});

test('events: not an object, no type, an empty type, a non-string type', () => {
  rejects(() => assertValidAppend('s', [null], 'any'), 'invalid_event', 'events.0');
  rejects(() => assertValidAppend('s', [event('e1'), 'x'], 'any'), 'invalid_event', 'events.1');
  rejects(() => assertValidAppend('s', [{ metadata: metadata('e1') }], 'any'), 'invalid_event', 'events.0.event.type');
  rejects(
    () => assertValidAppend('s', [{ event: { type: '' }, metadata: metadata('e1') }], 'any'),
    'invalid_event',
    'events.0.event.type',
  );
  rejects(
    () => assertValidAppend('s', [{ event: { type: 7 }, metadata: metadata('e1') }], 'any'),
    'invalid_event',
    'events.0.event.type',
  );
});

test('metadata: missing, each required id missing or empty, optional fields of the wrong type', () => {
  rejects(() => assertValidAppend('s', [{ event: { type: 'A' } }], 'any'), 'invalid_metadata', 'events.0.metadata');
  for (const field of ['eventId', 'correlationId', 'causationId', 'occurredAt'] as const) {
    for (const value of [undefined, '', 5]) {
      const m = { ...metadata('e1'), [field]: value };
      rejects(
        () => assertValidAppend('s', [{ event: { type: 'A' }, metadata: m }], 'any'),
        'invalid_metadata',
        `events.0.metadata.${field}`,
      );
    }
  }
  const withBad = (extra: Record<string, unknown>) => () =>
    assertValidAppend('s', [{ event: { type: 'A' }, metadata: { ...metadata('e1'), ...extra } }], 'any');
  rejects(withBad({ headers: { ok: 'x', bad: 1 } }), 'invalid_metadata', 'events.0.metadata.headers.bad');
  rejects(withBad({ tenantId: 9 }), 'invalid_metadata', 'events.0.metadata.tenantId');
  rejects(withBad({ schemaVersion: '2' }), 'invalid_metadata', 'events.0.metadata.schemaVersion');
  rejects(withBad({ schemaVersion: 1.5 }), 'invalid_metadata', 'events.0.metadata.schemaVersion');
  rejects(withBad({ schemaVersion: 0 }), 'invalid_metadata', 'events.0.metadata.schemaVersion');
  withBad({ schemaVersion: 2, tenantId: 't', traceparent: 'tp', commandId: 'c', headers: { a: 'b' } })();
});

test('the same event id twice in one append is refused', () => {
  rejects(
    () => assertValidAppend('s', [event('e1'), event('e2'), event('e1')], 'any'),
    'duplicate_event_id',
    'events.2.metadata.eventId',
  );
});

test('data JSON cannot carry is refused with its path', () => {
  const cases: ReadonlyArray<[string, unknown, string]> = [
    ['bigint', 1n, 'events.0.event.v'],
    ['NaN', Number.NaN, 'events.0.event.v'],
    ['Infinity', Number.POSITIVE_INFINITY, 'events.0.event.v'],
    ['a function', () => 1, 'events.0.event.v'],
    ['a symbol', Symbol('s'), 'events.0.event.v'],
    ['a Date', new Date(0), 'events.0.event.v'],
    ['a Map', new Map(), 'events.0.event.v'],
    ['undefined in an array', [1, undefined], 'events.0.event.v.1'],
    ['a nested bigint', { deep: [{ n: 2n }] }, 'events.0.event.v.deep.0.n'],
  ];
  for (const [what, value, path] of cases) {
    const error = rejects(() => assertValidAppend('s', [event('e1', { v: value })], 'any'), 'not_serialisable', path);
    assert.ok(error.message.includes(path), `${what}: ${error.message}`);
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  rejects(
    () => assertValidAppend('s', [event('e1', { v: cyclic })], 'any'),
    'not_serialisable',
    'events.0.event.v.self',
  );
  // In metadata too (an extra field the codec does not know).
  rejects(
    () => assertValidAppend('s', [{ event: { type: 'A' }, metadata: { ...metadata('e1'), extra: 1n } }], 'any'),
    'not_serialisable',
    'events.0.metadata.extra',
  );
});

test('undefined is allowed as an object property (JSON drops it) but not in an array', () => {
  assertValidAppend('s', [event('e1', { optional: undefined, nested: { also: undefined } })], 'any');
  assert.is(findNonJsonValue({ a: undefined }), undefined);
  assert.equal(findNonJsonValue({ a: [undefined] }), { path: 'a.0', expected: 'JSON value', actual: undefined });
  assert.equal(findNonJsonValue([undefined]), { path: '0', expected: 'JSON value', actual: undefined });
});

test('findNonJsonValue: shared (non-cyclic) references and null-prototype objects are fine', () => {
  const shared = { n: 1 };
  assert.is(findNonJsonValue({ a: shared, b: shared, c: [shared, shared] }), undefined);
  assert.is(findNonJsonValue(Object.assign(Object.create(null) as object, { a: 1 })), undefined);
  assert.equal(findNonJsonValue(5n, 'root'), { path: 'root', expected: 'JSON value', actual: '5n' });
});

test('size limit: serialised event + metadata above maxEventBytes is refused, at the limit passes', () => {
  const big = event('e1', { text: 'é'.repeat(100) });
  const size = byteLength(JSON.stringify(big.event)) + byteLength(JSON.stringify(big.metadata));
  assertValidAppend('s', [big], 'any', { maxEventBytes: size });
  const error = rejects(
    () => assertValidAppend('s', [big], 'any', { maxEventBytes: size - 1 }),
    'event_too_large',
    'events.0',
  );
  assert.ok(error.message.includes(`${size} bytes`), error.message);
  // The default limit is 8 MiB.
  rejects(() => assertValidAppend('s', [event('e1', { text: 'x'.repeat(8 * 1024 * 1024) })], 'any'), 'event_too_large');
});

test('property: byteLength equals Buffer.byteLength on any string, lone surrogates included', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' })),
      (s) => {
        assert.is(byteLength(s), Buffer.byteLength(s, 'utf8'));
      },
    ),
    { numRuns: 500 },
  );
  for (const s of ['\ud800', '\ud800\ud800', '\ud800a', '\udc00\ud800', 'a\udbff', '😀', '\u07ff\u0800']) {
    assert.is(byteLength(s), Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
  }
});

test('nothing is half-checked: a bad event late in the batch fails the whole append', () => {
  rejects(
    () => assertValidAppend('s', [event('e1'), event('e2'), event('e3', { v: 1n })], 'any'),
    'not_serialisable',
    'events.2.event.v',
  );
});

/** True when `value` and everything reachable from it is frozen. */
const deeplyFrozen = (value: unknown): boolean =>
  typeof value !== 'object' || value === null || (Object.isFrozen(value) && Object.values(value).every(deeplyFrozen));

test('assertValidAppend answers deep-frozen copies, equal to the JSON round trip, sharing nothing', () => {
  const data = { n: 1, list: [1, 'a', null, { x: true }], nested: { ok: true, gone: undefined } };
  const input = [event('e1', data), { event: { type: 'B' }, metadata: metadata('e2', { headers: { h: 'v' } }) }];
  const copies = assertValidAppend('s', input, 'any');
  assert.is(copies.length, 2);
  input.forEach((original, i) => {
    const copy = copies[i]!;
    assert.equal(copy.event, JSON.parse(JSON.stringify(original.event)));
    assert.equal(copy.metadata, JSON.parse(JSON.stringify(original.metadata)));
    assert.ok(deeplyFrozen(copy.event) && deeplyFrozen(copy.metadata), 'copies are frozen at every level');
    assert.is.not(copy.event, original.event);
    assert.is.not(copy.metadata, original.metadata);
  });
  assert.is.not((copies[0]!.event as unknown as typeof data).list, data.list);
  assert.ok(!('gone' in (copies[0]!.event as unknown as typeof data).nested), 'undefined properties are dropped');
  // The input is left alone: not frozen, still mutable.
  assert.not.ok(Object.isFrozen(input[0]!.event));
});

test('frozen copies: an own __proto__ key stays data, a polluted Object.prototype is not copied', () => {
  const parsed = JSON.parse('{"type":"A","__proto__":{"x":1}}') as { type: string };
  const [copy] = assertValidAppend('s', [{ event: parsed, metadata: metadata('e1') }], 'any');
  assert.is(Object.getPrototypeOf(copy!.event), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(copy!.event, '__proto__'));
  assert.equal(Object.getOwnPropertyDescriptor(copy!.event, '__proto__')?.value, { x: 1 });
  assert.equal(frozenJsonCopy(parsed), parsed);
  const proto = Object.prototype as Record<string, unknown>;
  proto.polluted = 'yes';
  try {
    const [clean] = assertValidAppend('s', [event('e2', { v: 1 })], 'any');
    assert.equal(Object.keys(clean!.event), ['type', 'v']);
    assert.equal(Object.keys(frozenJsonCopy({ a: 1 })), ['a']);
  } finally {
    delete proto.polluted;
  }
});

test('metadata with an own __proto__ key and optional fields gets a verdict, not a TypeError', () => {
  // io-ts merges an intersection's outputs by assignment: the own key must not reach it.
  const withProto = (extra: Partial<EventMetadata> | Record<string, unknown>): NewEvent => {
    const m = { ...metadata('e1'), ...extra } as Record<string, unknown>;
    Object.defineProperty(m, '__proto__', { value: { type: 5 }, enumerable: true, writable: true, configurable: true });
    return { event: { type: 'A' }, metadata: m as unknown as EventMetadata };
  };
  rejects(
    () => assertValidAppend('s', [withProto({ schemaVersion: Number.NaN })], 'any'),
    'invalid_metadata',
    'events.0.metadata.schemaVersion',
  );
  rejects(
    () => assertValidAppend('s', [withProto({ tenantId: 7 })], 'any'),
    'invalid_metadata',
    'events.0.metadata.tenantId',
  );
  const [copy] = assertValidAppend('s', [withProto({ schemaVersion: 2, headers: { a: 'b' } })], 'any');
  assert.equal(Object.getOwnPropertyDescriptor(copy!.metadata, '__proto__')?.value, { type: 5 });
  assert.is(copy!.metadata.schemaVersion, 2);
});

test('fields count only when they are own: a polluted Object.prototype supplies none of them', () => {
  // The copies hold own properties only: a field accepted from the prototype would be missing
  // from what is stored.
  const proto = Object.prototype as Record<string, unknown>;
  const withPollution = (key: string, value: unknown, run: () => void) => {
    proto[key] = value;
    try {
      run();
    } finally {
      delete proto[key];
    }
  };
  const { eventId: _dropped, ...withoutId } = metadata('e1');
  withPollution('eventId', 'same', () =>
    rejects(
      () => assertValidAppend('s', [{ event: { type: 'A' }, metadata: withoutId as EventMetadata }], 'any'),
      'invalid_metadata',
      'events.0.metadata.eventId',
    ),
  );
  withPollution('type', 'Inherited', () =>
    rejects(
      () => assertValidAppend('s', [{ event: {} as NewEvent['event'], metadata: metadata('e1') }], 'any'),
      'invalid_event',
      'events.0.event.type',
    ),
  );
  withPollution('tenantId', 7, () => {
    const [copy] = assertValidAppend('s', [event('e1')], 'any');
    assert.not.ok(Object.prototype.hasOwnProperty.call(copy!.metadata, 'tenantId'));
  });
});

test('own __proto__ keys in headers: a string is a header, anything else is refused', () => {
  const headers = (value: unknown) => {
    const h = { a: 'b' } as Record<string, unknown>;
    Object.defineProperty(h, '__proto__', { value, enumerable: true, writable: true, configurable: true });
    return { event: { type: 'A' }, metadata: { ...metadata('e1'), headers: h } } as unknown as NewEvent;
  };
  const [copy] = assertValidAppend('s', [headers('x')], 'any');
  assert.is(Object.getOwnPropertyDescriptor(copy!.metadata.headers, '__proto__')?.value, 'x');
  rejects(() => assertValidAppend('s', [headers({ a: 1 })], 'any'), 'invalid_metadata');
});

test('a repeated id is found in a large batch, at the place it repeats', () => {
  const events = Array.from({ length: 3000 }, (_, i) => event(`id-${i}`));
  assertValidAppend('s', events, 'any');
  events.push(event('id-1234'));
  rejects(() => assertValidAppend('s', events, 'any'), 'duplicate_event_id', 'events.3000.metadata.eventId');
});

test('an array is neither an event nor metadata, even with the right properties', () => {
  const typed = Object.assign([1], { type: 'A' });
  const ids = Object.assign([], metadata('e1'));
  rejects(
    () => assertValidAppend('s', [{ event: typed, metadata: metadata('e1') }], 'any'),
    'invalid_event',
    'events.0.event',
  );
  rejects(
    () => assertValidAppend('s', [{ event: { type: 'A' }, metadata: ids }], 'any'),
    'invalid_metadata',
    'events.0.metadata',
  );
});

test('property: accessors answering differently on each read cannot slip past the checks', () => {
  // A field that is valid for its first `good` reads, then empty. Whatever number of reads each
  // path makes, the append is refused or its copies hold valid values (what was checked).
  fc.assert(
    fc.property(fc.nat(6), fc.boolean(), fc.boolean(), (good, deepData, twoEvents) => {
      let reads = 0;
      const tricky = {
        get eventId() {
          return reads++ < good ? 'e1' : '';
        },
        correlationId: 'c',
        causationId: 'c',
        occurredAt: 'now',
      };
      let deep: unknown = 1;
      for (let d = 0; d < (deepData ? 100 : 1); d++) deep = { d: deep };
      const events = [{ event: { type: 'A', deep }, metadata: tricky as EventMetadata }];
      if (twoEvents) events.push(event('e2') as (typeof events)[number]);
      let copies: NewEvent[];
      try {
        copies = assertValidAppend('s', events, 'any');
      } catch (error) {
        assert.instance(error, InvalidInputError);
        return;
      }
      assert.is(copies[0]!.metadata.eventId, 'e1');
      assert.ok(Object.isFrozen(copies[0]!.metadata));
    }),
    { numRuns: 100 },
  );
});

test('every property is read once: accessors are called once, and the copies hold what they answered', () => {
  const reads = new Map<string, number>();
  const counted = <T extends object>(name: string, values: Record<string, unknown>): T => {
    const target = {};
    for (const [key, value] of Object.entries(values)) {
      Object.defineProperty(target, key, {
        enumerable: true,
        get: () => {
          reads.set(`${name}.${key}`, (reads.get(`${name}.${key}`) ?? 0) + 1);
          return typeof value === 'function' ? (value as () => unknown)() : value;
        },
      });
    }
    return target as T;
  };
  let n = 0;
  const entry = counted<NewEvent>('entry', {
    event: counted('event', { type: () => (n++ === 0 ? 'A' : ''), data: () => ({ n }) }),
    metadata: counted('metadata', { ...metadata('e1'), tenantId: 't' }),
  });
  const [copy] = assertValidAppend('s', [entry], 'any');
  assert.equal(copy, { event: { type: 'A', data: { n: 1 } }, metadata: { ...metadata('e1'), tenantId: 't' } });
  assert.ok(
    [...reads.values()].every((count) => count === 1),
    JSON.stringify([...reads]),
  );
  assert.is(reads.size, 2 + 2 + 5);
});

test('custom prototypes and sparse arrays are refused, null-prototype objects are copied as plain ones', () => {
  const custom = Object.create({ inherited: 1 }) as Record<string, unknown>;
  custom.own = 1;
  rejects(() => assertValidAppend('s', [event('e1', { v: custom })], 'any'), 'not_serialisable', 'events.0.event.v');
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  rejects(() => assertValidAppend('s', [event('e1', { v: sparse })], 'any'), 'not_serialisable', 'events.0.event.v.1');
  const bare = Object.assign(Object.create(null) as object, { type: 'A' });
  const [copy] = assertValidAppend('s', [{ event: bare, metadata: metadata('e1') }], 'any');
  assert.is(Object.getPrototypeOf(copy!.event), Object.prototype);
  assert.equal(copy!.event, { type: 'A' });
});

/** What can be wrong with one event of a generated append; the expected error code and path. */
const FAULTS = {
  none: undefined,
  undefinedProperty: undefined,
  deepButValid: undefined,
  notAnObject: ['invalid_event', ''],
  emptyType: ['invalid_event', '.event.type'],
  noMetadata: ['invalid_metadata', '.metadata'],
  emptyCorrelationId: ['invalid_metadata', '.metadata.correlationId'],
  numericTenant: ['invalid_metadata', '.metadata.tenantId'],
  repeatedId: ['duplicate_event_id', '.metadata.eventId'],
  bigint: ['not_serialisable', '.event.data.v'],
  undefinedInArray: ['not_serialisable', '.event.data.list.1'],
  date: ['not_serialisable', '.event.data.v'],
  cycle: ['not_serialisable', '.event.data.self'],
  deepCycle: ['not_serialisable', `.event.data${'.n'.repeat(70)}`],
  metadataBigint: ['not_serialisable', '.metadata.extra'],
  tooLarge: ['event_too_large', ''],
} as const satisfies Record<string, readonly [string, string] | undefined>;
type Fault = keyof typeof FAULTS;

const MAX_BYTES = 4000;

const faultyEvent = (fault: Fault, i: number): unknown => {
  const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
    event: { type: 'T', data },
    metadata: { ...metadata(`e${i}`), ...extra },
  });
  switch (fault) {
    case 'none':
      return ok({ v: i, list: [1, { s: 'x' }] });
    case 'undefinedProperty':
      return ok({ v: undefined, w: 1 });
    case 'deepButValid': {
      let deep: unknown = 1;
      for (let d = 0; d < 100; d++) deep = d % 2 === 0 ? [deep] : { d: deep };
      return ok(deep);
    }
    case 'notAnObject':
      return 'nope';
    case 'emptyType':
      return { event: { type: '' }, metadata: metadata(`e${i}`) };
    case 'noMetadata':
      return { event: { type: 'T' } };
    case 'emptyCorrelationId':
      return ok({}, { correlationId: '' });
    case 'numericTenant':
      return ok({}, { tenantId: 9 });
    case 'repeatedId':
      return ok({}, { eventId: 'e0' });
    case 'bigint':
      return ok({ v: 1n });
    case 'undefinedInArray':
      return ok({ list: [1, undefined] });
    case 'date':
      return ok({ v: new Date(0) });
    case 'cycle': {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      return ok(cyclic);
    }
    case 'deepCycle': {
      const root: Record<string, unknown> = {};
      let last = root;
      for (let d = 1; d < 70; d++) last = (last.n = {}) as Record<string, unknown>;
      last.n = root;
      return ok(root);
    }
    case 'metadataBigint':
      return ok({}, { extra: 2n });
    case 'tooLarge':
      return ok({ text: 'x'.repeat(MAX_BYTES) });
  }
};

test('property: the first problem of a batch is reported, in order, or the batch is accepted', () => {
  const faults = Object.keys(FAULTS) as Fault[];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...faults), { minLength: 1, maxLength: 6 }), (chosen) => {
      // A repeated id at index 0 has nothing to repeat: it is a valid event there.
      const effective = chosen.map((f, i) => (f === 'repeatedId' && i === 0 ? 'none' : f));
      const events = effective.map(faultyEvent);
      const firstBad = effective.findIndex((f) => FAULTS[f] !== undefined);
      const expected = firstBad < 0 ? undefined : FAULTS[effective[firstBad]!]!;
      const run = () => assertValidAppend('s', events, 'any', { maxEventBytes: MAX_BYTES });
      if (expected !== undefined) rejects(run, expected[0], `events.${firstBad}${expected[1]}`);
      else {
        const copies = run();
        copies.forEach((copy, i) => {
          const original = events[i] as NewEvent;
          assert.equal(copy.event, JSON.parse(JSON.stringify(original.event)));
          assert.equal(copy.metadata, JSON.parse(JSON.stringify(original.metadata)));
          assert.ok(deeplyFrozen(copy.event) && deeplyFrozen(copy.metadata));
        });
      }
    }),
    { numRuns: 300 },
  );
});

test.run();
