import { type IncomingMessage, type Inbox, type ValidationError, wait } from '@ordo/kernel';
import { type BackoffPolicy, backoffDelay } from '../runtime/backoff';
import type { ConsumerEvent, MessagePosition } from './consumer-events';
import type { DeadLetterInfo, DeadLetterReason } from './dead-letter';
import { decodeHeaders, HEADER, headerValue, type RawHeaders } from '../publisher/message-headers';

/** What a decoder answers: fp-ts' `Either` shape, as the kernel's `decodeWith` returns it. */
export type DecodeResult<A> =
  { readonly _tag: 'Left'; readonly left: ValidationError } | { readonly _tag: 'Right'; readonly right: A };

/** A Kafka message as fetched, before decoding. */
export interface RawKafkaMessage extends MessagePosition {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RawHeaders | undefined;
}

/** What a handler gets besides the decoded event. */
export interface MessageContext<Tx> {
  /** The inbox transaction: write the effect through it so effect and dedup record commit together. */
  readonly tx: Tx;
  /** The message: id, key, type, decoded payload, headers (strings), attempt (1 on the first try). */
  readonly message: IncomingMessage;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** How one message ended. `aborted`: the consumer is stopping; the message was not finished and comes again. */
export type ProcessOutcome =
  | { readonly kind: 'handled'; readonly attempts: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'dead-lettered'; readonly reason: DeadLetterReason; readonly attempts: number }
  | { readonly kind: 'aborted' };

/** What {@link processMessage} works with. */
export interface ProcessorDeps<A, Tx> {
  readonly decode: (value: unknown) => DecodeResult<A>;
  readonly inbox: Inbox<Tx>;
  /** The name the inbox records handled messages under. */
  readonly inboxConsumer: string;
  readonly group: string;
  readonly handle: (event: A, context: MessageContext<Tx>) => Promise<void>;
  /** Handler tries before the message is dead-lettered (>= 1). */
  readonly maxAttempts: number;
  readonly retryBackoff: BackoffPolicy;
  /** Backoff while the inbox or the dead-letter topic is unavailable. */
  readonly infrastructureBackoff: BackoffPolicy;
  /** Sends the message to its dead-letter topic; resolves once acknowledged. Answers the topic used. */
  readonly deadLetter: (message: RawKafkaMessage, info: DeadLetterInfo) => Promise<string>;
  readonly now: () => Date;
  readonly onEvent: (event: ConsumerEvent) => void;
}

/** A message that passed {@link decodeMessage}: the event, and the message as of its first try (`attempt: 1`). */
export interface DecodedMessage<A> {
  readonly event: A;
  readonly message: IncomingMessage;
}

type Decoded<A> = ({ readonly ok: true } & DecodedMessage<A>) | { readonly ok: false; readonly error: Error };

/**
 * Decodes a raw message: an `ordo-event-id` header, a JSON value, and the codec. The message's
 * `headers` are decoded when first read (most handlers never read them, and decoding every header
 * of every message is a good part of a consumer's CPU); the id and type headers are read at once.
 */
export const decodeMessage = <A>(raw: RawKafkaMessage, decode: (value: unknown) => DecodeResult<A>): Decoded<A> => {
  const id = headerValue(raw.headers, HEADER.eventId);
  if (id === undefined || id === '') return { ok: false, error: new Error(`missing ${HEADER.eventId} header`) };
  if (raw.value === null) return { ok: false, error: new Error('the message has no value') };
  let json: unknown;
  try {
    json = JSON.parse(raw.value.toString('utf8'));
  } catch (error) {
    return { ok: false, error: new Error(`the value is not JSON: ${(error as Error).message}`) };
  }
  const result = decode(json);
  if (result._tag === 'Left') return { ok: false, error: new Error(result.left.message) };
  const payloadType = (result.right as { type?: unknown }).type;
  let headers: Readonly<Record<string, string>> | undefined;
  const message = {
    id,
    topic: raw.topic,
    key: raw.key === null ? '' : raw.key.toString('utf8'),
    type: headerValue(raw.headers, HEADER.eventType) ?? (typeof payloadType === 'string' ? payloadType : ''),
    payload: result.right,
    attempt: 1,
  };
  Object.defineProperty(message, 'headers', {
    enumerable: true,
    get: () => (headers ??= decodeHeaders(raw.headers)),
  });
  return { ok: true, event: result.right, message: message as typeof message & Pick<IncomingMessage, 'headers'> };
};

/** Where `raw` sits. */
export const position = (raw: RawKafkaMessage): MessagePosition => ({
  topic: raw.topic,
  partition: raw.partition,
  offset: raw.offset,
});

/**
 * Takes one message through decode, inbox and handler, with retries and dead-lettering:
 *
 * - undecodable (no id, not JSON, fails the codec): dead-lettered at once;
 * - the handler runs inside `inbox.handleOnce`, so its effect and the dedup record commit
 *   together and a redelivered message is a `duplicate` with no second effect;
 * - a throwing handler is tried `maxAttempts` times with backoff, then dead-lettered;
 * - a failure outside the handler (the inbox's own transaction, the dead-letter send) is not the
 *   message's fault: retried with backoff until it works or `signal` aborts.
 *
 * Resolves `aborted` when `signal` aborts during a wait; the message is then not done.
 */
export const processMessage = async <A, Tx>(
  raw: RawKafkaMessage,
  deps: ProcessorDeps<A, Tx>,
  signal: AbortSignal,
): Promise<ProcessOutcome> => {
  const decoded = decodeMessage(raw, deps.decode);
  if (!decoded.ok) return deadLetterMessage(raw, deps, signal, 'undecodable', decoded.error, 0);
  return handleWithRetries(raw, decoded, deps, signal);
};

/**
 * The single-message path of a decoded message: `inbox.handleOnce` with retries and backoff,
 * dead-lettered after `maxAttempts` handler failures (see {@link processMessage}). `failed`: tries
 * that already failed elsewhere (a chunk's transaction) and count as attempts 1..`attempts`; the
 * path then waits its backoff (or dead-letters) before its own first try.
 */
export const handleWithRetries = async <A, Tx>(
  raw: RawKafkaMessage,
  decoded: DecodedMessage<A>,
  deps: ProcessorDeps<A, Tx>,
  signal: AbortSignal,
  failed?: { readonly attempts: number; readonly error: unknown },
): Promise<ProcessOutcome> => {
  let attempt = 0;
  if (failed !== undefined) {
    attempt = failed.attempts;
    const next = await afterHandlerFailure(raw, decoded.message.id, deps, signal, attempt, failed.error);
    if (next !== undefined) return next;
  }
  let infrastructureFailures = 0;
  for (;;) {
    if (signal.aborted) return { kind: 'aborted' };
    attempt += 1;
    let handlerError: { readonly error: unknown } | undefined;
    const message: IncomingMessage = attempt === 1 ? decoded.message : { ...decoded.message, attempt };
    try {
      const result = await deps.inbox.handleOnce(deps.inboxConsumer, message.id, async (tx) => {
        try {
          await deps.handle(decoded.event, { tx, message, ...position(raw) });
        } catch (error) {
          // Recorded here, not by error type: the inbox may wrap or replace what it rethrows.
          handlerError = { error };
          throw error;
        }
      });
      return result.duplicate ? { kind: 'duplicate' } : { kind: 'handled', attempts: attempt };
    } catch (error) {
      if (handlerError !== undefined) {
        const next = await afterHandlerFailure(raw, message.id, deps, signal, attempt, handlerError.error);
        if (next !== undefined) return next;
      } else {
        attempt -= 1;
        infrastructureFailures += 1;
        if (await pauseAfterInfrastructureError(deps, signal, raw, 'inbox', infrastructureFailures, error)) {
          return { kind: 'aborted' };
        }
      }
    }
  }
};

/**
 * After a failure that is not the message's fault (the inbox's transaction, the dead-letter send):
 * reports it and waits the infrastructure backoff of its `failures`-th time. True when the
 * consumer is stopping (the wait was cut short): the message is then not done.
 */
export const pauseAfterInfrastructureError = async <A, Tx>(
  deps: ProcessorDeps<A, Tx>,
  signal: AbortSignal,
  at: RawKafkaMessage,
  stage: 'inbox' | 'dead-letter',
  failures: number,
  error: unknown,
): Promise<boolean> => {
  const delayMs = backoffDelay(failures, deps.infrastructureBackoff);
  deps.onEvent({ type: 'infrastructure-error', ...position(at), stage, failures, delayMs, error });
  await wait(delayMs, signal);
  return signal.aborted;
};

/** After the handler failed its `attempt`-th try: dead-letter at `maxAttempts`, else report and wait; `undefined` means "try again". */
const afterHandlerFailure = async <A, Tx>(
  raw: RawKafkaMessage,
  messageId: string,
  deps: ProcessorDeps<A, Tx>,
  signal: AbortSignal,
  attempt: number,
  error: unknown,
): Promise<ProcessOutcome | undefined> => {
  if (attempt >= deps.maxAttempts) return deadLetterMessage(raw, deps, signal, 'handler-failed', error, attempt);
  const delayMs = backoffDelay(attempt, deps.retryBackoff);
  deps.onEvent({ type: 'retrying', ...position(raw), messageId, attempt, delayMs, error });
  await wait(delayMs, signal);
  return signal.aborted ? { kind: 'aborted' } : undefined;
};

/** Sends `raw` to its dead-letter topic, retrying the send with backoff until it works or `signal` aborts. */
export const deadLetterMessage = async <A, Tx>(
  raw: RawKafkaMessage,
  deps: ProcessorDeps<A, Tx>,
  signal: AbortSignal,
  reason: DeadLetterReason,
  error: unknown,
  attempts: number,
): Promise<ProcessOutcome> => {
  const info: DeadLetterInfo = { ...position(raw), group: deps.group, reason, error, attempts, failedAt: deps.now() };
  let failures = 0;
  for (;;) {
    if (signal.aborted) return { kind: 'aborted' };
    try {
      const deadLetterTopic = await deps.deadLetter(raw, info);
      deps.onEvent({ type: 'dead-lettered', ...position(raw), reason, attempts, deadLetterTopic, error });
      return { kind: 'dead-lettered', reason, attempts };
    } catch (sendError) {
      failures += 1;
      if (await pauseAfterInfrastructureError(deps, signal, raw, 'dead-letter', failures, sendError)) {
        return { kind: 'aborted' };
      }
    }
  }
};
