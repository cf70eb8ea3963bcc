import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envName } from './environment';
import { UsageError } from './errors';
import { type FlagSpec, parseArgs } from './flags';

const specs: ReadonlyArray<FlagSpec> = [
  { name: 'port', kind: 'integer', min: 0, max: 65_535, description: 'port', env: true },
  { name: 'roles', kind: 'list', choices: ['api', 'saga'], description: 'roles', env: true },
  { name: 'secret', kind: 'string', description: 'key', env: true, secret: true },
  { name: 'seeds', kind: 'integer', min: 1, description: 'seeds' },
  { name: 'keep-going', kind: 'boolean', description: 'go on' },
];
const throwsUsage = (fn: () => unknown, message: RegExp) => {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable('no UsageError');
};

test('flags read as --name value, --name=value and boolean --name; words are positionals', () => {
  const a = parseArgs(specs, ['--port', '80', 'x', '--roles=api,saga', '--keep-going', '--', '--seeds'], {});
  assert.is(a.integer('port'), 80);
  assert.equal(a.list('roles'), ['api', 'saga']);
  assert.is(a.boolean('keep-going'), true);
  assert.equal(a.positionals, ['x', '--seeds']);
  assert.is(a.has('secret'), false);
});

test('the environment fills flags that read it; the flag wins; the source is named in errors', () => {
  assert.is(envName('database-url'), 'ORDO_DATABASE_URL');
  const a = parseArgs(specs, ['--port', '81'], { ORDO_PORT: '9', ORDO_ROLES: 'saga', ORDO_SEEDS: '5' });
  assert.is(a.integer('port'), 81);
  assert.is(a.source('port'), '--port');
  assert.equal(a.list('roles'), ['saga']);
  assert.is(a.source('roles'), 'ORDO_ROLES');
  assert.is(a.integer('seeds'), undefined, 'seeds does not read the environment');
  throwsUsage(() => parseArgs(specs, [], { ORDO_PORT: 'x' }), /^ORDO_PORT must be an integer 0\.\.65535, got 'x'$/);
});

test('bad input is a UsageError naming the flag; secrets are not repeated', () => {
  throwsUsage(() => parseArgs(specs, ['--nope'], {}), /unknown flag --nope/);
  throwsUsage(() => parseArgs(specs, ['-x'], {}), /unknown flag -x/);
  throwsUsage(() => parseArgs(specs, ['--port'], {}), /--port needs a value/);
  throwsUsage(() => parseArgs(specs, ['--seeds', '0'], {}), /--seeds must be an integer >= 1, got '0'/);
  throwsUsage(() => parseArgs(specs, ['--roles', 'api,chef'], {}), /--roles: 'chef' is not one of api, saga/);
  throwsUsage(() => parseArgs(specs, ['--secret='], {}), /--secret needs a value/);
  const secret = { ...specs[2]!, choices: ['a'] };
  throwsUsage(() => parseArgs([secret], ['--secret', 'hunter2'], {}), /\(value hidden\)$/);
});

test.run();
