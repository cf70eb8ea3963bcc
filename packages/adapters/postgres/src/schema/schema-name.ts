import { InvalidInputError, invalidOptionError } from '@ordo/kernel';

/** What a schema name must look like: a lower-case SQL identifier that needs no quoting. */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema used when none is given. */
export const DEFAULT_SCHEMA = 'ordo';

/**
 * A validated schema name (`^[a-z_][a-z0-9_]{0,62}$`, no `pg_` prefix) and its double-quoted
 * form for SQL text. Identifiers cannot be bound as query parameters, so this is the only place a
 * name reaches SQL text; validation plus quoting keeps that safe. Migrations receive one.
 */
export interface SchemaName {
  readonly name: string;
  /** `"name"`, ready to splice into SQL. */
  readonly quoted: string;
}

const EXPECTED = 'lower-case SQL identifier';

const isSchemaName = (name: unknown): name is string =>
  typeof name === 'string' && SCHEMA_NAME_PATTERN.test(name) && !name.startsWith('pg_');

/**
 * Validates a schema name (`^[a-z_][a-z0-9_]{0,62}$`, not a `pg_` system prefix) and answers it
 * with its quoted form. Throws {@link InvalidInputError} `invalid_schema_name` otherwise.
 */
export const schemaName = (name: unknown): SchemaName => {
  if (!isSchemaName(name)) {
    throw new InvalidInputError(
      'invalid_schema_name',
      `schema name must match ${String(SCHEMA_NAME_PATTERN)} and not start with pg_, got ${JSON.stringify(name)}`,
      [{ path: 'schema', expected: EXPECTED, actual: name }],
    );
  }
  return { name, quoted: `"${name}"` };
};

/**
 * The `schema` option of a constructor, factory or `migrate` (`undefined`: {@link DEFAULT_SCHEMA}),
 * validated by the rule of {@link schemaName}; a bad one throws `InvalidInputError`
 * `invalid_options` with an issue at `path`.
 */
export const schemaOption = (value: unknown, path = 'schema'): SchemaName => {
  const name = value ?? DEFAULT_SCHEMA;
  if (!isSchemaName(name)) {
    throw invalidOptionError(path, `a ${EXPECTED} (${String(SCHEMA_NAME_PATTERN)}, not starting with pg_)`, value);
  }
  return { name, quoted: `"${name}"` };
};

/** A SQL string literal (`'it''s'`), for the few places that bake a validated name into SQL text. */
export const sqlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;
