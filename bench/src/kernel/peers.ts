import { randomUUID } from 'node:crypto';
import {
  type InMemoryEventStore as EmmettStore,
  STREAM_DOES_NOT_EXIST,
  getInMemoryEventStore,
} from '@event-driven-io/emmett';
import { type InMemoryEventStore as OrdoStore, createInMemoryEventStore } from '@ordo/adapter-memory';
import type { EventMetadata, NewEvent } from '@ordo/kernel';
import { type AccountEvent, accountEvent } from './bank-account';

export type { EmmettStore, OrdoStore };

/** The two in-memory stores under test. */
export const newOrdoStore = (): OrdoStore<AccountEvent> => createInMemoryEventStore<AccountEvent>();
export const newEmmettStore = (): EmmettStore => getInMemoryEventStore();

/**
 * `occurredAt` of every Ordo event. The kernel has no clock, so the caller passes the time; a
 * constant keeps the clock out of the figures (Emmett's in-memory store records no time at all).
 */
export const OCCURRED_AT = '2026-01-01T00:00:00.000Z';

/**
 * Metadata of one Ordo event, built the way a caller would: a fresh UUID as event id (Emmett's
 * append draws a UUID per event too), reused as correlation and causation id.
 */
export const ordoMetadata = (): EventMetadata => {
  const eventId = randomUUID();
  return { eventId, correlationId: eventId, causationId: eventId, occurredAt: OCCURRED_AT };
};

/** Wraps domain events for Ordo's `appendToStream`. */
export const toNewEvents = (events: ReadonlyArray<AccountEvent>): NewEvent<AccountEvent>[] =>
  events.map((event) => ({ event, metadata: ordoMetadata() }));

/** Stream name of account `i`, the same in both stores. */
export const accountStream = (i: number): string => `account-${i}`;

/**
 * Fills both kinds of store with the same accounts: `streams` streams of `eventsPerStream` events,
 * appended in batches of `batch` (untimed set-up, so the batch size only needs to be gentle with
 * Emmett's append, which copies the whole stream each time).
 */
export const fillOrdo = async (
  store: OrdoStore<AccountEvent>,
  streams: ReadonlyArray<string>,
  eventsPerStream: number,
  batch = 1000,
): Promise<void> => {
  for (const stream of streams) {
    for (let from = 0; from < eventsPerStream; from += batch) {
      const events = Array.from({ length: Math.min(batch, eventsPerStream - from) }, (_, k) =>
        accountEvent(stream, from + k),
      );
      await store.appendToStream(stream, toNewEvents(events), {
        expectedVersion: from === 0 ? 'no_stream' : BigInt(from - 1),
      });
    }
  }
};

/** See {@link fillOrdo}; Emmett's stream version is the event count (0n before the first). */
export const fillEmmett = async (
  store: EmmettStore,
  streams: ReadonlyArray<string>,
  eventsPerStream: number,
  batch = 1000,
): Promise<void> => {
  for (const stream of streams) {
    for (let from = 0; from < eventsPerStream; from += batch) {
      const events = Array.from({ length: Math.min(batch, eventsPerStream - from) }, (_, k) =>
        accountEvent(stream, from + k),
      );
      await store.appendToStream<AccountEvent>(stream, events, {
        expectedStreamVersion: from === 0 ? STREAM_DOES_NOT_EXIST : BigInt(from),
      });
    }
  }
};
