/** What the end-to-end benches (host, http) share: the server's description and where results go. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The PostgreSQL server a bench ran on: version and the durability settings that move its figures. */
export const postgresInfo = async (
  url: string,
): Promise<{ readonly version: string; readonly fsync: string; readonly synchronousCommit: string }> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; fsync: string; sync: string }>(
      "SELECT version() AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync",
    );
    const row = rows[0]!;
    return { version: row.version.split(' on ')[0] ?? row.version, fsync: row.fsync, synchronousCommit: row.sync };
  } finally {
    await client.end();
  }
};

/** Writes `json` to `bench/results/<name>.json`; answers the path relative to the repository. */
export const writeBenchResults = async (name: string, json: string): Promise<string> => {
  const dir = fileURLToPath(new URL('../../results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}${name}.json`, `${json}\n`);
  return `bench/results/${name}.json`;
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The machine a bench ran on, and its load average before (`loadBefore`) and after the run. */
export const machineReport = (loadBefore: ReadonlyArray<number>) => ({
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
  },
  loadAverage: { before: loadBefore.map(round2), after: os.loadavg().map(round2) },
});

/** Where a bench's PostgreSQL came from (the embedded server it started, or `DATABASE_URL`), with its settings. */
export const postgresReport = <I extends object | undefined>(
  server: { readonly started: boolean } | undefined,
  info: I,
) =>
  server === undefined
    ? undefined
    : { source: server.started ? 'embedded (scripts/postgres/server.mjs)' : 'DATABASE_URL', ...info };
