import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEvent, EventStore, SubscribeOptions } from '../event-store/event-store';
import type { NewEvent, RecordedEvent } from '../event-store/recorded-event';
import { createUpcasters, type Upcaster, withUpcasting } from './upcasters';

const recorded = (event: AnyEvent & Record<string, unknown>, schemaVersion?: number, position = 1n): RecordedEvent => ({
  streamId: 'cart-1',
  streamVersion: position - 1n,
  globalPosition: position,
  event,
  metadata: {
    eventId: `e${position}`,
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2024-01-01T00:00:00.000Z',
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
  },
});

// ItemAdded v1 { sku, qty } -> v2 { sku, quantity } -> v3 { sku, quantity, unit }
const itemAddedV1toV2: Upcaster = {
  type: 'ItemAdded',
  fromVersion: 1,
  upcast: ({ qty, ...rest }) => ({ ...rest, type: 'ItemAdded', quantity: qty }),
};
const itemAddedV2toV3: Upcaster = {
  type: 'ItemAdded',
  fromVersion: 2,
  upcast: (e) => ({ ...e, unit: 'piece' }),
};

test('a v1 event runs the whole chain to v3; the recorded metadata says v3', () => {
  const upcasters = createUpcasters([itemAddedV2toV3, itemAddedV1toV2]); // registration order does not matter
  assert.is(upcasters.latest('ItemAdded'), 3);
  const out = upcasters.upcast(recorded({ type: 'ItemAdded', sku: 'a', qty: 2 }));
  assert.equal(out.event, { type: 'ItemAdded', sku: 'a', quantity: 2, unit: 'piece' });
  assert.is(out.metadata.schemaVersion, 3);
  assert.is(out.metadata.eventId, 'e1', 'the rest of the metadata is kept');
  assert.is(out.globalPosition, 1n);
});

test('a v2 event runs only the remaining step; a v3 event and an unknown type are returned as they are', () => {
  const upcasters = createUpcasters([itemAddedV1toV2, itemAddedV2toV3]);
  assert.equal(upcasters.upcast(recorded({ type: 'ItemAdded', sku: 'a', quantity: 5 }, 2)).event, {
    type: 'ItemAdded',
    sku: 'a',
    quantity: 5,
    unit: 'piece',
  });
  const current = recorded({ type: 'ItemAdded', sku: 'a', quantity: 5, unit: 'kg' }, 3);
  assert.is(upcasters.upcast(current), current);
  const other = recorded({ type: 'CartCheckedOut' });
  assert.is(upcasters.upcast(other), other);
  assert.is(upcasters.latest('CartCheckedOut'), 1);
});

test('an upcaster may rename the type; the renamed type continues its own chain when declared', () => {
  const rename: Upcaster = {
    type: 'ProductAdded',
    fromVersion: 1,
    toType: 'ItemAdded',
    upcast: ({ product, ...rest }) => ({ ...rest, type: 'ItemAdded', sku: product, quantity: 1 }),
  };
  // The new name's chain starts right after the rename: ItemAdded@2 -> 3.
  const upcasters = createUpcasters([rename, itemAddedV2toV3]);
  const out = upcasters.upcast(recorded({ type: 'ProductAdded', product: 'p' }));
  assert.equal(out.event, { type: 'ItemAdded', sku: 'p', quantity: 1, unit: 'piece' });
  assert.is(out.metadata.schemaVersion, 3);
  assert.is(upcasters.latest('ProductAdded'), 2);
  assert.is(upcasters.latest('ItemAdded'), 3);
  // A plain rename without further steps.
  const renameOnly = createUpcasters([rename]);
  const renamed = renameOnly.upcast(recorded({ type: 'ProductAdded', product: 'p' }));
  assert.equal(renamed.event, { type: 'ItemAdded', sku: 'p', quantity: 1 });
  assert.is(renamed.metadata.schemaVersion, 2);
  assert.is(
    renameOnly.latest('ItemAdded'),
    2,
    'new ItemAdded events are written at the version renamed ones arrive at',
  );
});

test('an upcaster that returns another type than its declared toType is an error on read', () => {
  const liar: Upcaster = { type: 'A', fromVersion: 1, toType: 'B', upcast: () => ({ type: 'C' }) };
  const upcasters = createUpcasters([liar]);
  assert.throws(() => upcasters.upcast(recorded({ type: 'A' })), /declares toType 'B' but returned 'C'/);
});

test('gaps are detected: a missing step between registered ones, or a chain not starting at 1', () => {
  const v3toV4: Upcaster = { type: 'ItemAdded', fromVersion: 3, upcast: (e) => e };
  assert.throws(() => createUpcasters([itemAddedV1toV2, v3toV4]), /'ItemAdded' have a gap at version 2/);
  assert.throws(() => createUpcasters([itemAddedV2toV3]), /'ItemAdded' have a gap at version 1/);
  // A rename into ItemAdded at version 2 does not cover a chain that starts at 3.
  const rename: Upcaster = {
    type: 'Old',
    fromVersion: 1,
    toType: 'ItemAdded',
    upcast: (e) => ({ ...e, type: 'ItemAdded' }),
  };
  assert.throws(() => createUpcasters([rename, v3toV4]), /'ItemAdded' have a gap at version 2/);
  // A rename landing above an existing chain leaves the versions in between uncovered.
  const lateRename: Upcaster = {
    type: 'Old',
    fromVersion: 4,
    toType: 'ItemAdded',
    upcast: (e) => ({ ...e, type: 'ItemAdded' }),
  };
  const oldChain: Upcaster[] = [1, 2, 3].map((v) => ({ type: 'Old', fromVersion: v, upcast: (e) => e }));
  assert.throws(
    () => createUpcasters([...oldChain, lateRename, itemAddedV1toV2]),
    /'ItemAdded' have a gap at version 2/,
  );
});

test('duplicate registrations and versions below 1 are refused', () => {
  assert.throws(
    () => createUpcasters([itemAddedV1toV2, { ...itemAddedV1toV2 }]),
    /two upcasters for 'ItemAdded' from version 1/,
  );
  for (const fromVersion of [0, -1, 1.5]) {
    assert.throws(
      () => createUpcasters([{ type: 'X', fromVersion, upcast: (e) => e }]),
      (e: unknown) => e instanceof RangeError,
    );
  }
});

/** A tiny in-spec store: the store is not under test here, only the wrapper around it. */
const fakeStore = (stored: ReadonlyArray<RecordedEvent>) => {
  const appended: Array<{ streamId: string; events: ReadonlyArray<NewEvent> }> = [];
  let subscriber: SubscribeOptions | undefined;
  const store: EventStore = {
    appendToStream: async (streamId, events) => {
      appended.push({ streamId, events });
      return { nextExpectedVersion: 0n, position: 1n };
    },
    readStream: async () => stored,
    readAll: async () => stored,
    subscribeToAll: (options) => {
      subscriber = options;
      return { stop: async () => undefined, caughtUp: Promise.resolve(), done: Promise.resolve() };
    },
  };
  return { store, appended, deliver: async (r: RecordedEvent) => subscriber?.onEvent(r) };
};

test('withUpcasting: readStream, readAll and subscriptions return upcast events; appends pass through', async () => {
  const old = recorded({ type: 'ItemAdded', sku: 'a', qty: 1 });
  const fake = fakeStore([old]);
  const store = withUpcasting(fake.store, createUpcasters([itemAddedV1toV2, itemAddedV2toV3]));
  const expected = { type: 'ItemAdded', sku: 'a', quantity: 1, unit: 'piece' };
  assert.equal(
    (await store.readStream('cart-1')).map((r) => r.event),
    [expected],
  );
  assert.equal(
    (await store.readAll()).map((r) => r.event),
    [expected],
  );

  const seen: unknown[] = [];
  store.subscribeToAll({ onEvent: (r) => void seen.push(r.event) });
  await fake.deliver(old);
  assert.equal(seen, [expected]);

  const toAppend: NewEvent = { event: { type: 'ItemAdded' }, metadata: old.metadata };
  await store.appendToStream('cart-1', [toAppend], { expectedVersion: 'any' });
  assert.equal(fake.appended, [{ streamId: 'cart-1', events: [toAppend] }]);
});

test.run();
