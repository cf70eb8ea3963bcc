import type { NewEvent, RecordedEvent } from '@ordo/kernel';
import type { PoolClient } from 'pg';
import { qualified } from '../schema/qualified-name';

/** Events of the test read model. */
export type OrderEvent =
  { readonly type: 'ItemAdded'; readonly amount: number } | { readonly type: 'Noted'; readonly text: string };

let counter = 0;

/** A new event with unique ids. */
export const newOrderEvent = (event: OrderEvent): NewEvent<OrderEvent> => {
  const id = `evt-${process.pid}-${++counter}`;
  return {
    event,
    metadata: { eventId: id, correlationId: id, causationId: id, occurredAt: '2024-01-01T00:00:00.000Z' },
  };
};

/** DDL of the test read model: per stream, the sum of `ItemAdded.amount` and how many were added. */
export const createTotalsTable = (schema: string): string =>
  `CREATE TABLE IF NOT EXISTS ${qualified(schema, 'order_totals')} (
     stream_id text PRIMARY KEY,
     total     bigint NOT NULL,
     items     integer NOT NULL
   )`;

/**
 * Applies `ItemAdded` events to the totals table by incrementing, which is NOT idempotent: an
 * event applied twice shows up as a wrong total, so the tests catch any double application.
 */
export const applyTotals = async (
  schema: string,
  events: ReadonlyArray<RecordedEvent<OrderEvent>>,
  client: PoolClient,
): Promise<void> => {
  for (const e of events) {
    if (e.event.type !== 'ItemAdded') throw new Error(`totals projection got ${e.event.type}`);
    await client.query(
      `INSERT INTO ${qualified(schema, 'order_totals')} AS t (stream_id, total, items) VALUES ($1, $2, 1)
       ON CONFLICT (stream_id) DO UPDATE SET total = t.total + EXCLUDED.total, items = t.items + 1`,
      [e.streamId, e.event.amount],
    );
  }
};

/** The totals the projection should show for these events (those up to `upTo`, when given). */
export const expectedTotals = (
  events: ReadonlyArray<RecordedEvent>,
  upTo?: bigint,
): Record<string, { total: number; items: number }> => {
  const out: Record<string, { total: number; items: number }> = {};
  for (const e of events) {
    if (upTo !== undefined && e.globalPosition > upTo) continue;
    const event = e.event as OrderEvent;
    if (event.type !== 'ItemAdded') continue;
    const row = (out[e.streamId] ??= { total: 0, items: 0 });
    row.total += event.amount;
    row.items += 1;
  }
  return out;
};

/** The totals table as a plain object. */
export const readTotals = async (
  db: { query: PoolClient['query'] },
  schema: string,
): Promise<Record<string, { total: number; items: number }>> => {
  const r = await db.query<{ stream_id: string; total: string; items: number }>(
    `SELECT stream_id, total, items FROM ${qualified(schema, 'order_totals')} ORDER BY stream_id`,
  );
  return Object.fromEntries(r.rows.map((row) => [row.stream_id, { total: Number(row.total), items: row.items }]));
};
