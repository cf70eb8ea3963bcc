import { randomBytes, randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { decodeWith, type ValidationIssue } from '@ordo/kernel';
import type { Host } from '../composition/host';
import { HostTokens, resolveService } from '../composition/tokens';
import { bearerToken, createTokenService, forbidden, type Principal, unauthorized } from './auth';
import { type HttpOptions, resolveHttpOptions } from './http-options';
import {
  createIdempotencyStore,
  createSharedIdempotencyStore,
  derivedId,
  fingerprintOf,
  idempotencyKeyOf,
  type RememberedAnswer,
} from './idempotency';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document';
import { renderDocsPage } from './openapi/docs-page';
import { badRequest, HttpProblem, PROBLEM_MEDIA_TYPE, type ProblemBody, statusTitle } from './problem';
import {
  type AnyRoute,
  defineRoute,
  etagOf,
  IF_MATCH_EXPECTED,
  parseIfMatch,
  type RouteAnswer,
  type RouteContext,
} from './route-kit';
import { analyticsRoutes } from './routes/analytics';
import { catalogRoutes } from './routes/catalog';
import { customerRoutes } from './routes/customers';
import { healthRoutes } from './routes/health';
import { inventoryRoutes } from './routes/inventory';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { createStreamReader } from './stream-reader';

/** A running (or ready to run) HTTP edge of a host. */
export interface HttpServer {
  /** The Fastify instance: `app.inject(...)` answers requests without a socket. */
  readonly app: FastifyInstance;
  /** The OpenAPI 3.1 document served at `/openapi.json`. */
  readonly openapi: OpenApiDocument;
  /** Starts listening on the configured host and port; answers the URL (`http://127.0.0.1:43121`). */
  listen(): Promise<string>;
  /** Stops taking connections and closes the ones open; the host keeps running (stop it yourself). */
  close(): Promise<void>;
}

/** The API's version in the OpenAPI document. */
export const HTTP_API_VERSION = '0.1.0';

type Authenticated = Principal | 'invalid' | undefined;

const problemReply = (reply: FastifyReply, body: ProblemBody, headers: Readonly<Record<string, string>> = {}) =>
  reply.code(body.status).headers(headers).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));

const fastifyProblem = (error: FastifyError): HttpProblem | undefined => {
  const status = error.statusCode;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, 'body_too_large', 'the request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported_media_type', 'request bodies must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest([{ path: '', expected: 'a JSON body', actual: undefined }], 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badRequest([{ path: '', expected: 'valid JSON', actual: undefined }], 'the body is not valid JSON');
  }
  if (status === 429) {
    return new HttpProblem(429, 'rate_limited', 'too many requests; wait as Retry-After says');
  }
  if (error instanceof SyntaxError || (status === 400 && error.code?.startsWith('FST_ERR_CTP'))) {
    return badRequest([{ path: '', expected: 'valid JSON', actual: undefined }], 'the body is not valid JSON');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new HttpProblem(status, 'bad_request', statusTitle(status));
  }
  return undefined;
};

const decodeStrings = (
  where: 'path' | 'query',
  values: Readonly<Record<string, unknown>>,
  codecs: Readonly<Record<string, t.Mixed>>,
  required: boolean,
): Record<string, string> => {
  const issues: ValidationIssue[] = [];
  const decoded: Record<string, string> = {};
  for (const [name, codec] of Object.entries(codecs)) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined && !required) continue;
    if (typeof value === 'string' && codec.is(value)) decoded[name] = value;
    else issues.push({ path: `${where}.${name}`, expected: codec.name, actual: value });
  }
  if (issues.length > 0) throw badRequest(issues, `invalid ${where} parameters`);
  return decoded;
};

const toRemembered = (answer: RouteAnswer): RememberedAnswer => ({
  status: answer.status,
  body: answer.body,
  headers: {
    'content-type': answer.contentType ?? 'application/json; charset=utf-8',
    ...(answer.etag === undefined ? {} : { etag: etagOf(answer.etag) }),
    ...answer.headers,
  },
});

const problemAnswer = (problem: HttpProblem): RememberedAnswer => ({
  status: problem.status,
  body: problem.body,
  headers: { 'content-type': PROBLEM_MEDIA_TYPE, ...problem.headers },
});

/**
 * Creates the HTTP edge of `host` on Fastify 5: one route per command and query of the commerce
 * domains, bodies decoded by the domains' codecs, errors as RFC 9457 problem details, `ETag` /
 * `If-Match` on stream versions, `Idempotency-Key` as the command id, HS256 bearer tokens from
 * `POST /auth/token`, rate limits per token subject or client address, and the OpenAPI 3.1
 * document generated from the codecs at `/openapi.json` (a page at `/docs`). See docs/http.md.
 *
 * Bad options throw the kernel's `invalidOptionError` naming the option. The server does not own
 * the host: `close()` leaves it running.
 *
 * @example
 * const host = await createHost();
 * const server = await createHttpServer(host, { port: 8080, auth: { jwtSecret: process.env.ORDO_JWT_SECRET! } });
 * console.log(await server.listen());
 */
export const createHttpServer = async (host: Host, options: HttpOptions): Promise<HttpServer> => {
  const config = resolveHttpOptions(options);
  const now = () => host.clock.now();
  const tokens = createTokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds, now);
  const hasher = resolveService(host.container, HostTokens.PasswordHasher);
  const reader = createStreamReader(host);
  // Shared by every process where the store backend offers it (PostgreSQL), else this process's own.
  const sharedAnswers = resolveService(host.container, HostTokens.StoreBackend).sharedAnswers;
  const idempotency =
    sharedAnswers === undefined
      ? createIdempotencyStore(config.idempotency.maxEntries, config.idempotency.ttlMs)
      : createSharedIdempotencyStore(sharedAnswers, { ttlMs: config.idempotency.ttlMs });
  const decoyHash = await hasher.hash(randomBytes(18).toString('base64url'));
  const authenticated = new WeakMap<FastifyRequest, Authenticated>();

  const app = Fastify({
    logger: config.logger
      ? { level: 'info', redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '<hidden>' } }
      : false,
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    // Long ids reach the routes, whose codecs answer a 400 naming the parameter.
    routerOptions: { maxParamLength: 2048 },
    // `__proto__` / `constructor` keys are dropped rather than refused: the codecs ignore extra keys.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    frameworkErrors: (error, _request, reply) => {
      const problem =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new HttpProblem(414, 'uri_too_long', 'a path parameter is too long')
          : badRequest([{ path: 'url', expected: 'a well-formed URL', actual: undefined }], 'the URL is malformed');
      void problemReply(reply, problem.body);
    },
  });
  // Only JSON bodies: a text/plain body is a 415, not a string for the codecs to refuse.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    let principal: Authenticated;
    try {
      const token = bearerToken(request.headers.authorization);
      principal = token === undefined ? undefined : ((await tokens.verify(token)) ?? 'invalid');
    } catch {
      principal = 'invalid';
    }
    authenticated.set(request, principal);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Methods the router does not know at all (QUERY, PROPFIND) fail before the 404 handler.
    const wrongMethod = error instanceof HttpProblem ? undefined : methodNotAllowed(request);
    if (wrongMethod !== undefined) return problemReply(reply, wrongMethod.body, { allow: wrongMethod.allow });
    const problem = error instanceof HttpProblem ? error : fastifyProblem(error);
    if (problem !== undefined) return problemReply(reply, problem.body, problem.headers);
    request.log.error({ err: error }, 'unexpected error');
    return problemReply(reply, {
      type: 'urn:ordo:problem:internal-error',
      title: statusTitle(500),
      status: 500,
      detail: 'an unexpected error occurred; it was logged',
      code: 'internal_error',
    });
  });
  // Filled once the routes are known: a known path with another method is a 405 with `Allow`.
  const methodsByPath: Array<{ readonly pattern: RegExp; readonly methods: string[] }> = [];
  const methodNotAllowed = (request: FastifyRequest): { body: ProblemBody; allow: string } | undefined => {
    const path = request.url.split('?')[0] ?? '';
    const known = methodsByPath.find((entry) => entry.pattern.test(path));
    if (known === undefined || known.methods.includes(request.method)) return undefined;
    const allow = [...known.methods, ...(known.methods.includes('GET') ? ['HEAD'] : [])].join(', ');
    const problem = new HttpProblem(
      405,
      'method_not_allowed',
      `${request.method} is not allowed on ${path}; use ${allow}`,
    );
    return { body: problem.body, allow };
  };
  app.setNotFoundHandler((request, reply) => {
    const wrongMethod = methodNotAllowed(request);
    if (wrongMethod !== undefined) return problemReply(reply, wrongMethod.body, { allow: wrongMethod.allow });
    const path = request.url.split('?')[0] ?? '';
    return problemReply(reply, new HttpProblem(404, 'route_not_found', `no route ${request.method} ${path}`).body);
  });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.timeWindowMs,
    hook: 'preHandler',
    keyGenerator: (request) => {
      const principal = authenticated.get(request);
      return typeof principal === 'object' ? `sub:${principal.subject}` : `ip:${request.ip}`;
    },
  });

  const principalFor = (route: AnyRoute, request: FastifyRequest): Principal | undefined => {
    if (route.access === 'public') return undefined;
    const principal = authenticated.get(request);
    if (principal === undefined) throw unauthorized('a bearer token is required');
    if (principal === 'invalid') throw unauthorized('the bearer token is invalid or expired', 'invalid_token');
    if (route.access === 'admin' && principal.role !== 'admin') throw forbidden();
    if (route.access === 'customer' && principal.role !== 'customer') throw forbidden('this is for customers');
    return principal;
  };

  const handlerOf = (route: AnyRoute) => {
    const decodeBody = route.body === undefined ? undefined : decodeWith(route.body, 'body');
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = principalFor(route, request);
      const params = decodeStrings('path', request.params as Record<string, unknown>, route.params ?? {}, true);
      const query = decodeStrings('query', (request.query ?? {}) as Record<string, unknown>, route.query ?? {}, false);
      let body: unknown = undefined;
      if (decodeBody !== undefined) {
        const decoded = decodeBody(request.body);
        if (E.isLeft(decoded)) throw badRequest(decoded.left.issues);
        body = decoded.right;
      }
      const key = route.idempotent ? idempotencyKeyOf(request.headers['idempotency-key']) : undefined;
      const ifMatch = route.ifMatch ? parseIfMatch(request.headers['if-match']) : undefined;
      if (ifMatch === 'unmatchable') {
        throw badRequest(
          [{ path: 'header.if-match', expected: IF_MATCH_EXPECTED, actual: request.headers['if-match'] }],
          'If-Match must be * or strong entity tags holding stream versions, such as "3"',
        );
      }
      const scope = key === undefined ? undefined : `${principal?.subject ?? 'anonymous'}|${key}`;
      const context: RouteContext<unknown> = {
        host,
        reader,
        body,
        params,
        query,
        principal,
        commandId: scope === undefined ? randomUUID() : derivedId('http-', scope),
        idempotencyScope: scope,
        ifMatch,
        now: now().toISOString(),
        ip: request.ip,
      };
      const run = async (): Promise<RememberedAnswer> => {
        try {
          return toRemembered(await route.handle(context));
        } catch (error) {
          if (error instanceof HttpProblem && error.status < 500) return problemAnswer(error);
          throw error;
        }
      };
      const { answer, replayed } =
        scope === undefined
          ? { answer: await run(), replayed: false }
          : await idempotency.run(scope, fingerprintOf([route.method, route.path, params, request.body]), run);
      reply.code(answer.status).headers(answer.headers);
      if (replayed) reply.header('idempotent-replayed', 'true');
      if (route.rateLimit === 'auth') reply.header('cache-control', 'no-store');
      const type = answer.headers['content-type'] ?? '';
      return reply.send(type.includes('json') ? JSON.stringify(answer.body) : answer.body);
    };
  };

  const metaRoutes: ReadonlyArray<AnyRoute> = [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This API’s OpenAPI 3.1 document',
      tag: 'meta',
      access: 'public',
      responses: { 200: { description: 'the document', view: t.UnknownRecord } },
      handle: async () => ({ status: 200, body: document }),
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      operationId: 'docs',
      summary: 'A page listing the operations',
      tag: 'meta',
      access: 'public',
      responses: { 200: { description: 'the page', contentType: 'text/html' } },
      handle: async () => ({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: renderDocsPage(document),
        headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
      }),
    }),
  ];
  const routes: ReadonlyArray<AnyRoute> = [
    ...catalogRoutes,
    ...inventoryRoutes,
    ...customerRoutes({ tokens, hasher, bootstrapAdmin: config.auth.bootstrapAdmin, decoyHash }),
    ...orderRoutes,
    ...paymentRoutes,
    ...analyticsRoutes,
    ...healthRoutes,
    ...metaRoutes,
  ];
  // The meta routes read it when called, once it is built.
  const document: OpenApiDocument = buildOpenApiDocument(routes, { version: HTTP_API_VERSION });

  for (const route of routes) {
    const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`);
    const entry = methodsByPath.find((e) => e.pattern.source === pattern.source);
    if (entry === undefined) methodsByPath.push({ pattern, methods: [route.method] });
    else entry.methods.push(route.method);
    const limit =
      route.rateLimit === 'auth'
        ? {
            max: config.rateLimit.authMax,
            timeWindow: config.rateLimit.timeWindowMs,
            keyGenerator: (request: FastifyRequest) => `auth:${request.ip}`,
          }
        : route.tag === 'health'
          ? false
          : undefined;
    app.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      ...(limit === undefined ? {} : { config: { rateLimit: limit } }),
      handler: handlerOf(route),
    });
  }
  await app.ready();

  return {
    app,
    openapi: document,
    listen: async () => app.listen({ port: config.port, host: config.host }),
    close: async () => {
      await app.close();
    },
  };
};
