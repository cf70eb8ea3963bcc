import { inboxConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { createInMemoryInbox } from './in-memory-inbox';

// The kernel's inbox suite against the in-memory inbox. Its storage is the instance: a
// "restart" is the same instance.
inboxConformance(test, { create: async () => createInMemoryInbox(), reopen: async (inbox) => inbox });

test.run();
