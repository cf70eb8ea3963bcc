import { randomUUID } from 'node:crypto';
import { type Migration, schemaName } from '@ordo/adapter-postgres';
import type pg from 'pg';
import type { AnswerClaim, SharedAnswers, StoredAnswer } from './shared-answers';

/**
 * `ordo_http_answers`: one row per idempotency scope (caller and key), claimed by the process
 * that answers it and then holding the answer. Versions 200-299 are the host's own migrations.
 */
export const httpAnswersMigration: Migration = {
  version: 200,
  name: 'http answers',
  sql: (schema) => `
    CREATE TABLE ${schema.quoted}.ordo_http_answers (
      scope text PRIMARY KEY,
      fingerprint text NOT NULL,
      claim uuid NOT NULL,
      status integer,
      headers jsonb,
      body text,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX ordo_http_answers_expiry ON ${schema.quoted}.ordo_http_answers (expires_at);
  `,
};

/** The migrations of the host's own tables, run after the adapter's. */
export const HOST_MIGRATIONS: ReadonlyArray<Migration> = [httpAnswersMigration];

interface AnswerRow {
  readonly fingerprint: string;
  readonly claim: string;
  readonly status: number | null;
  readonly headers: Record<string, string> | null;
  readonly body: string | null;
  readonly expired: boolean;
  readonly stale: boolean;
}

/**
 * {@link SharedAnswers} on `<schema>.ordo_http_answers`. A claim is one `INSERT ... ON CONFLICT DO
 * NOTHING` (the primary key decides between two processes); a taken scope costs one more read.
 * Times are the database's (`now()`), so the processes' clocks need not agree. Completing and
 * releasing name the claim, so a process that lost its claim (taken over as stale) changes nothing.
 */
export const postgresAnswers = (pool: pg.Pool, schema: string): SharedAnswers => {
  const table = `${schemaName(schema).quoted}.ordo_http_answers`;
  return {
    claim: async (scope, fingerprint, ttlMs, staleAfterMs): Promise<AnswerClaim> => {
      // Three rounds: a free or taken-over scope is claimed in the first two unless other
      // processes keep taking it at the same moment, which only a flood of one key does.
      for (let round = 0; round < 3; round++) {
        const claim = randomUUID();
        const inserted = await pool.query(
          `INSERT INTO ${table} (scope, fingerprint, claim, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000))
           ON CONFLICT (scope) DO NOTHING RETURNING 1`,
          [scope, fingerprint, claim, ttlMs],
        );
        if (inserted.rowCount === 1) return { kind: 'claimed', claim };
        const found = await pool.query<AnswerRow>(
          `SELECT fingerprint, claim, status, headers, body, expires_at <= now() AS expired,
                  (status IS NULL AND claimed_at <= now() - make_interval(secs => $2::double precision / 1000)) AS stale
           FROM ${table} WHERE scope = $1`,
          [scope, staleAfterMs],
        );
        const row = found.rows[0];
        if (row === undefined) continue; // released or purged in between
        if (row.expired || row.stale) {
          await pool.query(`DELETE FROM ${table} WHERE scope = $1 AND claim = $2`, [scope, row.claim]);
          continue;
        }
        if (row.status === null) return { kind: 'in-flight', fingerprint: row.fingerprint };
        const answer: StoredAnswer = {
          status: row.status,
          headers: row.headers ?? {},
          body: row.body === null ? undefined : (JSON.parse(row.body) as unknown),
        };
        return { kind: 'answered', fingerprint: row.fingerprint, answer };
      }
      throw new Error(`the idempotency scope was taken over three times in a row; try again`);
    },
    complete: async (scope, claim, answer) => {
      const body = answer.body === undefined ? null : JSON.stringify(answer.body);
      await pool.query(
        `UPDATE ${table} SET status = $3, headers = $4::jsonb, body = $5 WHERE scope = $1 AND claim = $2`,
        [scope, claim, answer.status, JSON.stringify(answer.headers), body],
      );
    },
    release: async (scope, claim) => {
      await pool.query(`DELETE FROM ${table} WHERE scope = $1 AND claim = $2`, [scope, claim]);
    },
    purgeExpired: async (limit) => {
      const deleted = await pool.query(
        `DELETE FROM ${table} WHERE scope IN (SELECT scope FROM ${table} WHERE expires_at <= now() LIMIT $1)`,
        [limit],
      );
      return deleted.rowCount ?? 0;
    },
  };
};
