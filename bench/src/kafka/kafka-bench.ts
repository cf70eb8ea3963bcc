/**
 * Kafka benchmark: the outbox relay against raw kafkajs, and the consumer with an inbox.
 *
 *   node --conditions=ordo-source --import tsx bench/src/kafka/kafka-bench.ts
 *
 * 1. Relay throughput: a PostgreSQL outbox (fsync on) filled with N messages (then VACUUM
 *    ANALYZE, untimed) is drained to Kafka by `createKafkaOutboxRelay` (claim -> one sendBatch ->
 *    mark per batch), pipelined (default) and plain. The baseline is raw kafkajs sending the same
 *    messages (same key, JSON value and headers) in the same batch sizes with the same producer
 *    settings (idempotent, acks -1, one request in flight) to the same broker in the same run.
 *    Two workload shapes: many streams with 4 messages each (the common case: many aggregates),
 *    and a few hot streams with 100 messages each. Rounds alternate the order of the runs.
 * 2. Consumer throughput: a raw kafkajs consumer (no work), then `createKafkaConsumer` with an
 *    in-memory inbox and with a PostgreSQL inbox whose effect is one INSERT per message.
 *
 * Env: KAFKA_BROKERS (else the local broker from scripts/kafka), DATABASE_URL (else an embedded
 * server), ORDO_BENCH_KAFKA_MESSAGES (20000), ORDO_BENCH_KAFKA_BATCH (500),
 * ORDO_BENCH_KAFKA_PARTITIONS (6), ORDO_BENCH_KAFKA_ROUNDS (2), ORDO_BENCH_KAFKA_CONSUME (20000).
 * Prints a table and JSON, and writes bench/results/kafka.json.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  createKafkaClient,
  createKafkaConsumer,
  createKafkaOutboxRelay,
  createKafkaPublisher,
  deleteTopics,
  ensureTopics,
} from '@ordo/adapter-kafka';
import { createInMemoryInbox, createInMemoryOutbox } from '@ordo/adapter-memory';
import { defineMessages, messageHeaders, type Outbox, type OutboxMessage, toOutboxMessage } from '@ordo/kernel';
import * as t from 'io-ts';
import { type Kafka, type Message, Partitioners } from 'kafkajs';
import pg from 'pg';
import { migrateExtras, PostgresInbox, PostgresOutbox } from '@ordo/adapter-postgres';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const N = num('ORDO_BENCH_KAFKA_MESSAGES', 20_000);
const BATCH = num('ORDO_BENCH_KAFKA_BATCH', 500);
const PARTITIONS = num('ORDO_BENCH_KAFKA_PARTITIONS', 6);
const ROUNDS = num('ORDO_BENCH_KAFKA_ROUNDS', 2);
const CONSUME = Math.min(num('ORDO_BENCH_KAFKA_CONSUME', 20_000), N);
const SCHEMA = 'ordo';

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

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
    const version = BigInt(Math.floor(i / streams));
    const event = {
      streamId: stream,
      streamVersion: version,
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

/** The outbox alone, no Kafka: claim + mark per batch, as the plain relay does. Its ceiling. */
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

/** Fills the outbox (a steady state: dead rows of earlier runs vacuumed, statistics fresh). */
const fillOutbox = async (outbox: PostgresOutbox, pool: pg.Pool, messages: ReadonlyArray<OutboxMessage>) => {
  for (let i = 0; i < messages.length; i += 1_000) await outbox.write(messages.slice(i, i + 1_000));
  await pool.query(`VACUUM (ANALYZE) ${SCHEMA}.ordo_outbox, ${SCHEMA}.ordo_outbox_streams`);
};

/** Raw kafkajs consumer, no work: eachBatch resolves and commits each batch. */
const consumeRaw = async (kafka: Kafka, topic: string, count: number) => {
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 500 });
  let seen = 0;
  let first = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      if (first === 0) first = performance.now();
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
  while (seen < count) await sleep(2);
  const ms = performance.now() - first;
  await consumer.disconnect();
  return ms;
};

/** createKafkaConsumer with an inbox: decode, dedup + effect in one transaction, commit after. */
const consumeWithInbox = async (
  kafka: Kafka,
  topic: string,
  count: number,
  inbox: 'memory' | 'postgres',
  pool: pg.Pool,
) => {
  let first = 0;
  const common = {
    kafka,
    groupId: `bench-inbox-${inbox}-${randomUUID()}`,
    topics: [topic],
    codec: Events.codec,
    partitionsConsumedConcurrently: PARTITIONS,
    maxWaitTimeInMs: 500,
  };
  const consumer =
    inbox === 'memory'
      ? createKafkaConsumer({
          ...common,
          inbox: createInMemoryInbox(),
          handle: async () => {
            if (first === 0) first = performance.now();
          },
        })
      : createKafkaConsumer({
          ...common,
          inbox: new PostgresInbox({ pool, schema: SCHEMA }),
          handle: async (event, { tx, message }) => {
            if (first === 0) first = performance.now();
            await (tx as pg.PoolClient).query(
              `INSERT INTO ${SCHEMA}.bench_effects (event_id, order_id, total) VALUES ($1, $2, $3)`,
              [message.id, event.orderId, event.total],
            );
          },
        });
  await consumer.start();
  // Undecodable warm-up records go to the dead-letter topic; count only decoded events.
  while (consumer.stats().handled < count) await sleep(5);
  const ms = performance.now() - first;
  await consumer.stop();
  return { ms, stats: consumer.stats() };
};

const TICK_MS = 10; // /proc reports CPU time in clock ticks of 10 ms (USER_HZ 100) on Linux

/** utime + stime of a process from /proc, in ms; 0 when it is gone. */
const processCpuMs = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
};

/** The parent pid of a process from /proc. */
const parentPid = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
};

/**
 * CPU time used so far by the three parties of a run: this Node process, the broker JVM and the
 * PostgreSQL server (postmaster and its backends). Parties that run elsewhere count as 0.
 */
const cpuSampler = (brokerPid: number | undefined, postmasterPid: number | undefined) => () => {
  const self = process.cpuUsage();
  let postgres = 0;
  if (postmasterPid !== undefined) {
    postgres += processCpuMs(postmasterPid);
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (Number.isInteger(pid) && parentPid(pid) === postmasterPid) postgres += processCpuMs(pid);
    }
  }
  return {
    node: (self.user + self.system) / 1000,
    broker: brokerPid === undefined ? 0 : processCpuMs(brokerPid),
    postgres,
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
  const topics = [rawTopic, relayTopic, `${rawTopic}.dlq`, `${relayTopic}.dlq`];
  try {
    await migrateExtras(pool, { schema: SCHEMA });
    await pool.query(
      `CREATE TABLE ${SCHEMA}.bench_effects (event_id text PRIMARY KEY, order_id text NOT NULL, total integer NOT NULL)`,
    );
    await ensureTopics(kafka, [
      { topic: rawTopic, partitions: PARTITIONS },
      { topic: relayTopic, partitions: PARTITIONS },
      { topic: `${rawTopic}.dlq`, partitions: 1 },
      { topic: `${relayTopic}.dlq`, partitions: 1 },
    ]);
    const outbox = new PostgresOutbox({ pool, schema: SCHEMA });
    log(`kafka bench: ${N} messages, ${ROUNDS} rounds per shape, batch ${BATCH}, ${PARTITIONS} partitions`);

    const RUNS = ['raw', 'relay', 'plainRelay', 'memoryRelay', 'outboxOnly'] as const;
    type Run = (typeof RUNS)[number];
    type Cpu = { node: number; broker: number; postgres: number };
    type Round = Record<Run, number> & { order: string; cpu: Record<Run, Cpu> };
    const brokerPidFile = `${process.env.ORDO_KAFKA_STATE ?? '/tmp/ordo-kafka'}/kafka.pid`;
    const brokerPid = broker.started ? Number(readFileSync(brokerPidFile, 'utf8').trim()) : undefined;
    const cpuNow = cpuSampler(brokerPid, server.pid);
    const shapes: Array<{ name: string; perStream: number; streams: number; rounds: Round[] }> = [];
    for (const shape of SHAPES) {
      const rounds: Round[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [...RUNS] : [...RUNS].reverse();
        const ms = Object.fromEntries(RUNS.map((r) => [r, 0])) as Record<Run, number>;
        const cpu = {} as Record<Run, Cpu>;
        for (const which of order) {
          const messages = makeMessages(`${shape.perStream}-${round}-${which}`, N, shape.perStream);
          if (which !== 'raw' && which !== 'memoryRelay') await fillOutbox(outbox, pool, messages);
          const before = cpuNow();
          if (which === 'raw') {
            ms.raw = await runRaw(kafka, rawTopic, messages);
          } else if (which === 'memoryRelay') {
            const memoryOutbox = createInMemoryOutbox();
            memoryOutbox.add(messages);
            ms.memoryRelay = await runRelay(kafka, relayTopic, memoryOutbox, N, true);
          } else {
            ms[which] =
              which === 'outboxOnly'
                ? await runOutboxOnly(outbox, N)
                : await runRelay(kafka, relayTopic, outbox, N, which === 'relay');
          }
          const after = cpuNow();
          cpu[which] = {
            node: after.node - before.node,
            broker: after.broker - before.broker,
            postgres: after.postgres - before.postgres,
          };
          if (which !== 'raw' && which !== 'memoryRelay' && (await outbox.pending()) !== 0)
            throw new Error(`${which} left messages in the outbox`);
        }
        rounds.push({ ...ms, cpu, order: order.join(' > ') });
        log(
          `${shape.name} round ${round + 1}: ` +
            RUNS.map((r) => `${r} ${rate(N, ms[r])}/s (${(ms.raw / ms[r]).toFixed(2)}x)`).join(', '),
        );
      }
      shapes.push({ ...shape, streams: Math.floor(N / shape.perStream), rounds });
    }

    const rawConsumerMs = await consumeRaw(kafka, rawTopic, CONSUME);
    log(`raw kafkajs consumer: ${rate(CONSUME, rawConsumerMs)}/s`);
    const memory = await consumeWithInbox(kafka, relayTopic, CONSUME, 'memory', pool);
    log(`consumer + in-memory inbox: ${rate(CONSUME, memory.ms)}/s`);
    const postgres = await consumeWithInbox(kafka, relayTopic, CONSUME, 'postgres', pool);
    log(`consumer + PostgreSQL inbox: ${rate(CONSUME, postgres.ms)}/s`);

    const require = createRequire(import.meta.url);
    const sum = (rounds: ReadonlyArray<Record<Run, number>>, key: Run) => rounds.reduce((n, r) => n + r[key], 0);
    const producer = shapes.map((shape) => {
      const perSec = Object.fromEntries(RUNS.map((r) => [r, rate(N * ROUNDS, sum(shape.rounds, r))])) as Record<
        Run,
        number
      >;
      const ratio = (r: Run) => Number((perSec[r] / perSec.raw).toFixed(2));
      /** CPU ms per 1,000 messages, summed over Node, the broker and PostgreSQL (and split). */
      const cpuPer1k = (r: Run) => {
        const total = (part: keyof Cpu) => shape.rounds.reduce((n, round) => n + round.cpu[r][part], 0);
        const per1k = (v: number) => Math.round((v / (N * ROUNDS)) * 1000);
        return {
          total: per1k(total('node') + total('broker') + total('postgres')),
          node: per1k(total('node')),
          broker: per1k(total('broker')),
          postgres: per1k(total('postgres')),
        };
      };
      return {
        shape: shape.name,
        streams: shape.streams,
        messagesPerStream: shape.perStream,
        rawKafkajsPerSec: perSec.raw,
        relayPerSec: perSec.relay,
        relayToRawRatio: ratio('relay'),
        plainRelayPerSec: perSec.plainRelay,
        plainRelayToRawRatio: ratio('plainRelay'),
        inMemoryOutboxRelayPerSec: perSec.memoryRelay,
        inMemoryOutboxRelayToRawRatio: ratio('memoryRelay'),
        postgresOutboxOnlyPerSec: perSec.outboxOnly,
        postgresOutboxOnlyToRawRatio: ratio('outboxOnly'),
        cpuMsPer1000: Object.fromEntries(RUNS.map((r) => [r, cpuPer1k(r)])) as Record<Run, ReturnType<typeof cpuPer1k>>,
        rounds: shape.rounds.map((r) => ({
          order: r.order,
          ...Object.fromEntries(RUNS.map((run) => [`${run}PerSec`, rate(N, r[run])])),
        })),
      };
    });
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
      outbox: 'PostgresOutbox',
      params: { messages: N, roundsPerShape: ROUNDS, batchSize: BATCH, partitions: PARTITIONS, consumed: CONSUME },
      target: { relayToRawRatio: 0.8 },
      producer,
      consumer: {
        rawKafkajsPerSec: rate(CONSUME, rawConsumerMs),
        inMemoryInboxPerSec: rate(CONSUME, memory.ms),
        postgresInboxPerSec: rate(CONSUME, postgres.ms),
        postgresInboxToRawRatio: Number((rate(CONSUME, postgres.ms) / rate(CONSUME, rawConsumerMs)).toFixed(3)),
      },
      durationSec: Math.round((Date.now() - began) / 1000),
    };

    const row = (name: string, perSec: number, note: string, cpu = '') =>
      `| ${name.padEnd(57)} | ${String(perSec).padStart(9)} | ${note.padEnd(29)} | ${cpu.padEnd(27)} |`;
    const cpuCell = (c: { total: number; node: number; broker: number; postgres: number }) =>
      `${c.total} (${c.node} / ${c.broker} / ${c.postgres})`;
    const table = [
      `| ${'case'.padEnd(57)} | ${'msgs/s'.padStart(9)} | ${'vs baseline'.padEnd(29)} | ${'CPU ms per 1k (node/jvm/pg)'.padEnd(27)} |`,
      `| ${'-'.repeat(57)} | ${'-'.repeat(8)}: | ${'-'.repeat(29)} | ${'-'.repeat(27)} |`,
      ...producer.flatMap((p) => {
        const c = p.cpuMsPer1000;
        return [
          row(`raw kafkajs producer, ${p.shape}`, p.rawKafkajsPerSec, 'baseline', cpuCell(c.raw)),
          row(
            `relay (pipelined), ${p.shape}`,
            p.relayPerSec,
            `${p.relayToRawRatio}x (target >= 0.8x)`,
            cpuCell(c.relay),
          ),
          row(
            `relay (plain relayOnce), ${p.shape}`,
            p.plainRelayPerSec,
            `${p.plainRelayToRawRatio}x`,
            cpuCell(c.plainRelay),
          ),
          row(
            `relay on the in-memory outbox, ${p.shape}`,
            p.inMemoryOutboxRelayPerSec,
            `${p.inMemoryOutboxRelayToRawRatio}x`,
            cpuCell(c.memoryRelay),
          ),
          row(
            `PostgresOutbox claim+mark only (no Kafka), ${p.shape}`,
            p.postgresOutboxOnlyPerSec,
            `${p.postgresOutboxOnlyToRawRatio}x (outbox alone)`,
            cpuCell(c.outboxOnly),
          ),
        ];
      }),
      row('raw kafkajs consumer (no work)', result.consumer.rawKafkajsPerSec, 'baseline'),
      row(
        'consumer + in-memory inbox',
        result.consumer.inMemoryInboxPerSec,
        `${(result.consumer.inMemoryInboxPerSec / result.consumer.rawKafkajsPerSec).toFixed(2)}x`,
      ),
      row(
        'consumer + PostgreSQL inbox (1 INSERT effect, fsync on)',
        result.consumer.postgresInboxPerSec,
        `${result.consumer.postgresInboxToRawRatio}x`,
      ),
    ].join('\n');
    console.log(
      `\nKafka ${result.broker.version} (${result.broker.source}), kafkajs ${result.kafkajs}, ${N} msgs x ${ROUNDS} rounds ` +
        `per shape, batch ${BATCH}, ${PARTITIONS} partitions, ${result.machine.cpus} CPUs, load ${result.machine.loadAverage1m}\n`,
    );
    console.log(table);
    console.log(`\n${JSON.stringify(result, null, 2)}`);
    const resultsDir = new URL('../../results/', import.meta.url);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(new URL('kafka.json', resultsDir), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await deleteTopics(kafka, topics).catch(() => undefined);
    await pool.end();
    await dropDatabase(server.url, dbName).catch(() => undefined);
    await server.stop();
    if (broker.started && !brokerWasRunning) await broker.stop();
  }
};

await main();
