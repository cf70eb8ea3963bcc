import * as t from 'io-ts';

/** Every command and event is a plain object tagged by `type`. */
export interface Message<T extends string = string> {
  readonly type: T;
}

/** The fields of each member of a union, keyed by its `type`. */
export type MessageShapes = Readonly<Record<string, t.Props>>;

/** The discriminated union described by a {@link MessageShapes} record. */
export type UnionOf<P extends MessageShapes> = {
  [K in keyof P & string]: { readonly type: K } & { readonly [F in keyof P[K]]: t.TypeOf<NonNullable<P[K][F]>> };
}[keyof P & string];

/** A discriminated union of messages with its io-ts codec, type list and per-type helpers. */
export interface MessageUnion<P extends MessageShapes> {
  /** Decodes/encodes any member of the union; unknown `type`s are rejected. */
  readonly codec: t.Type<UnionOf<P>, UnionOf<P>, unknown>;
  /** One codec per member, keyed by `type`. */
  readonly codecs: {
    readonly [K in keyof P & string]: t.Type<
      Extract<UnionOf<P>, { type: K }>,
      Extract<UnionOf<P>, { type: K }>,
      unknown
    >;
  };
  /** Every `type` of the union. */
  readonly types: ReadonlyArray<keyof P & string>;
  /** Narrowing guard for one member. */
  readonly is: <K extends keyof P & string>(type: K, value: unknown) => value is Extract<UnionOf<P>, { type: K }>;
  /** Builds a member from its fields, adding `type`. */
  readonly make: <K extends keyof P & string>(
    type: K,
    fields: Omit<Extract<UnionOf<P>, { type: K }>, 'type'>,
  ) => Extract<UnionOf<P>, { type: K }>;
}

/**
 * Defines a discriminated union of commands or events together with its codec.
 *
 * ```ts
 * const CartEvents = defineMessages({
 *   ItemAdded: { sku: t.string, quantity: t.number },
 *   CartCheckedOut: {},
 * });
 * type CartEvent = MessageOf<typeof CartEvents>;
 * ```
 */
export const defineMessages = <P extends MessageShapes>(shapes: P, name = 'Message'): MessageUnion<P> => {
  type U = UnionOf<P>;
  const types = Object.keys(shapes) as Array<keyof P & string>;
  if (types.length === 0) throw new Error('defineMessages needs at least one message type');
  const codecs = Object.fromEntries(
    types.map((type) => [type, t.type({ type: t.literal(type), ...shapes[type] }, type)]),
  ) as unknown as Record<string, t.Type<U, U, unknown>>;
  const byType = new Map<string, t.Type<U, U, unknown>>(Object.entries(codecs));
  const codec = new t.Type<U, U, unknown>(
    types.length === 1 ? types[0]! : `${name}(${types.join(' | ')})`,
    (u): u is U =>
      typeof u === 'object' && u !== null && byType.get((u as { type?: unknown }).type as string)?.is(u) === true,
    (u, c) => {
      if (typeof u !== 'object' || u === null) return t.failure(u, c, `expected an object with a 'type' field`);
      const type = (u as { type?: unknown }).type;
      const member = typeof type === 'string' ? byType.get(type) : undefined;
      if (member === undefined) {
        return t.failure(type, [
          ...c,
          { key: 'type', type: t.keyof(Object.fromEntries(types.map((k) => [k, null]))), actual: type },
        ]);
      }
      return member.validate(u, c);
    },
    (a) => byType.get(a.type)!.encode(a),
  );
  return {
    codec,
    codecs: codecs as unknown as MessageUnion<P>['codecs'],
    types,
    is: <K extends keyof P & string>(type: K, value: unknown): value is Extract<U, { type: K }> =>
      byType.get(type)?.is(value) === true,
    make: (type, fields) => ({ ...(fields as object), type }) as never,
  };
};

/** The message type a {@link defineMessages} result describes. */
export type MessageOf<M> = M extends MessageUnion<infer P> ? UnionOf<P> : never;
