/** `ordo load`: drives a running `ordo serve` through its HTTP API like a shop's customers. */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { adminCredentialsFrom } from '../admin-flags';
import type { CliCommand } from '../command';
import { EXIT, UsageError } from '../errors';
import type { ParsedArgs } from '../flags';
import { describeLoad, loadJson } from '../load/report';
import { type LoadOptions, runLoad } from '../load/run-load';
import { LoadError } from '../load/shop-api';
import { createProgress, type Progress } from '../progress';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/;

/** A duration flag's value in ms: `30s`, `2m`, `500ms`, or a bare number of seconds. */
export const parseDuration = (args: ParsedArgs, name: string): number | undefined => {
  const raw = args.string(name);
  if (raw === undefined) return undefined;
  const match = DURATION.exec(raw.trim());
  const value = match === null ? NaN : Number(match[1]);
  const unit = match?.[2] ?? 's';
  const ms = unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`${args.source(name)} must be a duration such as 30s, 2m or 500ms, got '${raw}'`);
  }
  return ms;
};

const URL_PATTERN = /^https?:\/\/[^\s/]+(\/.*)?$/;

/** {@link LoadOptions} from the flags; {@link UsageError}s name the flag. */
export const loadOptionsFrom = (args: ParsedArgs): LoadOptions => {
  const url = args.string('url') ?? 'http://127.0.0.1:3000';
  if (!URL_PATTERN.test(url))
    throw new UsageError(`${args.source('url')} must be an http:// or https:// URL, got '${url}'`);
  const durationMs = parseDuration(args, 'duration');
  let orders = args.integer('orders');
  if (orders !== undefined && durationMs !== undefined) {
    throw new UsageError(
      '--orders and --duration do not go together: give one (the run ends at N orders or after the time)',
    );
  }
  if (orders === undefined && durationMs === undefined) orders = 200;
  const rate = args.integer('rate');
  const concurrency = args.integer('concurrency') ?? (rate === undefined ? 8 : 64);
  const admin = adminCredentialsFrom(args);
  const seed = !args.boolean('no-seed');
  if (seed && admin === undefined) {
    throw new UsageError(
      'seeding products and stock needs the admin: --admin-email and --admin-password (or ORDO_ADMIN_*), or --no-seed to use the products on sale',
    );
  }
  for (const name of ['products', 'stock'] as const) {
    if (!seed && args.has(name)) {
      throw new UsageError(`--${name} is for seeding; it does nothing with --no-seed`);
    }
  }
  return {
    url,
    concurrency,
    ...(rate === undefined ? {} : { ratePerSecond: rate }),
    ...(orders === undefined ? {} : { orders }),
    ...(durationMs === undefined ? {} : { durationMs }),
    customers: args.integer('customers') ?? Math.min(concurrency, 32),
    ...(admin === undefined ? {} : { admin }),
    seed,
    products: args.integer('products') ?? 5,
    stock: args.integer('stock') ?? 1_000_000,
    cancelPercent: args.integer('cancel-percent') ?? 0,
    settleTimeoutMs: parseDuration(args, 'settle-timeout') ?? 30_000,
    requestTimeoutMs: parseDuration(args, 'request-timeout') ?? 10_000,
    randomSeed: args.integer('seed') ?? randomInt(1, 2 ** 31 - 1),
  };
};

/** `ordo load`. */
export const loadCommand: CliCommand = {
  name: 'load',
  summary: "drive a running 'ordo serve' through its HTTP API like a shop's customers, then check the invariants",
  usage: '[--url URL] [--orders N | --duration 30s] [--concurrency N | --rate N] [flags]',
  description: [
    'As the admin, adds --products products and receives --stock units of each (unless --no-seed); registers --customers customers and logs them in; then runs shopping sessions: GET /catalog, POST /orders (with an Idempotency-Key), with --cancel-percent a cancel, and GET /orders/{id}. Closed loop with --concurrency sessions at once, or open loop with --rate sessions started per second (at most --concurrency in flight).',
    'Then waits for every placed order to complete or be cancelled (--settle-timeout) and prints the throughput, latencies per operation (p50 / p90 / p99), a latency histogram, the outcomes (completed, cancelled by reason, failed requests by status) and the invariants, checked through the API: every placed order terminal; no 5xx; stock received = available + reserved + shipped (GET /inventory/levels); revenue gained (GET /analytics/revenue) = the totals of the completed orders (GET /orders/{id}). The stock and revenue checks need the admin; the revenue check assumes no other traffic completes orders meanwhile.',
    "A progress bar on a terminal, plain lines otherwise. Exit code 1 when an invariant fails or the run cannot go on (server unreachable, a setup call refused). The server's rate limits apply: start 'ordo serve' with larger --rate-limit / --auth-rate-limit for load tests.",
  ],
  flags: [
    {
      name: 'url',
      kind: 'string',
      placeholder: 'URL',
      description: "the running 'ordo serve'",
      defaultText: 'http://127.0.0.1:3000',
      env: true,
    },
    { name: 'orders', kind: 'integer', min: 1, description: 'sessions (orders) to run', defaultText: '200' },
    { name: 'duration', kind: 'string', placeholder: 'DURATION', description: 'run for this long instead (30s, 2m)' },
    {
      name: 'concurrency',
      kind: 'integer',
      min: 1,
      max: 10_000,
      description: 'sessions at once; with --rate, the most in flight',
      defaultText: '8, 64 with --rate',
    },
    { name: 'rate', kind: 'integer', min: 1, max: 1_000_000, description: 'sessions started per second (open loop)' },
    {
      name: 'customers',
      kind: 'integer',
      min: 1,
      max: 100_000,
      description: 'customers to register',
      defaultText: 'concurrency, at most 32',
    },
    {
      name: 'admin-email',
      kind: 'string',
      placeholder: 'EMAIL',
      description: 'the bootstrap admin of the server',
      env: true,
    },
    {
      name: 'admin-password',
      kind: 'string',
      placeholder: 'PASSWORD',
      description: "the bootstrap admin's password",
      env: true,
      secret: true,
    },
    { name: 'no-seed', kind: 'boolean', description: 'add no products and stock; order what GET /catalog lists' },
    {
      name: 'products',
      kind: 'integer',
      min: 1,
      max: 1_000,
      description: 'products to seed (load-1, load-2...)',
      defaultText: '5',
    },
    {
      name: 'stock',
      kind: 'integer',
      min: 1,
      description: 'units received per seeded product',
      defaultText: '1000000',
    },
    {
      name: 'cancel-percent',
      kind: 'integer',
      min: 0,
      max: 100,
      description: 'share of orders cancelled right after placing',
      defaultText: '0',
    },
    {
      name: 'settle-timeout',
      kind: 'string',
      placeholder: 'DURATION',
      description: 'how long placed orders may take to complete or be cancelled',
      defaultText: '30s',
    },
    {
      name: 'request-timeout',
      kind: 'string',
      placeholder: 'DURATION',
      description: 'longest wait for one answer',
      defaultText: '10s',
    },
    {
      name: 'seed',
      kind: 'integer',
      min: 0,
      description: "seed of the sessions' choices (printed)",
      defaultText: 'random',
    },
    { name: 'json', kind: 'string', placeholder: 'FILE', description: 'also write the summary as JSON to FILE' },
  ],
  examples: [
    'ordo serve --admin-email admin@example.com --admin-password "$ADMIN_PASSWORD" --rate-limit 1000000 --auth-rate-limit 10000',
    'ordo load --admin-email admin@example.com --admin-password "$ADMIN_PASSWORD" --orders 1000 --concurrency 32',
    'ordo load --url http://127.0.0.1:3000 --no-seed --rate 50 --duration 1m',
  ],
  run: async (args, context) => {
    const options = loadOptionsFrom(args);
    let load: Progress | undefined;
    let settle: Progress | undefined;
    const total = options.orders ?? Math.ceil((options.durationMs ?? 0) / 1000);
    const unit = options.orders === undefined ? 's' : 'orders';
    try {
      const report = await runLoad(options, {
        note: (line) => {
          const bar = load ?? settle;
          if (bar === undefined) context.print(`load: ${line}`);
          else bar.log(`load: ${line}`);
        },
        loadProgress: (done, elapsedMs, failed) => {
          load ??= createProgress({ label: 'load', total, unit, stream: context.stdout });
          const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
          const note = `${rate.toFixed(0)} sessions/s, ${failed} failed requests`;
          load.update(options.orders === undefined ? Math.floor(elapsedMs / 1000) : done, note);
        },
        settleProgress: (terminal, placed) => {
          if (load !== undefined) {
            load.finish();
            load = undefined;
          }
          settle ??= createProgress({
            label: 'settle',
            total: placed,
            unit: 'orders terminal',
            stream: context.stdout,
          });
          settle.update(terminal);
        },
      });
      settle?.finish();
      context.print('');
      context.print(describeLoad(report));
      const json = args.string('json');
      if (json !== undefined) writeFileSync(json, `${JSON.stringify(loadJson(report), null, 2)}\n`);
      return report.ok ? EXIT.ok : EXIT.failed;
    } catch (error) {
      load?.finish();
      settle?.finish();
      if (error instanceof LoadError) {
        context.warn(`ordo load: ${error.message}`);
        return EXIT.failed;
      }
      throw error;
    }
  },
};
