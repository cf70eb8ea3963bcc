/**
 * The `ordo` executable: runs {@link runCli} on this process's command line and sets the exit
 * code; a command that keeps running (`serve`) ends the process itself. The package's bin
 * (`bin/ordo.mjs`) imports the build of this file, or runs it from source through tsx.
 */
import { processContext } from './command';
import { runCli } from './program';

runCli(process.argv.slice(2), processContext()).then(
  (outcome) => {
    if (outcome !== 'running') process.exitCode = outcome;
  },
  (error: unknown) => {
    process.stderr.write(`ordo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
