import type { CustomTypesConfig } from 'pg';

type Parser = (text: string) => unknown;

const identity: Parser = (text) => text;

const PARSERS: Readonly<Record<number, Parser>> = {
  16: (text) => text === 't', // bool
  20: identity, // int8: kept as text, turned into bigint by the caller
  21: Number, // int2
  23: Number, // int4
  114: JSON.parse, // json
  3802: JSON.parse, // jsonb
};

/**
 * The result parsers of every query this adapter sends, set per query so that the process-wide
 * parsers of `pg` (which applications and other libraries change: int8 as BigInt, jsonb as raw
 * text, JSON revivers) never change what the store reads, nor how fast.
 */
export const ORDO_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number) => PARSERS[oid] ?? identity) as unknown as CustomTypesConfig['getTypeParser'],
};

/** Reads a PostgreSQL `bigint` (which `pg` returns as a string) as a bigint; `null` -> undefined. */
export const toBigInt = (value: unknown): bigint | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  throw new TypeError(`expected a bigint column, got ${typeof value}`);
};
