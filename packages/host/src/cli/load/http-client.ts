/**
 * The HTTP client of load runs: Node's built-in `fetch` (connections kept alive and reused by
 * its global agent), every request timed and counted under an operation name (`POST /orders`).
 * A request never throws: a refused connection or a timeout answers status 0 with the error.
 */
import { performance } from 'node:perf_hooks';
import { createHistogram, type Histogram } from './histogram';

/** What one request answered. */
export interface LoadResponse {
  /** HTTP status; 0 when no answer came (connection refused, reset, timed out). */
  readonly status: number;
  /** The parsed JSON body (problem+json included); `undefined` without a JSON body. */
  readonly body: unknown;
  readonly headers: Headers | undefined;
  /** Time from the call to the end of the body, ms. */
  readonly ms: number;
  /** Why no answer came (status 0). */
  readonly error?: string;
}

/** Counts of one operation. */
export interface OperationStats {
  /** Latencies of the 2xx answers. */
  readonly histogram: Histogram;
  /** Answers that were not 2xx and requests without an answer, by `status code` (`429 rate_limited`, `network`). */
  readonly failures: Map<string, number>;
}

/** Options of one request. */
export interface RequestOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  /** A pre-serialized JSON body (the benchmarks reuse one string). */
  readonly rawBody?: string;
  /** Bearer token. */
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A client of one server, with its counts. */
export interface LoadClient {
  readonly baseUrl: string;
  /** Sends a request and records it under `operation`. */
  request(operation: string, method: string, path: string, options?: RequestOptions): Promise<LoadResponse>;
  /** Counts per operation, in the order operations were first used. */
  stats(): ReadonlyMap<string, OperationStats>;
  /** Forgets every count (a benchmark's warm-up). */
  reset(): void;
}

/** Options of {@link createLoadClient}. */
export interface LoadClientOptions {
  /** `http://127.0.0.1:3000`; a trailing slash is dropped. */
  readonly baseUrl: string;
  /** A request without an answer this long is aborted and counted as `timeout` (default 10 000 ms). */
  readonly timeoutMs?: number;
}

/** The `code` of a problem+json body, when there is one. */
export const problemCode = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { readonly code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** The failure key of an answer: `429 rate_limited`, `500`, `network`, `timeout`. */
export const failureKey = (response: LoadResponse): string => {
  if (response.status === 0) return response.error === 'timeout' ? 'timeout' : 'network';
  const code = problemCode(response.body);
  return code === undefined ? String(response.status) : `${response.status} ${code}`;
};

const errorText = (error: unknown): string => {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    const cause = (error as { readonly cause?: unknown }).cause;
    if (cause instanceof Error) return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
};

/** Creates a {@link LoadClient} of the server at `options.baseUrl`. */
export const createLoadClient = (options: LoadClientOptions): LoadClient => {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  let stats = new Map<string, OperationStats>();
  const statsOf = (operation: string): OperationStats => {
    let s = stats.get(operation);
    if (s === undefined) {
      s = { histogram: createHistogram(), failures: new Map() };
      stats.set(operation, s);
    }
    return s;
  };
  const fail = (s: OperationStats, key: string) => s.failures.set(key, (s.failures.get(key) ?? 0) + 1);

  return {
    baseUrl,
    request: async (operation, method, path, request = {}) => {
      const s = statsOf(operation);
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      const started = performance.now();
      let answer: LoadResponse;
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Reading the body to its end returns the connection to the pool.
        const text = await response.text();
        const ms = performance.now() - started;
        let parsed: unknown = undefined;
        if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
        }
        answer = { status: response.status, body: parsed, headers: response.headers, ms };
      } catch (error) {
        answer = {
          status: 0,
          body: undefined,
          headers: undefined,
          ms: performance.now() - started,
          error: errorText(error),
        };
      }
      if (answer.status >= 200 && answer.status < 300) s.histogram.record(answer.ms);
      else fail(s, failureKey(answer));
      return answer;
    },
    stats: () => stats,
    reset: () => {
      stats = new Map();
    },
  };
};
