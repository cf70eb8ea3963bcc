import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runOrdo, startServe } from './test-support';

// `ordo` as a user runs it: a child process, stdout a pipe (so no progress bar, plain lines).

test('ordo --help lists every command; a command has its own help with flags and variables', () => {
  const top = runOrdo(['--help']);
  assert.is(top.status, 0, top.stderr);
  for (const c of ['serve', 'migrate', 'demo', 'sim', 'projections rebuild', 'dlq list', 'dlq replay', 'verify']) {
    assert.match(top.stdout, new RegExp(`\\n  ${c} `), c);
  }
  const serve = runOrdo(['serve', '--help']);
  assert.is(serve.status, 0, serve.stderr);
  assert.match(serve.stdout, /^usage: ordo serve/);
  assert.match(serve.stdout, /--database-url URL .*env ORDO_DATABASE_URL/);
  assert.match(serve.stdout, /--port N .*default 3000; env ORDO_PORT/);
  const dlq = runOrdo(['dlq', '--help']);
  assert.is(dlq.status, 0);
  assert.match(dlq.stdout, /usage: ordo dlq <list \| replay>/);
  assert.is(runOrdo([]).status, 2, 'no command is a usage error');
});

test('bad flags and bad variables exit with 2 and name the flag or the variable', () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>, RegExp]> = [
    [['serve', '--nope'], {}, /unknown flag --nope/],
    [['serve', '--port', 'abc'], {}, /--port must be an integer 0\.\.65535, got 'abc'/],
    [['serve', '--store', 'mysql'], {}, /--store must be one of memory, postgres, eventstoredb/],
    [['serve', '--store', 'postgres'], {}, /--store postgres: --database-url \(or ORDO_DATABASE_URL\) is needed/],
    [['serve', '--roles', 'api,saga'], {}, /--roles leaves roles out, which needs --kafka-brokers/],
    [['serve', '--roles', 'api,chef'], {}, /--roles: 'chef' is not one of api, saga/],
    [['serve', '--kafka-brokers', 'nowhere'], {}, /--kafka-brokers: 'nowhere' is not host:port/],
    [['serve', '--jwt-secret', 'short'], {}, /--jwt-secret must be at least 32 characters \(it has 5\)/],
    [['serve', '--admin-email', 'a@example.com'], {}, /--admin-email needs --admin-password/],
    [['serve'], { ORDO_PORT: 'many' }, /ORDO_PORT must be an integer 0\.\.65535, got 'many'/],
    [['sim', '--seeds', '0'], {}, /--seeds must be an integer >= 1, got '0'/],
    [['verify'], {}, /ordo verify: a store that outlives the process is needed/],
    [['projections', 'rebuild'], {}, /ordo projections rebuild: a read model is needed: revenue, funnel/],
    [
      ['projections', 'rebuild', 'revenue'],
      {},
      /ordo projections rebuild: a store that outlives the process is needed/,
    ],
    [['dlq', 'list'], {}, /ordo dlq list needs --kafka-brokers/],
    [['frobnicate'], {}, /unknown command 'frobnicate'/],
  ];
  for (const [args, env, message] of cases) {
    const r = runOrdo(args, env);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('secrets never appear in errors', () => {
  const url = 'mysql://admin:hunter2-secret@db/shop';
  const r = runOrdo(['verify', '--database-url', url]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--database-url must be a postgres:\/\/ or postgresql:\/\/ URL \(value hidden\)/);
  assert.not.match(r.stderr + r.stdout, /hunter2/);
  const env = runOrdo(['serve', '--port', '0'], { ORDO_JWT_SECRET: 'hunter2-is-short' });
  assert.match(env.stderr, /ORDO_JWT_SECRET must be at least 32 characters/);
  assert.not.match(env.stderr, /hunter2/);
});

test('ORDO_* variables are read, and a flag wins over its variable', () => {
  const fromEnv = runOrdo(['verify'], { ORDO_STORE: 'postgres' });
  assert.is(fromEnv.status, 2);
  assert.match(fromEnv.stderr, /--store postgres: --database-url .* is needed/, 'ORDO_STORE was read');
  const flagWins = runOrdo(['serve', '--port', '80000'], { ORDO_PORT: '3000' });
  assert.match(flagWins.stderr, /--port must be/, 'the flag, not ORDO_PORT');
  const variable = runOrdo(['dlq', 'list'], { ORDO_KAFKA_BROKERS: 'bad broker' });
  assert.match(variable.stderr, /ORDO_KAFKA_BROKERS: 'bad broker' is not host:port/);
});

test('ordo sim --seeds 3 without a terminal: plain progress lines, then the summary', () => {
  const r = runOrdo(['sim', '--seeds', '3', '--orders', '5']);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(!r.stdout.includes('\r') && !r.stdout.includes(String.fromCharCode(27)), 'no bar, no escape codes');
  assert.match(lines[0] ?? '', /^sim: 1\/3 seeds \(33%\), [\d.]+ s, ETA [\d.]+ s, 0 failed$/);
  assert.match(r.stdout, /\nsim: 3\/3 seeds \(100%\), [\d.]+ s, 0 failed\n/);
  assert.match(lines[lines.length - 1] ?? '', /^3 seeds \(1\.\.3\), 0 failed; 15 orders /);
});

test('ordo sim: a failing seed prints its replay line as an ordo command', () => {
  const r = runOrdo(['sim', '--seeds', '40', '--planted-bug', 'forget-release-last-line']);
  assert.is(r.status, 0, `the planted bug is found: ${r.stderr}`);
  assert.match(r.stdout, /SEED \d+ failed: .*; replay: ordo sim --seed \d+ --planted-bug forget-release-last-line/);
  assert.match(r.stdout, /planted bug forget-release-last-line found at seed \d+/);
});

test('ordo demo runs the commerce demo', () => {
  const r = runOrdo(['demo']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Ordo commerce demo: in-memory host/);
  assert.match(r.stdout, /invariants\s+OK \(\d+ checked\)/);
});

test('ordo load is not there yet', () => {
  const r = runOrdo(['load']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /ordo load: not yet/);
});

test('ordo serve on the in-memory default answers /health/live and stops on SIGTERM with 0', async () => {
  const serve = await startServe(['--port', '0']);
  try {
    const live = await fetch(`${serve.url}/health/live`);
    assert.is(live.status, 200);
    const ready = await fetch(`${serve.url}/health/ready`);
    assert.is(ready.status, 200, await ready.text());
    assert.match(serve.output(), /store memory, messaging memory, roles api,saga/);
    assert.match(serve.output(), /no --jwt-secret, signing tokens with a random key/);
  } finally {
    assert.is(await serve.stop(), 0, serve.output());
  }
  assert.match(serve.output(), /ordo: SIGTERM, stopping/);
});

test('ordo serve reads its port and admin from ORDO_* and never prints the secrets', async () => {
  const secret = 'a-signing-key-that-is-long-enough-1234567890';
  const serve = await startServe([], {
    ORDO_PORT: '0',
    ORDO_JWT_SECRET: secret,
    ORDO_ADMIN_EMAIL: 'admin@example.com',
    ORDO_ADMIN_PASSWORD: 'admin-password-1',
  });
  try {
    const token = await fetch(`${serve.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'admin-password-1' }),
    });
    assert.is(token.status, 200, await token.clone().text());
  } finally {
    await serve.stop();
  }
  assert.not.match(serve.output(), new RegExp(`${secret}|admin-password-1`));
});

test.run();
