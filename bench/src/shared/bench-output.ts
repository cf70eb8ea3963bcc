/** What the end-to-end benches (host, http) share: the server's description and where results go. */
import { mkdir, writeFile } from 'node:fs/promises';
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
