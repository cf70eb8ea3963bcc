/**
 * Kafka benchmark: the outbox relay against raw kafkajs, and the consumer with an inbox.
 *
 *   npm run bench:kafka
 *   node --conditions=ordo-source --import tsx bench/src/kafka/kafka-bench.ts
 *
 * 1. Relay throughput. A PostgreSQL outbox (fsync on) is filled with N messages (untimed, then
 *    VACUUM ANALYZE) and drained to Kafka by `createKafkaOutboxRelay` (claim, one sendBatch, mark
 *    per batch; claiming and marking overlap the publishing). The baseline is raw kafkajs sending
 *    the same records (key, JSON value, headers) in the same batch sizes with the same producer
 *    settings (idempotent, acks -1, one request in flight) to the same broker in the same round.
 *    Target: relay >= 0.8x raw. Three more runs explain the gap: the relay without pipelining,
 *    the relay on the in-memory outbox (no PostgreSQL), and the PostgreSQL outbox alone (claim +
 *    mark, no Kafka). Two workload shapes: many streams with 4 messages each (many aggregates, the
 *    common case) and a few hot streams with 100 messages each.
 * 2. Consumer throughput. One topic is filled once (untimed) with CONSUME records as the relay
 *    writes them (key, JSON value, the kernel's headers); each run is a new consumer group reading
 *    it from the beginning, timed from the moment kafkajs hands over the first fetched batch to
 *    the moment the last message is done (the same two points for every run). The reference is a
 *    raw kafkajs consumer that does no work (no decode, no inbox, one offset commit per batch), a
 *    true ceiling for a consumer that does more. Then `createKafkaConsumer` with an in-memory inbox
 *    and with a PostgreSQL inbox whose effect writes one row per message, each per message
 *    (`handleOnce`: the inbox's batch method hidden) and batched (`handleBatch`, one inbox
 *    transaction per chunk of the consumer's `batchSize`). The PostgreSQL effect, batched, is
 *    measured twice: `handle` running one INSERT statement per message in the chunk transaction,
 *    and `handleBatch` writing the chunk's rows with one INSERT ... SELECT unnest(...). Targets:
 *    in-memory batched >= 0.5x raw, PostgreSQL batched >= 0.25x raw (shown for both effect shapes).
 *    The PostgreSQL tables are truncated before each PostgreSQL run. One more row explains the
 *    per-statement figure: PostgreSQL alone running the same single-row INSERTs, 500 per
 *    transaction, one connection per partition, no Kafka. In every round the raw consumer runs
 *    twice (in the rotation and at the end) and the faster run is the round's reference, so a raw
 *    run slowed by other work cannot flatter the ratios.
 *
 * Method: first an uncounted warm-up (every run once per shape, 5,000 messages), so that no run
 * pays for compiling code the runs before it did not touch; then in every round each run drains
 * its own fill, in an order that rotates between rounds,
 * so that the runs share whatever else the machine does. Rates are total messages over total time;
 * "x raw" is that rate over raw kafkajs' rate, with the lowest and highest single round beside it.
 * CPU is what Node, the broker JVM and this benchmark's PostgreSQL backends used per 1,000
 * messages (the broker counts when it is the local broker.sh one, PostgreSQL when the server runs
 * on this machine). Compare runs within one report: on a shared machine absolute figures move a lot.
 *
 * Env: KAFKA_BROKERS (else the local broker from scripts/kafka), DATABASE_URL (else an embedded
 * server), ORDO_BENCH_KAFKA_MESSAGES (20000), ORDO_BENCH_KAFKA_BATCH (500),
 * ORDO_BENCH_KAFKA_PARTITIONS (6), ORDO_BENCH_KAFKA_ROUNDS (3), ORDO_BENCH_KAFKA_CONSUME (60000
 * messages per consumer run), ORDO_BENCH_KAFKA_CONSUMER_ROUNDS (3), ORDO_BENCH_KAFKA_CONSUMER_BATCH
 * (the consumer's default batchSize, 500), ORDO_BENCH_KAFKA_WARMUP (5000 messages per warm-up run;
 * 0: none; the consumer runs warm up on 5000 messages each too), ORDO_BENCH_KAFKA_ONLY (`producer`
 * or `consumer`: run one section; the figures are printed and bench/results/kafka.json is left alone).
 * Prints a table and JSON, and writes bench/results/kafka.json.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import {
  createKafkaClient,
  createKafkaConsumer,
  createKafkaOutboxRelay,
  createKafkaPublisher,
  deleteTopics,
  ensureTopics,
} from '@ordo/adapter-kafka';
import { createInMemoryInbox, createInMemoryOutbox } from '@ordo/adapter-memory';
import { migrateExtras, PostgresInbox, PostgresOutbox } from '@ordo/adapter-postgres';
import { defineMessages, type Inbox, type Outbox, type OutboxMessage } from '@ordo/kernel';
import { messageHeaders, toOutboxMessage } from '@ordo/kernel/adapter-kit';
import * as t from 'io-ts';
import { type Consumer, type ConsumerRunConfig, type Kafka, type Message, Partitioners } from 'kafkajs';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const N = num('ORDO_BENCH_KAFKA_MESSAGES', 20_000);
const BATCH = num('ORDO_BENCH_KAFKA_BATCH', 500);
const PARTITIONS = num('ORDO_BENCH_KAFKA_PARTITIONS', 6);
const ROUNDS = num('ORDO_BENCH_KAFKA_ROUNDS', 3);
const CONSUME = num('ORDO_BENCH_KAFKA_CONSUME', 60_000);
const CONSUMER_ROUNDS = num('ORDO_BENCH_KAFKA_CONSUMER_ROUNDS', 3);
const CONSUMER_BATCH =
  process.env.ORDO_BENCH_KAFKA_CONSUMER_BATCH === undefined ? undefined : num('ORDO_BENCH_KAFKA_CONSUMER_BATCH', 500);
const WARMUP = process.env.ORDO_BENCH_KAFKA_WARMUP === '0' ? 0 : num('ORDO_BENCH_KAFKA_WARMUP', 5_000);
const SCHEMA = 'ordo';
const TARGET = 0.8;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const round2 = (x: number) => Math.round(x * 100) / 100;

interface KafkaBroker {
  readonly brokers: string[];
  readonly started: boolean;
  stop(): Promise<void>;
}

const Events = defineMessages({
  OrderPlaced: { orderId: t.string, customerId: t.string, total: t.number, lines: t.array(t.string) },
});

/** The workload shapes: how many messages each stream holds. */
const SHAPES = [
  { name: 'many streams', perStream: 4 },
  { name: 'few hot streams', perStream: 100 },
] as const;

/** The producer runs, in table order, with their labels. */
const RUNS = {
  raw: 'raw kafkajs producer',
  relay: 'outbox relay, PostgreSQL outbox',
  plainRelay: 'outbox relay, PostgreSQL outbox, not pipelined',
  memoryRelay: 'outbox relay, in-memory outbox (no PostgreSQL)',
  outboxOnly: 'PostgreSQL outbox claim + mark alone (no Kafka)',
} as const;
type Run = keyof typeof RUNS;
const RUN_NAMES = Object.keys(RUNS) as Run[];

let position = 0;
/**
 * `count` outbox messages of `count / perStream` streams, interleaved in global order, with the
 * kernel's headers and a ~150-byte payload. `tag` keeps stream ids and event ids unique per fill.
 */
const makeMessages = (tag: string, count: number, perStream: number): OutboxMessage[] => {
  const streams = Math.max(1, Math.floor(count / perStream));
  const out: OutboxMessage[] = [];
  for (let i = 0; i < count; i++) {
    const stream = `order-${tag}-${i % streams}`;
    const event = {
      streamId: stream,
      streamVersion: BigInt(Math.floor(i / streams)),
      globalPosition: BigInt(++position),
      event: Events.make('OrderPlaced', {
        orderId: stream,
        customerId: `customer-${i % 97}`,
        total: 1000 + (i % 500),
        lines: ['sku-1001 x2', 'sku-2002 x1', 'sku-3003 x5'],
      }),
      metadata: {
        eventId: randomUUID(),
        correlationId: randomUUID(),
        causationId: randomUUID(),
        occurredAt: new Date(1_700_000_000_000 + i).toISOString(),
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    };
    out.push({ ...toOutboxMessage(event, { topic: 'order' }), headers: messageHeaders(event) });
  }
  return out;
};

/** Raw kafkajs: the same records the relay sends (key, JSON value, headers incl. id and type). */
const rawRecord = (m: OutboxMessage): Message => ({
  key: m.key,
  value: JSON.stringify(m.payload),
  headers: { ...m.headers, 'ordo-event-id': m.id, 'ordo-event-type': m.type },
});

const runRaw = async (kafka: Kafka, topic: string, messages: ReadonlyArray<OutboxMessage>) => {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3_000 },
  });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: '{}' }] });
  const started = performance.now();
  for (let i = 0; i < messages.length; i += BATCH) {
    await producer.sendBatch({
      acks: -1,
      timeout: 30_000,
      topicMessages: [{ topic, messages: messages.slice(i, i + BATCH).map(rawRecord) }],
    });
  }
  const ms = performance.now() - started;
  await producer.disconnect();
  return ms;
};

const runRelay = async (kafka: Kafka, topic: string, outbox: Outbox, count: number, pipeline: boolean) => {
  const publisher = createKafkaPublisher({ kafka, route: () => topic });
  await publisher.publish([{ id: 'warm-up', topic, key: 'warm-up', type: 'WarmUp', payload: {}, headers: {} }]);
  const relay = createKafkaOutboxRelay({ outbox, publisher, batchSize: BATCH, pollMs: 5, leaseMs: 60_000, pipeline });
  const started = performance.now();
  relay.start();
  while (relay.published() < count) await sleep(2);
  const ms = performance.now() - started;
  await relay.stop();
  await publisher.close();
  return ms;
};

/** The outbox alone, no Kafka: claim + mark per batch, one after the other. */
const runOutboxOnly = async (outbox: Outbox, count: number) => {
  const started = performance.now();
  for (let done = 0; done < count;) {
    const batch = await outbox.claim({ owner: 'bench-outbox-only', batchSize: BATCH, leaseMs: 60_000 });
    await outbox.markPublished(
      'bench-outbox-only',
      batch.map((m) => m.id),
    );
    done += batch.length;
  }
  return performance.now() - started;
};

/** Fills the outbox in a steady state: earlier runs' rows purged and vacuumed, statistics fresh. */
const fillOutbox = async (outbox: PostgresOutbox, pool: pg.Pool, messages: ReadonlyArray<OutboxMessage>) => {
  await outbox.purgePublished(new Date(Date.now() + 60_000));
  for (let i = 0; i < messages.length; i += 1_000) await outbox.write(messages.slice(i, i + 1_000));
  await pool.query(
    `VACUUM (ANALYZE) ${SCHEMA}.ordo_outbox, ${SCHEMA}.ordo_outbox_buckets, ${SCHEMA}.ordo_outbox_watermarks`,
  );
};

/** The consumer runs, in table order, with their labels and targets (x raw). */
const CONSUMER_RUNS = {
  raw: { label: 'raw kafkajs consumer (no decode, no work)', target: undefined },
  memory: { label: 'consumer + in-memory inbox, per message', target: undefined },
  memoryBatch: { label: 'consumer + in-memory inbox, batched', target: 0.5 },
  postgres: { label: 'consumer + PostgreSQL inbox, 1 INSERT per message, per message', target: undefined },
  postgresBatch: {
    label: 'consumer + PostgreSQL inbox, 1 INSERT per message, batched (handle: one statement per message)',
    target: 0.25,
  },
  postgresBatchRows: {
    label: 'consumer + PostgreSQL inbox, 1 INSERT row per message, batched (handleBatch: one statement per chunk)',
    target: 0.25,
  },
  postgresInsertsOnly: {
    label:
      'PostgreSQL alone: the same single-row INSERTs, 500 per transaction, one connection per partition (no Kafka)',
    target: undefined,
  },
} as const;
type ConsumerRun = keyof typeof CONSUMER_RUNS;
const CONSUMER_RUN_NAMES = Object.keys(CONSUMER_RUNS) as ConsumerRun[];

/**
 * `kafka`, except that every consumer it makes calls `onBatch` as kafkajs hands over each fetched
 * batch, before the run's own `eachBatch`: the one timing point shared by the raw consumer and ours.
 */
const timedKafka = (kafka: Kafka, onBatch: () => void): Kafka =>
  new Proxy(kafka, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property !== 'consumer' || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: Parameters<Kafka['consumer']>): Consumer => {
        const consumer = target.consumer(...args);
        const run = consumer.run.bind(consumer);
        consumer.run = (config?: ConsumerRunConfig) => {
          const eachBatch = config?.eachBatch;
          return run(
            eachBatch === undefined
              ? config
              : {
                  ...config,
                  eachBatch: (payload) => {
                    onBatch();
                    return eachBatch(payload);
                  },
                },
          );
        };
        return consumer;
      };
    },
  });

/** Waits until `done()`, polling every millisecond; answers the time of the first batch and of the end. */
const timeRun = async (start: () => Promise<void>, done: () => boolean, first: () => number) => {
  await start();
  while (!done()) await sleep(1);
  return performance.now() - first();
};

/** Raw kafkajs consumer, no work: eachBatch resolves and commits each batch. */
const consumeRaw = async (kafka: Kafka, topic: string, count: number) => {
  let first = 0;
  const timed = timedKafka(kafka, () => (first ||= performance.now()));
  const consumer = timed.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 500 });
  let seen = 0;
  const ms = await timeRun(
    async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          seen += batch.messages.length;
          const last = batch.messages[batch.messages.length - 1];
          if (last !== undefined) {
            resolveOffset(last.offset);
            await commitOffsetsIfNecessary({
              topics: [
                { topic, partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] },
              ],
            });
          }
        },
      });
    },
    () => seen >= count,
    () => first,
  );
  await consumer.disconnect();
  return ms;
};

/** The inbox without its batch method: the consumer falls back to one handleOnce per message. */
const perMessage = <Tx>(inbox: Inbox<Tx>): Inbox<Tx> => ({
  handleOnce: (consumer, id, effect) => inbox.handleOnce(consumer, id, effect),
  has: (consumer, id) => inbox.has(consumer, id),
});

const insertOne = `INSERT INTO ${SCHEMA}.bench_effects (event_id, order_id, total) VALUES ($1, $2, $3)`;
const insertRows = `INSERT INTO ${SCHEMA}.bench_effects (event_id, order_id, total)
  SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`;

/**
 * PostgreSQL alone, no Kafka and no inbox: the INSERT statements the per-message PostgreSQL runs
 * execute, one per message, 500 per transaction, on one connection per partition. What a
 * per-statement effect can reach at best on this server.
 */
const insertsOnly = async (pool: pg.Pool, count: number, tag: string) => {
  await pool.query(`TRUNCATE ${SCHEMA}.bench_effects`);
  const perWorker = Math.ceil(count / PARTITIONS);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (let i = w * perWorker; i < Math.min(count, (w + 1) * perWorker); i += 500) {
          await client.query('BEGIN');
          for (let k = i; k < Math.min(count, (w + 1) * perWorker, i + 500); k++)
            await client.query(insertOne, [`${tag}-${k}`, `order-${k}`, 1000 + (k % 500)]);
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  return performance.now() - started;
};

/** createKafkaConsumer with an inbox: decode, dedup + effect in one transaction, commit after. */
const consumeWithInbox = async (kafka: Kafka, topic: string, count: number, which: ConsumerRun, pool: pg.Pool) => {
  let first = 0;
  const timed = timedKafka(kafka, () => (first ||= performance.now()));
  const common = {
    kafka: timed,
    groupId: `bench-inbox-${which}-${randomUUID()}`,
    topics: [topic],
    codec: Events.codec,
    partitionsConsumedConcurrently: PARTITIONS,
    maxWaitTimeInMs: 500,
    ...(CONSUMER_BATCH === undefined ? {} : { batchSize: CONSUMER_BATCH }),
  };
  const postgresInbox = new PostgresInbox({ pool, schema: SCHEMA });
  const consumer = (() => {
    switch (which) {
      case 'memory':
      case 'memoryBatch': {
        const inbox = createInMemoryInbox();
        return createKafkaConsumer({
          ...common,
          inbox: which === 'memory' ? perMessage(inbox) : inbox,
          handle: async () => undefined,
        });
      }
      case 'postgres':
      case 'postgresBatch':
        return createKafkaConsumer({
          ...common,
          inbox: which === 'postgres' ? perMessage(postgresInbox) : postgresInbox,
          handle: async (event, { tx, message }) => {
            await tx.query(insertOne, [message.id, event.orderId, event.total]);
          },
        });
      case 'postgresBatchRows':
        return createKafkaConsumer({
          ...common,
          inbox: postgresInbox,
          handleBatch: async (messages, { tx }) => {
            await tx.query(insertRows, [
              messages.map((m) => m.message.id),
              messages.map((m) => m.event.orderId),
              messages.map((m) => m.event.total),
            ]);
          },
        });
      case 'raw':
      case 'postgresInsertsOnly':
        throw new Error(`${which} is not a consumer with an inbox`);
    }
  })();
  const ms = await timeRun(
    () => consumer.start(),
    () => consumer.stats().handled >= count,
    () => first,
  );
  const { chunks, handled } = consumer.stats();
  await consumer.stop();
  if (which.endsWith('Batch') || which.endsWith('Rows')) {
    if (chunks === 0) throw new Error(`${which} ran no chunk transaction`);
  } else if (chunks !== 0) throw new Error(`${which} ran chunk transactions`);
  if (which.startsWith('postgres')) {
    const effects = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.bench_effects`);
    if (Number(effects.rows[0]?.n) !== handled)
      throw new Error(`${which}: ${effects.rows[0]?.n} effects for ${handled}`);
  }
  return ms;
};

const TICK_MS = 10; // /proc reports CPU time in clock ticks of 10 ms (USER_HZ 100) on Linux

/** utime + stime of a process from /proc, in ms; undefined when it is not (or no longer) visible. */
const processCpuMs = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
};

interface Cpu {
  readonly node: number;
  readonly broker: number;
  readonly postgres: number;
}

/**
 * CPU used by the three parties of a run: this Node process, the broker JVM (when its pid is
 * known) and the PostgreSQL backends serving this benchmark's database (when they run on this
 * machine; shared server processes such as the WAL writer are not counted).
 */
const cpuMeter = (brokerPid: number | undefined, pool: pg.Pool) => {
  const sample = async () => {
    const backends = await pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
    );
    return {
      node: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      broker: brokerPid === undefined ? 0 : (processCpuMs(brokerPid) ?? 0),
      postgres: new Map(backends.rows.map((b) => [b.pid, processCpuMs(b.pid)])),
    };
  };
  return async <R>(work: () => Promise<R>): Promise<{ result: R; cpu: Cpu }> => {
    const before = await sample();
    const result = await work();
    const after = await sample();
    let postgres = 0;
    for (const [pid, ms] of after.postgres) postgres += (ms ?? 0) - (before.postgres.get(pid) ?? 0);
    return {
      result,
      cpu: { node: after.node - before.node, broker: after.broker - before.broker, postgres },
    };
  };
};

/** True when the local broker.sh broker runs now (so the bench leaves it running at the end). */
const localBrokerRunning = (): Promise<boolean> =>
  new Promise((resolve) => {
    const env = { ...process.env };
    delete env.KAFKA_BROKERS;
    execFile(
      'bash',
      [new URL('../../../scripts/kafka/broker.sh', import.meta.url).pathname, 'status'],
      { env },
      (error) => resolve(error === null),
    );
  });

interface RoundResult {
  readonly order: string;
  readonly ms: Record<Run, number>;
  readonly cpu: Record<Run, Cpu>;
}

/** One producer run's summary over all rounds of a shape. */
const summarise = (rounds: ReadonlyArray<RoundResult>, run: Run) => {
  const total = (r: Run) => rounds.reduce((n, round) => n + round.ms[r], 0);
  const perSec = rate(N * rounds.length, total(run));
  const ratios = rounds.map((round) => round.ms.raw / round.ms[run]);
  const cpuTotal = (part: keyof Cpu) => rounds.reduce((n, round) => n + round.cpu[run][part], 0);
  const per1k = (ms: number) => Math.round((ms / (N * rounds.length)) * 1000);
  const cpu = {
    node: per1k(cpuTotal('node')),
    broker: per1k(cpuTotal('broker')),
    postgres: per1k(cpuTotal('postgres')),
  };
  return {
    perSec,
    toRaw: round2(total('raw') / total(run)),
    toRawLowestRound: round2(Math.min(...ratios)),
    toRawHighestRound: round2(Math.max(...ratios)),
    cpuMsPer1000: { total: cpu.node + cpu.broker + cpu.postgres, ...cpu },
  };
};

interface ConsumerRound {
  readonly order: string;
  readonly ms: Record<ConsumerRun, number>;
  readonly cpu: Record<ConsumerRun, Cpu>;
}

/** One consumer run's summary over all rounds, with its target when it has one. */
const summariseConsumer = (rounds: ReadonlyArray<ConsumerRound>, run: ConsumerRun) => {
  const total = (r: ConsumerRun) => rounds.reduce((n, round) => n + round.ms[r], 0);
  const ratios = rounds.map((round) => round.ms.raw / round.ms[run]);
  const cpuTotal = (part: keyof Cpu) => rounds.reduce((n, round) => n + round.cpu[run][part], 0);
  const per1k = (ms: number) => Math.round((ms / (CONSUME * rounds.length)) * 1000);
  const cpu = {
    node: per1k(cpuTotal('node')),
    broker: per1k(cpuTotal('broker')),
    postgres: per1k(cpuTotal('postgres')),
  };
  const toRaw = Math.round((total('raw') / total(run)) * 1000) / 1000;
  const target = CONSUMER_RUNS[run].target;
  return {
    label: CONSUMER_RUNS[run].label,
    perSec: rate(CONSUME * rounds.length, total(run)),
    toRaw,
    toRawLowestRound: Math.round(Math.min(...ratios) * 1000) / 1000,
    toRawHighestRound: Math.round(Math.max(...ratios) * 1000) / 1000,
    ...(target === undefined ? {} : { target, status: toRaw >= target ? 'met' : 'MISSED' }),
    cpuMsPer1000: { total: cpu.node + cpu.broker + cpu.postgres, ...cpu },
  };
};

/** Fills `topic` with `count` records as the relay writes them, in batches, untimed. */
const fillTopic = async (kafka: Kafka, topic: string, count: number, tag: string) => {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const messages = makeMessages(tag, count, 4);
  for (let i = 0; i < messages.length; i += BATCH) {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [{ topic, messages: messages.slice(i, i + BATCH).map(rawRecord) }],
    });
  }
  await producer.disconnect();
};

const main = async () => {
  const began = Date.now();
  const brokerWasRunning = (process.env.KAFKA_BROKERS ?? '').trim() !== '' || (await localBrokerRunning());
  const brokerModule = (await import(new URL('../../../scripts/kafka/broker.mjs', import.meta.url).href)) as {
    ensureBroker: () => Promise<KafkaBroker>;
  };
  const broker = await brokerModule.ensureBroker();
  const server = await ensurePostgres();
  const dbName = uniqueDatabaseName('kafka_bench');
  const url = await createDatabase(server.url, dbName);
  const pool = new pg.Pool({ connectionString: url, max: PARTITIONS + 4 });
  pool.on('error', () => undefined);
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'ordo-kafka-bench', logLevel: 'error' });
  const run = randomUUID().slice(0, 8);
  const rawTopic = `bench-raw-${run}`;
  const relayTopic = `bench-relay-${run}`;
  const consumeTopic = `bench-consume-${run}`;
  const warmTopic = `bench-consume-warm-${run}`;
  const topics = [
    rawTopic,
    relayTopic,
    consumeTopic,
    warmTopic,
    `${rawTopic}.dlq`,
    `${relayTopic}.dlq`,
    `${consumeTopic}.dlq`,
    `${warmTopic}.dlq`,
  ];
  const sections = (process.env.ORDO_BENCH_KAFKA_ONLY ?? 'producer,consumer').split(',');
  try {
    await migrateExtras(pool, { schema: SCHEMA });
    await pool.query(
      `CREATE TABLE ${SCHEMA}.bench_effects (event_id text PRIMARY KEY, order_id text NOT NULL, total integer NOT NULL)`,
    );
    await ensureTopics(kafka, [
      { topic: rawTopic, partitions: PARTITIONS },
      { topic: relayTopic, partitions: PARTITIONS },
      { topic: consumeTopic, partitions: PARTITIONS },
      { topic: warmTopic, partitions: PARTITIONS },
      { topic: `${rawTopic}.dlq`, partitions: 1 },
      { topic: `${relayTopic}.dlq`, partitions: 1 },
      { topic: `${consumeTopic}.dlq`, partitions: 1 },
      { topic: `${warmTopic}.dlq`, partitions: 1 },
    ]);
    const outbox = new PostgresOutbox({ pool, schema: SCHEMA });
    log(`kafka bench: ${N} messages, ${ROUNDS} rounds per shape, batch ${BATCH}, ${PARTITIONS} partitions`);

    const brokerPidFile = `${process.env.ORDO_KAFKA_STATE ?? '/tmp/ordo-kafka'}/kafka.pid`;
    const brokerPid =
      broker.started && existsSync(brokerPidFile) ? Number(readFileSync(brokerPidFile, 'utf8').trim()) : undefined;
    const measured = cpuMeter(brokerPid, pool);
    /** One run of `which` over `count` fresh messages of the shape: its time and CPU. */
    const runOne = async (which: Run, tag: string, count: number, perStream: number) => {
      const messages = makeMessages(tag, count, perStream);
      if (which !== 'raw' && which !== 'memoryRelay') await fillOutbox(outbox, pool, messages);
      const memoryOutbox = createInMemoryOutbox();
      if (which === 'memoryRelay') memoryOutbox.add(messages);
      const { result, cpu } = await measured(() => {
        switch (which) {
          case 'raw':
            return runRaw(kafka, rawTopic, messages);
          case 'relay':
            return runRelay(kafka, relayTopic, outbox, count, true);
          case 'plainRelay':
            return runRelay(kafka, relayTopic, outbox, count, false);
          case 'memoryRelay':
            return runRelay(kafka, relayTopic, memoryOutbox, count, true);
          case 'outboxOnly':
            return runOutboxOnly(outbox, count);
        }
      });
      if (which !== 'raw' && which !== 'memoryRelay' && (await outbox.pending()) !== 0)
        throw new Error(`${which} left messages in the outbox`);
      return { ms: result, cpu };
    };
    // Warm-up, not counted: every run once per shape, so that no run pays for the JIT compiling
    // code paths (kafkajs', pg's, the relay's) that the runs before it did not touch.
    if (WARMUP > 0 && sections.includes('producer')) {
      for (const shape of SHAPES)
        for (const which of RUN_NAMES) await runOne(which, `warm-${shape.perStream}-${which}`, WARMUP, shape.perStream);
      log(`warm-up done: ${WARMUP} messages per run and shape, not counted`);
    }
    const producer = [];
    for (const shape of sections.includes('producer') ? SHAPES : []) {
      const rounds: RoundResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = RUN_NAMES.map((_, i) => RUN_NAMES[(i + round) % RUN_NAMES.length]!);
        const ms = {} as Record<Run, number>;
        const cpu = {} as Record<Run, Cpu>;
        for (const which of order) {
          const done = await runOne(which, `${shape.perStream}-${round}-${which}`, N, shape.perStream);
          ms[which] = done.ms;
          cpu[which] = done.cpu;
        }
        rounds.push({ order: order.join(' > '), ms, cpu });
        log(
          `${shape.name} round ${round + 1}: ` +
            RUN_NAMES.map((r) => `${r} ${rate(N, ms[r])}/s (${(ms.raw / ms[r]).toFixed(2)}x)`).join(', '),
        );
      }
      const runs = Object.fromEntries(RUN_NAMES.map((r) => [r, summarise(rounds, r)])) as Record<
        Run,
        ReturnType<typeof summarise>
      >;
      producer.push({
        shape: shape.name,
        streams: Math.floor(N / shape.perStream),
        messagesPerStream: shape.perStream,
        target: runs.relay.toRaw >= TARGET ? 'met' : 'MISSED',
        runs,
        rounds: rounds.map((r) => ({
          order: r.order,
          ...Object.fromEntries(RUN_NAMES.map((name) => [`${name}PerSec`, rate(N, r.ms[name])])),
        })),
      });
    }

    const consumerRounds: ConsumerRound[] = [];
    if (sections.includes('consumer')) {
      const consumeOne = async (which: ConsumerRun, topic: string, count: number) => {
        if (which.startsWith('postgres')) await pool.query(`TRUNCATE ${SCHEMA}.bench_effects, ${SCHEMA}.ordo_inbox`);
        const { result, cpu } = await measured(() => {
          if (which === 'raw') return consumeRaw(kafka, topic, count);
          if (which === 'postgresInsertsOnly') return insertsOnly(pool, count, topic);
          return consumeWithInbox(kafka, topic, count, which, pool);
        });
        return { ms: result, cpu };
      };
      await fillTopic(kafka, consumeTopic, CONSUME, 'consume');
      if (WARMUP > 0) {
        await fillTopic(kafka, warmTopic, WARMUP, 'consume-warm');
        for (const which of CONSUMER_RUN_NAMES) await consumeOne(which, warmTopic, WARMUP);
        log(`consumer warm-up done: ${WARMUP} messages per run, not counted`);
      }
      for (let round = 0; round < CONSUMER_ROUNDS; round++) {
        const order = CONSUMER_RUN_NAMES.map((_, i) => CONSUMER_RUN_NAMES[(i + round) % CONSUMER_RUN_NAMES.length]!);
        const ms = {} as Record<ConsumerRun, number>;
        const cpu = {} as Record<ConsumerRun, Cpu>;
        for (const which of order) {
          const done = await consumeOne(which, consumeTopic, CONSUME);
          ms[which] = done.ms;
          cpu[which] = done.cpu;
        }
        // The reference is the faster of two raw runs per round (one in the rotation, one at the
        // end): a slow raw run, disturbed by other work, would flatter every ratio.
        const again = await consumeOne('raw', consumeTopic, CONSUME);
        if (again.ms < ms.raw) {
          ms.raw = again.ms;
          cpu.raw = again.cpu;
        }
        consumerRounds.push({ order: `${order.join(' > ')} > raw`, ms, cpu });
        log(
          `consumer round ${round + 1}: ` +
            CONSUMER_RUN_NAMES.map((r) => `${r} ${rate(CONSUME, ms[r])}/s (${(ms.raw / ms[r]).toFixed(3)}x)`).join(
              ', ',
            ),
        );
      }
    }
    const consumerRuns =
      consumerRounds.length === 0
        ? undefined
        : (Object.fromEntries(CONSUMER_RUN_NAMES.map((r) => [r, summariseConsumer(consumerRounds, r)])) as Record<
            ConsumerRun,
            ReturnType<typeof summariseConsumer>
          >);

    const require = createRequire(import.meta.url);
    const result = {
      benchmark: 'kafka',
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? '',
        memoryGb: Math.round(totalmem() / 2 ** 30),
        loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
      },
      node: process.version,
      kafkajs: (require('kafkajs/package.json') as { version: string }).version,
      broker: {
        version: process.env.ORDO_KAFKA_VERSION ?? '3.9.2',
        source: broker.started ? 'scripts/kafka/broker.sh' : 'KAFKA_BROKERS',
      },
      postgres: { source: server.started ? 'embedded (fsync on)' : 'DATABASE_URL' },
      params: {
        messages: N,
        roundsPerShape: ROUNDS,
        batchSize: BATCH,
        partitions: PARTITIONS,
        consumed: CONSUME,
        consumerRounds: CONSUMER_ROUNDS,
        consumerBatchSize: CONSUMER_BATCH ?? 500,
        warmupMessages: WARMUP,
      },
      target: {
        relayToRaw: TARGET,
        consumerInMemoryBatchedToRaw: CONSUMER_RUNS.memoryBatch.target,
        consumerPostgresBatchedToRaw: CONSUMER_RUNS.postgresBatch.target,
      },
      runs: RUNS,
      producer,
      consumer:
        consumerRuns === undefined
          ? undefined
          : {
              messages: CONSUME,
              runs: consumerRuns,
              rounds: consumerRounds.map((r) => ({
                order: r.order,
                ...Object.fromEntries(CONSUMER_RUN_NAMES.map((name) => [`${name}PerSec`, rate(CONSUME, r.ms[name])])),
              })),
            },
      durationSec: Math.round((Date.now() - began) / 1000),
    };

    const producerRows = producer.flatMap((p) =>
      RUN_NAMES.map((name) => {
        const r = p.runs[name];
        return [
          `${RUNS[name]}, ${p.shape}`,
          String(r.perSec),
          name === 'raw'
            ? '1'
            : `${r.toRaw.toFixed(2)} (${r.toRawLowestRound.toFixed(2)}-${r.toRawHighestRound.toFixed(2)})`,
          name === 'relay' ? `${p.target} (>= ${TARGET}x)` : '',
          String(r.cpuMsPer1000.total),
        ];
      }),
    );
    const consumerRows =
      consumerRuns === undefined
        ? []
        : CONSUMER_RUN_NAMES.map((name) => {
            const r = consumerRuns[name];
            return [
              r.label,
              String(r.perSec),
              name === 'raw'
                ? '1'
                : `${r.toRaw.toFixed(3)} (${r.toRawLowestRound.toFixed(3)}-${r.toRawHighestRound.toFixed(3)})`,
              'status' in r ? `${r.status} (>= ${r.target}x)` : '',
              String(r.cpuMsPer1000.total),
            ];
          });
    const header = ['case', 'msgs/s', 'x raw (rounds)', 'target', 'CPU ms per 1k msgs'];
    const rows = [header, ...producerRows, ...consumerRows];
    const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (values: ReadonlyArray<string>) =>
      `| ${values.map((v, i) => (i === 0 || i === 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (i === 0 || i === 3 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
    console.log(
      `\nKafka ${result.broker.version} (${result.broker.source}), kafkajs ${result.kafkajs}, PostgreSQL ${result.postgres.source}, ` +
        `${N} msgs x ${ROUNDS} rounds per shape, batch ${BATCH}, ${PARTITIONS} partitions; consumers ${CONSUME} msgs x ` +
        `${CONSUMER_ROUNDS} rounds, batchSize ${CONSUMER_BATCH ?? 500}; ${result.machine.cpus} CPUs, ` +
        `load ${result.machine.loadAverage1m}, ${result.durationSec} s\n`,
    );
    console.log([line(header), rule, ...rows.slice(1).map(line)].join('\n'));
    console.log(`\n${JSON.stringify(result, null, 2)}`);
    // A partial run (ORDO_BENCH_KAFKA_ONLY) prints its figures but leaves the full report alone.
    if (sections.includes('producer') && sections.includes('consumer')) {
      const resultsDir = new URL('../../results/', import.meta.url);
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(new URL('kafka.json', resultsDir), `${JSON.stringify(result, null, 2)}\n`);
    }
  } finally {
    await deleteTopics(kafka, topics).catch(() => undefined);
    await pool.end();
    await dropDatabase(server.url, dbName).catch(() => undefined);
    await server.stop();
    if (broker.started && !brokerWasRunning) await broker.stop();
  }
};

await main();
