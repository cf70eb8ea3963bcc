/** What every `ordo` command is made of, and what it gets to run with. */
import type { Environment } from './environment';
import type { FlagSpec, ParsedArgs } from './flags';
import type { ProgressStream } from './progress';

/** The process around a command: its streams and environment (a test passes its own). */
export interface CliContext {
  readonly env: Environment;
  /** Where results and progress go. */
  readonly stdout: ProgressStream;
  /** Where errors and notes go. */
  readonly stderr: ProgressStream;
  /** Prints one line on stdout. */
  print(line?: string): void;
  /** Prints one line on stderr. */
  warn(line: string): void;
}

/**
 * What a command answers: an exit code once done, or `'running'` when it keeps the process
 * alive (`serve`) and ends it itself.
 */
export type CommandOutcome = number | 'running';

/** One command of `ordo` (`serve`, `projections rebuild`). */
export interface CliCommand {
  /** Its words after `ordo`: `serve`, `dlq list`. */
  readonly name: string;
  /** One line, for `ordo --help`. */
  readonly summary: string;
  /** What follows `ordo <name>` in the usage line (`NAME [flags]`). */
  readonly usage: string;
  /** Paragraphs of its help, after the usage line. */
  readonly description: ReadonlyArray<string>;
  readonly flags: ReadonlyArray<FlagSpec>;
  /** Takes words besides its flags (`projections rebuild NAME`); others refuse them. */
  readonly takesArguments?: boolean;
  /** Lines of examples in its help. */
  readonly examples?: ReadonlyArray<string>;
  run(args: ParsedArgs, context: CliContext): Promise<CommandOutcome>;
}

/** A context on the real process: `process.env`, stdout and stderr. */
export const processContext = (): CliContext => ({
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  print: (line = '') => void process.stdout.write(`${line}\n`),
  warn: (line) => void process.stderr.write(`${line}\n`),
});
