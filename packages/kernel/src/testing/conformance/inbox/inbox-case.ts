import type { Inbox } from '../../../messaging/inbox';
import { uniqueName } from '../shared/unique';
import type { InboxConformanceCase, InboxConformanceFactory } from './types';

/** What a case works with: an inbox, and consumer names no other case or run uses. */
export interface InboxContext {
  readonly inbox: Inbox<unknown>;
  readonly factory: InboxConformanceFactory;
  readonly consumer: (label: string) => string;
}

/** One case of the inbox suite: a fresh inbox from the factory, disposed of afterwards. */
export const inboxCase = (name: string, body: (ctx: InboxContext) => Promise<void>): InboxConformanceCase => ({
  name,
  run: async (factory) => {
    const inbox = await factory.create();
    const prefix = uniqueName('inbox');
    try {
      await body({ inbox, factory, consumer: (label) => `${label}-${prefix}` });
    } finally {
      await factory.dispose?.(inbox);
    }
  },
});
