import * as t from 'io-ts';

/**
 * What travels with every event. `occurredAt` is an ISO-8601 string given by the caller (the
 * kernel has no clock); `schemaVersion` drives upcasting and defaults to 1.
 */
export interface EventMetadata {
  readonly eventId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly occurredAt: string;
  readonly tenantId?: string;
  readonly traceparent?: string;
  readonly schemaVersion?: number;
  /** Id of the command that produced the event; the command handler uses it for idempotency. */
  readonly commandId?: string;
  /** Free-form extra headers; values must be strings. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Codec for {@link EventMetadata}, used at every boundary that reads stored metadata. */
export const EventMetadataCodec: t.Type<EventMetadata, EventMetadata, unknown> = t.intersection(
  [
    t.type({ eventId: t.string, correlationId: t.string, causationId: t.string, occurredAt: t.string }),
    t.partial({
      tenantId: t.string,
      traceparent: t.string,
      schemaVersion: t.number,
      commandId: t.string,
      headers: t.record(t.string, t.string),
    }),
  ],
  'EventMetadata',
) as unknown as t.Type<EventMetadata, EventMetadata, unknown>;

/** Causation chain helper: metadata for an event caused by `cause`, keeping its correlation. */
export const causedBy = (
  cause: Pick<EventMetadata, 'eventId' | 'correlationId' | 'tenantId' | 'traceparent'>,
  fields: Pick<EventMetadata, 'eventId' | 'occurredAt'> & Partial<EventMetadata>,
): EventMetadata => ({
  ...(cause.tenantId === undefined ? {} : { tenantId: cause.tenantId }),
  ...(cause.traceparent === undefined ? {} : { traceparent: cause.traceparent }),
  correlationId: cause.correlationId,
  causationId: cause.eventId,
  ...fields,
});
