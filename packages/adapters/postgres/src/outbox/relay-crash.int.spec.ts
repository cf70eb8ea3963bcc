import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { qualified } from '../schema/qualified-name';
import {
  type ExtrasDatabase,
  type Publication,
  checkPublications,
  message,
  newOrderEvent,
  openExtrasDatabase,
  sleep,
} from '../test-support';
import { PostgresOutbox, outboxHook } from './postgres-outbox';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const RELAY_SCRIPT = fileURLToPath(new URL('../test-support/relay-process.ts', import.meta.url));
const LEASE_MS = 800;

let db: ExtrasDatabase;
test.before(async () => {
  db = await openExtrasDatabase('pg_relay_crash');
  await db.pool.query(
    `CREATE TABLE ${qualified(db.schema, 'published')} (
       seq bigserial PRIMARY KEY,
       message_id text NOT NULL,
       stream_id text NOT NULL,
       stream_version bigint NOT NULL,
       relay text NOT NULL
     )`,
  );
});
test.after(async () => {
  await db.close();
});

interface RelayProcess {
  readonly owner: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

const startRelay = async (owner: string): Promise<RelayProcess> => {
  const child = spawn(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', RELAY_SCRIPT], {
    cwd: ROOT,
    env: {
      ...process.env,
      ORDO_RELAY_URL: db.url,
      ORDO_RELAY_SCHEMA: db.schema,
      ORDO_RELAY_OWNER: owner,
      ORDO_RELAY_LEASE_MS: String(LEASE_MS),
      ORDO_RELAY_DELAY_MS: '8',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`relay ${owner} exited early (${code ?? signal})`)));
  });
  return { owner, child, exited };
};

const publishedBy = async (owner: string): Promise<number> => {
  const r = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${qualified(db.schema, 'published')} WHERE relay = $1`,
    [owner],
  );
  return Number(r.rows[0]?.n ?? 0);
};

/** Messages a relay published whose outbox row is still unmarked: it died between publish and mark. */
const publishedButUnmarked = async (owner: string): Promise<string[]> => {
  const r = await db.pool.query<{ message_id: string }>(
    `SELECT DISTINCT p.message_id FROM ${qualified(db.schema, 'published')} p
     JOIN ${qualified(db.schema, 'ordo_outbox')} o ON o.id = p.message_id
     JOIN ${qualified(db.schema, 'ordo_outbox_watermarks')} w ON w.bucket = o.bucket
     WHERE p.relay = $1 AND o.seq > w.published_through`,
    [owner],
  );
  return r.rows.map((row) => row.message_id);
};

/** Appends `rounds` events to each of `streams` streams through the store (its hook writes the outbox). */
const appendEvents = async (store: PostgresEventStore, prefix: string, streams: number, rounds: number) => {
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        store.appendToStream(`${prefix}${s}`, [newOrderEvent({ type: 'ItemAdded', amount: r })]),
      ),
    );
  }
};

/**
 * Two relay processes drain the outbox of 1000 events of 50 streams (appended through the event
 * store, whose hook writes the outbox, partly while the relays run) while the test SIGKILLs one
 * of them mid-batch, over and over, and starts a replacement. Invariant: every message is
 * published at least once (none lost), and in each stream the first publications come in version
 * order; the messages a killed relay published but never marked are published again later.
 */
test('relay processes SIGKILLed mid-batch and restarted: every message published at least once, in order', async () => {
  const outbox = new PostgresOutbox({ pool: db.pool, schema: db.schema });
  const store = new PostgresEventStore({ pool: db.pool, schema: db.schema, inTransaction: [outboxHook(db.schema)] });
  await appendEvents(store, 'order-', 40, 15);
  const lateWriter = appendEvents(store, 'late-', 10, 40);

  let generation = 0;
  const relays: RelayProcess[] = [await startRelay(`relay-${generation++}`), await startRelay(`relay-${generation++}`)];
  const killedMidBatch = new Map<string, string[]>();
  let kills = 0;
  try {
    for (let round = 0; round < 6 && (await outbox.pending()) > 0; round++) {
      const victim = relays[round % 2];
      assert.ok(victim);
      // Wait until the victim is publishing, then kill it at a random point of its work.
      const until = Date.now() + 15_000;
      while ((await publishedBy(victim.owner)) < 5 && Date.now() < until) await sleep(10);
      await sleep(Math.floor(Math.random() * 40));
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      const unmarked = await publishedButUnmarked(victim.owner);
      if (unmarked.length > 0) killedMidBatch.set(victim.owner, unmarked);
      relays[round % 2] = await startRelay(`relay-${generation++}`);
    }
    await lateWriter;
    const deadline = Date.now() + 60_000;
    while ((await outbox.pending()) > 0 && Date.now() < deadline) await sleep(100);
  } finally {
    for (const r of relays) r.child.kill('SIGTERM');
    await Promise.all(relays.map((r) => r.exited));
  }

  assert.is(await outbox.pending(), 0, 'the outbox drained after the crashes');
  const expected = (await store.readAll()).map((e) => ({
    ...message(e.streamId, Number(e.streamVersion), Number(e.globalPosition)),
    id: e.metadata.eventId,
  }));
  assert.is(expected.length, 1000);
  await store.close();
  const rows = await db.pool.query<{ message_id: string; stream_id: string; stream_version: string; relay: string }>(
    `SELECT message_id, stream_id, stream_version, relay FROM ${qualified(db.schema, 'published')} ORDER BY seq`,
  );
  const log: Publication[] = rows.rows.map((r) => ({
    id: r.message_id,
    streamId: r.stream_id,
    streamVersion: BigInt(r.stream_version),
    by: r.relay,
  }));
  const { problems, duplicates } = checkPublications(expected, log);
  assert.equal(problems, []);
  assert.ok(kills >= 4, `the relays were killed ${kills} times`);
  assert.ok(killedMidBatch.size > 0, 'at least one kill landed between publish and mark');
  for (const [owner, ids] of killedMidBatch) {
    for (const id of ids) {
      const again = log.filter((p) => p.id === id && p.by !== owner);
      assert.ok(again.length > 0, `${id}, published by killed ${owner} but unmarked, was published again`);
    }
  }
  console.log(
    `  relay crash: ${expected.length} messages, ${kills} SIGKILLs (${killedMidBatch.size} mid-batch), ` +
      `${log.length} publications, ${duplicates} duplicates`,
  );
});

test.run();
