/**
 * PostgreSQL event store benchmark: Ordo's adapter side by side with Emmett 0.42
 * (`@event-driven-io/emmett-postgresql`) and raw `pg` INSERTs into an equivalent table (the
 * ceiling), on the same server in the same run, each peer in its own database.
 *
 *   node --conditions=ordo-source --import tsx bench/src/postgres/postgres-bench.ts
 *
 * Starts an embedded PostgreSQL (fsync on: real commits) through scripts/postgres/server.mjs
 * unless DATABASE_URL is set. BENCH_SCALE=0.5 halves every timed phase; ORDO_VARIANTS=2,3 adds
 * Ordo peers with 2 and 3 groups in flight. Prints tables and JSON, and writes
 * bench/results/postgres.json.
 *
 * Each scenario runs in rounds; in every round each peer runs a slice in turn (alternating the
 * order), so that the peers share whatever else the machine is doing.
 *
 * Scenarios: single-event appends by 1, 8 and 32 concurrent writers (each on its own stream);
 * 8 writers on one hot stream without a version check (rejections counted); batch appends of 100
 * and 1000 events; reading a 10k-event stream; a readAll catch-up from position 0.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';
import { type Measurement, Recorder, runFor, runTimes } from './measure';
import { type Peer, benchEvent, emmettPeer, ordoPeer, rawPeer } from './peers';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const seconds = (s: number) => Math.max(0.5, s * SCALE);

interface ScenarioResult {
  readonly name: string;
  readonly peers: Readonly<Record<string, Measurement>>;
  readonly ratios: Readonly<Record<string, number>>;
  readonly target?: string;
  readonly targetMet?: boolean;
}

const log = (text: string) => process.stderr.write(`${text}\n`);

let eventCounter = 0;
const events = (n: number) => Array.from({ length: n }, () => benchEvent(eventCounter++));

const main = async () => {
  const server = await ensurePostgres();
  const names = {
    ordo: uniqueDatabaseName('bench_ordo'),
    emmett: uniqueDatabaseName('bench_emmett'),
    raw: uniqueDatabaseName('bench_raw'),
  };
  const urls = {
    ordo: await createDatabase(server.url, names.ordo),
    emmett: await createDatabase(server.url, names.emmett),
    raw: await createDatabase(server.url, names.raw),
  };
  const info = await (async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; fsync: string; sync: string }>(
        "SELECT version() AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync",
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  })();
  log(`server: ${info.version.split(' on ')[0]}, fsync=${info.fsync}, synchronous_commit=${info.sync}`);

  const ordo = await ordoPeer(urls.ordo);
  const emmett = await emmettPeer(urls.emmett, 40);
  const raw = await rawPeer(urls.raw, 40);
  // Every peer counts what it wrote, so that the read scenarios can give each the same log size.
  const written = new Map<string, number>();
  const counting = (peer: Peer): Peer => ({
    ...peer,
    append: async (streamId, batch) => {
      await peer.append(streamId, batch);
      written.set(peer.name, (written.get(peer.name) ?? 0) + batch.length);
    },
  });
  const variants = (process.env.ORDO_VARIANTS ?? '').split(',').filter(Boolean).map(Number);
  const extra = await Promise.all(variants.map((n) => ordoPeer(urls.ordo, `ordo_if${n}`, n)));
  const peers: ReadonlyArray<Peer> = [ordo, ...extra, emmett, raw].map(counting);
  const results: ScenarioResult[] = [];

  /**
   * Runs a scenario in `rounds` rounds; in each round every peer runs one slice, in turn, so that
   * the peers share the machine's noise. Slices answer their elapsed seconds.
   */
  const scenario = async (
    name: string,
    rounds: number,
    slice: (peer: Peer, recorder: Recorder, round: number) => Promise<number>,
    target?: { readonly text: string; readonly met: (m: Record<string, Measurement>) => boolean },
  ) => {
    const recorders = new Map(peers.map((p) => [p.name, new Recorder()]));
    const elapsed = new Map(peers.map((p) => [p.name, 0]));
    log(`${name}...`);
    for (let round = 0; round < rounds; round++) {
      for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
        elapsed.set(peer.name, elapsed.get(peer.name)! + (await slice(peer, recorders.get(peer.name)!, round)));
      }
    }
    const measured: Record<string, Measurement> = {};
    for (const peer of peers) measured[peer.name] = recorders.get(peer.name)!.result(elapsed.get(peer.name)!);
    const ours = measured['ordo']!.eventsPerSecond;
    const ratios: Record<string, number> = {};
    for (const peer of peers) {
      if (peer.name !== 'ordo')
        ratios[`ordo/${peer.name}`] = ours / Math.max(measured[peer.name]!.eventsPerSecond, 1e-9);
    }
    const result: ScenarioResult = {
      name,
      peers: measured,
      ratios,
      ...(target === undefined ? {} : { target: target.text, targetMet: target.met(measured) }),
    };
    results.push(result);
    log(
      `  ${peers.map((p) => `${p.name} ${fmt(measured[p.name]!.eventsPerSecond)} ev/s`).join(', ')}` +
        (result.target === undefined ? '' : ` [${result.target}: ${result.targetMet ? 'met' : 'NOT met'}]`),
    );
  };

  const ratio = (m: Record<string, Measurement>, other: string) =>
    m['ordo']!.eventsPerSecond / Math.max(m[other]!.eventsPerSecond, 1e-9);
  const ROUNDS = 5;
  /** A timed slice: `seconds` split over the rounds, with a short unrecorded warm-up in the first. */
  const timed = async (
    peer: Peer,
    recorder: Recorder,
    round: number,
    totalSeconds: number,
    workers: number,
    step: (recorder: Recorder, worker: number, iteration: number) => Promise<void>,
  ) => {
    if (round === 0) await runFor(new Recorder(), 0.3, workers, step);
    return runFor(recorder, seconds(totalSeconds) / ROUNDS, workers, step);
  };

  // Single-event appends, each writer on its own stream.
  for (const writers of [1, 8, 32]) {
    await scenario(
      `append 1 event, ${writers} writer${writers === 1 ? '' : 's'}`,
      ROUNDS,
      (peer, recorder, round) =>
        timed(peer, recorder, round, 4.5, writers, (rec, w) => {
          const [e] = events(1);
          return rec.time(1, () => peer.append(`single${writers}-${w}`, [e!]));
        }),
      writers === 1 ? undefined : { text: '>= 2x Emmett', met: (m) => ratio(m, 'emmett') >= 2 },
    );
  }

  // Eight writers on one hot stream without a version check.
  await scenario(
    'append 1 event, 8 writers, one hot stream (any)',
    ROUNDS,
    (peer, recorder, round) =>
      timed(peer, recorder, round, 3, 8, (rec) => {
        const [e] = events(1);
        return rec.time(
          1,
          () => peer.append('hot', [e!]),
          (error) => peer.isConflict(error),
        );
      }),
    { text: 'ordo rejects none', met: (m) => m['ordo']!.failures === 0 },
  );

  // Batches, one writer, each batch a new stream.
  let batchStream = 0;
  for (const size of [100, 1000]) {
    await scenario(
      `append batch of ${size}, 1 writer`,
      ROUNDS,
      (peer, recorder, round) =>
        timed(peer, recorder, round, size === 100 ? 3 : 4.5, 1, (rec) => {
          const batch = events(size);
          return rec.time(size, () => peer.append(`batch${size}-${batchStream++}`, batch));
        }),
      { text: '>= 3x Emmett and >= 0.8x raw unnest', met: (m) => ratio(m, 'emmett') >= 3 && ratio(m, 'raw pg') >= 0.8 },
    );
  }

  // Reads run on settled tables: VACUUM sets hint bits and the visibility map, as on a live
  // system where the events being read were written a while ago.
  const LOG_SIZE = 100_000;
  for (const peer of peers) {
    for (let i = 0; i < 10; i++) await peer.append('read10k', events(1000));
    for (let i = 0; (written.get(peer.name) ?? 0) < LOG_SIZE; i++) await peer.append(`fill-${i}`, events(1000));
  }
  for (const url of Object.values(urls)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('VACUUM (ANALYZE)');
    await client.end();
  }

  await scenario(
    'readStream of 10k events',
    ROUNDS,
    async (peer, recorder, round) => {
      if (round === 0) for (let i = 0; i < 2; i++) await peer.readStream('read10k'); // warm-up
      return runTimes(recorder, Math.max(2, Math.round(6 * SCALE)), (rec) =>
        rec.time(10_000, async () => {
          const n = await peer.readStream('read10k');
          if (n !== 10_000) throw new Error(`${peer.name} read ${n} events of read10k`);
        }),
      );
    },
    { text: '>= 1.5x Emmett', met: (m) => ratio(m, 'emmett') >= 1.5 },
  );

  // readAll catch-up from the start, in pages of 1000; each round reads the next 30k events.
  const PER_ROUND = 30_000;
  const cursors = new Map(peers.map((p) => [p.name, 0n]));
  await scenario(
    `readAll catch-up (pages of 1000, ${(ROUNDS * PER_ROUND) / 1000}k events)`,
    ROUNDS,
    async (peer, recorder) => {
      let read = 0;
      return runTimes(recorder, PER_ROUND / 1000, async (rec) => {
        if (read >= PER_ROUND) return;
        read += await rec.timeCounted(async () => {
          const page = await peer.readAllPage(cursors.get(peer.name)!, 1000);
          cursors.set(peer.name, page.last);
          return page.count;
        });
      });
    },
    { text: '>= 100,000 events/s', met: (m) => m['ordo']!.eventsPerSecond >= 100_000 },
  );

  for (const peer of peers) await peer.close();
  for (const name of Object.values(names)) await dropDatabase(server.url, name);
  await server.stop();

  const report = {
    benchmark: 'postgres event store',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    server: info.version.split(' on ')[0],
    fsync: info.fsync,
    synchronousCommit: info.sync,
    peers: {
      ordo: '@ordo/adapter-postgres',
      emmett: '@event-driven-io/emmett-postgresql 0.42.0',
      'raw pg': 'pg INSERT (one row per statement; unnest for batches)',
    },
    scenarios: results,
  };
  printTable(results);
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  const dir = fileURLToPath(new URL('../../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}postgres.json`, `${json}\n`);
  log(`wrote ${dir}postgres.json`);
};

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

const printTable = (results: ReadonlyArray<ScenarioResult>) => {
  const names = Object.keys(results[0]?.peers ?? {});
  const table = (title: string, header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows) console.log(line(row));
  };
  table(
    'Throughput (events/s) and ratios',
    ['scenario', ...names.map((n) => `${n} ev/s`), 'ordo/emmett', 'ordo/raw', 'target'],
    results.map((r) => [
      r.name,
      ...names.map((n) => fmt(r.peers[n]!.eventsPerSecond)),
      `${r.ratios['ordo/emmett']!.toFixed(2)}x`,
      `${r.ratios['ordo/raw pg']!.toFixed(2)}x`,
      r.target === undefined ? '' : `${r.target}: ${r.targetMet ? 'met' : 'NOT met'}`,
    ]),
  );
  table(
    'Latency per operation (ms, p50 / p99) and rejected operations',
    ['scenario', ...names.map((n) => `${n} p50/p99`), ...names.map((n) => `${n} rejected`)],
    results.map((r) => [
      r.name,
      ...names.map((n) => `${fmt(r.peers[n]!.p50Ms)} / ${fmt(r.peers[n]!.p99Ms)}`),
      ...names.map((n) => String(r.peers[n]!.failures)),
    ]),
  );
};

await main();
