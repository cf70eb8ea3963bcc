import { createHash } from 'node:crypto';
import type { SharedAnswers } from '../backends/shared-answers';
import { HttpProblem } from './problem';

/** An answer as the edge remembers it for a repeated `Idempotency-Key`. */
export interface RememberedAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

interface Entry {
  readonly fingerprint: string;
  readonly expiresAt: number;
  answer: Promise<RememberedAnswer | undefined>;
}

/**
 * The answers of requests sent with an `Idempotency-Key`: per process ({@link createIdempotencyStore})
 * or shared by every process of one system ({@link createSharedIdempotencyStore}).
 */
export interface IdempotencyStore {
  /**
   * Runs `answer` once per scope and key: a repeat with the same fingerprint gets the first
   * answer again (waiting for it while it is in flight), one with another fingerprint a 422.
   * Answers of 5xx are not remembered, so a retry runs again.
   */
  run(
    scope: string,
    fingerprint: string,
    answer: () => Promise<RememberedAnswer>,
  ): Promise<{ readonly answer: RememberedAnswer; readonly replayed: boolean }>;
}

/** The per-process {@link IdempotencyStore}, which can count what it holds. */
export interface LocalIdempotencyStore extends IdempotencyStore {
  /** Remembered answers (for tests and metrics). */
  size(): number;
}

const keyReused = (): HttpProblem =>
  new HttpProblem(
    422,
    'idempotency_key_reused',
    'this Idempotency-Key was used with another request; use a new key for a new request',
  );

/**
 * Creates an {@link IdempotencyStore} of one process, keeping at most `maxEntries` answers for
 * `ttlMs` (the oldest go first). Behind several processes, a retry that reaches another one is
 * not replayed from here (the command id derived from the key still makes the write happen once).
 */
export const createIdempotencyStore = (
  maxEntries: number,
  ttlMs: number,
  now: () => number = Date.now,
): LocalIdempotencyStore => {
  const entries = new Map<string, Entry>();
  const evict = () => {
    const t = now();
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && entry.expiresAt > t) break;
      entries.delete(key);
    }
  };
  return {
    run: async (scope, fingerprint, answer) => {
      const existing = entries.get(scope);
      if (existing !== undefined && existing.expiresAt > now()) {
        if (existing.fingerprint !== fingerprint) throw keyReused();
        const remembered = await existing.answer;
        if (remembered !== undefined) return { answer: remembered, replayed: true };
      }
      const running = answer();
      const entry: Entry = {
        fingerprint,
        expiresAt: now() + ttlMs,
        answer: running.then(
          (a) => (a.status >= 500 ? undefined : a),
          () => undefined,
        ),
      };
      entries.delete(scope);
      entries.set(scope, entry);
      evict();
      const result = await running;
      if (result.status >= 500) entries.delete(scope);
      return { answer: result, replayed: false };
    },
    size: () => entries.size,
  };
};

/** Timings of {@link createSharedIdempotencyStore}. */
export interface SharedIdempotencyOptions {
  /** How long an answer is remembered, ms. */
  readonly ttlMs: number;
  /** A claim still unanswered after this long (its process died) is taken over, ms (default 30 s). */
  readonly staleAfterMs?: number;
  /** How long a repeat waits for an answer another request is still working on, ms (default 10 s). */
  readonly waitMs?: number;
  /** How often it looks while it waits, ms (default 25). */
  readonly pollMs?: number;
  /** Expired entries are purged after every this many claims of this process (default 500). */
  readonly purgeEvery?: number;
}

/**
 * An {@link IdempotencyStore} on answers every process shares (PostgreSQL's `ordo_http_answers`):
 * the first request with a key claims it and stores its answer; a repeat with the same request,
 * in any process, gets that answer again (waiting while it is being worked on, at most `waitMs`,
 * then a 409 `idempotency_key_in_use` with `Retry-After`); one with another request is a 422.
 * Answers of 5xx, and handlers that throw, release the claim, so a retry runs again.
 */
export const createSharedIdempotencyStore = (
  answers: SharedAnswers,
  options: SharedIdempotencyOptions,
): IdempotencyStore => {
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 25;
  const purgeEvery = options.purgeEvery ?? 500;
  let claims = 0;
  return {
    run: async (scope, fingerprint, answer) => {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const found = await answers.claim(scope, fingerprint, options.ttlMs, staleAfterMs);
        if (found.kind !== 'claimed') {
          if (found.fingerprint !== fingerprint) throw keyReused();
          if (found.kind === 'answered') return { answer: found.answer, replayed: true };
          if (Date.now() >= deadline) {
            throw new HttpProblem(
              409,
              'idempotency_key_in_use',
              'a request with this Idempotency-Key is still being answered; retry it later',
              { headers: { 'retry-after': '1' } },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, pollMs));
          continue;
        }
        let result: RememberedAnswer;
        try {
          result = await answer();
        } catch (error) {
          await answers.release(scope, found.claim).catch(() => undefined);
          throw error;
        }
        if (result.status >= 500) await answers.release(scope, found.claim);
        else await answers.complete(scope, found.claim, result);
        claims += 1;
        // Housekeeping off the answer's path; a failure here only leaves rows for the next purge.
        if (claims % purgeEvery === 0) void answers.purgeExpired(1000).catch(() => undefined);
        return { answer: result, replayed: false };
      }
    },
  };
};

const KEY = /^[\x21-\x7e]{1,255}$/;

/** Checks an `Idempotency-Key` header: 1 to 255 printable ASCII characters (400 otherwise). */
export const idempotencyKeyOf = (header: string | ReadonlyArray<string> | undefined): string | undefined => {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new HttpProblem(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
      {
        errors: [{ path: 'header.idempotency-key', expected: '1 to 255 printable ASCII characters' }],
      },
    );
  }
  return header;
};

/** A stable digest of JSON-like data (object keys sorted), to tell two request bodies apart. */
export const fingerprintOf = (value: unknown): string => createHash('sha256').update(stableJson(value)).digest('hex');

const stableJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
};

/** A short, stable id derived from a scope (`o-` + 24 hex digits): the same key yields the same id in every process. */
export const derivedId = (prefix: string, scope: string): string =>
  `${prefix}${createHash('sha256').update(scope).digest('hex').slice(0, 24)}`;
