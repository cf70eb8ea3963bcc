/**
 * The broker is stopped and started again while events flow from a PostgreSQL outbox through a
 * relay and Kafka to a consumer with a PostgreSQL inbox: both recover on their own, none is lost,
 * each effect is applied once and in stream order. Needs the local broker (scripts/kafka); with
 * KAFKA_BROKERS set the broker cannot be restarted and the test is skipped.
 */
import type { PoolClient } from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { migrateExtras, outboxHook, PostgresEventStore, PostgresInbox, PostgresOutbox } from '@ordo/adapter-postgres';
import { deleteTopics, ensureTopics } from './client';
import { type ConsumerEvent, createKafkaConsumer } from './consumer';
import { routeToMessageTopic } from './publisher';
import { createKafkaOutboxRelay } from './relay';
import {
  AccountEvents,
  appliedProblems,
  appliedTableSql,
  deposit,
  everyAccount,
  readAppliedRows,
} from './test-support/account-events';
import { delay, openKafkaTestEnv, waitUntil } from './test-support/kafka-test-env';
import { openPostgresTestEnv } from './test-support/postgres-test-env';

const kafkaEnv = await openKafkaTestEnv('ordo-kafka-broker-restart');
const { kafka } = kafkaEnv;
const test = suite('broker stopped and restarted mid-run (real broker, real PostgreSQL)');
const run = kafkaEnv.unique('restart');
const prefix = `${run}.`;
const topic = `${prefix}account`;
const STREAMS = 30;
const PER_STREAM = 50;
const NAME = 'relay and consumer recover from a broker restart; none lost, each effect once and in order';

const body = async () => {
  const pgEnv = await openPostgresTestEnv('kafka_broker_restart');
  const { pool } = pgEnv;
  const schema = 'ordo';
  try {
    await migrateExtras(pool, { schema });
    await pool.query(appliedTableSql(schema));
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    const store = new PostgresEventStore({ pool, schema, inTransaction: [outboxHook(schema)] });
    const outbox = new PostgresOutbox({ pool, schema });
    const relayErrors: unknown[] = [];
    const relay = createKafkaOutboxRelay({
      outbox,
      kafka,
      route: routeToMessageTopic(prefix),
      batchSize: 50,
      pollMs: 20,
      leaseMs: 30_000,
      errorBackoff: { initialMs: 200, maxMs: 1_000 },
      onError: (error) => relayErrors.push(error),
    });
    const events: ConsumerEvent[] = [];
    const consumer = createKafkaConsumer({
      kafka,
      groupId: `${run}-group`,
      topics: [topic],
      codec: AccountEvents.codec,
      inbox: new PostgresInbox({ pool, schema }),
      partitionsConsumedConcurrently: 3,
      onEvent: (e) => events.push(e),
      handle: async (event, { tx, message, partition }) => {
        await (tx as PoolClient).query(
          `INSERT INTO ${schema}.applied (member, stream_id, n, event_id, kafka_partition) VALUES ($1, $2, $3, $4, $5)`,
          ['only', message.headers['ordo-stream-id'], event.n, message.id, partition],
        );
      },
    });
    relay.start();
    await consumer.start();
    await consumer.joined();

    // A steady trickle of appends: five events to one stream every 15 ms, about 5 s in all.
    const writes = (async () => {
      for (let k = 0; k < PER_STREAM / 5; k++) {
        for (let s = 0; s < STREAMS; s++) {
          await store.appendToStream(
            `account-${s}`,
            Array.from({ length: 5 }, (_, j) => deposit(String(s), k * 5 + j, run)),
            { expectedVersion: k === 0 ? 'no_stream' : BigInt(k * 5 - 1) },
          );
          await delay(15);
        }
      }
    })();
    const applied = async () => Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.applied`)).rows[0].n);
    await waitUntil(async () => (await applied()) >= 300, 'the first effects', 30_000, 50);
    const before = await applied();
    const logsBefore = kafkaEnv.logs.length;
    const restartStarted = Date.now();
    await kafkaEnv.broker.restart();
    const restartMs = Date.now() - restartStarted;
    await writes;
    await waitUntil(
      async () => (await applied()) >= STREAMS * PER_STREAM,
      'every effect after the restart',
      120_000,
      100,
    );
    const recoveredMs = Date.now() - restartStarted;
    await delay(1_000);
    await relay.stop();
    await consumer.stop();
    await store.close();

    const count = (type: ConsumerEvent['type']) => events.filter((e) => e.type === type).length;
    console.log(
      `     broker restart took ${restartMs} ms, everything applied ${recoveredMs} ms after it began; ` +
        `relay errors ${relayErrors.length}, consumer crashes ${count('crashed')}, failed commits ${count('commit-failed')}, ` +
        `rejoins ${count('group-joined')}, duplicates ${consumer.stats().duplicates}`,
    );
    const rows = await readAppliedRows(pool, schema);
    assert.equal(appliedProblems(rows, everyAccount(STREAMS, PER_STREAM)), []);
    assert.is(rows.length, STREAMS * PER_STREAM);
    assert.is(await outbox.pending(), 0);
    assert.ok(before < STREAMS * PER_STREAM, 'the restart came mid-run');
    assert.ok(restartMs > 1_000, `the broker was really down (${restartMs} ms)`);
    assert.ok(
      relayErrors.length > 0 ||
        events.some((e) => e.type === 'commit-failed' || e.type === 'crashed') ||
        kafkaEnv.logs.length > logsBefore,
      'the outage was felt by the relay, the consumer or the kafkajs client',
    );
  } finally {
    await pgEnv.close();
  }
};

if (kafkaEnv.restartable) {
  test(NAME, body);
} else {
  console.log('SKIP broker restart test: KAFKA_BROKERS names an external cluster, which the test cannot restart');
  test.skip(`${NAME} (skipped: KAFKA_BROKERS names an external cluster, which the test cannot restart)`, body);
}

test.after(async () => {
  await deleteTopics(kafka, [topic]).catch(() => undefined);
  await kafkaEnv.close();
});

test.run();
