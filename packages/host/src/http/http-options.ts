import { invalidOptionError } from '@ordo/kernel';

/** The administrator who exists without registering: the first one to log in with. */
export interface BootstrapAdmin {
  readonly email: string;
  readonly password: string;
}

/** How the HTTP edge authenticates callers. */
export interface HttpAuthOptions {
  /** The HS256 signing key of access tokens: at least 32 characters. Never logged nor answered. */
  readonly jwtSecret: string;
  /** Lifetime of an access token in seconds (default 900). */
  readonly tokenTtlSeconds?: number;
  /** An administrator from configuration (role `admin`); customers register through the API. */
  readonly bootstrapAdmin?: BootstrapAdmin;
}

/** Request budgets per token subject (or client address, without a token). */
export interface HttpRateLimitOptions {
  /** Requests per window on every route (default 600). */
  readonly max?: number;
  /** The window in milliseconds (default 60 000). */
  readonly timeWindowMs?: number;
  /** Requests per window on `POST /auth/token`, per client address (default 10). */
  readonly authMax?: number;
}

/** Options of the bounded, in-process store of answered `Idempotency-Key`s. */
export interface HttpIdempotencyOptions {
  /** Answers remembered at most (default 10 000; the oldest go first). */
  readonly maxEntries?: number;
  /** How long an answer is remembered, ms (default 24 h). */
  readonly ttlMs?: number;
}

/** Options of `createHttpServer`. */
export interface HttpOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  readonly auth: HttpAuthOptions;
  readonly rateLimit?: HttpRateLimitOptions;
  readonly idempotency?: HttpIdempotencyOptions;
  /** Largest accepted request body in bytes (default 64 KiB); larger ones are answered 413. */
  readonly bodyLimitBytes?: number;
  /** Fastify's pino request log (default false). Bodies and the Authorization header are never logged. */
  readonly logger?: boolean;
}

/** {@link HttpOptions} with every default filled in. */
export interface ResolvedHttpOptions {
  readonly port: number;
  readonly host: string;
  readonly auth: {
    readonly jwtSecret: string;
    readonly tokenTtlSeconds: number;
    readonly bootstrapAdmin: BootstrapAdmin | undefined;
  };
  readonly rateLimit: { readonly max: number; readonly timeWindowMs: number; readonly authMax: number };
  readonly idempotency: { readonly maxEntries: number; readonly ttlMs: number };
  readonly bodyLimitBytes: number;
  readonly logger: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const positiveInt = (path: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalidOptionError(path, `an integer from 1 to ${max}`, value);
  }
  return value;
};

const optionalRecord = (path: string, value: unknown): Record<string, unknown> => {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalidOptionError(path, 'an object', value);
  return value;
};

const hidden = '<hidden>';

/**
 * Checks `createHttpServer`'s options and fills in the defaults. A wrong value throws the kernel's
 * `invalidOptionError` (an `InvalidInputError` with code `invalid_options`) naming the option;
 * the secret and passwords appear as `<hidden>`.
 */
export const resolveHttpOptions = (options: HttpOptions): ResolvedHttpOptions => {
  const raw: unknown = options;
  if (!isRecord(raw)) throw invalidOptionError('options', 'an object', raw);
  const port = raw.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalidOptionError('port', 'an integer from 0 to 65535', port);
  }
  const host = raw.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim().length === 0)
    throw invalidOptionError('host', 'a host name or address', host);
  if (!isRecord(raw.auth)) throw invalidOptionError('auth', 'an object with a jwtSecret', raw.auth);
  const { jwtSecret, tokenTtlSeconds, bootstrapAdmin } = raw.auth;
  if (typeof jwtSecret !== 'string' || jwtSecret.length < 32) {
    throw invalidOptionError(
      'auth.jwtSecret',
      'a string of at least 32 characters',
      typeof jwtSecret === 'string' ? hidden : jwtSecret,
      typeof jwtSecret === 'string' ? `it has ${jwtSecret.length}` : undefined,
    );
  }
  let admin: BootstrapAdmin | undefined;
  if (bootstrapAdmin !== undefined) {
    if (!isRecord(bootstrapAdmin)) throw invalidOptionError('auth.bootstrapAdmin', 'an object', bootstrapAdmin);
    const { email, password } = bootstrapAdmin;
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      throw invalidOptionError('auth.bootstrapAdmin.email', 'an e-mail address', email);
    }
    if (typeof password !== 'string' || password.length < 8) {
      throw invalidOptionError('auth.bootstrapAdmin.password', 'a string of at least 8 characters', hidden);
    }
    admin = { email, password };
  }
  const rateLimit = optionalRecord('rateLimit', raw.rateLimit);
  const idempotency = optionalRecord('idempotency', raw.idempotency);
  const logger = raw.logger ?? false;
  if (typeof logger !== 'boolean') throw invalidOptionError('logger', 'a boolean', logger);
  return {
    port,
    host,
    auth: {
      jwtSecret,
      tokenTtlSeconds: positiveInt('auth.tokenTtlSeconds', tokenTtlSeconds, 900, 86_400),
      bootstrapAdmin: admin,
    },
    rateLimit: {
      max: positiveInt('rateLimit.max', rateLimit.max, 600),
      timeWindowMs: positiveInt('rateLimit.timeWindowMs', rateLimit.timeWindowMs, 60_000),
      authMax: positiveInt('rateLimit.authMax', rateLimit.authMax, 10),
    },
    idempotency: {
      maxEntries: positiveInt('idempotency.maxEntries', idempotency.maxEntries, 10_000),
      ttlMs: positiveInt('idempotency.ttlMs', idempotency.ttlMs, 24 * 60 * 60 * 1000),
    },
    bodyLimitBytes: positiveInt('bodyLimitBytes', raw.bodyLimitBytes, 64 * 1024, 16 * 1024 * 1024),
    logger,
  };
};
