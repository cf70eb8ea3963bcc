import { snapshotStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { FakeEventStoreDbClient } from '../test-support';
import { EventStoreDbSnapshotStore } from './eventstoredb-snapshot-store';

/**
 * The kernel's snapshot store suite against this adapter on the in-process fake client
 * (`test-support/fake-client.ts`), not a server: it covers the adapter's own code (encoding,
 * `$maxCount`, the newest-wins check with an expected revision), not EventStoreDB itself.
 */
const client = new FakeEventStoreDbClient();
snapshotStoreConformance(test, {
  create: async () => new EventStoreDbSnapshotStore(client, { streamPrefix: 'conf-' }),
});

test.run();
