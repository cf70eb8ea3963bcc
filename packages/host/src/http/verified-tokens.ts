/**
 * Tokens this process has verified, with what they said: a token's signature and claims never
 * change, so verifying the same token again only needs its time claims checked against the clock.
 * A client sends the same token with every request for its lifetime, and an HS256 verification
 * through WebCrypto costs tens of microseconds of the request's CPU, where a look-up costs well
 * under one.
 *
 * Only tokens that passed a full verification are remembered, so a forged or expired token is
 * verified in full every time it comes; at most `capacity` are kept, the oldest forgotten first.
 */
export interface VerifiedTokens<P> {
  /** What the token said, while its `exp` (and `nbf`, if any) allow it at `nowMs`; else `undefined`. */
  get(token: string, nowMs: number): P | undefined;
  /** Remembers a token that passed verification, valid from `nbf` (seconds) until before `exp`. */
  remember(token: string, principal: P, exp: number, nbf: number | undefined): void;
}

interface Entry<P> {
  readonly principal: P;
  /** Seconds since the epoch, as in the token. */
  readonly exp: number;
  readonly nbf: number | undefined;
}

export const createVerifiedTokens = <P>(capacity: number): VerifiedTokens<P> => {
  const entries = new Map<string, Entry<P>>();
  return {
    get: (token, nowMs) => {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      // The token's time claims as jose reads them: seconds, the clock's time rounded down.
      const now = Math.floor(nowMs / 1000);
      if (entry.exp <= now) {
        entries.delete(token);
        return undefined;
      }
      return entry.nbf !== undefined && entry.nbf > now ? undefined : entry.principal;
    },
    remember: (token, principal, exp, nbf) => {
      if (entries.size >= capacity && !entries.has(token)) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(token, { principal, exp, nbf });
    },
  };
};
