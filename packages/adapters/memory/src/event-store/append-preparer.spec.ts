import fc from 'fast-check';
import { InvalidInputError, type NewEvent } from '@ordo/kernel';
import { assertValidAppend } from '@ordo/kernel/adapter-kit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryEventStore } from './in-memory-event-store';

/*
 * The invariant: the in-memory store gives the kernel's verdict on every append (it validates
 * and copies through the kernel's `assertValidAppend`, and this holds it there). On a fresh
 * store, `appendToStream` accepts exactly the appends that the kernel's `assertValidAppend`
 * accepts, and then stores exactly the copies the kernel answers (deep-equal, deep-frozen,
 * sharing no object with the input); it rejects exactly the appends the kernel rejects, with an
 * `InvalidInputError` of the same code whose first issue has the same path. After an accepted
 * append, the store's id index knows the stored ids. Each side gets its own, identical input,
 * built afresh from the same generated recipe (getters that change on their second read would
 * otherwise have been spent by the first side).
 *
 * The inputs: valid batches, batches with one or more rules broken (`invalid:*`), and hostile
 * ones (`hostile:*`): getters answering differently on their second read, custom and null
 * prototypes, cycles (also deeper than 64 levels), strings and nesting that put an event a few
 * bytes either side of the size bound, own `__proto__` keys, sparse arrays, a polluted
 * `Object.prototype`. The test prints how many of each it generated, and the outcomes (NOTE
 * lines). A second property runs large batches (up to 3000 events, a repeated id or not), which
 * fill the store's id index far past what batches of four do.
 */

const REQUIRED = ['eventId', 'correlationId', 'causationId', 'occurredAt'] as const;

/** The input of one generated append, as data (so fast-check can print and shrink it). */
interface Recipe {
  readonly streamId: string;
  readonly expectedVersion: 'any' | 'no_stream' | undefined;
  readonly maxEventBytes: number | undefined;
  /** A valid batch as JSON text: every build parses fresh objects (own `__proto__` keys included). */
  readonly batch: string;
  readonly faults: ReadonlyArray<Fault>;
}

/** One thing done to the valid batch: which, to which event (`at`), and a choice among variants. */
interface Fault {
  readonly kind: FaultKind;
  readonly at: number;
  readonly pick: number;
}

/** What one call gets. */
interface Call {
  streamId: unknown;
  events: unknown;
  expectedVersion: unknown;
  /** Sets and clears an enumerable property of `Object.prototype` around the call, when there is one. */
  pollution?: readonly [string, unknown];
}

type Json = Record<string, unknown>;
type Entry = { event: Json; metadata: Json };

/** Defines an own, enumerable data property (also `__proto__`, which assignment would not make own). */
const define = (target: object, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

/** A value of a getter whose first read answers `first` and every later read `later`. */
const flipping = (target: object, key: string, first: unknown, later: unknown): void => {
  let reads = 0;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => (reads++ === 0 ? first : later),
  });
};

const pickOf = <T>(pick: number, values: ReadonlyArray<T>): T => values[pick % values.length]!;

const NOT_JSON: ReadonlyArray<() => unknown> = [
  () => 1n,
  () => () => 1,
  () => Symbol('s'),
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  () => new Date(0),
  () => new Map([['a', 1]]),
  () =>
    new (class Point {
      x = 1;
    })(),
  () => [1, undefined],
];

/** Wraps `leaf` in `depth` levels, alternately arrays and objects. */
const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let d = 0; d < depth; d++) value = d % 2 === 0 ? [value] : { d: value };
  return value;
};

/** Characters of different JSON/UTF-8 costs: 1, 2, 4 (a pair), 6 (escaped), 6 (lone surrogate), 2 (escaped). */
const PAD_UNITS = ['a', 'é', '😀', '\u0001', '\ud800', '"'] as const;
const JSON_BYTES: Record<(typeof PAD_UNITS)[number], number> = {
  a: 1,
  é: 2,
  '😀': 4,
  '\u0001': 6,
  '\ud800': 6,
  '"': 2,
};

/** The entry's JSON size so far; 0 when an earlier fault made it unserialisable (both sides build alike). */
const sizeOf = (entry: Entry): number => {
  try {
    return Buffer.byteLength(JSON.stringify(entry.event)) + Buffer.byteLength(JSON.stringify(entry.metadata));
  } catch {
    return 0;
  }
};

/**
 * Every fault: its group (for the statistics) and how it changes a call; `false` when it could
 * not apply (a repeated id needs two events). Invalid faults each break one rule; hostile ones
 * are legal JavaScript a validation may get wrong.
 */
const FAULTS = {
  badStreamId: {
    group: 'invalid',
    apply: (call: Call, _at: number, pick: number) => {
      call.streamId = pickOf(pick, [42, '', '  ', 'a\nb', 'x'.repeat(513), null]);
      return true;
    },
  },
  badExpectedVersion: {
    group: 'invalid',
    apply: (call: Call, _at: number, pick: number) => {
      call.expectedVersion = pickOf(pick, [-1n, 1, 'latest', null, {}]);
      return true;
    },
  },
  notABatch: {
    group: 'invalid',
    apply: (call: Call, _at: number, pick: number) => {
      call.events = pickOf(pick, [[], null, { 0: (call.events as unknown[] | null)?.[0] }, 'events']);
      return true;
    },
  },
  entryNotAnObject: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) => {
      if (!Array.isArray(call.events) || call.events.length === 0) return false;
      call.events[at % call.events.length] = pickOf(pick, ['x', null, 7, undefined]);
      return true;
    },
  },
  eventIsAnArray: {
    group: 'invalid',
    apply: (call: Call, at: number) =>
      withEntry(call, at, (e) => {
        e.event = Object.assign([1], { type: 'A' }) as unknown as Json;
      }),
  },
  badType: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => setOrDelete(e.event, 'type', pick, ['', 7, null, {}])),
  },
  badMetadata: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => setOrDelete(e as unknown as Json, 'metadata', pick, [null, [], 'm', 5])),
  },
  blankRequiredField: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => setOrDelete(e.metadata, pickOf(pick >> 3, REQUIRED), pick, ['', 5, null])),
  },
  badOptionalField: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const [key, value] = pickOf(pick, [
          ['tenantId', 7],
          ['traceparent', {}],
          ['commandId', 1],
          ['schemaVersion', 0],
          ['schemaVersion', 1.5],
          ['schemaVersion', '2'],
          ['schemaVersion', Number.NaN],
          ['headers', { a: 1 }],
          ['headers', ['a']],
          ['headers', { n: 1n }],
        ] as const);
        e.metadata[key] = value;
      }),
  },
  repeatedId: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) => {
      const length = Array.isArray(call.events) ? call.events.length : 0;
      if (length < 2) return false;
      const later = 1 + (at % (length - 1));
      const [earlier, repeating] = [entryAt(call, pick % later), entryAt(call, later)];
      if (earlier === undefined || repeating === undefined) return false;
      repeating.metadata.eventId = earlier.metadata.eventId;
      return true;
    },
  },
  notJson: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const value = pickOf(pick, NOT_JSON)();
        const place = (pick >> 4) % 4;
        if (place === 0) e.event.bad = value;
        else if (place === 1) e.metadata.extra = value;
        else if (place === 2) e.event.list = [1, { inner: value }];
        else e.event.deep = nested(70, value);
      }),
  },
  tooLarge: {
    group: 'invalid',
    apply: (call: Call, at: number, pick: number, max: number) =>
      withEntry(call, at, (e) => {
        e.event.big = 'x'.repeat(max + 1 + (pick % 7));
      }),
  },
  flippingGetter: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const [target, key] = pickOf(pick, [
          [e, 'event'],
          [e, 'metadata'],
          [e.event, 'type'],
          [e.metadata, 'eventId'],
          [e.metadata, 'occurredAt'],
          [e.event, 'payload'],
        ] as const);
        const original = (target as Json)[key] ?? 1;
        const bad = pickOf(pick >> 3, ['', 1n, undefined, new Date(0)]);
        // Good on the first read and bad later, or the other way round.
        if ((pick >> 5) % 2 === 0) flipping(target, key, original, bad);
        else flipping(target, key, bad, original);
      }),
  },
  customPrototype: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const proto = pickOf(pick, [{}, { type: 'Inherited' }, Object.create(null) as object, new Date(0)]);
        const where = (pick >> 2) % 3;
        const source: Json = where === 0 ? e.event : where === 1 ? e.metadata : { n: 1 };
        const odd = Object.assign(Object.create(proto) as Json, source);
        if (where === 0) e.event = odd;
        else if (where === 1) e.metadata = odd;
        else e.event.nested = odd;
      }),
  },
  nullPrototype: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const bare = (source: Json) => Object.assign(Object.create(null) as Json, source);
        if (pick % 3 === 0) e.event = bare(e.event);
        else if (pick % 3 === 1) e.metadata = bare(e.metadata);
        else e.event.nested = bare({ a: [bare({ b: 1 })] });
      }),
  },
  cycle: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const variant = pick % 4;
        if (variant === 0) e.event.self = e.event;
        else if (variant === 1) {
          const list: unknown[] = [1];
          list.push(list);
          e.event.list = list;
        } else if (variant === 2) e.metadata.loop = { back: [e.metadata] };
        else {
          // Back to an ancestor from deeper than any quick, depth-bounded walk would go.
          const root: Json = {};
          let last = root;
          for (let d = 0; d < 60 + (pick % 50); d++) last = (last.n = {}) as Json;
          last.n = root;
          e.event.chain = root;
        }
      }),
  },
  nearSizeBound: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number, max: number) =>
      withEntry(call, at, (e) => {
        const unit = pickOf(pick, PAD_UNITS);
        e.event.pad = '';
        // Aim at max - 6 .. max + 6 bytes: both sides of the bound, for units of every JSON cost.
        const target = max + ((pick >> 3) % 13) - 6;
        e.event.pad = unit.repeat(Math.max(0, Math.floor((target - sizeOf(e)) / JSON_BYTES[unit])));
      }),
  },
  deepNesting: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number, max: number) =>
      withEntry(call, at, (e) => {
        // Each level costs 2 to 6 bytes: around the size bound when the limit is small.
        e.event.deep = nested(Math.min(2000, Math.floor(max / 4)) - 50 + (pick % 100), 1);
      }),
  },
  protoKey: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const value = pickOf(pick, [{ type: 5 }, { tenantId: 7 }, { x: [1] }, 'p', null]);
        define((pick >> 3) % 2 === 0 ? e.event : e.metadata, '__proto__', value);
      }),
  },
  sparseArray: {
    group: 'hostile',
    apply: (call: Call, at: number, pick: number) =>
      withEntry(call, at, (e) => {
        const list: unknown[] = [1];
        list.length = 2 + (pick % 3);
        if (pick % 2 === 0) list[list.length - 1] = 'last';
        e.event.sparse = list;
      }),
  },
  pollutedPrototype: {
    group: 'hostile',
    apply: (call: Call, _at: number, pick: number) => {
      call.pollution = pickOf(pick, [
        ['polluted', 'yes'],
        ['tenantId', 7],
        ['tenantId', 'tenant'],
        ['type', 'Inherited'],
        ['eventId', 'same'],
      ] as const);
      return true;
    },
  },
} satisfies Record<
  string,
  { group: 'invalid' | 'hostile'; apply: (call: Call, at: number, pick: number, max: number) => boolean }
>;
type FaultKind = keyof typeof FAULTS;

/** The entry at `at` (modulo the batch length) when the batch still has a `{ event, metadata }` there. */
const entryAt = (call: Call, at: number): Entry | undefined => {
  const events = call.events;
  if (!Array.isArray(events) || events.length === 0) return undefined;
  const entry = events[at % events.length] as Partial<Entry> | undefined;
  const plain = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return plain(entry) && plain(entry!.event) && plain(entry!.metadata) ? (entry as Entry) : undefined;
};

const withEntry = (call: Call, at: number, change: (entry: Entry) => void): boolean => {
  const entry = entryAt(call, at);
  if (entry === undefined) return false;
  change(entry);
  return true;
};

/** Sets `key` to one of `values`, or (one time in `values.length + 1`) deletes it. */
const setOrDelete = (target: Json, key: string, pick: number, values: ReadonlyArray<unknown>): void => {
  const i = pick % (values.length + 1);
  if (i === values.length) delete target[key];
  else target[key] = values[i];
};

/** Builds a fresh input from `recipe`; answers it with the faults that applied. */
const build = (recipe: Recipe): { call: Call; applied: FaultKind[] } => {
  const call: Call = {
    streamId: recipe.streamId,
    events: JSON.parse(recipe.batch) as unknown,
    expectedVersion: recipe.expectedVersion,
  };
  const max = recipe.maxEventBytes ?? 8 * 1024 * 1024;
  // A getter goes in last, and only one: changing the batch further would spend its first read.
  const getter = recipe.faults.find((f) => f.kind === 'flippingGetter');
  const ordered = [...recipe.faults.filter((f) => f.kind !== 'flippingGetter'), ...(getter ? [getter] : [])];
  const applied = ordered.filter((f) => FAULTS[f.kind].apply(call, f.at, f.pick, max));
  return { call, applied: applied.map((f) => f.kind) };
};

/** Runs `run` with the call's pollution of `Object.prototype` in place (synchronous code only). */
const polluted = <T>(call: Call, run: () => T): T => {
  if (call.pollution === undefined) return run();
  const [key, value] = call.pollution;
  Object.defineProperty(Object.prototype, key, { value, enumerable: true, writable: true, configurable: true });
  try {
    return run();
  } finally {
    delete (Object.prototype as Json)[key];
  }
};

type Verdict =
  | { readonly accepted: ReadonlyArray<NewEvent> }
  | { readonly code: string; readonly path: string | undefined }
  | { readonly thrown: unknown };

const verdictOf = (error: unknown): Verdict =>
  error instanceof InvalidInputError ? { code: error.code, path: error.issues[0]?.path } : { thrown: error };

const kernelVerdict = (recipe: Recipe): Verdict => {
  const { call } = build(recipe);
  const limits = recipe.maxEventBytes === undefined ? {} : { maxEventBytes: recipe.maxEventBytes };
  try {
    return {
      accepted: polluted(call, () => assertValidAppend(call.streamId, call.events, call.expectedVersion, limits)),
    };
  } catch (error) {
    return verdictOf(error);
  }
};

/** Every object reachable from `value` through own data properties (getters are not called). */
const objectsOf = (value: unknown, into = new Set<object>()): Set<object> => {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || into.has(value)) return into;
  into.add(value);
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    if ('value' in descriptor) objectsOf(descriptor.value, into);
  }
  return into;
};

const deeplyFrozen = (value: unknown): boolean =>
  typeof value !== 'object' || value === null || (Object.isFrozen(value) && Object.values(value).every(deeplyFrozen));

/** Runs the recipe on a fresh store; answers the verdict and the objects of the input it got. */
const storeVerdict = async (recipe: Recipe): Promise<{ verdict: Verdict; input: Set<object> }> => {
  const { call } = build(recipe);
  const input = objectsOf(call.events);
  const store = createInMemoryEventStore(
    recipe.maxEventBytes === undefined ? {} : { maxEventBytes: recipe.maxEventBytes },
  );
  const options = call.expectedVersion === undefined ? undefined : { expectedVersion: call.expectedVersion };
  try {
    // The append runs synchronously up to its answer: the pollution covers all of it.
    const appended = polluted(call, () =>
      store.appendToStream(call.streamId as string, call.events as NewEvent[], options as never),
    );
    await appended;
  } catch (error) {
    return { verdict: verdictOf(error), input };
  }
  const stored = store.allEvents();
  // The id index knows every stored id: the first one cannot be appended again anywhere.
  const again = await store
    .appendToStream('elsewhere', [{ event: { type: 'Again' }, metadata: { ...stored[0]!.metadata } }])
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  assert.ok(again instanceof InvalidInputError && again.code === 'duplicate_event_id', 'the id index holds the ids');
  return { verdict: { accepted: stored.map(({ event, metadata }) => ({ event, metadata })) }, input };
};

const faultArb: fc.Arbitrary<Fault> = fc.record({
  kind: fc.constantFrom(...(Object.keys(FAULTS) as FaultKind[])),
  at: fc.nat(7),
  pick: fc.nat(255),
});

const optionalMetadataArb = fc.record(
  {
    tenantId: fc.string({ maxLength: 8 }),
    traceparent: fc.string({ maxLength: 8 }),
    schemaVersion: fc.integer({ min: 1, max: 9 }),
    commandId: fc.string({ maxLength: 8 }),
    headers: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const entryArb = (eventId: string) =>
  fc
    .record({
      type: fc.string({ minLength: 1, maxLength: 12 }),
      payload: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
      // Mostly without optional fields, the common case; sometimes with some.
      optional: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: optionalMetadataArb }),
      correlationId: fc.string({ minLength: 1, maxLength: 8 }),
    })
    .map(({ type, payload, optional, correlationId }) => ({
      event: { ...payload, type },
      metadata: { eventId, correlationId, causationId: eventId, occurredAt: '2024-01-01T00:00:00.000Z', ...optional },
    }));

const recipeArb: fc.Arbitrary<Recipe> = fc.record({
  streamId: fc.constantFrom('order-1', 'ünïcødé-流-🙂', 'a'.repeat(512)),
  expectedVersion: fc.constantFrom('any', 'no_stream', undefined),
  maxEventBytes: fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.integer({ min: 300, max: 5000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 5000, max: 50_000 }) },
  ),
  batch: fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme' }), { minLength: 1, maxLength: 4 })
    .chain((ids) => fc.tuple(...ids.map(entryArb)))
    .map((entries) => JSON.stringify(entries)),
  faults: fc.oneof(
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(faultArb, { minLength: 1, maxLength: 3 }) },
  ),
});

test('property: the in-memory store gives the kernel verdict, and stores the kernel copies', async () => {
  const kinds = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  await fc.assert(
    fc.asyncProperty(recipeArb, async (recipe) => {
      const { applied } = build(recipe);
      if (applied.length === 0) count(kinds, 'valid');
      for (const kind of new Set(applied)) count(kinds, `${FAULTS[kind].group}:${kind}`);
      const kernel = kernelVerdict(recipe);
      const { verdict: store, input } = await storeVerdict(recipe);
      assert.not.ok(
        'thrown' in kernel,
        `the kernel throws only InvalidInputError: ${String((kernel as { thrown?: unknown }).thrown)}`,
      );
      if ('accepted' in kernel) {
        count(outcomes, 'accepted');
        if (!('accepted' in store)) {
          assert.equal(store, kernel, 'the store accepts what the kernel accepts');
          return;
        }
        assert.equal(store.accepted, kernel.accepted, 'the store keeps the kernel copies');
        assert.is(JSON.stringify(store.accepted), JSON.stringify(kernel.accepted), 'the same JSON');
        const copies = store.accepted.flatMap((e) => [e.event, e.metadata]);
        assert.ok(copies.every(deeplyFrozen), 'stored copies are deep-frozen');
        for (const copy of objectsOf(copies))
          assert.not.ok(input.has(copy), 'stored copies share nothing with the input');
      } else {
        count(outcomes, (kernel as { code: string }).code);
        assert.equal(store, kernel, 'the store rejects with the kernel code and first issue path');
      }
    }),
    { numRuns: 600, includeErrorInReport: true },
  );
  const line = (map: Map<string, number>) =>
    [...map]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `${key} ${n}`)
      .join(', ');
  // Lines of their own (uvu's dots do not end theirs), so the test runner shows them.
  console.log(`\nNOTE append verdicts: inputs generated with each kind (a run may have several): ${line(kinds)}`);
  console.log(`\nNOTE append verdicts: outcomes: ${line(outcomes)}`);
});

test('property: large batches, with or without a repeated id: the kernel verdict, and the id index holds', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: 3000 }),
      fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined }),
      async (n, repeat) => {
        const events = Array.from({ length: n }, (_, i) => ({
          event: { type: 'T', n: i },
          metadata: { eventId: `e-${i}`, correlationId: 'c', causationId: 'c', occurredAt: 'now' },
        }));
        if (repeat !== undefined) {
          const later = 1 + (repeat[0] % (n - 1));
          events[later]!.metadata.eventId = `e-${repeat[1] % later}`;
        }
        const kernel = ((): Verdict => {
          try {
            return { accepted: assertValidAppend('s', events, 'any') };
          } catch (error) {
            return verdictOf(error);
          }
        })();
        const store = createInMemoryEventStore();
        const error = await store.appendToStream('s', events).then(
          () => undefined,
          (e: unknown) => e,
        );
        if ('accepted' in kernel) {
          assert.is(error, undefined);
          assert.equal(
            store.allEvents().map(({ event, metadata }) => ({ event, metadata })),
            kernel.accepted,
          );
        } else assert.equal(verdictOf(error), kernel);
      },
    ),
    { numRuns: 40 },
  );
});

test.run();
