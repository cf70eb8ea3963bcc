import type { CommandFailure, DomainError, ValidationIssue } from '@ordo/kernel';

/** One field problem of a 400 answer. */
export interface ProblemIssue {
  readonly path: string;
  readonly expected: string;
  readonly actual?: unknown;
}

/** An RFC 9457 problem details body (`application/problem+json`). */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** The domain rejection code (409/422), or the edge's own code for its other answers. */
  readonly code?: string;
  /** Every bad field (400). */
  readonly errors?: ReadonlyArray<ProblemIssue>;
}

/** The media type of every error answer. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The standard title of an HTTP status. */
export const statusTitle = (status: number): string =>
  TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

/**
 * An error answer on its way out: thrown by a route or a hook and turned into problem+json by
 * the server's error handler. `headers` go out with it (`Retry-After`, `ETag`, `WWW-Authenticate`).
 */
export class HttpProblem extends Error {
  readonly body: ProblemBody;
  constructor(
    readonly status: number,
    code: string,
    detail: string,
    options: {
      readonly errors?: ReadonlyArray<ProblemIssue>;
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.headers = options.headers ?? {};
    this.body = {
      type: `urn:ordo:problem:${code.replace(/_/g, '-')}`,
      title: statusTitle(status),
      status,
      detail,
      code,
      ...(options.errors === undefined ? {} : { errors: options.errors }),
    };
  }
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Domain rejection codes that mean "the resource is not in a state for this" (the request would
 * be fine on another state): 409 Conflict. Codes ending in `_not_found` are 404; every other
 * rejection is 422 (the request contradicts a rule whatever the state).
 */
export const CONFLICT_CODES: ReadonlySet<string> = new Set([
  'product_already_exists',
  'product_discontinued',
  'order_already_placed',
  'order_already_confirmed',
  'order_already_paid',
  'order_already_shipped',
  'order_completed',
  'order_cancelled',
  'order_not_confirmed',
  'order_not_paid',
  'order_not_shipped',
  'customer_already_registered',
  'customer_locked',
  'email_already_verified',
  'email_taken',
  'payment_already_authorized',
  'payment_already_captured',
  'payment_voided',
  'payment_refunded',
  'payment_declined',
  'shipment_already_exists',
  'shipment_already_dispatched',
  'shipment_not_dispatched',
  'shipment_delivered',
  'shipment_failed',
  'shipment_cancelled',
  'reservation_conflict',
  'reservation_closed',
  'reservation_committed',
  'reservation_released',
  'concurrency_conflict',
]);

/** The HTTP status of a domain rejection code: 404, 409 or 422 (see {@link CONFLICT_CODES}). */
export const statusOfDomainCode = (code: string): 404 | 409 | 422 =>
  code.endsWith('_not_found') ? 404 : CONFLICT_CODES.has(code) ? 409 : 422;

const SECRET_FIELDS = /(^|\.)(password|passwordHash|currentPassword|newPassword)$/;

/** The issues of a ValidationError as problem `errors`; the values of secret fields never go back. */
export const problemIssues = (issues: ReadonlyArray<ValidationIssue>): ReadonlyArray<ProblemIssue> =>
  issues.map((issue) =>
    SECRET_FIELDS.test(issue.path)
      ? { path: issue.path, expected: issue.expected, actual: '<hidden>' }
      : issue.actual === undefined
        ? { path: issue.path, expected: issue.expected }
        : { path: issue.path, expected: issue.expected, actual: issue.actual },
  );

/** A 400 naming every bad field. */
export const badRequest = (
  issues: ReadonlyArray<ValidationIssue>,
  detail = 'the request has invalid fields',
): HttpProblem => new HttpProblem(400, 'invalid_request', detail, { errors: problemIssues(issues) });

/** A domain rejection as 404/409/422 with its code. */
export const domainProblem = (error: DomainError): HttpProblem =>
  new HttpProblem(statusOfDomainCode(error.code), error.code, error.message);

/** Any failure of `host.execute` as the problem it answers. */
export const commandProblem = (failure: CommandFailure): HttpProblem => {
  switch (failure._tag) {
    case 'ValidationError':
      return badRequest(failure.issues, failure.message);
    case 'DomainError':
      return domainProblem(failure);
    case 'ConcurrencyConflict':
      return new HttpProblem(409, 'concurrency_conflict', 'the resource kept changing; try again');
  }
};

/** 404 for a resource that does not exist, or that the caller may not see. */
export const notFound = (what: string): HttpProblem => new HttpProblem(404, 'not_found', `${what} not found`);
