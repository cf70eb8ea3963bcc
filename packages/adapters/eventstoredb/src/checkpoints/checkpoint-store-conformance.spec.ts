import { checkpointStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { FakeEventStoreDbClient } from '../test-support';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';

/**
 * The kernel's checkpoint store suite against this adapter on the in-process fake client
 * (`test-support/fake-client.ts`), not a server. A "restart" is a new store on the same client.
 */
const client = new FakeEventStoreDbClient();
checkpointStoreConformance(test, {
  create: async () => new EventStoreDbCheckpointStore(client, { streamPrefix: 'conf-' }),
  reopen: async () => new EventStoreDbCheckpointStore(client, { streamPrefix: 'conf-' }),
});

test.run();
