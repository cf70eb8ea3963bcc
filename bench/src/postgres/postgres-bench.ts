/**
 * PostgreSQL event store benchmark: Ordo's adapter side by side with Emmett 0.42
 * (`@event-driven-io/emmett-postgresql`) and raw `pg` INSERTs into an equivalent table (the
 * ceiling, see `rawPeer`), on the same server in the same run, each peer in its own database.
 *
 *   npm run bench:postgres
 *   node --conditions=ordo-source --import tsx bench/src/postgres/postgres-bench.ts
 *
 * A fourth peer, "raw group commit" (see `rawPeer`'s groupCommit), takes part in the single-event
 * append scenarios only: the same rows as raw pg, coalesced into one multi-row INSERT per commit,
 * the honest ceiling for 8 and 32 writers. Before the peers start, PostgreSQL's `pg_test_fsync`
 * measures the disk's commit rate (one 8 kB write and sync, the server's wal_sync_method): the
 * physical limit of commits per second, printed above the tables and recorded as `fsync`.
 *
 * Starts an embedded PostgreSQL (fsync on: real commits) through scripts/postgres/server.mjs
 * unless DATABASE_URL is set. Prints two tables (throughput with ratios and targets; latency)
 * and the JSON report, which it also writes to bench/results/postgres.json.
 *
 * Options (environment):
 * - BENCH_SCALE=0.5 scales every timed phase (default 1; a full run takes 2-3 minutes).
 * - BENCH_ONLY=hot,batch runs only the scenarios whose name contains one of the words; the
 *   report is printed but not written to bench/results.
 * - BENCH_ORDO_IN_FLIGHT=2,3 adds Ordo peers with that many group-commit groups in flight
 *   (`groupCommit.maxInFlight`; the default peer has 1). They are shown for information; ratios
 *   and targets are always Ordo's default configuration.
 *
 * Method: each scenario runs in rounds; in every round each peer runs a slice in turn
 * (alternating the order), so that the peers share whatever else the machine is doing. Compare
 * peers within one run: on a shared machine the absolute figures move by 2-4x between runs, and the
 * ratio columns show the lowest and highest round as well.
 *
 * Scenarios: single-event appends by 1, 8 and 32 concurrent writers (each on its own stream);
 * 8 writers on one hot stream without a version check (rejections counted); batch appends of 100
 * and 1000 events (one writer, a new stream per batch); reading a 10k-event stream; a readAll
 * catch-up from position 0 in pages of 1000. Every append uses `any` (Emmett: no expected
 * version), so no peer pays for a version read the others skip.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase, dropDatabase, ensurePostgres, uniqueDatabaseName } from '../../../scripts/postgres/server.mjs';
import { type FsyncRate, measureFsync } from './fsync';
import { type Measurement, Recorder, runFor, runTimes } from './measure';
import { type Peer, benchEvent, emmettPeer, ordoPeer, rawPeer } from './peers';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ONLY = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const IN_FLIGHT = (process.env.BENCH_ORDO_IN_FLIGHT ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 1);
const seconds = (s: number) => Math.max(0.5, s * SCALE);
const selected = (name: string) => ONLY.length === 0 || ONLY.some((w) => name.includes(w));

/** One issue target of a scenario, checked on the measured figures. */
interface Target {
  readonly text: string;
  readonly met: boolean;
}

interface ScenarioResult {
  readonly name: string;
  readonly peers: Readonly<Record<string, Measurement>>;
  /** Ordo's events/s divided by each other peer's, over the whole scenario. */
  readonly ratios: Readonly<Record<string, number>>;
  /** The same ratios round by round, lowest and highest: how much the machine's noise moved them. */
  readonly ratioRanges: Readonly<Record<string, readonly [number, number]>>;
  /** Each peer's events/s in each round. */
  readonly rounds: Readonly<Record<string, ReadonlyArray<number>>>;
  readonly targets: ReadonlyArray<Target>;
  /**
   * Ordo's writes in this scenario (warm-up included), from the store's `writeStats`: groups
   * written, the appends they carried, and their ratio. Without hooks a group is one statement and
   * one round trip, so `statementsPerAppend` is also Ordo's round trips per append.
   */
  readonly ordoWrites?: { readonly groups: number; readonly appends: number; readonly statementsPerAppend: number };
}

type Check = (m: Readonly<Record<string, Measurement>>) => Target;

const log = (text: string) => process.stderr.write(`${text}\n`);

let eventCounter = 0;
const events = (n: number) => Array.from({ length: n }, () => benchEvent(eventCounter++));

const rate = (m: Readonly<Record<string, Measurement>>, peer: string) => m[peer]!.eventsPerSecond;
const ratio = (m: Readonly<Record<string, Measurement>>, other: string) =>
  rate(m, 'ordo') / Math.max(rate(m, other), 1e-9);
/** Target: Ordo's events/s at least `factor` times the other peer's. */
const atLeast =
  (factor: number, other: string): Check =>
  (m) => ({ text: `>= ${factor}x ${other}`, met: ratio(m, other) >= factor });

const main = async () => {
  const server = await ensurePostgres();
  const names = {
    ordo: uniqueDatabaseName('bench_ordo'),
    emmett: uniqueDatabaseName('bench_emmett'),
    raw: uniqueDatabaseName('bench_raw'),
    rawGroup: uniqueDatabaseName('bench_raw_group'),
  };
  const urls = {
    ordo: await createDatabase(server.url, names.ordo),
    emmett: await createDatabase(server.url, names.emmett),
    raw: await createDatabase(server.url, names.raw),
    rawGroup: await createDatabase(server.url, names.rawGroup),
  };
  const info = await (async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; fsync: string; sync: string; method: string }>(
        "SELECT version() AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, current_setting('wal_sync_method') AS method",
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  })();
  log(`server: ${info.version.split(' on ')[0]}, fsync=${info.fsync}, synchronous_commit=${info.sync}`);
  // The disk's commit rate, on the disk of the server's data directory (with DATABASE_URL: the
  // OS temp dir, which may not be the server's disk), before any peer loads the server.
  log('pg_test_fsync...');
  const fsync = await measureFsync(
    server.dataDir === undefined ? os.tmpdir() : path.dirname(server.dataDir),
    info.method,
  );
  if (server.dataDir === undefined && fsync.opsPerSecond !== null) {
    (fsync as { note?: string }).note = 'DATABASE_URL set: measured in the OS temp dir, perhaps not the server disk';
  }
  log(`  ${fsyncText(fsync)}`);
  const loadBefore = os.loadavg();

  const ordo = await ordoPeer(urls.ordo);
  const extra = await Promise.all(IN_FLIGHT.map((n) => ordoPeer(urls.ordo, `ordo_if${n}`, n)));
  const emmett = await emmettPeer(urls.emmett, 40);
  const raw = await rawPeer(urls.raw, 40);
  const rawGroup = await rawPeer(urls.rawGroup, 1, { groupCommit: true });
  // Every peer counts what it wrote, so that the read scenarios can give each the same log size.
  const written = new Map<string, number>();
  const counting = (peer: Peer): Peer => ({
    ...peer,
    append: async (streamId, batch) => {
      await peer.append(streamId, batch);
      written.set(peer.name, (written.get(peer.name) ?? 0) + batch.length);
    },
  });
  const peers: ReadonlyArray<Peer> = [ordo, ...extra, emmett, raw].map(counting);
  const allPeers = peers;
  const results: ScenarioResult[] = [];

  /**
   * Runs a scenario in `rounds` rounds; in each round every peer runs one slice, in turn, so that
   * the peers share the machine's noise. Slices answer their elapsed seconds.
   */
  const scenario = async (
    name: string,
    rounds: number,
    slice: (peer: Peer, recorder: Recorder, round: number) => Promise<number>,
    checks: ReadonlyArray<Check> = [],
    ceilings: ReadonlyArray<Peer> = [],
  ) => {
    if (!selected(name)) return;
    const peers = [...allPeers, ...ceilings];
    const recorders = new Map(peers.map((p) => [p.name, new Recorder()]));
    const elapsed = new Map(peers.map((p) => [p.name, 0]));
    const perRound = new Map<string, number[]>(peers.map((p) => [p.name, []]));
    log(`${name}...`);
    const writesBefore = ordo.store.writeStats;
    for (let round = 0; round < rounds; round++) {
      for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
        const recorder = recorders.get(peer.name)!;
        const before = recorder.eventCount;
        const took = await slice(peer, recorder, round);
        elapsed.set(peer.name, elapsed.get(peer.name)! + took);
        perRound.get(peer.name)!.push((recorder.eventCount - before) / took);
      }
    }
    const measured: Record<string, Measurement> = {};
    for (const peer of peers) measured[peer.name] = recorders.get(peer.name)!.result(elapsed.get(peer.name)!);
    const ratios: Record<string, number> = {};
    const ratioRanges: Record<string, readonly [number, number]> = {};
    const ours = perRound.get('ordo')!;
    for (const peer of peers) {
      if (peer.name === 'ordo') continue;
      ratios[`ordo/${peer.name}`] = ratio(measured, peer.name);
      const theirs = perRound.get(peer.name)!;
      const each = ours.map((r, i) => r / Math.max(theirs[i]!, 1e-9));
      ratioRanges[`ordo/${peer.name}`] = [Math.min(...each), Math.max(...each)];
    }
    const writesAfter = ordo.store.writeStats;
    const groups = writesAfter.groups - writesBefore.groups;
    const appends = writesAfter.appends - writesBefore.appends;
    const result: ScenarioResult = {
      name,
      peers: measured,
      ratios,
      ratioRanges,
      rounds: Object.fromEntries([...perRound].map(([peer, rates]) => [peer, rates.map(Math.round)])),
      targets: checks.map((check) => check(measured)),
      ...(appends === 0 ? {} : { ordoWrites: { groups, appends, statementsPerAppend: round2(groups / appends) } }),
    };
    results.push(result);
    log(`  ${peers.map((p) => `${p.name} ${fmt(rate(measured, p.name))} ev/s`).join(', ')}  ${targetsText(result)}`);
    if (result.ordoWrites) {
      const w = result.ordoWrites;
      log(`  ordo: ${w.appends} appends in ${w.groups} statements (${(w.appends / w.groups).toFixed(1)} appends each)`);
    }
  };

  // Appends run in 8 short rounds so that a burst of load from elsewhere (another process's
  // fsyncs, a checkpoint) lands on every peer rather than on one; reads in 5.
  const ROUNDS = 8;
  const READ_ROUNDS = 5;
  /** A timed slice: `seconds` split over the rounds, with a short unrecorded warm-up in the first. */
  const timed = async (
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
  const singles = (writers: number) =>
    scenario(
      `append 1 event, ${writers} writer${writers === 1 ? '' : 's'}`,
      ROUNDS,
      (peer, recorder, round) =>
        timed(recorder, round, 4.5, writers, (rec, w) => {
          const [e] = events(1);
          return rec.time(1, () => peer.append(`single${writers}-${w}`, [e!]));
        }),
      writers === 1 ? [] : [atLeast(2, 'emmett'), atLeast(0.7, rawGroup.name)],
      [rawGroup],
    );
  await singles(1);
  await singles(8);

  // Eight writers on one hot stream without a version check: nothing may be rejected. Right
  // after the 8 writers on their own streams, so that the two are measured in the same state.
  await scenario(
    'append 1 event, 8 writers, one hot stream (any)',
    ROUNDS,
    (peer, recorder, round) =>
      timed(recorder, round, 3, 8, (rec) => {
        const [e] = events(1);
        return rec.time(
          1,
          () => peer.append('hot', [e!]),
          (error) => peer.isConflict(error),
        );
      }),
    [(m) => ({ text: 'ordo rejects none', met: m['ordo']!.failures === 0 })],
  );

  await singles(32);

  // Batches, one writer, each batch a new stream.
  let batchStream = 0;
  for (const size of [100, 1000]) {
    await scenario(
      `append batch of ${size}, 1 writer`,
      ROUNDS,
      (peer, recorder, round) =>
        timed(recorder, round, size === 100 ? 3 : 4.5, 1, (rec) => {
          const batch = events(size);
          return rec.time(size, () => peer.append(`batch${size}-${batchStream++}`, batch));
        }),
      [atLeast(3, 'emmett'), atLeast(0.8, 'raw pg')],
    );
  }

  const reads = ['readStream of 10k events', 'readAll catch-up'];
  const LOG_SIZE = 100_000;
  if (reads.some(selected)) {
    // Reads run on settled tables: VACUUM sets hint bits and the visibility map, as on a live
    // system where the events being read were written a while ago.
    log(`filling every store to ${LOG_SIZE / 1000}k events...`);
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
  }

  await scenario(
    reads[0]!,
    READ_ROUNDS,
    async (peer, recorder, round) => {
      if (round === 0) for (let i = 0; i < 2; i++) await peer.readStream('read10k'); // warm-up
      return runTimes(recorder, Math.max(2, Math.round(6 * SCALE)), (rec) =>
        rec.time(10_000, async () => {
          const n = await peer.readStream('read10k');
          if (n !== 10_000) throw new Error(`${peer.name} read ${n} events of read10k`);
        }),
      );
    },
    [atLeast(1.5, 'emmett')],
  );

  // readAll catch-up from the start, in pages of 1000; each round reads the next 20k events, so
  // the 5 rounds stay within the 100k every store holds.
  const PER_ROUND = LOG_SIZE / READ_ROUNDS;
  const cursors = new Map(peers.map((p) => [p.name, 0n]));
  await scenario(
    `${reads[1]!} (pages of 1000, ${LOG_SIZE / 1000}k events)`,
    READ_ROUNDS,
    async (peer, recorder) =>
      runTimes(recorder, PER_ROUND / 1000, async (rec) => {
        const count = await rec.timeCounted(async () => {
          const page = await peer.readAllPage(cursors.get(peer.name)!, 1000);
          cursors.set(peer.name, page.last);
          return page.count;
        });
        if (count !== 1000) throw new Error(`${peer.name} read a page of ${count} events`);
      }),
    [(m) => ({ text: '>= 100,000 events/s', met: rate(m, 'ordo') >= 100_000 })],
  );

  for (const peer of [...peers, rawGroup]) await peer.close();
  for (const name of Object.values(names)) await dropDatabase(server.url, name);
  await server.stop();

  const report = {
    benchmark: 'postgres event store',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: { before: loadBefore.map(round2), after: os.loadavg().map(round2) },
    scale: SCALE,
    server: info.version.split(' on ')[0],
    serverFsync: info.fsync,
    synchronousCommit: info.sync,
    walSyncMethod: info.method,
    fsync,
    peers: {
      ordo: '@ordo/adapter-postgres, defaults (group commit, 1 group in flight), pool of 10',
      ...Object.fromEntries(
        IN_FLIGHT.map((n) => [`ordo_if${n}`, `@ordo/adapter-postgres, groupCommit.maxInFlight ${n} (information)`]),
      ),
      emmett: '@event-driven-io/emmett-postgresql 0.42.0, defaults, pool of 40',
      'raw pg':
        'pg autocommit INSERTs into a table shaped like ordo_events (same columns and indexes): one row per statement for single events, one multi-row INSERT ... SELECT FROM ROWS FROM (unnest(ids), unnest(types), jsonb_array_elements(data), jsonb_array_elements(metadata)) per batch; no version check',
      'raw group commit':
        'single-event appends only: raw pg rows from concurrent writers coalesced on one connection into one multi-row INSERT (unnest of stream ids, versions, ids, types; jsonb_array_elements of data and metadata) per autocommit transaction, one group in flight; no expected-version check, no idempotency check, no gap-free lock, no outbox',
    },
    units: 'eventsPerSecond in events/s; p50Ms and p99Ms per operation (one append or one read) in ms',
    scenarios: results,
  };
  console.log(`\nPhysical limit: ${fsyncText(fsync)}`);
  printTables(results);
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  if (ONLY.length === 0) {
    const dir = fileURLToPath(new URL('../../results/', import.meta.url));
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}postgres.json`, `${json}\n`);
    log(`wrote ${dir}postgres.json`);
  }
};

const fsyncText = (f: FsyncRate) =>
  f.opsPerSecond === null
    ? `pg_test_fsync: no figure (${f.note ?? 'unknown'})`
    : `pg_test_fsync ${f.method}, one 8 kB write: ${fmt(f.opsPerSecond)} commits/s (${f.tool})${f.note ? `; ${f.note}` : ''}`;

const round2 = (n: number) => Math.round(n * 100) / 100;

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2));

/** The ratio over the whole scenario, then the lowest and highest of its rounds. */
const ratioCell = (r: ScenarioResult, key: string) => {
  if (r.ratioRanges[key] === undefined) return '-';
  const [low, high] = r.ratioRanges[key];
  return `${r.ratios[key]!.toFixed(2)}x (${low.toFixed(1)}-${high.toFixed(1)})`;
};

const targetsText = (r: ScenarioResult) => r.targets.map((t) => `${t.text}: ${t.met ? 'met' : 'MISSED'}`).join('; ');

const printTables = (results: ReadonlyArray<ScenarioResult>) => {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.peers)))];
  const cell = (r: ScenarioResult, n: string, text: (m: Measurement) => string) =>
    r.peers[n] === undefined ? '-' : text(r.peers[n]);
  const table = (title: string, header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: ReadonlyArray<string>) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows) console.log(line(row));
  };
  table(
    'Throughput (events/s), ratios (lowest-highest round) and targets',
    ['scenario', ...names.map((n) => `${n} ev/s`), 'ordo/emmett', 'ordo/raw', 'ordo/raw group', 'targets'],
    results.map((r) => [
      r.name,
      ...names.map((n) => cell(r, n, (m) => fmt(m.eventsPerSecond))),
      ratioCell(r, 'ordo/emmett'),
      ratioCell(r, 'ordo/raw pg'),
      ratioCell(r, 'ordo/raw group commit'),
      targetsText(r),
    ]),
  );
  console.log(
    '\nraw group commit omits what an event store adds: no expected-version check, no idempotency check, ' +
      'no gap-free lock (positions are not committed in order), no outbox; versions are counted in the process.',
  );
  table(
    'Latency per operation (ms, p50 / p99) and rejected operations',
    ['scenario', ...names.map((n) => `${n} p50 / p99`), ...names.map((n) => `${n} rejected`)],
    results.map((r) => [
      r.name,
      ...names.map((n) => cell(r, n, (m) => `${fmt(m.p50Ms)} / ${fmt(m.p99Ms)}`)),
      ...names.map((n) => cell(r, n, (m) => String(m.failures))),
    ]),
  );
};

await main();
