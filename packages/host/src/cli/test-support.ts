/** Runs the `ordo` command line from source as a child process, as the specs do. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The entry the specs run: `src/cli/main.ts`. */
export const CLI_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const NODE_ARGS = ['--conditions=ordo-source', '--import', 'tsx', CLI_ENTRY];

/** The environment without any `ORDO_*` variable, plus `extra`. */
export const cleanEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ORDO_')) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
};

/** What a finished run printed and its exit code. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ordo args...` to its end (stdout is a pipe: no TTY). */
export const runOrdo = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): CliRun => {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', env: cleanEnv(env) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** A running `ordo serve`: the URL it printed, and a way to stop it with SIGTERM. */
export interface ServeProcess {
  readonly url: string;
  readonly output: () => string;
  /** Sends SIGTERM and answers the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `ordo serve args...` and waits for its `listening on URL` line. */
export const startServe = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>> = {},
): Promise<ServeProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'serve', ...args], {
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ordo serve did not start in 60 s:\n${out}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({
          url,
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`ordo serve exited with ${code} before listening:\n${out}`));
    });
  });
