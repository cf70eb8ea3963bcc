import { migrateExtras, outboxHook, PostgresEventStore, PostgresInbox, PostgresOutbox } from '@ordo/adapter-postgres';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PoolClient } from 'pg';
import { deleteTopics, ensureTopics } from './client';
import { createKafkaConsumer, type KafkaConsumer } from './consumer';
import { routeToMessageTopic } from './publisher';
import { createKafkaOutboxRelay } from './relay';
import {
  AccountEvents,
  appliedProblems,
  appliedTableSql,
  deposit,
  readAppliedRows,
} from './test-support/account-events';
import { openKafkaTestEnv, waitUntil } from './test-support/kafka-test-env';
import { openPostgresTestEnv } from './test-support/postgres-test-env';

const kafkaEnv = await openKafkaTestEnv('ordo-kafka-e2e');
const pgEnv = await openPostgresTestEnv('kafka_e2e');
const kafka = kafkaEnv.kafka;
const pool = pgEnv.pool;
const schema = 'ordo';
await migrateExtras(pool, { schema });
await pool.query(appliedTableSql(schema));

const E2E = suite('PostgreSQL outbox -> relay -> Kafka -> consumer with inbox (real broker, real PostgreSQL)');
const run = kafkaEnv.unique('e2e');
const prefix = `${run}.`;
const topic = `${prefix}account`;

const STREAMS = 40;
const PER_STREAM = 25;

const consumer = (member: string, group: string): KafkaConsumer =>
  createKafkaConsumer({
    kafka,
    groupId: group,
    topics: [topic],
    codec: AccountEvents.codec,
    inbox: new PostgresInbox({ pool, schema }),
    handle: async (event, { tx, message, partition }) => {
      const client = tx as PoolClient;
      assert.is(message.headers['ordo-correlation-id'], `corr:${event.account}`);
      await client.query(
        `INSERT INTO ${schema}.applied (member, stream_id, n, event_id, kafka_partition) VALUES ($1, $2, $3, $4, $5)`,
        [member, message.headers['ordo-stream-id'], event.n, message.id, partition],
      );
    },
  });

E2E('each effect applied exactly once, per-stream order kept across partitions, relays and a rebalance', async () => {
  await ensureTopics(kafka, [{ topic, partitions: 4 }]);
  const store = new PostgresEventStore({ pool, schema, inTransaction: [outboxHook(schema)] });
  const outbox = new PostgresOutbox({ pool, schema });
  const relays = [1, 2].map((i) =>
    createKafkaOutboxRelay({
      outbox,
      kafka,
      route: routeToMessageTopic(prefix),
      owner: `${run}-relay-${i}`,
      batchSize: 50,
      pollMs: 20,
      leaseMs: 10_000,
    }),
  );
  relays.forEach((r) => r.start());
  const group = `${run}-group`;
  const a = consumer('a', group);
  const b = consumer('b', group);
  await Promise.all([a.start(), b.start()]);
  await Promise.all([a.joined(), b.joined()]);

  // Eight writers append 1-4 events at a time to the streams in turn, with the expected version,
  // until every stream has `upTo` events.
  const next = new Map<string, number>();
  const streams = Array.from({ length: STREAMS }, (_, i) => `account-${i}`);
  const writeUpTo = async (upTo: number) => {
    let cursor = 0;
    const writer = async () => {
      for (;;) {
        const open = streams.filter((s) => (next.get(s) ?? 0) < upTo);
        if (open.length === 0) return;
        const stream = open[cursor++ % open.length]!;
        const from = next.get(stream) ?? 0;
        const count = Math.min(upTo - from, 1 + (cursor % 4));
        next.set(stream, from + count);
        const account = stream.slice('account-'.length);
        await store.appendToStream(
          stream,
          Array.from({ length: count }, (_, k) => deposit(account, from + k, run)),
          { expectedVersion: from === 0 ? 'no_stream' : BigInt(from - 1) },
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  };

  const applied = async () => Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.applied`)).rows[0].n);
  const half = Math.floor(PER_STREAM / 2);
  await writeUpTo(half);
  // Once the first half is applied, member b leaves and member c joins: partitions move twice
  // while the second half flows.
  await waitUntil(async () => (await applied()) >= STREAMS * half, 'the first half of the effects', 60_000, 100);
  await b.stop();
  const c = consumer('c', group);
  await c.start();
  await c.joined();
  await writeUpTo(PER_STREAM);
  await waitUntil(async () => (await applied()) >= STREAMS * PER_STREAM, 'every effect', 90_000, 100);
  await new Promise((r) => setTimeout(r, 1_000)); // room for a wrong extra effect to show up
  await Promise.all([a.stop(), c.stop(), ...relays.map((r) => r.stop())]);
  await store.close();

  const rows = await readAppliedRows(pool, schema);
  assert.equal(appliedProblems(rows, new Map(streams.map((s) => [s, PER_STREAM]))), []);
  assert.is(rows.length, STREAMS * PER_STREAM);
  assert.is(await outbox.pending(), 0);
  const partitionsPerStream = new Map<string, Set<number>>();
  for (const row of rows)
    partitionsPerStream.set(
      row.stream_id,
      (partitionsPerStream.get(row.stream_id) ?? new Set()).add(row.kafka_partition),
    );
  assert.ok(
    [...partitionsPerStream.values()].every((p) => p.size === 1),
    'one partition per stream',
  );
  assert.is(new Set(rows.map((r) => r.kafka_partition)).size, 4, 'streams spread over all 4 partitions');
  assert.equal([...new Set(rows.map((r) => r.member))].sort(), ['a', 'b', 'c'], 'all three members did work');
  assert.is(relays[0]!.published() + relays[1]!.published() >= STREAMS * PER_STREAM, true);
});

E2E.after(async () => {
  await deleteTopics(kafka, [topic]).catch(() => undefined);
  await pgEnv.close();
  await kafkaEnv.close();
});

E2E.run();
