import type { OutgoingMessage } from './outgoing-message';

/** A message as a consumer receives it. */
export interface IncomingMessage extends OutgoingMessage {
  /** Delivery attempt, 1 on first delivery. */
  readonly attempt?: number;
}

/** Receives messages of a topic as a member of a consumer group. */
export interface MessageConsumer {
  subscribe(options: {
    readonly topics: ReadonlyArray<string>;
    readonly group: string;
    readonly handle: (message: IncomingMessage) => Promise<void>;
  }): Promise<{ stop(): Promise<void> }>;
}
