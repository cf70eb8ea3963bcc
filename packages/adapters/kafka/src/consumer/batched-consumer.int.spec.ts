/**
 * The consumer with a PostgreSQL inbox that has `handleBatch` (real broker, real PostgreSQL):
 *
 * - a consumer process is SIGKILLed after chunk transactions committed their effects and before
 *   any offset was committed: the group reads those messages again, and the inbox absorbs them
 *   (each effect once, counted in the database);
 * - one message that always fails inside a chunk is retried alone and dead-lettered after
 *   `maxAttempts`, while each of its neighbours' effects is applied exactly once.
 *
 * This file is also the consumer process the first test kills: run with ORDO_KAFKA_BATCH_CHILD=1
 * it consumes instead of testing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateExtras, PostgresInbox } from '@ordo/adapter-postgres';
import type { BatchInbox, OutgoingMessage } from '@ordo/kernel';
import pg, { type PoolClient } from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKafkaClient, deleteTopics, ensureTopics, withAdmin } from '../client';
import { createKafkaPublisher } from '../publisher';
import { decodeHeaders } from '../publisher/message-headers';
import { AccountEvents, appliedTableSql } from '../test-support/account-events';
import { openKafkaTestEnv, waitUntil } from '../test-support/kafka-test-env';
import { openPostgresTestEnv } from '../test-support/postgres-test-env';
import type { ConsumerEvent } from './consumer-events';
import { readDeadLetterHeaders } from './dead-letter';
import { createKafkaConsumer } from './kafka-consumer';

const SELF = fileURLToPath(import.meta.url);
const SCHEMA = 'ordo';

const insertApplied = (tx: PoolClient, member: string, stream: string, n: number, id: string, partition: number) =>
  tx.query(
    `INSERT INTO ${SCHEMA}.applied (member, stream_id, n, event_id, kafka_partition) VALUES ($1, $2, $3, $4, $5)`,
    [member, stream, n, id, partition],
  );

/**
 * Child mode: one consumer-group member with a batch inbox that never commits an offset by
 * itself (`commitEvery` above the topic's size, and the process dies before its fetched batch
 * ends). After each chunk transaction commits it prints `chunk <fresh ids>`; after the third it
 * hangs, so the parent's SIGKILL lands between the effect commit and the offset commit.
 */
const consumerChild = async (): Promise<void> => {
  const env = (name: string) => process.env[name] ?? '';
  const pool = new pg.Pool({ connectionString: env('ORDO_BATCH_PG_URL'), max: 3 });
  pool.on('error', () => undefined);
  const kafka = createKafkaClient({ brokers: env('ORDO_BATCH_BROKERS').split(','), logLevel: 'nothing' });
  const inner = new PostgresInbox({ pool, schema: SCHEMA });
  let chunks = 0;
  const inbox: BatchInbox<PoolClient> = {
    has: (consumer, id) => inner.has(consumer, id),
    handleOnce: (consumer, id, effect) => inner.handleOnce(consumer, id, effect),
    handleBatch: async (consumer, ids, effect) => {
      const result = await inner.handleBatch(consumer, ids, effect);
      process.stdout.write(`chunk ${result.fresh.length}\n`);
      if (++chunks >= 3) await new Promise<never>(() => undefined); // the kill comes here
      return result;
    },
  };
  const consumer = createKafkaConsumer({
    kafka,
    groupId: env('ORDO_BATCH_GROUP'),
    topics: [env('ORDO_BATCH_TOPIC')],
    codec: AccountEvents.codec,
    batchSize: 25,
    commitEvery: 1_000_000,
    inbox,
    handle: (event, { tx, message, partition }) =>
      insertApplied(tx, 'killed', message.headers['ordo-stream-id'] ?? '', event.n, message.id, partition).then(
        () => undefined,
      ),
  });
  await consumer.start();
  process.stdout.write('ready\n');
};

const parentTests = async (): Promise<void> => {
  const kafkaEnv = await openKafkaTestEnv('ordo-kafka-batched-consumer');
  const pgEnv = await openPostgresTestEnv('kafka_batched_consumer');
  const { kafka } = kafkaEnv;
  const { pool } = pgEnv;
  await migrateExtras(pool, { schema: SCHEMA });
  await pool.query(appliedTableSql(SCHEMA));
  const test = suite('batched consumer with a PostgreSQL inbox (real broker, real PostgreSQL)');
  const topics: string[] = [];

  const outgoing = (topic: string, account: number, n: number, run: string): OutgoingMessage => ({
    id: `${run}:${account}:${n}`,
    topic,
    key: `account-${account}`,
    type: 'Deposited',
    payload: { type: 'Deposited', account: String(account), amount: 1, n },
    headers: { 'ordo-stream-id': `account-${account}` },
  });
  const publish = async (messages: ReadonlyArray<OutgoingMessage>) => {
    const publisher = createKafkaPublisher({ kafka });
    for (let i = 0; i < messages.length; i += 200) await publisher.publish(messages.slice(i, i + 200));
    await publisher.close();
  };
  const counts = async (member?: string) => {
    const r = await pool.query<{ rows: string; ids: string }>(
      `SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM ${SCHEMA}.applied
       WHERE event_id LIKE $1 ${member === undefined ? '' : 'AND member = $2'}`,
      member === undefined ? [`${currentRun}:%`] : [`${currentRun}:%`, member],
    );
    return { rows: Number(r.rows[0]?.rows ?? 0), ids: Number(r.rows[0]?.ids ?? 0) };
  };
  let currentRun = '';

  test('a crash between the effect commit and the offset commit: redelivered, absorbed by the inbox', async () => {
    const run = kafkaEnv.unique('batch-crash');
    currentRun = run;
    const topic = `${run}.account`;
    const group = `${run}-group`;
    topics.push(topic);
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    const TOTAL = 300;
    await publish(Array.from({ length: TOTAL }, (_, i) => outgoing(topic, i % 10, Math.floor(i / 10), run)));

    const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', SELF], {
      env: {
        ...process.env,
        ORDO_KAFKA_BATCH_CHILD: '1',
        ORDO_BATCH_PG_URL: pgEnv.url,
        ORDO_BATCH_BROKERS: kafkaEnv.broker.brokers.join(','),
        ORDO_BATCH_TOPIC: topic,
        ORDO_BATCH_GROUP: group,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let chunkLines = 0;
    let freshInChild = 0;
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.startsWith('chunk ')) continue;
        chunkLines += 1;
        freshInChild += Number(line.slice('chunk '.length));
      }
    });
    try {
      await waitUntil(() => chunkLines >= 3, `three chunk commits in the child (stderr: ${stderr})`, 60_000, 10);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    assert.is(freshInChild, 75, 'three chunks of 25 committed their effects before the kill');
    assert.equal(await counts('killed'), { rows: 75, ids: 75 }, 'their effects are in the database');
    const committed = await withAdmin(kafka, (admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    assert.is(committed[0]?.partitions[0]?.offset, '-1', 'no offset was committed before the kill');

    // The next member of the group reads everything again.
    const consumer = createKafkaConsumer({
      kafka,
      groupId: group,
      topics: [topic],
      codec: AccountEvents.codec,
      inbox: new PostgresInbox({ pool, schema: SCHEMA }),
      batchSize: 25,
      sessionTimeoutMs: 6_000,
      handle: async (event, { tx, message, partition }) => {
        await insertApplied(tx, 'next', message.headers['ordo-stream-id'] ?? '', event.n, message.id, partition);
      },
    });
    await consumer.start();
    await waitUntil(
      () => consumer.stats().handled + consumer.stats().duplicates >= TOTAL,
      'the next member to read the whole partition',
      60_000,
      50,
    );
    await consumer.stop();
    assert.equal(await counts(), { rows: TOTAL, ids: TOTAL }, 'every effect exactly once');
    assert.equal(await counts('next'), { rows: TOTAL - 75, ids: TOTAL - 75 });
    assert.is(consumer.stats().duplicates, 75, 'the redelivered messages were absorbed');
    assert.is(consumer.stats().handled, TOTAL - 75);
    assert.ok(consumer.stats().chunks >= (TOTAL - 75) / 25, `chunk transactions: ${consumer.stats().chunks}`);
    const order = await pool.query<{ stream_id: string; n: number }>(
      `SELECT stream_id, n FROM ${SCHEMA}.applied WHERE event_id LIKE $1 ORDER BY seq`,
      [`${run}:%`],
    );
    const byStream = new Map<string, number[]>();
    for (const row of order.rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.n]);
    for (const [stream, ns] of byStream)
      assert.equal(
        ns,
        Array.from({ length: 30 }, (_, i) => i),
        `${stream} in order`,
      );
  });

  test('one failing message in a chunk is retried alone and dead-lettered; its neighbours apply once', async () => {
    const run = kafkaEnv.unique('batch-poison');
    currentRun = run;
    const topic = `${run}.account`;
    const dlq = `${topic}.dlq`;
    topics.push(topic, dlq);
    await ensureTopics(kafka, [
      { topic, partitions: 1 },
      { topic: dlq, partitions: 1 },
    ]);
    const TOTAL = 60;
    const POISON = 17;
    await publish(Array.from({ length: TOTAL }, (_, n) => outgoing(topic, 0, n, run)));
    const tries: number[] = [];
    const events: ConsumerEvent[] = [];
    const consumer = createKafkaConsumer({
      kafka,
      groupId: `${run}-group`,
      topics: [topic],
      codec: AccountEvents.codec,
      inbox: new PostgresInbox({ pool, schema: SCHEMA }),
      batchSize: 10,
      maxAttempts: 3,
      retryBackoff: { initialMs: 20, maxMs: 50 },
      onEvent: (e) => events.push(e),
      handle: async (event, { tx, message, partition }) => {
        // The poison writes its row too, before it throws: the rollback must take it away.
        await insertApplied(tx, 'only', message.headers['ordo-stream-id'] ?? '', event.n, message.id, partition);
        if (event.n === POISON) {
          tries.push(message.attempt ?? 0);
          throw new Error(`deposit ${POISON} cannot be applied`);
        }
      },
    });
    await consumer.start();
    await waitUntil(
      () => consumer.stats().handled + consumer.stats().deadLettered >= TOTAL,
      'every message handled or dead-lettered',
      60_000,
      50,
    );
    await waitUntil(() => consumer.stats().commits > 0, 'an offset commit');
    await consumer.stop();
    assert.equal(tries, [1, 2, 3], 'the poison: one try in its chunk, then two alone');
    assert.equal(await counts(), { rows: TOTAL - 1, ids: TOTAL - 1 }, 'each neighbour once; the poison none');
    const applied = await pool.query<{ n: number }>(
      `SELECT n FROM ${SCHEMA}.applied WHERE event_id LIKE $1 ORDER BY seq`,
      [`${run}:%`],
    );
    assert.equal(
      applied.rows.map((r) => r.n),
      Array.from({ length: TOTAL }, (_, n) => n).filter((n) => n !== POISON),
      'in partition order',
    );
    assert.equal(
      { ...consumer.stats(), commits: 0, chunks: 0 },
      { handled: TOTAL - 1, duplicates: 0, deadLettered: 1, commits: 0, chunks: 0 },
    );
    assert.ok(consumer.stats().chunks >= 6, `chunk transactions: ${consumer.stats().chunks}`);
    assert.not.ok(
      await new PostgresInbox({ pool, schema: SCHEMA }).has(`${run}-group`, `${run}:0:${POISON}`),
      'the dead-lettered message is not recorded as handled',
    );
    assert.equal(
      events.filter((e) => e.type === 'retrying').map((e) => (e.type === 'retrying' ? e.attempt : 0)),
      [1, 2],
    );

    const dead: Array<Record<string, string>> = [];
    const reader = kafka.consumer({ groupId: kafkaEnv.unique('batch-dlq-reader'), maxWaitTimeInMs: 500 });
    await reader.connect();
    await reader.subscribe({ topics: [dlq], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        dead.push(decodeHeaders(message.headers));
      },
    });
    await waitUntil(() => dead.length >= 1, 'the dead letter');
    await reader.disconnect();
    const record = readDeadLetterHeaders(dead[0]!);
    assert.is(record?.reason, 'handler-failed');
    assert.is(record?.offset, String(POISON));
    assert.is(record?.attempts, 3);
  });

  test.after(async () => {
    await deleteTopics(kafka, topics).catch(() => undefined);
    await pgEnv.close();
    await kafkaEnv.close();
  });

  test.run();
};

if (process.env.ORDO_KAFKA_BATCH_CHILD === '1') await consumerChild();
else await parentTests();
