// Test helper: get a real Kafka broker for integration tests.
//
//   import { ensureBroker } from '../../scripts/kafka/broker.mjs'
//   const kafka = await ensureBroker()
//   // kafka.brokers -> ['127.0.0.1:19092']
//   await kafka.stop()     // broker down (data kept)
//   await kafka.restart()  // broker up again with the same data
//
// With KAFKA_BROKERS set (comma-separated host:port list), that cluster is used as is: nothing is
// started, stop() does nothing and restart() throws. Otherwise scripts/kafka/broker.sh starts (or
// reuses) the local single-node broker. The broker outlives the test process: CI stops it with
// `scripts/kafka/broker.sh stop`.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BROKER_SH = join(dirname(fileURLToPath(import.meta.url)), 'broker.sh');
/** Cold cache: Maven fetch + format + start; generous, the script has its own 90 s start timeout. */
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * @typedef {object} KafkaBroker
 * @property {string[]} brokers  host:port list for the Kafka client.
 * @property {boolean} started   true when the broker is the local one run by broker.sh (stop and
 *   restart act on it); false when KAFKA_BROKERS named an existing cluster.
 * @property {(options?: { kill?: boolean }) => Promise<void>} stop  Stop the local broker
 *   (SIGTERM, then SIGKILL; `kill: true` sends SIGKILL at once, like a crash). Data is kept.
 *   No-op for an external cluster.
 * @property {() => Promise<void>} restart  Stop the local broker if it runs, then start it again
 *   with the same data and wait until it answers. Throws for an external cluster.
 */

/**
 * Runs broker.sh with the given arguments; resolves with its stdout.
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function runBrokerSh(args) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env };
  // The script must act on the local broker even if a test exported KAFKA_BROKERS meanwhile.
  delete env.KAFKA_BROKERS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'bash',
      [BROKER_SH, ...args],
      { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim().split('\n').slice(-30).join('\n');
          reject(new Error(`scripts/kafka/broker.sh ${args.join(' ')} failed: ${error.message}\n${detail}`));
          return;
        }
        if (process.env.ORDO_KAFKA_VERBOSE) process.stderr.write(stderr);
        resolve(String(stdout));
      },
    );
    child.stdin?.end();
  });
}

/**
 * @param {string} stdout
 * @returns {string[]}
 */
function parseBrokers(stdout) {
  const match = /^KAFKA_BROKERS=(.+)$/m.exec(stdout);
  if (!match) throw new Error(`scripts/kafka/broker.sh start printed no KAFKA_BROKERS line:\n${stdout}`);
  return splitBrokers(match[1]);
}

/**
 * @param {string} list
 * @returns {string[]}
 */
function splitBrokers(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Returns a reachable Kafka cluster: KAFKA_BROKERS when set, else the local test broker, started
 * (or reused) by scripts/kafka/broker.sh.
 * @returns {Promise<KafkaBroker>}
 */
export async function ensureBroker() {
  const external = process.env.KAFKA_BROKERS?.trim();
  if (external) {
    return {
      brokers: splitBrokers(external),
      started: false,
      async stop() {},
      async restart() {
        throw new Error(
          `KAFKA_BROKERS is set (${external}): the tests use an existing cluster, which they cannot restart. ` +
            'Unset KAFKA_BROKERS to let scripts/kafka/broker.sh run a local broker for broker-restart tests.',
        );
      },
    };
  }
  const brokers = parseBrokers(await runBrokerSh(['start']));
  return {
    brokers,
    started: true,
    async stop(options) {
      await runBrokerSh(options?.kill ? ['stop', '--kill'] : ['stop']);
    },
    async restart() {
      await runBrokerSh(['restart']);
    },
  };
}
