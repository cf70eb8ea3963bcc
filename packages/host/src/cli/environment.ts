/**
 * The `ORDO_*` environment: every flag of a command that reads the environment has a variable
 * named after it (`--database-url` -> `ORDO_DATABASE_URL`); a flag on the command line wins.
 */

/** The environment a command reads (a copy of `process.env`, or a test's own). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The variable of a flag: `ORDO_` and the flag's name in upper snake case. */
export const envName = (flag: string): string => `ORDO_${flag.toUpperCase().replace(/-/g, '_')}`;

/** The variable's value, `undefined` when unset or blank. */
export const envValue = (env: Environment, flag: string): string | undefined => {
  const value = env[envName(flag)];
  return value === undefined || value.trim() === '' ? undefined : value;
};
