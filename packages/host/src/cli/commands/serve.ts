/** `ordo serve`: the commerce system as a service, with its HTTP edge on the `api` role. */
import { randomBytes } from 'node:crypto';
import { createHost } from '../../composition/create-host';
import { HostConfigError } from '../../composition/host-config';
import type { Host } from '../../composition/host';
import { createHttpServer, type HttpOptions, type HttpServer } from '../../http';
import { installShutdownHandlers } from '../../runtime/shutdown';
import {
  kafkaFlags,
  messagingConfigFrom,
  rolesFlag,
  rolesFrom,
  storeConfigFrom,
  storeFlags,
  usageErrorOf,
} from '../backend-flags';
import { adminCredentialsFrom } from '../admin-flags';
import type { CliCommand } from '../command';
import { EXIT, UsageError } from '../errors';
import type { ParsedArgs } from '../flags';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The HTTP edge's options from the flags; a random signing key on the in-memory store when none is given. */
export const httpOptionsFrom = (
  args: ParsedArgs,
  persistent: boolean,
  warn: (line: string) => void,
): HttpOptions & { readonly port: number; readonly host: string } => {
  let jwtSecret = args.string('jwt-secret');
  if (jwtSecret === undefined) {
    if (persistent) {
      throw new UsageError(
        'a store that outlives the process needs --jwt-secret (or ORDO_JWT_SECRET): tokens must outlive a restart and pass between instances',
      );
    }
    jwtSecret = randomBytes(32).toString('base64url');
    warn('ordo serve: no --jwt-secret, signing tokens with a random key (they die with this process)');
  } else if (jwtSecret.length < 32) {
    throw new UsageError(`${args.source('jwt-secret')} must be at least 32 characters (it has ${jwtSecret.length})`);
  }
  const admin = adminCredentialsFrom(args);
  if (admin !== undefined && !EMAIL.test(admin.email)) {
    throw new UsageError(`${args.source('admin-email')} must be an e-mail address, got '${admin.email}'`);
  }
  if (admin !== undefined && admin.password.length < 8) {
    throw new UsageError(`${args.source('admin-password')} must be at least 8 characters (value hidden)`);
  }
  const ttl = args.integer('token-ttl');
  const max = args.integer('rate-limit');
  const authMax = args.integer('auth-rate-limit');
  const timeWindowMs = args.integer('rate-limit-window-ms');
  const rateLimit = {
    ...(max === undefined ? {} : { max }),
    ...(authMax === undefined ? {} : { authMax }),
    ...(timeWindowMs === undefined ? {} : { timeWindowMs }),
  };
  return {
    port: args.integer('port') ?? 3000,
    host: args.string('host') ?? '127.0.0.1',
    auth: {
      jwtSecret,
      ...(ttl === undefined ? {} : { tokenTtlSeconds: ttl }),
      ...(admin === undefined ? {} : { bootstrapAdmin: admin }),
    },
    ...(Object.keys(rateLimit).length === 0 ? {} : { rateLimit }),
    logger: args.boolean('log'),
  };
};

/** `ordo serve`. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the commerce system: workers of its roles, and the HTTP API on the api role',
  usage: '[flags]',
  description: [
    'In memory by default (one process; everything is lost on exit). With --store postgres and --kafka-brokers, several processes share one database and cluster, each running the --roles given.',
    'Stops on SIGTERM / SIGINT: the HTTP server first, then the host drains within --shutdown-deadline-ms (exit 0, or 1 past the deadline; a second signal exits at once with 130). Secrets (URLs, key, password) are never printed.',
  ],
  flags: [
    ...storeFlags,
    ...kafkaFlags,
    rolesFlag,
    {
      name: 'port',
      kind: 'integer',
      min: 0,
      max: 65_535,
      description: 'HTTP port (0: a free one)',
      defaultText: '3000',
      env: true,
    },
    {
      name: 'host',
      kind: 'string',
      placeholder: 'ADDRESS',
      description: 'interface to listen on',
      defaultText: '127.0.0.1',
      env: true,
    },
    {
      name: 'jwt-secret',
      kind: 'string',
      placeholder: 'KEY',
      description: 'signing key of access tokens, >= 32 characters (random on the in-memory store when left out)',
      env: true,
      secret: true,
    },
    {
      name: 'token-ttl',
      kind: 'integer',
      min: 1,
      max: 86_400,
      description: 'lifetime of an access token, seconds',
      defaultText: '900',
      env: true,
    },
    {
      name: 'admin-email',
      kind: 'string',
      placeholder: 'EMAIL',
      description: 'e-mail of a bootstrap administrator',
      env: true,
    },
    {
      name: 'admin-password',
      kind: 'string',
      placeholder: 'PASSWORD',
      description: "the bootstrap administrator's password, >= 8 characters",
      env: true,
      secret: true,
    },
    {
      name: 'rate-limit',
      kind: 'integer',
      min: 1,
      description: 'requests per window and token subject (or client address without a token)',
      defaultText: '600',
      env: true,
    },
    {
      name: 'auth-rate-limit',
      kind: 'integer',
      min: 1,
      description: 'POST /auth/token requests per window and client address',
      defaultText: '10',
      env: true,
    },
    {
      name: 'rate-limit-window-ms',
      kind: 'integer',
      min: 1,
      description: 'the window of both rate limits, ms',
      defaultText: '60000',
      env: true,
    },
    {
      name: 'instance-id',
      kind: 'string',
      placeholder: 'ID',
      description: 'names this process in leases and Kafka client ids',
      defaultText: 'random',
      env: true,
    },
    {
      name: 'shutdown-deadline-ms',
      kind: 'integer',
      min: 1,
      description: 'longest an orderly shutdown may take',
      defaultText: '10000',
      env: true,
    },
    { name: 'log', kind: 'boolean', description: 'log every HTTP request (JSON lines on stdout)', env: true },
  ],
  examples: [
    'ordo serve',
    'ordo serve --port 8080 --admin-email admin@example.com --admin-password "$ADMIN_PASSWORD"',
    'ORDO_DATABASE_URL=postgres://... ORDO_JWT_SECRET=... ordo serve --kafka-brokers localhost:9092 --roles api,saga,relay',
  ],
  run: async (args, context) => {
    const store = storeConfigFrom(args);
    const messaging = messagingConfigFrom(args);
    const roles = rolesFrom(args, messaging);
    const instanceId = args.string('instance-id');
    const api = roles === undefined || roles.includes('api');
    const http = api ? httpOptionsFrom(args, store.kind !== 'memory', context.warn) : undefined;

    let host: Host;
    try {
      host = await createHost({
        store,
        messaging,
        ...(roles === undefined ? {} : { roles }),
        ...(instanceId === undefined ? {} : { instanceId }),
      });
    } catch (error) {
      if (error instanceof HostConfigError) throw usageErrorOf(error);
      context.warn(`ordo serve: cannot start: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT.failed;
    }
    let server: HttpServer | undefined;
    let url = 'no HTTP (the api role is not run here)';
    if (http !== undefined) {
      try {
        server = await createHttpServer(host, http);
        url = await server.listen();
      } catch (error) {
        await server?.close().catch(() => undefined);
        await host.stop({ deadlineMs: 2_000 });
        context.warn(`ordo serve: cannot listen: ${error instanceof Error ? error.message : String(error)}`);
        return EXIT.failed;
      }
    }
    const deadlineMs = args.integer('shutdown-deadline-ms');
    const stoppable: Host = {
      ...host,
      stop: async (options) => {
        await server?.close().catch((error: unknown) => {
          context.warn(`ordo serve: closing HTTP: ${error instanceof Error ? error.message : String(error)}`);
        });
        return host.stop(options);
      },
    };
    installShutdownHandlers(stoppable, deadlineMs === undefined ? {} : { deadlineMs });
    const backends = `store ${store.kind}, messaging ${messaging.kind}, roles ${[...host.roles].join(',')}`;
    context.print(`ordo serve: ${server === undefined ? url : `listening on ${url}`} (${backends})`);
    return 'running';
  },
};
