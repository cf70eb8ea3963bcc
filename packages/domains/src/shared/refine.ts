import * as E from 'fp-ts/Either';
import * as t from 'io-ts';

/**
 * Narrows a codec by a predicate without branding the type: decoded values keep their plain type
 * (a quantity stays a `number`), so callers can build commands from literals, while decoding
 * rejects bad input with an issue naming the field and this codec's `name`.
 */
export const refine = <A, O>(
  base: t.Type<A, O, unknown>,
  predicate: (a: A) => boolean,
  name: string,
): t.Type<A, O, unknown> =>
  new t.Type<A, O, unknown>(
    name,
    (u): u is A => base.is(u) && predicate(u),
    (u, c) => {
      const decoded = base.validate(u, c);
      if (E.isLeft(decoded)) return decoded;
      return predicate(decoded.right) ? decoded : t.failure(u, c, `expected ${name}`);
    },
    base.encode,
  );
