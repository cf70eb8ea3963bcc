import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { CommerceCommand, Host } from '../composition/host';
import type { Principal } from './auth';
import { commandProblem, HttpProblem } from './problem';
import type { StreamReader } from './stream-reader';

/** Who may call a route: anyone, a customer, an admin, or either. */
export type Access = 'public' | 'customer' | 'admin' | 'authenticated';

/** What an `If-Match` header asks for: any existing version (`*`), or one of these versions. */
export type IfMatch =
  { readonly kind: 'any' } | { readonly kind: 'versions'; readonly versions: ReadonlyArray<bigint> };

/** What a route handler gets: the decoded body and path, the caller, and the command id to use. */
export interface RouteContext<B> {
  readonly host: Host;
  readonly reader: StreamReader;
  readonly body: B;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The caller; `undefined` only on public routes. */
  readonly principal: Principal | undefined;
  /** The command id: derived from the `Idempotency-Key` (the same in every process), or fresh. */
  readonly commandId: string;
  /** The scope of the `Idempotency-Key` (caller and key), to derive further ids from; `undefined` without a key. */
  readonly idempotencyScope: string | undefined;
  readonly ifMatch: IfMatch | undefined;
  /** The host clock's time, ISO-8601: the `at` of the commands. */
  readonly now: string;
  /** The client address. */
  readonly ip: string;
}

/** A route's answer. `etag` (a stream version) goes out as `ETag: "<version>"`. */
export interface RouteAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly etag?: bigint;
  readonly headers?: Readonly<Record<string, string>>;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
}

/** One documented answer of a route. */
export interface ResponseSpec {
  readonly description: string;
  /** The body's codec (described in the OpenAPI document through the codec converter). */
  readonly view?: t.Mixed;
  /** A body that is not JSON (`text/html`). */
  readonly contentType?: string;
  /** True when the answer carries an `ETag`. */
  readonly etag?: boolean;
  readonly location?: boolean;
}

/** One HTTP route: how it is called, documented, guarded and handled. */
export interface RouteSpec<B> {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** In OpenAPI form: `/orders/{orderId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly body?: t.Type<B, unknown, unknown>;
  /** Codec per path parameter (a bad one is a 400). */
  readonly params?: Readonly<Record<string, t.Mixed>>;
  /** Optional query parameters with their codecs. */
  readonly query?: Readonly<Record<string, t.Mixed>>;
  /** Takes an `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Takes an `If-Match` (the expected stream version). */
  readonly ifMatch?: boolean;
  /** The stricter budget of `POST /auth/token`. */
  readonly rateLimit?: 'auth';
  /** Success answers by status. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Error statuses besides the ones every route of its kind has (401/403/400/413/415/429/500). */
  readonly errors?: ReadonlyArray<number>;
  readonly handle: (context: RouteContext<B>) => Promise<RouteAnswer>;
}

/** A route of any body type, as the server and the OpenAPI builder take them. */
export type AnyRoute = RouteSpec<unknown>;

/** Erases a route's body type so routes of different bodies share one list. */
export const defineRoute = <B>(route: RouteSpec<B>): AnyRoute => route as unknown as AnyRoute;

/** `"3"` for version 3. */
export const etagOf = (version: bigint): string => `"${version}"`;

/** The shape of an `If-Match` the edge takes, as the document states it (a JSON Schema pattern). */
export const IF_MATCH_PATTERN = '^(\\*|"(0|[1-9][0-9]{0,17})"( *, *"(0|[1-9][0-9]{0,17})")*)$';

/** How a 400 names the expected `If-Match`. */
export const IF_MATCH_EXPECTED = '* or quoted stream versions ("3", "4")';

/**
 * Parses an `If-Match` header: `*`, or a list of strong entity tags holding stream versions
 * (`"3"`). Anything else (a weak tag, a tag that is no version) is `unmatchable`: a 400.
 */
export const parseIfMatch = (header: string | undefined): IfMatch | 'unmatchable' | undefined => {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { kind: 'any' };
  const versions: bigint[] = [];
  for (const part of value.split(',')) {
    const match = /^"(0|[1-9]\d{0,17})"$/.exec(part.trim());
    if (match?.[1] === undefined) return 'unmatchable';
    versions.push(BigInt(match[1]));
  }
  return versions.length === 0 ? 'unmatchable' : { kind: 'versions', versions };
};

/** The 412 of a write whose `If-Match` is not the stream's version (`undefined`: no stream yet). */
const preconditionFailed = (current: bigint | undefined): HttpProblem =>
  new HttpProblem(
    412,
    'precondition_failed',
    current === undefined
      ? 'If-Match names a version, but the resource has none yet'
      : `If-Match does not match the current version ${etagOf(current)}`,
    { headers: current === undefined ? {} : { etag: etagOf(current) } },
  );

/**
 * The version a write hands the command handler as its `expectedVersion`, from `If-Match`:
 * - none: `undefined` (no precondition);
 * - one version (`"3"`): that version, without a read; the command handler decides only on it, so
 *   a write landing first is a 412 too, and a retried command id is still its first answer;
 * - `*` or several versions: the current one (read by `current`, `undefined` for no stream) must
 *   exist, or be one of them (else 412 with the current `ETag`); for several, the command is then
 *   held to the version that matched; `*` asks only that the resource exists.
 */
export const expectedVersionOf = async (
  ifMatch: IfMatch | undefined,
  current: () => Promise<bigint | undefined>,
): Promise<bigint | undefined> => {
  if (ifMatch === undefined) return undefined;
  if (ifMatch.kind === 'versions' && ifMatch.versions.length === 1) return ifMatch.versions[0];
  const version = await current();
  const matches =
    version !== undefined && (ifMatch.kind === 'any' || ifMatch.versions.some((candidate) => candidate === version));
  if (!matches) throw preconditionFailed(version);
  return ifMatch.kind === 'any' ? undefined : version;
};

/** The caller, which a non-public route always has. */
export const callerOf = (
  context: RouteContext<unknown>,
): { readonly subject: string; readonly role: Principal['role'] } => {
  if (context.principal === undefined) throw new HttpProblem(401, 'unauthorized', 'a bearer token is required');
  return context.principal;
};

/** What a handled command left: the stream's state and version. */
export interface Executed<S> {
  readonly state: S;
  readonly version: bigint | undefined;
}

/**
 * Executes a command with the route's command id and time, held to `expectedVersion` when the
 * route has one (see {@link expectedVersionOf}); a rejection is thrown as its problem
 * (400/404/409/412/422), so routes read as the happy path.
 */
export const execute = async <S>(
  context: RouteContext<unknown>,
  command: CommerceCommand,
  expectedVersion?: bigint,
): Promise<Executed<S>> => {
  // A retried command (the same Idempotency-Key, so the same command id) is answered by the
  // command handler as a duplicate with the current state, even where its rule or its expected
  // version would refuse it now.
  const result = await context.host.execute(command, {
    commandId: context.commandId,
    occurredAt: context.now,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });
  if (E.isLeft(result)) {
    const failure = result.left;
    if (failure._tag === 'ConcurrencyConflict' && failure.expectedVersion !== undefined) {
      throw preconditionFailed(failure.actualVersion === 'no_stream' ? undefined : failure.actualVersion);
    }
    throw commandProblem(failure);
  }
  const { version, state } = result.right;
  return { state: state as S, version: version === 'no_stream' ? undefined : version };
};
