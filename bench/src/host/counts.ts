/**
 * What a run wrote, counted after it settled: events by type from the log (`readAll`, in pages),
 * messages by topic from the outbox (`ordo.ordo_outbox` rows on PostgreSQL, the in-memory outbox's
 * entries in memory). Topic names lose the run's prefix, so runs compare.
 */
import { type Host, HostTokens, resolveService } from '@ordo/host';
import type { Outbox, OutboxMessage } from '@ordo/kernel';
import pg from 'pg';

export interface Counts {
  readonly events: Readonly<Record<string, number>>;
  readonly messages: Readonly<Record<string, number>>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const countEvents = async (host: Host): Promise<Record<string, number>> => {
  const store = resolveService(host.container, HostTokens.EventStore);
  const byType: Record<string, number> = {};
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: 10_000 } : { after, maxCount: 10_000 });
    for (const e of page) byType[e.event.type] = (byType[e.event.type] ?? 0) + 1;
    const last = page.at(-1);
    if (last === undefined) return byType;
    after = last.globalPosition;
  }
};

/** The in-memory outbox lists its entries; the port does not. */
const hasEntries = (
  outbox: Outbox | undefined,
): outbox is Outbox & { entries(): ReadonlyArray<{ readonly message: OutboxMessage }> } =>
  outbox !== undefined && typeof (outbox as { entries?: unknown }).entries === 'function';

const countMessages = async (host: Host, databaseUrl: string | undefined): Promise<Record<string, number>> => {
  const prefix = resolveService(host.container, HostTokens.Topics).prefix;
  const unprefixed = (topic: string) => (topic.startsWith(prefix) ? topic.slice(prefix.length) : topic);
  const byTopic: Record<string, number> = {};
  if (databaseUrl !== undefined) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ topic: string; n: string }>(
        'SELECT topic, count(*) AS n FROM ordo.ordo_outbox GROUP BY topic',
      );
      for (const row of rows) byTopic[unprefixed(row.topic)] = Number(row.n);
    } finally {
      await client.end();
    }
    return byTopic;
  }
  const outbox = resolveService(host.container, HostTokens.StoreBackend).outbox;
  if (!hasEntries(outbox)) throw new Error('the in-memory outbox does not list its entries');
  for (const { message } of outbox.entries()) {
    const topic = unprefixed(message.topic);
    byTopic[topic] = (byTopic[topic] ?? 0) + 1;
  }
  return byTopic;
};

/** Counts what the host's store holds now. */
export const countAll = async (host: Host, databaseUrl: string | undefined): Promise<Counts> => ({
  events: await countEvents(host),
  messages: await countMessages(host, databaseUrl),
});

/** Waits until the outbox stayed empty for three looks 100 ms apart (the run's tail published). */
export const settle = async (host: Host, timeoutMs = 30_000): Promise<void> => {
  const backend = resolveService(host.container, HostTokens.StoreBackend);
  const deadline = Date.now() + timeoutMs;
  for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
    quiet = (await backend.outboxPending()) === 0 ? quiet + 1 : 0;
    await sleep(100);
  }
};

/** `after - before`, key by key, divided by `orders`. */
export const perOrder = (
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  orders: number,
): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const key of Object.keys(after).sort()) {
    const n = (after[key] ?? 0) - (before[key] ?? 0);
    if (n !== 0) out[key] = n / orders;
  }
  return out;
};

export const sum = (values: Readonly<Record<string, number>>): number =>
  Object.values(values).reduce((a, b) => a + b, 0);
