import { schemaName } from './schema-name';

/**
 * Throws `InvalidInputError` (`invalid_schema_name`) unless `schema` is a safe schema name, by
 * the event store's own rule (`schemaName`). Schema names are spliced into SQL text
 * (identifiers cannot be bound as parameters), so this check keeps them from carrying SQL.
 */
export function assertSchemaName(schema: unknown): asserts schema is string {
  schemaName(schema);
}

/** `"schema"."table"` for a validated schema and one of this package's own table names. */
export const qualified = (schema: string, table: string): string => `${schemaName(schema).quoted}."${table}"`;
