import { Kafka, type KafkaConfig, type LogEntry, logLevel } from 'kafkajs';

/** One kafkajs log line, as handed to a {@link KafkaLogSink}. */
export interface KafkaLogLine {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly namespace: string;
  readonly message: string;
  readonly error?: string;
}

/** Receives kafkajs log lines at or above the chosen level. */
export type KafkaLogSink = (line: KafkaLogLine) => void;

const LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

/** A kafkajs log level by name. */
export type KafkaLogLevel = keyof typeof LEVELS;

const levelName = (level: logLevel): KafkaLogLine['level'] =>
  level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';

/**
 * kafkajs lines that are expected and carry no news: the adapter bounds the idempotent
 * producer's retries on purpose (a failed send replaces the producer, see `managed-producer.ts`).
 */
const EXPECTED_NOISE = [/Limiting retries for the idempotent producer/];

/** Reads `ORDO_KAFKA_LOG` (nothing | error | warn | info | debug); `undefined` when unset or unknown. */
export const logLevelFromEnv = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const value = env.ORDO_KAFKA_LOG?.trim().toLowerCase();
  return value !== undefined && value in LEVELS ? (value as KafkaLogLevel) : undefined;
};

/** Options of {@link createKafkaClient}. */
export interface KafkaClientOptions {
  readonly brokers: ReadonlyArray<string>;
  readonly clientId?: string;
  /**
   * Least severe level passed to `log`. Default: `ORDO_KAFKA_LOG` when set, else `'error'`.
   * kafkajs logs every retried request at error level, so a broker restart is loud at `'error'`;
   * tests pass `'nothing'`.
   */
  readonly logLevel?: KafkaLogLevel;
  /** Where log lines go. Default: one line per entry on stderr. */
  readonly log?: KafkaLogSink;
  /** Anything else kafkajs accepts (ssl, sasl, timeouts, retry). */
  readonly config?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logLevel' | 'logCreator'>;
}

const stderrSink: KafkaLogSink = (line) =>
  process.stderr.write(
    `kafkajs ${line.level} [${line.namespace}] ${line.message}${line.error === undefined ? '' : ` (${line.error})`}\n`,
  );

/**
 * A kafkajs client with quiet, one-line logging. The adapter's producers pick their partitioner
 * explicitly, so kafkajs' partitioner warning never shows.
 */
export const createKafkaClient = (options: KafkaClientOptions): Kafka => {
  const level = LEVELS[options.logLevel ?? logLevelFromEnv() ?? 'error'];
  const sink = options.log ?? stderrSink;
  return new Kafka({
    retry: { initialRetryTime: 200, maxRetryTime: 3_000, retries: 8 },
    connectionTimeout: 3_000,
    ...options.config,
    brokers: [...options.brokers],
    clientId: options.clientId ?? 'ordo',
    logLevel: level,
    logCreator:
      () =>
      ({ namespace, level: entryLevel, log }: LogEntry) => {
        if (EXPECTED_NOISE.some((pattern) => pattern.test(log.message))) return;
        const error = (log as { error?: unknown }).error;
        sink({
          level: levelName(entryLevel),
          namespace,
          message: log.message,
          ...(error === undefined ? {} : { error: String(error) }),
        });
      },
  });
};
