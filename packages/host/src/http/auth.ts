import { createHash, timingSafeEqual, webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { HttpProblem } from './problem';
import { createVerifiedTokens } from './verified-tokens';

/** The roles a token carries. */
export type Role = 'customer' | 'admin';

/** Who calls: the token's subject (a customer id, or `admin`) and role. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
}

/** A signed access token with what a client needs to use it. */
export interface IssuedToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly role: Role;
  readonly sub: string;
}

/** Issues and verifies the edge's HS256 access tokens. */
export interface TokenService {
  issue(principal: Principal): Promise<IssuedToken>;
  /** The principal of a valid token, or `undefined` for a bad, expired or foreign one. */
  verify(token: string): Promise<Principal | undefined>;
}

const ISSUER = 'ordo';
const AUDIENCE = 'ordo-api';

/** Verified tokens a process remembers (a token is about 200 bytes; 10,000 are about 3 MB with their entries). */
const VERIFIED_TOKENS = 10_000;

/**
 * A {@link TokenService} on `jose` with an HS256 key; tokens live `ttlSeconds`. A token verified
 * once is remembered (see `verified-tokens.ts`): a later request with it checks only its expiry.
 */
export const createTokenService = (secret: string, ttlSeconds: number, now: () => Date): TokenService => {
  // One WebCrypto key for the process: given raw bytes or a KeyObject, jose imports a key on
  // every call (about a third of a verification's cost).
  const key = webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const verified = createVerifiedTokens<Principal>(VERIFIED_TOKENS);
  return {
    issue: async ({ subject, role }) => {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(await key);
      return { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds, role, sub: subject };
    },
    verify: async (token) => {
      const currentDate = now();
      const known = verified.get(token, currentDate.getTime());
      if (known !== undefined) return known;
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate,
        });
        const role = payload.role;
        if (typeof payload.sub !== 'string' || (role !== 'customer' && role !== 'admin')) return undefined;
        if (typeof payload.exp !== 'number') return undefined; // every token this service issues expires
        const principal: Principal = { subject: payload.sub, role };
        verified.remember(token, principal, payload.exp, payload.nbf);
        return principal;
      } catch {
        return undefined;
      }
    },
  };
};

/** The bearer token of an `Authorization` header; `undefined` without one; 401 for another scheme. */
export const bearerToken = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (match?.[1] === undefined) throw unauthorized('the Authorization header must be `Bearer <token>`');
  return match[1];
};

/** 401 with the `WWW-Authenticate` challenge. */
export const unauthorized = (detail: string, code = 'unauthorized'): HttpProblem =>
  new HttpProblem(401, code, detail, { headers: { 'www-authenticate': 'Bearer realm="ordo"' } });

/** 403 for a caller whose role may not do this. */
export const forbidden = (detail = 'this needs the admin role'): HttpProblem =>
  new HttpProblem(403, 'forbidden', detail);

/** Compares two secrets in constant time (through their SHA-256 digests, so lengths do not leak). */
export const secretsEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
