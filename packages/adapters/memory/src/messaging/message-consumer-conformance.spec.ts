import { messageConsumerConformance } from '@ordo/kernel/testing';
import { test } from 'uvu';
import { createInMemoryMessageBus } from './in-memory-message-bus';

// The kernel's message consumer suite against the in-memory bus (consumer and publisher at once).
messageConsumerConformance(test, {
  create: async () => {
    const bus = createInMemoryMessageBus();
    return { consumer: bus, publisher: bus };
  },
});

test.run();
