import { createHash } from 'node:crypto';
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
 * The answers of requests sent with an `Idempotency-Key`, per process, bounded (the oldest go
 * first) and expiring. Several processes behind one address need a shared store for replays; the
 * command id derived from the key still makes the write itself happen once.
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
  /** Remembered answers (for tests and metrics). */
  size(): number;
}

/** Creates an {@link IdempotencyStore} keeping at most `maxEntries` answers for `ttlMs`. */
export const createIdempotencyStore = (
  maxEntries: number,
  ttlMs: number,
  now: () => number = Date.now,
): IdempotencyStore => {
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
        if (existing.fingerprint !== fingerprint) {
          throw new HttpProblem(
            422,
            'idempotency_key_reused',
            'this Idempotency-Key was used with another request; use a new key for a new request',
          );
        }
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
