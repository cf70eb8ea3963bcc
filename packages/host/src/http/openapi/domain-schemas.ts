import { OrderLine, ShipmentLine } from '@ordo/domains';
import type { OpaqueSchemas } from './json-schema';

const IDENTIFIER = { type: 'string', pattern: '^[!-~]{1,128}$', minLength: 1, maxLength: 128 } as const;

/**
 * JSON Schemas of the domains' refined codecs (`refine` builds a plain `t.Type` with a predicate,
 * which carries no structure), by codec name, kept beside the predicates they restate
 * (`@ordo/domains` `shared/codecs.ts`, `order/lines.ts`, `shipping/lines.ts`) and the HTTP edge's own.
 */
export const domainSchemas: OpaqueSchemas = {
  NonEmptyString: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
  Identifier: IDENTIFIER,
  Sku: IDENTIFIER,
  PathId: { type: 'string', pattern: '^[!-$&-~]{1,128}$', minLength: 1, maxLength: 128 },
  PositiveInt: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  Currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  IsoDateTime: { type: 'string', format: 'date-time' },
  Email: { type: 'string', format: 'email', maxLength: 254 },
  PasswordHash: { type: 'string', minLength: 8, maxLength: 1024 },
  Password: { type: 'string', minLength: 8, maxLength: 256, description: '8 to 256 characters' },
  LoginPassword: { type: 'string', minLength: 1, maxLength: 1024 },
  'OrderLines(non-empty, one line per sku)': (convert) => ({
    type: 'array',
    items: convert(OrderLine),
    minItems: 1,
    description: 'at least one line, one line per sku',
  }),
  'ShipmentLines(non-empty, one line per sku)': (convert) => ({
    type: 'array',
    items: convert(ShipmentLine),
    minItems: 1,
    description: 'at least one line, one line per sku',
  }),
};
