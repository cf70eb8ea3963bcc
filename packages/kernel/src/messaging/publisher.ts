import type { OutgoingMessage } from './outgoing-message';

/** Publishes messages; resolves once the transport has acknowledged all of them. */
export interface Publisher {
  publish(messages: ReadonlyArray<OutgoingMessage>): Promise<void>;
}
