/**
 * Where the HTTP edge keeps the answers of requests sent with an `Idempotency-Key` when several
 * processes serve one system: a store backend that all of them share (PostgreSQL) offers one, so
 * a retry that reaches another process is answered as the first time, and the same key with
 * another body is refused there too.
 */

/** An answer as it was sent: status, headers, and the body (JSON data, or `undefined` for none). */
export interface StoredAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What {@link SharedAnswers.claim} found. */
export type AnswerClaim =
  /** The scope was free (or its entry had expired or been abandoned): the caller answers it. */
  | { readonly kind: 'claimed'; readonly claim: string }
  /** The scope was answered before, for the request `fingerprint` names. */
  | { readonly kind: 'answered'; readonly fingerprint: string; readonly answer: StoredAnswer }
  /** A process is answering the scope right now, for the request `fingerprint` names. */
  | { readonly kind: 'in-flight'; readonly fingerprint: string };

/** Answers of idempotent requests by scope (caller and key), shared by every process. */
export interface SharedAnswers {
  /**
   * Claims `scope` for a request (`fingerprint`) unless a live entry holds it. An entry older than
   * `ttlMs`, or a claim still unanswered after `staleAfterMs` (its process died), is taken over.
   */
  claim(scope: string, fingerprint: string, ttlMs: number, staleAfterMs: number): Promise<AnswerClaim>;
  /** Stores the answer of a claim; a claim taken over by another process meanwhile stores nothing. */
  complete(scope: string, claim: string, answer: StoredAnswer): Promise<void>;
  /** Gives a claim up without an answer (a 5xx, a crash of the handler): the next request runs again. */
  release(scope: string, claim: string): Promise<void>;
  /** Deletes at most `limit` expired entries; answers how many went. */
  purgeExpired(limit: number): Promise<number>;
}
