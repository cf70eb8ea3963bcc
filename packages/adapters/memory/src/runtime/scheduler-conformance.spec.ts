import { schedulerConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { createInMemoryScheduler } from './in-memory-scheduler';

// The kernel's scheduler suite against the in-memory scheduler.
schedulerConformance(test, { create: async () => createInMemoryScheduler() });

test.run();
