/**
 * Argument parsing for `ordo`: each command declares its flags ({@link FlagSpec}); {@link parseArgs}
 * reads `--name value`, `--name=value` and boolean `--name`, fills in what the `ORDO_*`
 * environment gives for flags the command line left out, checks every value against its spec
 * and answers {@link ParsedArgs}. Errors are {@link UsageError}s naming the flag or the variable;
 * secret values are never repeated in them.
 */
import { type Environment, envName, envValue } from './environment';
import { UsageError } from './errors';

/** How a flag's value reads. */
export type FlagKind = 'string' | 'integer' | 'boolean' | 'list';

/** One flag of a command. */
export interface FlagSpec {
  /** The name without dashes: `database-url`. */
  readonly name: string;
  readonly kind: FlagKind;
  readonly description: string;
  /** What the value is, in help (`URL`, `N`). */
  readonly placeholder?: string;
  /** The value, when given, must be one of these (for lists: each item). */
  readonly choices?: ReadonlyArray<string>;
  /** Bounds of an integer. */
  readonly min?: number;
  readonly max?: number;
  /** Read `ORDO_<NAME>` when the flag is not on the command line. */
  readonly env?: boolean;
  /** A password or key: never printed, not even in an error. */
  readonly secret?: boolean;
  /** The default, as help shows it. */
  readonly defaultText?: string;
}

/** Where a value came from: the flag (`--port`) or the variable (`ORDO_PORT`). */
export type ValueSource = string;

/** A flag's checked value. */
export type FlagValue = string | number | boolean | ReadonlyArray<string>;

/** The parsed command line. */
export interface ParsedArgs {
  /** Words that are not flags, in order. */
  readonly positionals: ReadonlyArray<string>;
  /** `--help` or `-h` was given. */
  readonly help: boolean;
  /** Whether a flag has a value (from the command line or the environment). */
  has(name: string): boolean;
  /** Where the flag's value came from, for messages (`--port` when unset). */
  source(name: string): ValueSource;
  string(name: string): string | undefined;
  integer(name: string): number | undefined;
  boolean(name: string): boolean;
  list(name: string): ReadonlyArray<string> | undefined;
}

const shown = (spec: FlagSpec, raw: string): string => (spec.secret === true ? '(value hidden)' : `got '${raw}'`);

const check = (spec: FlagSpec, raw: string, source: ValueSource): FlagValue => {
  switch (spec.kind) {
    case 'boolean': {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new UsageError(`${source} must be true or false, ${shown(spec, raw)}`);
    }
    case 'integer': {
      const n = Number(raw);
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        const range = spec.max === undefined ? `>= ${min}` : `${min}..${max}`;
        throw new UsageError(`${source} must be an integer ${range}, ${shown(spec, raw)}`);
      }
      return n;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) throw new UsageError(`${source} needs a comma-separated list, got nothing`);
      for (const item of items) {
        if (spec.choices !== undefined && !spec.choices.includes(item)) {
          throw new UsageError(`${source}: '${item}' is not one of ${spec.choices.join(', ')}`);
        }
      }
      return items;
    }
    case 'string': {
      if (raw === '') throw new UsageError(`${source} needs a value`);
      if (spec.choices !== undefined && !spec.choices.includes(raw)) {
        throw new UsageError(`${source} must be one of ${spec.choices.join(', ')}, ${shown(spec, raw)}`);
      }
      return raw;
    }
  }
};

/**
 * Parses `argv` (the words after the command's name) against `specs`, then the environment for
 * the flags that read it. `--` ends the flags. Throws {@link UsageError} on an unknown flag, a
 * missing value or a value that does not hold.
 */
export const parseArgs = (
  specs: ReadonlyArray<FlagSpec>,
  argv: ReadonlyArray<string>,
  env: Environment,
): ParsedArgs => {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, { readonly value: FlagValue; readonly source: ValueSource }>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '--help' || word === '-h') {
      help = true;
      continue;
    }
    if (!word.startsWith('--')) {
      if (word.startsWith('-') && word.length > 1) throw new UsageError(`unknown flag ${word}`);
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined) throw new UsageError(`unknown flag --${name}`);
    const source = `--${name}`;
    let raw: string;
    if (eq !== -1) raw = word.slice(eq + 1);
    else if (spec.kind === 'boolean') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(
          `${source} needs a value${spec.placeholder === undefined ? '' : ` (${spec.placeholder})`}`,
        );
      }
      raw = next;
      i++;
    }
    values.set(name, { value: check(spec, raw, source), source });
  }
  for (const spec of specs) {
    if (values.has(spec.name) || spec.env !== true) continue;
    const raw = envValue(env, spec.name);
    if (raw !== undefined)
      values.set(spec.name, { value: check(spec, raw, envName(spec.name)), source: envName(spec.name) });
  }
  const get = (name: string, kind: FlagKind): FlagValue | undefined => {
    const spec = byName.get(name);
    if (spec === undefined || spec.kind !== kind) throw new Error(`ordo: no ${kind} flag --${name} declared`);
    return values.get(name)?.value;
  };
  return {
    positionals,
    help,
    has: (name) => values.has(name),
    source: (name) => values.get(name)?.source ?? `--${name}`,
    string: (name) => get(name, 'string') as string | undefined,
    integer: (name) => get(name, 'integer') as number | undefined,
    boolean: (name) => (get(name, 'boolean') as boolean | undefined) ?? false,
    list: (name) => get(name, 'list') as ReadonlyArray<string> | undefined,
  };
};
