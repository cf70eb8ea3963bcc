import type { AnyEvent } from './event-store';
import type { RecordedEvent } from './metadata';

/** A message leaving the system (to Kafka, to an in-memory bus). Payload and headers are JSON-safe. */
export interface OutgoingMessage {
  /** Unique id; consumers deduplicate on it. The event id for integration events. */
  readonly id: string;
  readonly topic: string;
  /** Partition key; the stream id keeps one stream's messages in order. */
  readonly key: string;
  readonly type: string;
  readonly payload: unknown;
  /**
   * The payload as JSON text, when the message's source holds it that way already (the
   * PostgreSQL outbox reads it from the table). It must parse to `payload`; publishers may send
   * it as it is instead of serialising `payload` again.
   */
  readonly payloadJson?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A message as stored in an outbox, with the stream position that orders it. */
export interface OutboxMessage extends OutgoingMessage {
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly globalPosition: bigint;
}

/** Chooses which recorded events leave through the outbox, and where to. `undefined`: stays inside. */
export type OutboxRouting<Ev extends AnyEvent = AnyEvent> = (
  event: RecordedEvent<Ev>,
) => { readonly topic: string; readonly key?: string } | undefined;

/** Default routing: every event, one topic per stream category (the stream id up to its first '-'). */
export const routeByCategory: OutboxRouting = (event) => ({
  topic: streamCategory(event.streamId),
  key: event.streamId,
});

/** The category of a stream id: the part before the first '-' (`order-42` -> `order`). */
export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash <= 0 ? streamId : streamId.slice(0, dash);
};

/** Builds the outbox message of a recorded event under a route. */
export const toOutboxMessage = <Ev extends AnyEvent>(
  event: RecordedEvent<Ev>,
  route: { readonly topic: string; readonly key?: string },
): OutboxMessage => ({
  id: event.metadata.eventId,
  topic: route.topic,
  key: route.key ?? event.streamId,
  type: event.event.type,
  payload: event.event,
  headers: messageHeaders(event),
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  globalPosition: event.globalPosition,
});

/** Standard headers of an integration message. */
export const messageHeaders = (event: RecordedEvent<AnyEvent>): Readonly<Record<string, string>> => ({
  ...(event.metadata.headers ?? {}),
  'ordo-event-id': event.metadata.eventId,
  'ordo-event-type': event.event.type,
  'ordo-schema-version': String(event.metadata.schemaVersion ?? 1),
  'ordo-correlation-id': event.metadata.correlationId,
  'ordo-causation-id': event.metadata.causationId,
  'ordo-occurred-at': event.metadata.occurredAt,
  'ordo-stream-id': event.streamId,
  'ordo-stream-version': String(event.streamVersion),
  ...(event.metadata.tenantId === undefined ? {} : { 'ordo-tenant-id': event.metadata.tenantId }),
  ...(event.metadata.traceparent === undefined ? {} : { traceparent: event.metadata.traceparent }),
});

/** Publishes messages; resolves once the transport has acknowledged all of them. */
export interface Publisher {
  publish(messages: ReadonlyArray<OutgoingMessage>): Promise<void>;
}

/**
 * The outbox port. Messages are written with the events (same transaction); relays claim them.
 * A claim never hands out a stream's message while an earlier message of the same stream is
 * unpublished and claimed by someone else, so several relays keep per-stream order.
 */
export interface Outbox {
  /**
   * Claims up to `batchSize` unpublished messages for `owner` for `leaseMs`, in per-stream order.
   * Without `ahead`, the owner's own unmarked claims are handed out again first (a relay restarted
   * under the same name republishes what it may not have published). With `ahead: true`, the
   * owner keeps them (it is publishing them) and gets the messages that follow, later messages
   * of the same streams included: a pipelining relay claims its next batch this way while the
   * previous one is being published, and must publish its batches in claim order.
   */
  claim(options: {
    readonly owner: string;
    readonly batchSize: number;
    readonly leaseMs: number;
    readonly ahead?: boolean;
  }): Promise<ReadonlyArray<OutboxMessage>>;
  /** Marks claimed messages as published. Ids no longer claimed by `owner` are ignored. */
  markPublished(owner: string, ids: ReadonlyArray<string>): Promise<void>;
  /** Gives claimed messages back (after a failed publish). */
  release(owner: string, ids: ReadonlyArray<string>): Promise<void>;
  /** How many messages wait to be published. */
  pending(): Promise<number>;
}

/** What {@link Inbox.handleOnce} answers. */
export type InboxResult<R> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: R };

/**
 * The inbox port: consumer-side dedup. `effect` and the record of `messageId` commit together
 * (one transaction in PostgreSQL), so a redelivered message has no second effect.
 */
export interface Inbox<Tx = void> {
  handleOnce<R>(consumer: string, messageId: string, effect: (tx: Tx) => Promise<R>): Promise<InboxResult<R>>;
  /** True when the consumer has already handled the message. */
  has(consumer: string, messageId: string): Promise<boolean>;
}

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

/** The time, injected: the kernel and domains never read a clock. */
export interface Clock {
  now(): Date;
}

/** Ids, injected: the kernel and domains never generate randomness. */
export interface IdGenerator {
  next(): string;
}

/** Delivers a message at or after a due time, unless cancelled. */
export interface Scheduler<M> {
  schedule(id: string, message: M, dueAt: Date): Promise<void>;
  cancel(id: string): Promise<void>;
  /** Removes and answers the messages due at `now`, oldest first. */
  takeDue(now: Date): Promise<ReadonlyArray<{ readonly id: string; readonly message: M; readonly dueAt: Date }>>;
}

/** Runs one relay pass: claim, publish in order, mark. Answers how many were published. */
export const relayOnce = async (
  outbox: Outbox,
  publisher: Publisher,
  options: { readonly owner: string; readonly batchSize: number; readonly leaseMs: number },
): Promise<number> => {
  const claimed = await outbox.claim(options);
  if (claimed.length === 0) return 0;
  try {
    await publisher.publish(claimed);
  } catch (error) {
    await outbox
      .release(
        options.owner,
        claimed.map((m) => m.id),
      )
      .catch(() => undefined);
    throw error;
  }
  await outbox.markPublished(
    options.owner,
    claimed.map((m) => m.id),
  );
  return claimed.length;
};
