// Checks that kafkajs (the client @ordo/adapter-kafka uses) works against the broker:
// topics, an idempotent producer, a consumer group with commits and a rebalance, and (with
// --restart, local broker only) data and committed offsets surviving a broker restart.
//
//   node scripts/kafka/verify-kafkajs.mjs [--restart]
//
// Uses KAFKA_BROKERS when set, else starts or reuses the local broker via broker.mjs.
// Exits 0 when every check passed, 1 otherwise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ensureBroker } from './broker.mjs';

const withRestart = process.argv.includes('--restart');
const OVERALL_TIMEOUT_MS = 180_000;
const watchdog = setTimeout(() => {
  console.error(`FAIL: timed out after ${OVERALL_TIMEOUT_MS / 1000}s`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

const kafkajsVersion = createRequire(import.meta.url)('kafkajs/package.json').version;
const t0 = Date.now();
/** @param {string} msg */
const ok = (msg) => console.log(`ok   ${msg}  (+${((Date.now() - t0) / 1000).toFixed(1)}s)`);
/** @param {boolean} cond @param {string} msg */
function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {() => boolean} cond @param {number} ms @param {string} what */
async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

const broker = await ensureBroker();
console.log(
  `kafkajs ${kafkajsVersion} against ${broker.brokers.join(',')} (${broker.started ? 'local broker.sh broker' : 'KAFKA_BROKERS'})`,
);

/** @type {Record<number, string>} */
const LEVEL_NAMES = Object.fromEntries(Object.entries(logLevel).map(([name, n]) => [n, name.toLowerCase()]));
const kafka = new Kafka({
  clientId: 'ordo-verify',
  brokers: broker.brokers,
  logLevel: logLevel.WARN,
  // One short line per kafkajs warning, in order with our output. Retriable errors (coordinator
  // loading, rebalance in progress) are expected and retried by kafkajs.
  logCreator:
    () =>
    ({ level, log }) =>
      console.log(`     kafkajs ${LEVEL_NAMES[level] ?? level}: ${log.message}${log.error ? ` (${log.error})` : ''}`),
  retry: { initialRetryTime: 200, retries: 10 },
});
// kafkajs' idempotent producer wants unbounded retries; the watchdog above bounds the run.
const IDEMPOTENT_RETRY = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 2_000 };
const run = randomUUID().slice(0, 8);
const topic = `ordo-verify-${run}`;
const groupId = `ordo-verify-group-${run}`;
const KEYS = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5', 'order-6'];
const PER_KEY = 5;
/** @type {import('kafkajs').Consumer[]} */
const consumers = [];
/** @type {import('kafkajs').Producer | undefined} */
let producer;
const admin = kafka.admin();

/**
 * @param {number} batch
 * @returns {import('kafkajs').Message[]}
 */
function makeMessages(batch) {
  return KEYS.flatMap((key) =>
    Array.from({ length: PER_KEY }, (_, i) => ({
      key,
      value: JSON.stringify({ batch, key, seq: i }),
      headers: { 'ordo-event-type': 'OrderPlaced', 'ordo-seq': String(i), 'ordo-batch': String(batch) },
    })),
  );
}

/**
 * A consumer in the group that records messages and its assignment, committing each offset.
 * @param {string} name
 * @param {Map<string, { name: string, partition: number, offset: string, key: string, headers: Record<string, string> }>} seen
 */
async function startConsumer(name, seen) {
  // maxWaitTimeInMs 1 s (default 5 s): a member only notices a rebalance between fetches.
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 20_000,
    maxWaitTimeInMs: 1_000,
  });
  const state = { consumer, joins: 0, protocol: '', /** @type {number[]} */ assigned: [] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.joins += 1;
    state.protocol = e.payload.groupProtocol;
    state.assigned = [...(e.payload.memberAssignment[topic] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      const value = JSON.parse(String(message.value));
      /** @type {Record<string, string>} */
      const headers = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      const id = `${value.batch}/${value.key}/${value.seq}`;
      check(!seen.has(id), `message ${id} delivered twice (second time to ${name})`);
      seen.set(id, { name, partition, offset: message.offset, key: String(message.key), headers });
      await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  consumers.push(consumer);
  return state;
}

/** @param {number} expected */
async function committedTotal(expected) {
  let total = 0n;
  const end = Date.now() + 15_000;
  for (;;) {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    total = entry.partitions.reduce((sum, p) => sum + (p.offset === '-1' ? 0n : BigInt(p.offset)), 0n);
    if (total === BigInt(expected) || Date.now() > end) return total;
    await sleep(200);
  }
}

try {
  // 1. Admin: cluster and topic with 3 partitions.
  await admin.connect();
  const cluster = await admin.describeCluster();
  check(cluster.brokers.length >= 1, 'describeCluster lists a broker');
  ok(
    `admin connected; cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`,
  );
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  check(created, 'createTopics created the topic');
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  check(meta.topics[0].partitions.length === 3, 'topic has 3 partitions');
  check((await admin.listTopics()).includes(topic), 'listTopics shows the topic');
  ok(`createTopics ${topic} with 3 partitions (leaders ${meta.topics[0].partitions.map((p) => p.leader).join(',')})`);

  // 2. Idempotent producer, acks -1, keyed messages with headers.
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: IDEMPOTENT_RETRY });
  await producer.connect();
  const batch1 = makeMessages(1);
  const results = await producer.send({ topic, acks: -1, messages: batch1 });
  check(
    results.every((r) => r.errorCode === 0),
    'produce responses carry no error',
  );
  ok(
    `idempotent producer (acks -1) sent ${batch1.length} keyed messages with headers to partitions ${results.map((r) => `${r.partition}@${r.baseOffset}`).join(' ')}`,
  );

  // 3. Consumer group: one member receives everything and commits.
  /** @type {Map<string, { name: string, partition: number, offset: string, key: string, headers: Record<string, string> }>} */
  const seen = new Map();
  const a = await startConsumer('A', seen);
  await waitFor(() => seen.size === batch1.length, 60_000, `consumer A to receive ${batch1.length} messages`);
  check(a.assigned.length === 3, `consumer A alone is assigned all 3 partitions (got ${a.assigned})`);
  /** @type {Map<string, number>} */
  const keyPartition = new Map();
  for (const [id, m] of seen) {
    const [, key, seq] = id.split('/');
    check(m.key === key, `key of ${id}`);
    check(m.headers['ordo-event-type'] === 'OrderPlaced' && m.headers['ordo-seq'] === seq, `headers of ${id}`);
    check((keyPartition.get(key) ?? m.partition) === m.partition, `all messages of ${key} in one partition`);
    keyPartition.set(key, m.partition);
  }
  /** @param {number} batch */
  const inOrder = (batch) =>
    KEYS.every((key) => {
      const offs = Array.from({ length: PER_KEY }, (_, i) => BigInt(seen.get(`${batch}/${key}/${i}`)?.offset ?? -1));
      return offs.every((o, i) => i === 0 || o > offs[i - 1]);
    });
  check(inOrder(1), 'per-key order kept');
  const committed1 = await committedTotal(batch1.length);
  check(committed1 === BigInt(batch1.length), `committed offsets sum to ${batch1.length} (got ${committed1})`);
  ok(
    `consumer A joined group ${groupId} (3 partitions), received all ${batch1.length} messages with keys, headers and per-key order; committed offsets sum to ${committed1}`,
  );

  // 4. A second member joins: the group rebalances and splits the partitions.
  const joinsBefore = a.joins;
  const b = await startConsumer('B', seen);
  await waitFor(() => b.joins >= 1 && a.joins > joinsBefore, 60_000, 'the rebalance after consumer B joined');
  await waitFor(() => a.assigned.length + b.assigned.length === 3, 30_000, 'the partitions to be split');
  const union = new Set([...a.assigned, ...b.assigned]);
  check(
    union.size === 3 && a.assigned.length >= 1 && b.assigned.length >= 1,
    `assignment split A=${a.assigned} B=${b.assigned}`,
  );
  const described = await admin.describeGroups([groupId]);
  const g = described.groups[0];
  check(g.members.length === 2, `group has 2 members (got ${g.members.length}, state ${g.state})`);
  ok(
    `consumer B joined: rebalance (A rejoined, join #${a.joins}), A=[${a.assigned}] B=[${b.assigned}], group ${g.state} (${g.protocol}) with ${g.members.length} members`,
  );

  const batch2 = makeMessages(2);
  await producer.send({ topic, acks: -1, messages: batch2 });
  const total2 = batch1.length + batch2.length;
  await waitFor(() => seen.size === total2, 60_000, `both members to receive batch 2 (${total2} in all)`);
  const byB = [...seen.values()].filter((m) => m.name === 'B').length;
  const bBatch1 = [...seen.entries()].filter(([id, m]) => m.name === 'B' && id.startsWith('1/')).length;
  check(bBatch1 === 0, 'B did not re-read committed messages of batch 1');
  check(inOrder(2), 'per-key order kept for batch 2');
  const committed2 = await committedTotal(total2);
  check(committed2 === BigInt(total2), `committed offsets sum to ${total2} (got ${committed2})`);
  ok(
    `after the rebalance batch 2 (${batch2.length}) was consumed exactly once (${byB} by B, none of batch 1 re-read); committed offsets sum to ${committed2}`,
  );

  // 5. Optional: the broker restarts; data and committed offsets survive.
  if (withRestart) {
    if (!broker.started) {
      console.log('skip broker restart: KAFKA_BROKERS names an external cluster');
    } else {
      await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
      await producer.disconnect();
      await admin.disconnect();
      const tStop = Date.now();
      await broker.stop();
      await broker.restart();
      ok(`broker stopped and restarted in ${((Date.now() - tStop) / 1000).toFixed(1)}s`);
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      const high = offsets.reduce((s, p) => s + BigInt(p.high), 0n);
      check(high === BigInt(total2), `topic still holds ${total2} messages after restart (got ${high})`);
      const committed3 = await committedTotal(total2);
      check(committed3 === BigInt(total2), `committed offsets survive restart (got ${committed3})`);
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: IDEMPOTENT_RETRY });
      await producer.connect();
      const batch3 = makeMessages(3);
      await producer.send({ topic, acks: -1, messages: batch3 });
      const c = await startConsumer('C', seen);
      const total3 = total2 + batch3.length;
      await waitFor(() => seen.size === total3, 60_000, `consumer C to receive batch 3 after restart`);
      check(c.assigned.length === 3, 'C alone holds all 3 partitions');
      check(
        [...seen.keys()].filter((id) => seen.get(id)?.name === 'C').every((id) => id.startsWith('3/')),
        'C resumed from committed offsets',
      );
      ok(
        `after restart: ${high} messages and committed offsets kept; new producer + consumer C read only batch 3 (${batch3.length})`,
      );
    }
  }

  // 6. Clean up.
  await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  ok('consumers, producer and admin disconnected; topic deleted');
  console.log(`PASS: kafkajs ${kafkajsVersion} verified against ${broker.brokers.join(',')}`);
  process.exit(0);
} catch (err) {
  console.error(`FAIL: ${err instanceof Error ? err.stack : err}`);
  await Promise.allSettled([...consumers.map((c) => c.disconnect()), producer?.disconnect(), admin.disconnect()]);
  process.exit(1);
}
