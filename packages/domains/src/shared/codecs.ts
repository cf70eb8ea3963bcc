import * as t from 'io-ts';
import { refine } from './refine';

/**
 * True when `s` has `min` to `max` characters counted as code points, as JSON Schema's
 * `minLength`/`maxLength` count them (the HTTP edge documents these codecs as JSON Schema):
 * `'😀'` is one character though its UTF-16 `length` is 2. Counts only when `length` leaves it open.
 */
export const codePointsWithin = (s: string, min: number, max: number): boolean => {
  // A string has at least length / 2 and at most length code points.
  if (s.length < min || s.length > 2 * max) return false;
  if (s.length <= max && s.length >= 2 * min) return true;
  let count = 0;
  for (const _ of s) count += 1;
  return count >= min && count <= max;
};

/** A string with at least one non-blank character, at most 500 characters (code points). */
export const NonEmptyString = refine(
  t.string,
  (s) => s.trim().length > 0 && codePointsWithin(s, 1, 500),
  'NonEmptyString',
);

/**
 * An identifier (order id, customer id, payment id...): 1 to 128 printable ASCII characters, no
 * spaces. It ends up in stream ids, so it must be short and unambiguous.
 */
export const Identifier = refine(t.string, (s) => /^[\x21-\x7e]{1,128}$/.test(s), 'Identifier');

/** A stock keeping unit: same shape as an {@link Identifier}. */
export const Sku = refine(t.string, (s) => /^[\x21-\x7e]{1,128}$/.test(s), 'Sku');

/** A safe integer greater than zero (quantities, amounts in minor units). */
export const PositiveInt = refine(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInt');

/** An ISO 4217-shaped currency code: three uppercase letters (`EUR`, `USD`). */
export const Currency = refine(t.string, (s) => /^[A-Z]{3}$/.test(s), 'Currency');

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 date-time with an explicit offset (`2024-05-01T10:00:00.000Z`). Domains have no
 * clock: every time arrives in a command. The offset is required so a day is never ambiguous.
 */
export const IsoDateTime = refine(
  t.string,
  (s) => ISO_DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
  'IsoDateTime',
);

/** An e-mail address of plausible shape: one `@`, no spaces, a dot in the domain, at most 254 characters (code points). */
export const Email = refine(
  t.string,
  (s) => codePointsWithin(s, 0, 254) && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(s.trim()),
  'Email',
);

/** A password hash produced outside the domain by a `PasswordHasher`; the domain never sees a password. */
export const PasswordHash = refine(t.string, (s) => codePointsWithin(s, 8, 1024), 'PasswordHash');

/** A postal address. */
export const Address = t.type(
  {
    name: NonEmptyString,
    line1: NonEmptyString,
    city: NonEmptyString,
    postalCode: NonEmptyString,
    country: NonEmptyString,
  },
  'Address',
);
/** A postal address. */
export type Address = t.TypeOf<typeof Address>;
