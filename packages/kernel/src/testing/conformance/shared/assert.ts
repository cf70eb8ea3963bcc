/**
 * Framework-agnostic assertions of the conformance suite: each throws a {@link ConformanceFailure}
 * whose message says what was expected and what the store did.
 */

/** A conformance expectation did not hold. */
export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** Throws a {@link ConformanceFailure}. */
export const fail = (message: string): never => {
  throw new ConformanceFailure(message);
};

/** Renders any value (bigints, cycles, long strings) for a failure message. */
export const show = (value: unknown): string => {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 197)}...` : value);
  if (typeof value === 'function') return '[function]';
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return text.length > 400 ? `${text.slice(0, 397)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
};

/** Throws unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Throws unless `actual === expected` (bigints compare by value). */
export const equal = <T>(actual: T, expected: T, what: string): void => {
  if (actual !== expected) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
};

/**
 * Structural equality of JSON-like values and bigints. Object properties holding `undefined` count
 * as absent (JSON storage drops them); prototypes are not compared.
 */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as ReadonlyArray<unknown>;
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], other[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keysA = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const keysB = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  for (const k of keysA) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !deepEqual(ao[k], bo[k])) return false;
  }
  return true;
};

/** Throws unless `actual` and `expected` are structurally equal (see {@link deepEqual}). */
export const equalDeep = (actual: unknown, expected: unknown, what: string): void => {
  if (!deepEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
};

/** Awaits `action` and answers what it rejected with; throws when it resolved. */
export const rejection = async (action: () => Promise<unknown>, what: string): Promise<unknown> => {
  let result: unknown;
  try {
    result = await action();
  } catch (error) {
    return error;
  }
  return fail(`${what}: expected a rejection, but it resolved with ${show(result)}`);
};

/** The `code` of an error-like value, if it has a string one. */
export const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Throws unless `error` is the kernel's `InvalidInputError` (by class name, so that it also holds
 * across module copies) with the given `code` and a message; with `path`, one of its issues must
 * name that path.
 */
export const expectInvalidInput = (error: unknown, code: string, what: string, path?: string): void => {
  check(
    error instanceof Error && error.name === 'InvalidInputError',
    `${what}: expected an InvalidInputError, got ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`,
  );
  equal(errorCode(error), code, `${what}: InvalidInputError code`);
  check(error.message.length > 0, `${what}: the error has an empty message`);
  if (path !== undefined) {
    const issues = (error as { issues?: unknown }).issues;
    const paths = Array.isArray(issues) ? issues.map((i) => (i as { path?: unknown } | null)?.path) : [];
    check(paths.includes(path), `${what}: expected an issue at path ${show(path)}, got issues at ${show(paths)}`);
  }
};
