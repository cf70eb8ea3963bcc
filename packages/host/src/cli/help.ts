/** `ordo --help` and `ordo <command> --help`. */
import type { CliCommand } from './command';
import { envName } from './environment';
import type { FlagSpec } from './flags';

const flagLabel = (f: FlagSpec): string =>
  f.kind === 'boolean' ? `--${f.name}` : `--${f.name} ${f.placeholder ?? (f.kind === 'integer' ? 'N' : 'VALUE')}`;

const flagLines = (flags: ReadonlyArray<FlagSpec>): ReadonlyArray<string> => {
  const width = Math.max(...flags.map((f) => flagLabel(f).length), 10) + 2;
  return flags.map((f) => {
    const extras = [
      f.choices === undefined || f.kind === 'list' ? undefined : `one of ${f.choices.join(', ')}`,
      f.kind === 'list' && f.choices !== undefined ? `comma-separated: ${f.choices.join(', ')}` : undefined,
      f.defaultText === undefined ? undefined : `default ${f.defaultText}`,
      f.env === true ? `env ${envName(f.name)}` : undefined,
    ].filter((e): e is string => e !== undefined);
    return `  ${flagLabel(f).padEnd(width)}${f.description}${extras.length === 0 ? '' : ` (${extras.join('; ')})`}`;
  });
};

/** A command's help: usage, description, flags (with their variables and defaults), examples. */
export const commandHelp = (command: CliCommand): string =>
  [
    `usage: ordo ${command.name}${command.usage === '' ? '' : ` ${command.usage}`}`,
    '',
    command.summary,
    ...command.description.flatMap((p) => ['', p]),
    '',
    'flags:',
    ...flagLines([...command.flags, { name: 'help', kind: 'boolean', description: 'this help' }]),
    ...(command.examples === undefined ? [] : ['', 'examples:', ...command.examples.map((e) => `  ${e}`)]),
    '',
  ].join('\n');

/** The program's help: every command with its summary. */
export const programHelp = (commands: ReadonlyArray<CliCommand>): string => {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    'usage: ordo <command> [flags]',
    '',
    'Ordo, the commerce system on an event-sourcing kernel: run it, migrate it, check it.',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'ordo <command> --help' for a command's flags. Flags of serve, migrate, verify, projections,",
    'dlq and load can also come from ORDO_* variables (--database-url -> ORDO_DATABASE_URL); a flag wins.',
    'Exit codes: 0 done, 1 failed or broken, 2 bad flags or configuration.',
    '',
  ].join('\n');
};

/** The help of a group of commands (`ordo dlq --help`). */
export const groupHelp = (group: string, commands: ReadonlyArray<CliCommand>): string => {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    `usage: ordo ${group} <${commands.map((c) => c.name.slice(group.length + 1)).join(' | ')}> [flags]`,
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Run 'ordo ${group} <command> --help' for its flags.`,
    '',
  ].join('\n');
};
