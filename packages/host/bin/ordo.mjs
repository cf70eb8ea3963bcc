#!/usr/bin/env node
// The `ordo` executable of @ordo/host. In a build (the published package) it runs dist/cli.js;
// in the repository before a build it runs the TypeScript source through tsx, with workspace
// packages from source (the `ordo-source` export condition).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const child = spawn(
    process.execPath,
    ['--conditions=ordo-source', '--import', 'tsx', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // The child shares the terminal (Ctrl-C reaches it); a signal sent to this process is passed on.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 128);
  });
}
