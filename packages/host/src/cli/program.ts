/**
 * `ordo`: finds the command named by the first words of the command line, parses its flags and
 * runs it. Bad usage prints what was wrong and the command's usage line and answers 2.
 */
import { type CliCommand, type CliContext, type CommandOutcome } from './command';
import { demoCommand } from './commands/demo';
import { dlqListCommand, dlqReplayCommand } from './commands/dlq';
import { loadCommand } from './commands/load';
import { migrateCommand } from './commands/migrate';
import { projectionsRebuildCommand } from './commands/projections-rebuild';
import { serveCommand } from './commands/serve';
import { simCommand } from './commands/sim';
import { verifyCommand } from './commands/verify';
import { EXIT, UsageError } from './errors';
import { parseArgs } from './flags';
import { commandHelp, groupHelp, programHelp } from './help';

/** Every command of `ordo`, in the order help lists them. */
export const COMMANDS: ReadonlyArray<CliCommand> = [
  serveCommand,
  migrateCommand,
  demoCommand,
  simCommand,
  loadCommand,
  projectionsRebuildCommand,
  dlqListCommand,
  dlqReplayCommand,
  verifyCommand,
];

/** The command `argv` names, and the words after its name. */
const find = (argv: ReadonlyArray<string>): { command: CliCommand; rest: ReadonlyArray<string> } | undefined => {
  for (const command of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
};

/** Runs `ordo` with `argv` (the words after `ordo`); answers its exit code, or `'running'`. */
export const runCli = async (argv: ReadonlyArray<string>, context: CliContext): Promise<CommandOutcome> => {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    context.stdout.write(programHelp(COMMANDS));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const found = find(argv);
  if (found === undefined) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0) {
      const second = argv[1];
      if (second === undefined || second === '--help' || second === '-h') {
        context.stdout.write(groupHelp(first, group));
        return second === undefined ? EXIT.usage : EXIT.ok;
      }
      context.warn(`ordo ${first}: unknown command '${second}'\n${groupHelp(first, group)}`);
      return EXIT.usage;
    }
    context.warn(`ordo: unknown command '${first}'; run 'ordo --help' for the commands`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const args = parseArgs(command.flags, rest, context.env);
    if (args.help) {
      context.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    if (args.positionals.length > 0 && command.takesArguments !== true) {
      throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
    }
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.warn(
        `ordo ${command.name}: ${error.message}\nusage: ordo ${command.name} ${command.usage}\nrun 'ordo ${command.name} --help' for its flags`,
      );
      return EXIT.usage;
    }
    context.warn(`ordo ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
};
