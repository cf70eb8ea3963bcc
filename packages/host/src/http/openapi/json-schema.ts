import type * as t from 'io-ts';

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses it) subset the HTTP edge emits and checks. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  readonly title?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: ReadonlyArray<string>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: ReadonlyArray<string | number | boolean | null>;
  readonly const?: string | number | boolean | null;
  readonly anyOf?: ReadonlyArray<JsonSchema>;
  readonly allOf?: ReadonlyArray<JsonSchema>;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/**
 * Schemas of codecs io-ts cannot describe structurally (a `new t.Type` with a predicate, such as
 * the domains' refinements), by codec name: a schema, or a function of the converter for a
 * refinement of a structural codec (`OrderLines` = an array of `OrderLine` with at least one item).
 */
export type OpaqueSchemas = Readonly<
  Record<string, JsonSchema | ((convert: (codec: t.Mixed) => JsonSchema) => JsonSchema)>
>;

/** Thrown for a codec the converter cannot describe: add it to the {@link OpaqueSchemas}. */
export class UnsupportedCodecError extends Error {
  constructor(readonly codecName: string) {
    super(`no JSON schema for the codec '${codecName}': describe it in the opaque schemas`);
    this.name = 'UnsupportedCodecError';
  }
}

interface Tagged {
  readonly _tag?: string;
  readonly name: string;
  readonly props?: t.Props;
  readonly types?: ReadonlyArray<t.Mixed>;
  readonly type?: t.Mixed;
  readonly value?: string | number | boolean;
  readonly keys?: Readonly<Record<string, unknown>>;
  readonly codomain?: t.Mixed;
}

/** True when a codec accepts `undefined`: the key may be missing (the domains' `optional`, `t.undefined` unions). */
const acceptsUndefined = (codec: t.Mixed): boolean => codec.is(undefined);

const objectOf = (props: t.Props, convert: (codec: t.Mixed) => JsonSchema, allOptional: boolean): JsonSchema => {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, codec] of Object.entries(props)) {
    properties[key] = convert(codec);
    if (!allOptional && !acceptsUndefined(codec)) required.push(key);
  }
  return required.length === 0 ? { type: 'object', properties } : { type: 'object', properties, required };
};

/** Merges object schemas of an intersection into one object (clients read it more easily than `allOf`). */
const mergeObjects = (schemas: ReadonlyArray<JsonSchema>): JsonSchema => {
  if (
    !schemas.every((s) => s.type === 'object' && s.properties !== undefined && s.additionalProperties === undefined)
  ) {
    return { allOf: schemas };
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const s of schemas) {
    Object.assign(properties, s.properties);
    for (const key of s.required ?? []) if (!required.includes(key)) required.push(key);
  }
  return required.length === 0 ? { type: 'object', properties } : { type: 'object', properties, required };
};

/**
 * Converts an io-ts codec to a JSON Schema: `type`/`partial`/`intersection` objects (a key whose
 * codec accepts `undefined` is optional), unions (of literals: an `enum`), literals, `keyof`,
 * arrays and readonly arrays, records, refinements and brands (as their base; `t.Int` as an
 * integer), `readonly`/`exact` wrappers, strings, numbers, booleans, `null` and `unknown`. Codecs
 * without a structure (a `new t.Type`) are looked up by name in `opaque`; an unknown one throws
 * {@link UnsupportedCodecError}, so a new codec kind cannot slip into the document unseen.
 */
export const codecToJsonSchema = (codec: t.Mixed, opaque: OpaqueSchemas = {}): JsonSchema => {
  const convert = (c: t.Mixed): JsonSchema => {
    const tagged = c as unknown as Tagged;
    switch (tagged._tag) {
      case 'StringType':
        return { type: 'string' };
      case 'NumberType':
        return { type: 'number' };
      case 'BooleanType':
        return { type: 'boolean' };
      case 'NullType':
        return { type: 'null' };
      case 'UnknownType':
      case 'AnyType':
        return {};
      case 'LiteralType':
        return { const: tagged.value ?? null };
      case 'KeyofType':
        return { type: 'string', enum: Object.keys(tagged.keys ?? {}) };
      case 'InterfaceType':
        return objectOf(tagged.props ?? {}, convert, false);
      case 'PartialType':
        return objectOf(tagged.props ?? {}, convert, true);
      case 'ExactType':
      case 'StrictType':
      case 'ReadonlyType':
        return tagged.type === undefined ? {} : convert(tagged.type);
      case 'IntersectionType':
        return mergeObjects((tagged.types ?? []).map(convert));
      case 'UnionType': {
        const members = (tagged.types ?? []).filter((m) => (m as unknown as Tagged)._tag !== 'UndefinedType');
        const schemas = members.map(convert);
        if (schemas.length === 1 && schemas[0] !== undefined) return schemas[0];
        if (schemas.every((s) => s.const !== undefined)) return { enum: schemas.map((s) => s.const ?? null) };
        return { anyOf: schemas };
      }
      case 'ArrayType':
      case 'ReadonlyArrayType':
        return { type: 'array', items: tagged.type === undefined ? {} : convert(tagged.type) };
      case 'AnyDictionaryType':
      case 'UnknownRecordType':
        return { type: 'object' };
      case 'DictionaryType':
        return { type: 'object', additionalProperties: tagged.codomain === undefined ? {} : convert(tagged.codomain) };
      case 'RefinementType':
        if (tagged.name === 'Int') return { type: 'integer' };
        return tagged.type === undefined ? {} : convert(tagged.type);
      default: {
        const known = Object.hasOwn(opaque, tagged.name) ? opaque[tagged.name] : undefined;
        if (known === undefined) throw new UnsupportedCodecError(tagged.name);
        return typeof known === 'function' ? known(convert) : known;
      }
    }
  };
  return convert(codec);
};
