/**
 * The canonical form of an e-mail address: trimmed and lower-cased. Uniqueness is checked on it,
 * so `Ann@Example.com ` and `ann@example.com` are the same address. (Provider-specific rules such
 * as dots or `+tags` in Gmail addresses are deliberately not applied.)
 */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();
