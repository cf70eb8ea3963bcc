/** Why a message went to the dead-letter topic. */
export type DeadLetterReason =
  /** The value is not JSON, fails the codec, or the message has no `ordo-event-id`. Never retried. */
  | 'undecodable'
  /** The handler kept failing through every retry. */
  | 'handler-failed';

/** Header names of a dead-lettered message (added to the original headers). */
export const DEAD_LETTER_HEADER = {
  topic: 'ordo-dlq-original-topic',
  partition: 'ordo-dlq-original-partition',
  offset: 'ordo-dlq-original-offset',
  group: 'ordo-dlq-consumer-group',
  reason: 'ordo-dlq-reason',
  error: 'ordo-dlq-error',
  errorName: 'ordo-dlq-error-name',
  attempts: 'ordo-dlq-attempts',
  failedAt: 'ordo-dlq-failed-at',
} as const;

/** Longest error text kept in a header; Kafka records should stay small. */
export const MAX_DEAD_LETTER_ERROR_LENGTH = 4_096;

/** Where and why a message failed. */
export interface DeadLetterInfo {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly group: string;
  readonly reason: DeadLetterReason;
  readonly error: unknown;
  /** Handler attempts made (0 for an undecodable message). */
  readonly attempts: number;
  readonly failedAt: Date;
}

/** The error's message and name, whatever was thrown. */
export const describeError = (error: unknown): { readonly name: string; readonly message: string } => {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
    return { name: 'Error', message: (error as { message: string }).message };
  return { name: typeof error, message: String(error) };
};

const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 3)}...`);

/** The headers added to a dead-lettered message: original topic/partition/offset, group, reason, error, attempts. */
export const deadLetterHeaders = (info: DeadLetterInfo): Record<string, string> => {
  const error = describeError(info.error);
  return {
    [DEAD_LETTER_HEADER.topic]: info.topic,
    [DEAD_LETTER_HEADER.partition]: String(info.partition),
    [DEAD_LETTER_HEADER.offset]: info.offset,
    [DEAD_LETTER_HEADER.group]: info.group,
    [DEAD_LETTER_HEADER.reason]: info.reason,
    [DEAD_LETTER_HEADER.error]: truncate(error.message, MAX_DEAD_LETTER_ERROR_LENGTH),
    [DEAD_LETTER_HEADER.errorName]: truncate(error.name, 200),
    [DEAD_LETTER_HEADER.attempts]: String(info.attempts),
    [DEAD_LETTER_HEADER.failedAt]: info.failedAt.toISOString(),
  };
};

/** A dead-lettered message's failure, read back from its headers (for tools that inspect or replay). */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly group: string;
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly errorName: string;
  readonly attempts: number;
  readonly failedAt: string;
}

/** Reads the dead-letter headers back; `undefined` when they are missing or malformed. */
export const readDeadLetterHeaders = (headers: Readonly<Record<string, string>>): DeadLetterRecord | undefined => {
  const h = DEAD_LETTER_HEADER;
  const reason = headers[h.reason];
  const partition = Number(headers[h.partition]);
  const attempts = Number(headers[h.attempts]);
  const topic = headers[h.topic];
  const offset = headers[h.offset];
  if (reason !== 'undecodable' && reason !== 'handler-failed') return undefined;
  if (topic === undefined || offset === undefined || !/^\d+$/.test(offset)) return undefined;
  if (!Number.isInteger(partition) || partition < 0 || !Number.isInteger(attempts) || attempts < 0) return undefined;
  return {
    topic,
    partition,
    offset,
    group: headers[h.group] ?? '',
    reason,
    error: headers[h.error] ?? '',
    errorName: headers[h.errorName] ?? '',
    attempts,
    failedAt: headers[h.failedAt] ?? '',
  };
};

/** Default dead-letter topic of a source topic: `<topic>.dlq`. */
export const defaultDeadLetterTopic = (sourceTopic: string): string => `${sourceTopic}.dlq`;
