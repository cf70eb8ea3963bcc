import { snapshotStoreConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { createInMemorySnapshotStore } from './in-memory-snapshot-store';

// The kernel's snapshot store suite against the in-memory store.
snapshotStoreConformance(test, { create: async () => createInMemorySnapshotStore() });

test.run();
