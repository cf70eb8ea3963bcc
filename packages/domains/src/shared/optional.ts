import * as t from 'io-ts';

/** A codec that also accepts `undefined` (a missing key); a present value must decode with `codec`. */
export type OptionalC<C extends t.Mixed> = t.Type<t.TypeOf<C> | undefined, t.OutputOf<C> | undefined, unknown>;

/**
 * Makes a codec optional. Unlike `t.union([codec, t.undefined])`, a bad value yields one issue
 * that names the field and the codec, not one issue per union member.
 */
export const optional = <C extends t.Mixed>(codec: C): OptionalC<C> =>
  new t.Type<t.TypeOf<C> | undefined, t.OutputOf<C> | undefined, unknown>(
    codec.name,
    (u): u is t.TypeOf<C> | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : codec.validate(u, c)),
    (a) => (a === undefined ? undefined : codec.encode(a)),
  );

/** The codecs {@link withOptional} adds. */
export type OptionalProps<O extends t.Props> = { [K in keyof O]?: OptionalC<O[K]> };

/**
 * Message fields with some optional ones, for `defineMessages`: the runtime codec accepts a
 * missing key. The kernel's `UnionOf` types an optional field as `{}`, so each domain re-types
 * those messages with {@link WithOptionalFields}.
 */
export const withOptional = <R extends t.Props, O extends t.Props>(
  required: R,
  optionalFields: O,
): R & OptionalProps<O> =>
  ({
    ...required,
    ...Object.fromEntries(Object.entries(optionalFields).map(([key, codec]) => [key, optional(codec)])),
  }) as R & OptionalProps<O>;

/** Re-types the member `T` of the union `U` so that the fields of `O` are optional with their proper type. */
export type WithOptionalFields<U extends { readonly type: string }, T extends U['type'], O> =
  | Exclude<U, { readonly type: T }>
  | (Omit<Extract<U, { readonly type: T }>, keyof O> & { readonly [K in keyof O]?: O[K] });
