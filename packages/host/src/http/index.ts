/**
 * The HTTP edge of the host: `createHttpServer(host, options)` serves the commerce system on
 * Fastify with problem+json errors, ETags, idempotency keys, bearer tokens, rate limits and an
 * OpenAPI 3.1 document generated from the domains' codecs. See docs/http.md.
 */
export { createHttpServer, HTTP_API_VERSION } from './create-http-server';
export type { HttpServer } from './create-http-server';
export { resolveHttpOptions } from './http-options';
export type {
  BootstrapAdmin,
  HttpAuthOptions,
  HttpIdempotencyOptions,
  HttpOptions,
  HttpRateLimitOptions,
  ResolvedHttpOptions,
} from './http-options';
export type { Principal, Role } from './auth';
export type { ProblemBody, ProblemIssue } from './problem';
export { CONFLICT_CODES, statusOfDomainCode } from './problem';
export { codecToJsonSchema, UnsupportedCodecError } from './openapi/json-schema';
export type { JsonSchema, OpaqueSchemas } from './openapi/json-schema';
export type { OpenApiDocument, OpenApiOperation } from './openapi/document';
