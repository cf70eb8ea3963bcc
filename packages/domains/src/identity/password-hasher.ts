/**
 * The password hashing port. Passwords are hashed outside the domain (the host provides an
 * implementation, e.g. scrypt from `node:crypto`); the identity domain only ever sees hashes.
 */
export interface PasswordHasher {
  /** Hashes a password with a fresh salt; the result embeds whatever `verify` needs. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash` (compared in constant time by the implementation). */
  verify(password: string, hash: string): Promise<boolean>;
}
