import type { JsonSchema } from './json-schema';

/**
 * Checks `value` against a schema of the subset the edge emits ({@link JsonSchema}; `$ref` to
 * `#/components/schemas/*`, `format` not checked). Answers the problems, each with its JSON path;
 * empty when the value conforms. For the specs, which check every answer against the document.
 */
export const schemaProblems = (
  schema: JsonSchema,
  value: unknown,
  components: Readonly<Record<string, JsonSchema>>,
  path = '$',
): ReadonlyArray<string> => {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = components[name];
    return target === undefined
      ? [`${path}: unknown $ref ${schema.$ref}`]
      : schemaProblems(target, value, components, path);
  }
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path}: ${message}`);
  if (schema.type !== undefined && !hasType(schema.type, value)) {
    return [`${path}: expected ${schema.type}, got ${JSON.stringify(value)}`];
  }
  if (schema.const !== undefined && value !== schema.const) fail(`expected ${JSON.stringify(schema.const)}`);
  if (schema.enum !== undefined && !schema.enum.includes(value as string))
    fail(`expected one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      fail(`does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    const items = schema.items;
    if (items !== undefined)
      value.forEach((item, i) => problems.push(...schemaProblems(items, item, components, `${path}[${i}]`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!Object.hasOwn(record, key)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties?.[key];
      const extra = schema.additionalProperties;
      if (property !== undefined) problems.push(...schemaProblems(property, item, components, `${path}.${key}`));
      else if (extra === false) fail(`unexpected property ${key}`);
      else if (typeof extra === 'object') problems.push(...schemaProblems(extra, item, components, `${path}.${key}`));
    }
  }
  for (const part of schema.allOf ?? []) problems.push(...schemaProblems(part, value, components, path));
  if (
    schema.anyOf !== undefined &&
    !schema.anyOf.some((part) => schemaProblems(part, value, components, path).length === 0)
  ) {
    fail('matches none of anyOf');
  }
  return problems;
};

const hasType = (type: NonNullable<JsonSchema['type']>, value: unknown): boolean => {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
};
