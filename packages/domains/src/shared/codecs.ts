import * as t from 'io-ts';
import { refine } from './refine';

/** A string with at least one non-blank character, at most 500 characters. */
export const NonEmptyString = refine(t.string, (s) => s.trim().length > 0 && s.length <= 500, 'NonEmptyString');

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

/** An e-mail address of plausible shape: one `@`, no spaces, a dot in the domain, at most 254 characters. */
export const Email = refine(
  t.string,
  (s) => s.length <= 254 && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(s.trim()),
  'Email',
);

/** A password hash produced outside the domain by a `PasswordHasher`; the domain never sees a password. */
export const PasswordHash = refine(t.string, (s) => s.length >= 8 && s.length <= 1024, 'PasswordHash');

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
