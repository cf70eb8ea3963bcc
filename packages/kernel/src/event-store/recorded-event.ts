import type { EventMetadata } from '../model/event-metadata';

/** An event to append: the domain event and its metadata. */
export interface NewEvent<E extends { readonly type: string } = { readonly type: string }> {
  readonly event: E;
  readonly metadata: EventMetadata;
}

/** An event as stored: where it sits in its stream and in the global order. */
export interface RecordedEvent<E extends { readonly type: string } = { readonly type: string }> {
  readonly streamId: string;
  /** Revision of this event in its stream; the first is `0n`. */
  readonly streamVersion: bigint;
  /** Position in the store-wide order; strictly increasing, never reused. */
  readonly globalPosition: bigint;
  readonly event: E;
  readonly metadata: EventMetadata;
}
