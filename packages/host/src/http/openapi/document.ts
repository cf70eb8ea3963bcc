import type * as t from 'io-ts';
import { Views } from '../codecs';
import { PROBLEM_MEDIA_TYPE, statusTitle } from '../problem';
import { type AnyRoute, IF_MATCH_PATTERN } from '../route-kit';
import { domainSchemas } from './domain-schemas';
import { codecToJsonSchema, type JsonSchema } from './json-schema';

/** An OpenAPI 3.1 document, as plain JSON data. */
export type OpenApiDocument = Readonly<Record<string, unknown>> & {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, JsonSchema>> } & Readonly<Record<string, unknown>>;
};

/** One operation of the document (the parts the server and the tests read). */
export interface OpenApiOperation {
  readonly operationId: string;
  readonly responses: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** The error statuses a route can answer, from what it takes and who may call it. */
export const errorStatusesOf = (route: AnyRoute): ReadonlyArray<number> => {
  const statuses = new Set<number>([429, 500, ...(route.errors ?? [])]);
  if (route.params !== undefined) statuses.add(414);
  if (route.access !== 'public') {
    statuses.add(401);
    statuses.add(403);
  }
  if (route.body !== undefined) [400, 413, 415].forEach((s) => statuses.add(s));
  if (route.params !== undefined || route.query !== undefined) statuses.add(400);
  // 409: a repeat while another process still answers the same key (see idempotency.ts).
  if (route.idempotent) [400, 409, 422].forEach((s) => statuses.add(s));
  if (route.ifMatch) [400, 412].forEach((s) => statuses.add(s));
  return [...statuses].sort((a, b) => a - b);
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Builds the OpenAPI 3.1 document of `routes`: request bodies, path and query parameters and
 * response bodies described by converting their io-ts codecs (the same codecs that decode them),
 * every error as `application/problem+json`, bearer auth on the non-public routes.
 */
export const buildOpenApiDocument = (
  routes: ReadonlyArray<AnyRoute>,
  info: { readonly version: string },
): OpenApiDocument => {
  const schemas: Record<string, JsonSchema> = {};
  const named = (codec: t.Mixed): { $ref: string } => {
    if (!Object.hasOwn(schemas, codec.name)) schemas[codec.name] = codecToJsonSchema(codec, domainSchemas);
    return ref(codec.name);
  };
  const inline = (codec: t.Mixed) => codecToJsonSchema(codec, domainSchemas);
  named(Views.Problem);
  const errorStatuses = new Set<number>();
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [
      ...Object.entries(route.params ?? {}).map(([name, codec]) => ({
        name,
        in: 'path',
        required: true,
        schema: inline(codec),
      })),
      ...Object.entries(route.query ?? {}).map(([name, codec]) => ({
        name,
        in: 'query',
        required: false,
        schema: inline(codec),
      })),
    ];
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes the request safe to retry: the same key and body answer the first response again; the same key with another body is a 422',
        schema: { type: 'string', pattern: '^[!-~]{1,255}$' },
      });
    }
    if (route.ifMatch) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The ETag (stream version) the write expects, e.g. "3"; another current version is a 412',
        schema: { type: 'string', pattern: IF_MATCH_PATTERN },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const headers: Record<string, unknown> = {};
      if (response.etag) headers.ETag = { description: 'The stream version, quoted', schema: { type: 'string' } };
      if (response.location) headers.Location = { description: 'Where the resource is', schema: { type: 'string' } };
      responses[status] = {
        description: response.description,
        ...(Object.keys(headers).length === 0 ? {} : { headers }),
        ...(response.contentType !== undefined
          ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
          : response.view === undefined
            ? {}
            : { content: { 'application/json': { schema: named(response.view) } } }),
      };
    }
    for (const status of errorStatusesOf(route)) {
      errorStatuses.add(status);
      responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
    }
    const operation: OpenApiOperation = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(route.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: named(route.body) } } } }),
      responses,
      security: route.access === 'public' ? [] : [{ bearer: [] }],
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  const problemResponses = Object.fromEntries(
    [...errorStatuses]
      .sort((a, b) => a - b)
      .map((status) => [
        `Problem${status}`,
        {
          description: `${statusTitle(status)} (RFC 9457 problem details)`,
          ...(status === 429
            ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'string' } } } }
            : {}),
          content: { [PROBLEM_MEDIA_TYPE]: { schema: ref('Problem') } },
        },
      ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ordo commerce API',
      version: info.version,
      description:
        'The HTTP edge of the Ordo commerce system. Errors are RFC 9457 problem details; reads answer an ETag (the stream version) that If-Match takes on writes; Idempotency-Key makes writes safe to retry.',
    },
    servers: [{ url: '/' }],
    tags: ['catalog', 'inventory', 'customers', 'orders', 'payments', 'shipments', 'analytics', 'health', 'meta'].map(
      (name) => ({ name }),
    ),
    paths,
    components: {
      schemas,
      responses: problemResponses,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
};
