/**
 * A relay as a separate process, for the relay crash test (`outbox/relay-crash.int.spec.ts`), which
 * SIGKILLs it mid-batch. Its publisher inserts each message into `<schema>.published` (one row
 * per publication, numbered in order), pausing a little between messages so that a kill lands
 * between publish and mark. Prints `ready` once running; SIGTERM stops it cleanly.
 *
 * Environment: ORDO_RELAY_URL, ORDO_RELAY_SCHEMA, ORDO_RELAY_OWNER, ORDO_RELAY_LEASE_MS,
 * ORDO_RELAY_DELAY_MS.
 */
import type { OutgoingMessage } from '@ordo/kernel';
import pg from 'pg';
import { createPostgresOutboxRelay } from '../outbox/outbox-relay';
import { qualified } from '../schema/qualified-name';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const url = env('ORDO_RELAY_URL');
const schema = env('ORDO_RELAY_SCHEMA');
const owner = env('ORDO_RELAY_OWNER');
const leaseMs = Number(env('ORDO_RELAY_LEASE_MS'));
const delayMs = Number(env('ORDO_RELAY_DELAY_MS'));

const pool = new pg.Pool({ connectionString: url, max: 3 });
pool.on('error', () => undefined);
const published = qualified(schema, 'published');

const relay = createPostgresOutboxRelay({
  pool,
  schema,
  owner,
  batchSize: 10,
  leaseMs,
  pollMs: 20,
  publisher: {
    publish: async (messages: ReadonlyArray<OutgoingMessage>) => {
      for (const m of messages) {
        const headers = m.headers;
        await pool.query(
          `INSERT INTO ${published} (message_id, stream_id, stream_version, relay) VALUES ($1, $2, $3, $4)`,
          [m.id, headers['ordo-stream-id'], headers['ordo-stream-version'], owner],
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
  },
  onError: (error) => console.error(`[${owner}]`, error),
});

process.on('SIGTERM', () => {
  void relay
    .stop()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
relay.start();
console.log('ready');
