import { checkpointStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store';

// The kernel's checkpoint store suite against the in-memory store. Its storage is the instance:
// a "restart" is the same instance.
checkpointStoreConformance(test, {
  create: async () => createInMemoryCheckpointStore(),
  reopen: async (store) => store,
});

test.run();
