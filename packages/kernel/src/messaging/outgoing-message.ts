import type { AnyEvent } from '../event-store/event-store';
import type { RecordedEvent } from '../event-store/recorded-event';

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

/**
 * Every outbox message one recorded event sends: none, one, or several (a saga event that asks
 * for two commands and a timeout sends three). Each message needs an id of its own; a message
 * derived from an event conventionally takes `${eventId}:${index}`. An {@link OutboxRouting} is
 * the one-message case ({@link messagesByRouting}).
 */
export type OutboxMapping<Ev extends AnyEvent = AnyEvent> = (event: RecordedEvent<Ev>) => ReadonlyArray<OutboxMessage>;

/** The mapping of a routing: the event's own message under its route, or nothing. */
export const messagesByRouting =
  <Ev extends AnyEvent>(routing: OutboxRouting<Ev>): OutboxMapping<Ev> =>
  (event) => {
    const route = routing(event);
    return route === undefined ? [] : [toOutboxMessage(event, route)];
  };

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
