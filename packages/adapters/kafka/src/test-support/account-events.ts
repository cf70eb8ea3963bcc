import { defineMessages, type NewEvent } from '@ordo/kernel';
import type pg from 'pg';
import * as t from 'io-ts';

/** The integration events of the Kafka integration tests. */
export const AccountEvents = defineMessages({ Deposited: { account: t.string, amount: t.number, n: t.number } });

/** One event of {@link AccountEvents}. */
export type AccountEvent = t.TypeOf<typeof AccountEvents.codec>;

/** The `n`-th deposit of `account` (stream `account-<id>`), with deterministic metadata. */
export const deposit = (account: string, n: number, run: string): NewEvent<AccountEvent> => ({
  event: { type: 'Deposited', account, amount: n + 1, n },
  metadata: {
    eventId: `${run}:${account}:${n}`,
    correlationId: `corr:${account}`,
    causationId: `cmd:${account}:${n}`,
    occurredAt: '2024-01-01T00:00:00.000Z',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
});

/** SQL of the effect table the test consumers write through the inbox transaction. */
export const appliedTableSql = (schema: string) => `
  CREATE TABLE IF NOT EXISTS ${schema}.applied (
    seq bigserial PRIMARY KEY,
    member text NOT NULL,
    stream_id text NOT NULL,
    n integer NOT NULL,
    event_id text NOT NULL,
    kafka_partition integer NOT NULL
  )`;

/** Checks exactly-once and per-stream order of the applied rows; answers a list of problems. */
export const appliedProblems = (
  rows: ReadonlyArray<{ stream_id: string; n: number; event_id: string }>,
  expected: ReadonlyMap<string, number>,
): string[] => {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const row of rows) {
    if (ids.has(row.event_id)) problems.push(`event ${row.event_id} applied twice`);
    ids.add(row.event_id);
  }
  const byStream = new Map<string, number[]>();
  for (const row of rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.n]);
  for (const [stream, count] of expected) {
    const got = byStream.get(stream) ?? [];
    const want = Array.from({ length: count }, (_, i) => i);
    if (got.join(',') !== want.join(','))
      problems.push(`${stream}: applied ${got.length}/${count}, order ${got.slice(0, 12).join(',')}...`);
  }
  return problems;
};

/** One row of the effect table (see {@link appliedTableSql}). */
export interface AppliedRow {
  readonly stream_id: string;
  readonly n: number;
  readonly event_id: string;
  readonly member: string;
  readonly kafka_partition: number;
}

/** Every applied effect, in the order the consumers applied them. */
export const readAppliedRows = async (pool: pg.Pool, schema: string): Promise<ReadonlyArray<AppliedRow>> =>
  (
    await pool.query<AppliedRow>(
      `SELECT stream_id, n, event_id, member, kafka_partition FROM ${schema}.applied ORDER BY seq`,
    )
  ).rows;

/** What {@link appliedProblems} expects when streams `account-0` .. `account-<streams-1>` each got `perStream` events. */
export const everyAccount = (streams: number, perStream: number): ReadonlyMap<string, number> =>
  new Map(Array.from({ length: streams }, (_, s) => [`account-${s}`, perStream]));
