/**
 * The relay is SIGKILLed mid-batch, several times, while 3,000 messages flow from a PostgreSQL
 * outbox through Kafka to a consumer with a PostgreSQL inbox: none may be lost, the duplicates
 * the kills cause must be absorbed by the inbox, and each stream's effects must stay in order.
 *
 * This file is also the relay process the test kills: run with ORDO_KAFKA_RELAY_CHILD=1 it
 * relays instead of testing (so the child imports the PostgreSQL adapter from a spec file only).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OutgoingMessage } from '@ordo/kernel';
import pg, { type PoolClient } from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrateExtras, outboxHook, PostgresEventStore, PostgresInbox, PostgresOutbox } from '@ordo/adapter-postgres';
import { createKafkaClient, deleteTopics, ensureTopics, withAdmin } from '../client';
import { createKafkaConsumer } from '../consumer';
import { createKafkaPublisher, routeToMessageTopic } from '../publisher';
import {
  AccountEvents,
  appliedProblems,
  appliedTableSql,
  deposit,
  everyAccount,
  readAppliedRows,
} from '../test-support/account-events';
import { delay, openKafkaTestEnv, waitUntil } from '../test-support/kafka-test-env';
import { openPostgresTestEnv } from '../test-support/postgres-test-env';
import { createKafkaOutboxRelay } from './kafka-outbox-relay';

const SELF = fileURLToPath(import.meta.url);
const STREAMS = 60;
const PER_STREAM = 50;
const LEASE_MS = 1_500;

/** Child mode: relay until SIGKILL/SIGTERM; print `published <n>` after each Kafka ack, before the mark. */
const relayChild = async (): Promise<void> => {
  const env = (name: string) => process.env[name] ?? '';
  const pool = new pg.Pool({ connectionString: env('ORDO_RELAY_PG_URL'), max: 3 });
  pool.on('error', () => undefined);
  const kafka = createKafkaClient({ brokers: env('ORDO_RELAY_BROKERS').split(','), logLevel: 'nothing' });
  const kafkaPublisher = createKafkaPublisher({ kafka, route: routeToMessageTopic(env('ORDO_RELAY_PREFIX')) });
  const markDelayMs = Number(env('ORDO_RELAY_MARK_DELAY_MS'));
  let batches = 0;
  const relay = createKafkaOutboxRelay({
    outbox: new PostgresOutbox({ pool, schema: env('ORDO_RELAY_SCHEMA') }),
    owner: env('ORDO_RELAY_OWNER'),
    batchSize: 100,
    leaseMs: LEASE_MS,
    pollMs: 20,
    publisher: {
      async publish(messages: ReadonlyArray<OutgoingMessage>) {
        await kafkaPublisher.publish(messages);
        process.stdout.write(`published ${++batches}\n`);
        // Widens the window between the broker's ack and the outbox mark, where a kill duplicates.
        await delay(markDelayMs);
      },
    },
  });
  process.on('SIGTERM', () => {
    void relay
      .stop()
      .then(() => kafkaPublisher.close())
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
  relay.start();
  process.stdout.write('ready\n');
};

const parentTests = async (): Promise<void> => {
  const kafkaEnv = await openKafkaTestEnv('ordo-kafka-relay-crash');
  const pgEnv = await openPostgresTestEnv('kafka_relay_crash');
  const { kafka } = kafkaEnv;
  const { pool } = pgEnv;
  const schema = 'ordo';
  await migrateExtras(pool, { schema });
  await pool.query(appliedTableSql(schema));
  const run = kafkaEnv.unique('crash');
  const prefix = `${run}.`;
  const topic = `${prefix}account`;
  const test = suite('relay SIGKILLed mid-batch (real broker, real PostgreSQL)');

  /** Starts a relay process; resolves once it has printed `ready`. */
  const startRelay = (owner: string, markDelayMs: number) => {
    const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', SELF], {
      env: {
        ...process.env,
        ORDO_KAFKA_RELAY_CHILD: '1',
        ORDO_RELAY_PG_URL: pgEnv.url,
        ORDO_RELAY_SCHEMA: schema,
        ORDO_RELAY_BROKERS: kafkaEnv.broker.brokers.join(','),
        ORDO_RELAY_PREFIX: prefix,
        ORDO_RELAY_OWNER: owner,
        ORDO_RELAY_MARK_DELAY_MS: String(markDelayMs),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let published = 0;
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (line === 'ready') resolve();
          if (line.startsWith('published ')) published += 1;
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      void exited.then((code) => reject(new Error(`relay ${owner} exited early (${code}):\n${stderr}`)));
    });
    return { child, ready, exited, published: () => published, stderr: () => stderr };
  };

  test('none lost, duplicates absorbed by the inbox, per-stream order kept', async () => {
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    const store = new PostgresEventStore({ pool, schema, inTransaction: [outboxHook(schema)] });
    // 3,000 events: 60 streams x 50, appended ten at a time, eight appends at once.
    const appends = Array.from({ length: STREAMS }, (_, s) =>
      Array.from({ length: PER_STREAM / 10 }, (_, k) => ({ s, k })),
    ).flat();
    const order = appends.sort((x, y) => x.k - y.k || x.s - y.s);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < order.length; i = next++) {
          const { s, k } = order[i]!;
          await store.appendToStream(
            `account-${s}`,
            Array.from({ length: 10 }, (_, j) => deposit(String(s), k * 10 + j, run)),
            { expectedVersion: k === 0 ? 'no_stream' : BigInt(k * 10 - 1) },
          );
        }
      }),
    );
    await store.close();
    const outbox = new PostgresOutbox({ pool, schema });
    assert.is(await outbox.pending(), STREAMS * PER_STREAM);

    const consumer = createKafkaConsumer({
      kafka,
      groupId: `${run}-group`,
      topics: [topic],
      codec: AccountEvents.codec,
      inbox: new PostgresInbox({ pool, schema }),
      partitionsConsumedConcurrently: 3,
      handle: async (event, { tx, message, partition }) => {
        await (tx as PoolClient).query(
          `INSERT INTO ${schema}.applied (member, stream_id, n, event_id, kafka_partition) VALUES ($1, $2, $3, $4, $5)`,
          ['only', message.headers['ordo-stream-id'], event.n, message.id, partition],
        );
      },
    });
    await consumer.start();

    // Four relays die by SIGKILL right after a batch was acknowledged by Kafka and before it was
    // marked in the outbox; each one after 1-3 such batches.
    for (let i = 0; i < 4; i++) {
      const relay = startRelay(`${run}-killed-${i}`, 300);
      await relay.ready;
      const target = 1 + (i % 3);
      await waitUntil(() => relay.published() >= target, `relay ${i} to publish ${target} batches`, 30_000, 5);
      relay.child.kill('SIGKILL');
      await relay.exited;
    }
    const pendingAfterKills = await outbox.pending();
    assert.ok(pendingAfterKills > 0, 'the kills left work for the last relay');

    const last = startRelay(`${run}-last`, 0);
    await last.ready;
    await waitUntil(async () => (await outbox.pending()) === 0, 'an empty outbox', 60_000, 100);
    const inKafka = await withAdmin(kafka, async (admin) =>
      (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0),
    );
    const duplicates = inKafka - STREAMS * PER_STREAM;
    await waitUntil(
      () => consumer.stats().handled + consumer.stats().duplicates >= inKafka,
      'the consumer to read everything in Kafka',
      60_000,
      100,
    );
    last.child.kill('SIGTERM');
    assert.is(await last.exited, 0, `clean stop of the last relay: ${last.stderr()}`);
    await consumer.stop();

    const rows = await readAppliedRows(pool, schema);
    assert.equal(appliedProblems(rows, everyAccount(STREAMS, PER_STREAM)), []);
    assert.is(rows.length, STREAMS * PER_STREAM);

    // The kills did duplicate messages in Kafka; the inbox absorbed every one of them.
    assert.ok(duplicates >= 100, `at least one killed batch was republished (${duplicates} duplicates in Kafka)`);
    assert.ok(consumer.stats().duplicates >= duplicates, 'every duplicate reached the inbox and was dropped');
    assert.is(consumer.stats().handled, STREAMS * PER_STREAM, 'handled = distinct messages');
  });

  test.after(async () => {
    await deleteTopics(kafka, [topic]).catch(() => undefined);
    await pgEnv.close();
    await kafkaEnv.close();
  });

  test.run();
};

if (process.env.ORDO_KAFKA_RELAY_CHILD === '1') await relayChild();
else await parentTests();
