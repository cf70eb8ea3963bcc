import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createKafkaClient, type KafkaLogLine, logLevelFromEnv } from '../client/kafka-client';

/** What `scripts/kafka/broker.mjs` answers (the script is plain JS; its JSDoc types are restated here). */
export interface KafkaBroker {
  readonly brokers: string[];
  readonly started: boolean;
  stop(options?: { readonly kill?: boolean }): Promise<void>;
  restart(): Promise<void>;
}

const BROKER_MJS = new URL('../../../../../scripts/kafka/broker.mjs', import.meta.url);
const BROKER_SH = new URL('../../../../../scripts/kafka/broker.sh', import.meta.url);

/** True when the local broker.sh broker runs now. */
const localBrokerRunning = (): Promise<boolean> =>
  new Promise((resolve) => {
    const env = { ...process.env };
    delete env.KAFKA_BROKERS;
    execFile('bash', [BROKER_SH.pathname, 'status'], { env }, (error) => resolve(error === null));
  });

/** A broker for one integration spec file, a quiet client on it and unique names. */
export interface KafkaTestEnv {
  readonly broker: KafkaBroker;
  readonly kafka: Kafka;
  /** True when the broker can be stopped and restarted (local broker.sh broker, not KAFKA_BROKERS). */
  readonly restartable: boolean;
  /** kafkajs log lines seen so far (kept, not printed, unless ORDO_KAFKA_LOG is set). */
  readonly logs: KafkaLogLine[];
  /** A name unique to this run: `<prefix>-<8 hex>`. */
  unique(prefix: string): string;
  /** Stops the local broker if this file started it. */
  close(): Promise<void>;
}

/**
 * Gets a broker through `ensureBroker()` (KAFKA_BROKERS, or the local broker.sh broker) and a
 * client whose kafkajs logs are collected instead of printed. The broker is stopped on `close()`
 * only when it was not running before this file started it.
 */
export const openKafkaTestEnv = async (clientId = 'ordo-kafka-test'): Promise<KafkaTestEnv> => {
  const external = (process.env.KAFKA_BROKERS ?? '').trim() !== '';
  const wasRunning = external ? true : await localBrokerRunning();
  const module = (await import(BROKER_MJS.href)) as { ensureBroker: () => Promise<KafkaBroker> };
  const broker = await module.ensureBroker();
  const logs: KafkaLogLine[] = [];
  const printed = logLevelFromEnv() !== undefined;
  const kafka = createKafkaClient({
    brokers: broker.brokers,
    clientId,
    logLevel: logLevelFromEnv() ?? 'error',
    log: (line) => {
      if (logs.length < 5_000) logs.push(line);
      if (printed) process.stderr.write(`kafkajs ${line.level} [${line.namespace}] ${line.message}\n`);
    },
  });
  return {
    broker,
    kafka,
    restartable: broker.started,
    logs,
    unique: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
    async close() {
      if (broker.started && !wasRunning) await broker.stop();
    },
  };
};

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until it holds; rejects after `timeoutMs` naming `what`. */
export const waitUntil = async (
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
};

/** Resolves with the error `work` rejects with; fails when it resolves or the error does not match. */
export const rejects = async (work: () => Promise<unknown>, pattern?: RegExp): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    if (pattern !== undefined && !pattern.test(String((error as Error).message)))
      throw new Error(`rejected with "${(error as Error).message}", which does not match ${String(pattern)}`);
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
};
