// Waits until a Kafka broker answers a kafkajs admin client (metadata with at least one broker).
// Usage: node wait-ready.mjs <host:port> <timeoutMs> [pid]
// Exits 0 when ready; 1 on timeout; 2 when <pid> died first; 3 when kafkajs cannot be loaded.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const [brokerArg, timeoutArg, pidArg] = process.argv.slice(2);
if (!brokerArg) {
  console.error('usage: node wait-ready.mjs <host:port> <timeoutMs> [pid]');
  process.exit(64);
}
const timeoutMs = Number(timeoutArg ?? 90_000);
const pid = pidArg ? Number(pidArg) : undefined;
const deadline = Date.now() + timeoutMs;

let kafkajs;
try {
  kafkajs = await import('kafkajs');
} catch (err) {
  console.error(`wait-ready: cannot load kafkajs (${err?.message ?? err})`);
  process.exit(3);
}
const { Kafka, logLevel } = kafkajs;

const alive = () => {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastError = 'no attempt yet';
while (Date.now() < deadline) {
  if (!alive()) {
    console.error(`wait-ready: broker process ${pid} exited`);
    process.exit(2);
  }
  const kafka = new Kafka({
    clientId: 'ordo-broker-wait',
    brokers: brokerArg.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    if (cluster.brokers.length > 0) {
      await admin.disconnect().catch(() => {});
      process.exit(0);
    }
    lastError = 'metadata lists no broker yet';
  } catch (err) {
    lastError = err?.message ?? String(err);
  }
  await admin.disconnect().catch(() => {});
  await sleep(500);
}
console.error(`wait-ready: broker at ${brokerArg} not ready after ${timeoutMs} ms (${lastError})`);
process.exit(1);
