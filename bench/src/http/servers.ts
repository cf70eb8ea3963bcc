/**
 * The HTTP bench's servers, each a child Node process started the same way (`--conditions=
 * ordo-source --import tsx <entry>`): `ordo serve` from the CLI's source, and the bare Fastify
 * app. Each prints `listening on URL`; its CPU time is read from /proc (Linux) so the bench can
 * tell the server's CPU per request apart from the client's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A server process the bench started. */
export interface ServerProcess {
  readonly url: string;
  /** CPU time (user + system) the process used so far, ms; `undefined` without /proc. */
  cpuMs(): number | undefined;
  /** What it printed (for errors). */
  output(): string;
  /** SIGTERM, and waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

const ORDO_MAIN = fileURLToPath(new URL('../../../packages/host/src/cli/main.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-fastify.ts', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

const cpuOf = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime is field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
};

const start = (entry: string, args: ReadonlyArray<string>, nodeFlags: ReadonlyArray<string>): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      [...nodeFlags, '--conditions=ordo-source', '--import', 'tsx', entry, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let out = '';
    let listening = false;
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in 90 s:\n${out}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url === undefined || listening) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        url,
        cpuMs: () => cpuOf(child.pid),
        output: () => out,
        stop: async () => {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      if (!listening) reject(new Error(`the server exited before listening:\n${out}`));
    });
  });

/** Starts `ordo serve args...`; `nodeFlags` go to Node (`--cpu-prof`). */
export const startOrdoServe = (args: ReadonlyArray<string>, nodeFlags: ReadonlyArray<string> = []) =>
  start(ORDO_MAIN, ['serve', ...args], nodeFlags);

/** Starts the bare Fastify app. */
export const startBareFastify = (nodeFlags: ReadonlyArray<string> = []) => start(BARE, [], nodeFlags);
