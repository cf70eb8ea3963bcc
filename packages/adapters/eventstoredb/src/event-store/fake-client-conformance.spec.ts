import { eventStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { EVENTSTOREDB_CONFORMANCE_GAPS } from './conformance-gaps';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { FakeEventStoreDbClient } from '../test-support';

/**
 * The kernel's conformance suite against this adapter on the in-process fake client
 * (`testing/fake-client.ts`): it exercises every code path of the adapter (mapping, append plan,
 * paging, subscriptions) without a server. It does not replace the run against a real server in
 * `eventstoredb.int.spec.ts`; the fake only models the server behaviour the adapter relies on.
 */
const client = new FakeEventStoreDbClient();
eventStoreConformance(test, {
  create: async () =>
    new EventStoreDbEventStore(client, {
      streamPrefix: 'conf-',
      subscriptions: { pollIntervalMs: 200, retry: { initialDelayMs: 5, maxDelayMs: 50 } },
    }),
  dispose: async (store) => (store as EventStoreDbEventStore).close(),
  unsupported: EVENTSTOREDB_CONFORMANCE_GAPS,
});

test.run();
