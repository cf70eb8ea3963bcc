// Spec support for the HTTP edge (not exported from the package): an in-memory host with a cheap
// scrypt cost and a manual clock, a server on it, and requests whose answers are checked against
// the OpenAPI document.
import * as assert from 'uvu/assert';
import { createManualClock, type ManualClock } from '@ordo/adapter-memory';
import type { Host } from '../composition/host';
import { createInMemoryHost } from '../composition/in-memory-host';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { createHttpServer, type HttpServer } from './create-http-server';
import type { HttpAuthOptions, HttpOptions } from './http-options';
import type { JsonSchema } from './openapi/json-schema';
import { schemaProblems } from './openapi/schema-check';

export const at = '2024-05-01T09:00:00.000Z';
export const admin = { email: 'admin@shop.test', password: 'admin-password-1' } as const;
export const address = { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' } as const;
export const jwtSecret = 'a-test-secret-of-at-least-32-chars!';

/** One answer, with its JSON body parsed. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: unknown;
  readonly text: string;
}

/** A request as `send` takes it. */
export interface Request {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly url: string;
  readonly token?: string;
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TestApi {
  readonly host: Host;
  readonly clock: ManualClock;
  readonly server: HttpServer;
  /** Sends a request and checks the answer against the OpenAPI document (status documented, body conforming). */
  send(request: Request): Promise<Answer>;
  /** Sends a request without checking the answer against the document. */
  raw(request: Request): Promise<Answer>;
  adminToken(): Promise<string>;
  /** Registers a customer and logs in: its id and token. */
  customer(email: string, password?: string): Promise<{ readonly customerId: string; readonly token: string }>;
  /** Adds products (`mug` 1200, `tea` 450, EUR) with stock. */
  shop(stock?: number): Promise<void>;
  close(): Promise<void>;
}

const operationOf = (server: HttpServer, method: string, url: string) => {
  const path = url.split('?')[0] ?? '';
  for (const [template, operations] of Object.entries(server.openapi.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return operations[method.toLowerCase()];
  }
  return undefined;
};

/** Checks an answer against the document: its status is documented and its body conforms. */
export const checkAgainstDocument = (server: HttpServer, request: Request, answer: Answer): void => {
  const operation = operationOf(server, request.method, request.url);
  if (operation === undefined) {
    assert.ok([404, 405].includes(answer.status), `${request.method} ${request.url} is not in the document`);
    assert.ok(String(answer.headers['content-type']).startsWith('application/problem+json'));
    return;
  }
  const documented = operation.responses[String(answer.status)] as
    { readonly $ref?: string; readonly content?: Record<string, { readonly schema: JsonSchema }> } | undefined;
  assert.ok(documented !== undefined, `${request.method} ${request.url}: status ${answer.status} is not documented`);
  const components = server.openapi.components as unknown as {
    readonly schemas: Record<string, JsonSchema>;
    readonly responses: Record<string, { readonly content: Record<string, { readonly schema: JsonSchema }> }>;
  };
  const response =
    documented.$ref === undefined
      ? documented
      : components.responses[documented.$ref.replace('#/components/responses/', '')];
  const content = response?.content;
  if (content === undefined) return;
  const type = String(answer.headers['content-type']).split(';')[0] ?? '';
  const media = content[type];
  assert.ok(
    media !== undefined,
    `${request.method} ${request.url}: ${type} is not a documented media type of ${answer.status}`,
  );
  if (type.includes('json')) {
    const problems = schemaProblems(media.schema, answer.body, components.schemas);
    assert.equal(problems, [], `${request.method} ${request.url} ${answer.status}: ${problems.join('; ')}`);
  }
};

/** Creates a test API on a fresh manual in-memory host. */
export const testApi = async (
  options: Omit<Partial<HttpOptions>, 'auth'> & { readonly auth?: Partial<HttpAuthOptions> } = {},
): Promise<TestApi> => {
  const clock = createManualClock(at);
  const host = await createInMemoryHost({ clock, passwordHasher: createScryptPasswordHasher({ N: 256 }) });
  const server = await createHttpServer(host, {
    ...options,
    auth: { jwtSecret, bootstrapAdmin: admin, ...options.auth },
  });
  const raw = async (request: Request): Promise<Answer> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
    if (request.payload !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    const response = await server.app.inject({
      method: request.method,
      url: request.url,
      headers,
      ...(request.payload === undefined
        ? {}
        : { payload: typeof request.payload === 'string' ? request.payload : JSON.stringify(request.payload) }),
    });
    let body: unknown = undefined;
    try {
      body = response.body.length === 0 ? undefined : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, headers: response.headers, body, text: response.body };
  };
  const send = async (request: Request) => {
    const answer = await raw(request);
    checkAgainstDocument(server, request, answer);
    return answer;
  };
  const tokenFor = async (email: string, password: string) => {
    const answer = await send({ method: 'POST', url: '/auth/token', payload: { email, password } });
    assert.is(answer.status, 200, answer.text);
    return (answer.body as { access_token: string }).access_token;
  };
  let adminToken: string | undefined;
  const api: TestApi = {
    host,
    clock,
    server,
    send,
    raw,
    adminToken: async () => (adminToken ??= await tokenFor(admin.email, admin.password)),
    customer: async (email, password = 'customer-password') => {
      const registered = await send({ method: 'POST', url: '/customers', payload: { email, password } });
      assert.is(registered.status, 201, registered.text);
      return {
        customerId: (registered.body as { customerId: string }).customerId,
        token: await tokenFor(email, password),
      };
    },
    shop: async (stock = 10) => {
      const token = await api.adminToken();
      for (const [sku, price] of [
        ['mug', 1200],
        ['tea', 450],
      ] as const) {
        const added = await send({
          method: 'POST',
          url: '/catalog/products',
          token,
          payload: { sku, name: sku, price, currency: 'EUR' },
        });
        assert.is(added.status, 201, added.text);
        const received = await send({
          method: 'POST',
          url: `/inventory/${sku}/receipts`,
          token,
          payload: { quantity: stock },
        });
        assert.is(received.status, 200, received.text);
      }
    },
    close: async () => {
      await server.close();
      await host.stop();
    },
  };
  return api;
};

/** The problem body of an answer, asserting its status and code. */
export const expectProblem = (answer: Answer, status: number, code?: string): Record<string, unknown> => {
  assert.is(answer.status, status, answer.text);
  assert.ok(String(answer.headers['content-type']).startsWith('application/problem+json'), 'problem+json');
  const body = answer.body as Record<string, unknown>;
  assert.is(body.status, status);
  if (code !== undefined) assert.is(body.code, code);
  assert.not.ok(answer.text.includes('    at '), 'no stack trace');
  return body;
};

/** A place-order body for `mug` x quantity. */
export const orderBody = (extra: Record<string, unknown> = {}, quantity = 1) => ({
  lines: [{ sku: 'mug', quantity, unitPrice: 1200 }],
  currency: 'EUR',
  shippingAddress: address,
  ...extra,
});
