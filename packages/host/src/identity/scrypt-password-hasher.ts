import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '@ordo/domains';

/** Cost settings of {@link createScryptPasswordHasher}. */
export interface ScryptSettings {
  /** CPU/memory cost, a power of two; default 2^15 (about 32 MiB per hash). */
  readonly N?: number;
  readonly r?: number;
  readonly p?: number;
  readonly keyLength?: number;
  readonly saltLength?: number;
}

const scrypt = (password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

const PREFIX = 'scrypt';

/**
 * The identity domain's {@link PasswordHasher} on scrypt from `node:crypto`. The stored form is
 * `scrypt$N$r$p$salt$key` (base64url), so the cost can be raised later without breaking old hashes;
 * `verify` compares in constant time and answers false (never throws) for a malformed hash.
 */
export const createScryptPasswordHasher = (settings: ScryptSettings = {}): PasswordHasher => {
  const N = settings.N ?? 2 ** 15;
  const r = settings.r ?? 8;
  const p = settings.p ?? 1;
  const keyLength = settings.keyLength ?? 32;
  const saltLength = settings.saltLength ?? 16;
  if (!Number.isInteger(Math.log2(N)) || N < 2) throw new RangeError(`scrypt N must be a power of two, got ${N}`);
  const maxmem = 256 * N * r + 1024 * 1024;
  return {
    hash: async (password) => {
      if (typeof password !== 'string' || password.length === 0)
        throw new TypeError('password must be a non-empty string');
      const salt = randomBytes(saltLength);
      const key = await scrypt(password, salt, keyLength, { N, r, p, maxmem });
      return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    verify: async (password, stored) => {
      const parts = stored.split('$');
      if (parts.length !== 6 || parts[0] !== PREFIX) return false;
      const [, n, rr, pp, saltText, keyText] = parts as [string, string, string, string, string, string];
      const cost = { N: Number(n), r: Number(rr), p: Number(pp) };
      if (![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0)) return false;
      const expected = Buffer.from(keyText, 'base64url');
      if (expected.length === 0) return false;
      try {
        const actual = await scrypt(password, Buffer.from(saltText, 'base64url'), expected.length, {
          ...cost,
          maxmem: 256 * cost.N * cost.r + 1024 * 1024,
        });
        return timingSafeEqual(actual, expected);
      } catch {
        return false;
      }
    },
  };
};
