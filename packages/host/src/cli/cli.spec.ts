import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runOrdo, startServe } from './test-support';

// `ordo` as a user runs it: a child process, stdout a pipe (so no progress bar, plain lines).

test('ordo --help lists every command; a command has its own help with flags and variables', () => {
  const top = runOrdo(['--help']);
  assert.is(top.status, 0, top.stderr);
  for (const c of [
    'serve',
    'migrate',
    'demo',
    'sim',
    'load',
    'projections rebuild',
    'dlq list',
    'dlq replay',
    'verify',
  ]) {
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
    [
      ['serve', '--admin-email', 'not-an-address', '--admin-password', 'long-enough-1'],
      {},
      /--admin-email must be an e-mail address, got 'not-an-address'/,
    ],
    [
      ['serve', '--admin-email', 'a@example.com', '--admin-password', 'short'],
      {},
      /--admin-password must be at least 8 characters \(value hidden\)/,
    ],
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

test('ordo load: bad flags exit with 2 and name the flag; an unreachable server exits with 1', () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>, RegExp]> = [
    [['load', '--no-seed', '--concurrency', '0'], {}, /--concurrency must be an integer 1\.\.10000, got '0'/],
    [['load', '--no-seed', '--rate', 'fast'], {}, /--rate must be an integer 1\.\.1000000, got 'fast'/],
    [['load', '--no-seed', '--orders', '5', '--duration', '3s'], {}, /--orders and --duration do not go together/],
    [
      ['load', '--no-seed', '--duration', 'soon'],
      {},
      /--duration must be a duration such as 30s, 2m or 500ms, got 'soon'/,
    ],
    [['load', '--no-seed', '--settle-timeout', '-1s'], {}, /--settle-timeout must be a duration/],
    [
      ['load', '--no-seed', '--url', 'ftp://shop'],
      {},
      /--url must be an http:\/\/ or https:\/\/ URL, got 'ftp:\/\/shop'/,
    ],
    [['load', '--no-seed'], { ORDO_URL: 'shop' }, /ORDO_URL must be an http:\/\/ or https:\/\/ URL/],
    [['load', '--no-seed', '--stock', '5'], {}, /--stock is for seeding; it does nothing with --no-seed/],
    [['load'], {}, /seeding products and stock needs the admin: --admin-email and --admin-password/],
    [['load', '--admin-email', 'a@example.com'], {}, /--admin-email needs --admin-password/],
    [['load', '--no-seed', '--cancel-percent', '101'], {}, /--cancel-percent must be an integer 0\.\.100, got '101'/],
    [['load', '--no-seed', '--users', '3'], {}, /unknown flag --users/],
  ];
  for (const [args, env, message] of cases) {
    const r = runOrdo(args, env);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /usage: ordo load /, args.join(' '));
  }
  const secret = runOrdo(['load', '--admin-password', 'hunter2-password']);
  assert.is(secret.status, 2);
  assert.not.match(secret.stderr, /hunter2/);
  const gone = runOrdo(['load', '--no-seed', '--url', 'http://127.0.0.1:9']);
  assert.is(gone.status, 1, gone.stderr);
  assert.match(gone.stderr, /ordo load: cannot reach http:\/\/127\.0\.0\.1:9: .*is 'ordo serve' running there\?/);
});

test('ordo load against ordo serve: a small run passes its invariants and prints the summary', async () => {
  const admin = ['--admin-email', 'admin@example.com', '--admin-password', 'admin-password-1'];
  const serve = await startServe(['--port', '0', ...admin, '--rate-limit', '100000', '--auth-rate-limit', '1000']);
  try {
    const r = runOrdo([
      'load',
      '--url',
      serve.url,
      ...admin,
      '--orders',
      '24',
      '--concurrency',
      '4',
      '--cancel-percent',
      '25',
      '--seed',
      '7',
    ]);
    assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(!r.stdout.includes('\r') && !r.stdout.includes(String.fromCharCode(27)), 'no bar on a pipe');
    assert.match(r.stdout, /load: seeding 5 products with 1,000,000 units each/);
    assert.match(r.stdout, /load: 24\/24 orders \(100%\)/);
    assert.match(
      r.stdout,
      /ordo load: 24 sessions in [\d.]+ s against http:\/\/127\.0\.0\.1:\d+ \(4 shoppers at once, 4 customers, seed 7\)/,
    );
    assert.match(r.stdout, /throughput {2}[\d.]+ orders placed\/s, [\d.]+ requests\/s/);
    assert.match(r.stdout, /operation +ok +failed +p50 +p90 +p99 +max\n {2}GET \/catalog +24 +0 /);
    assert.match(r.stdout, /\n {2}POST \/orders +24 +0 /);
    assert.match(r.stdout, /\n {2}GET \/orders\/\{id\} +24 +0 /);
    assert.match(r.stdout, /latency histogram \(requests per range\)\n {2}ms +GET \/catalog/);
    assert.match(r.stdout, /placed +24\n {2}completed +\d+\n {2}cancelled +\d+/);
    assert.match(r.stdout, /cancelled +[1-9]\d* \(changed_my_mind: \d+/, 'the cancelled orders, by reason');
    assert.match(r.stdout, /ok {4}every placed order is terminal within 30 s: 24 of 24/);
    assert.match(r.stdout, /ok {4}stock: received = available \+ reserved \+ shipped: 5 skus/);
    assert.match(r.stdout, /ok {4}revenue = completed orders' totals: \+[\d,]+ EUR gross over \d+ completed orders/);
    assert.match(r.stdout, /all invariants hold\n$/);
    assert.not.match(r.stdout + r.stderr, /admin-password-1/);
  } finally {
    await serve.stop();
  }
});

test('ordo load: requests the server rate limits are counted by status and operation', async () => {
  const admin = ['--admin-email', 'admin@example.com', '--admin-password', 'admin-password-1'];
  // 20 requests per 3 s per customer: one customer placing 20 orders (2 requests each with a token) runs out.
  const limits = ['--rate-limit', '20', '--rate-limit-window-ms', '3000', '--auth-rate-limit', '1000'];
  const serve = await startServe(['--port', '0', ...admin, ...limits]);
  try {
    const r = runOrdo([
      'load',
      '--url',
      serve.url,
      ...admin,
      '--orders',
      '20',
      '--concurrency',
      '2',
      '--customers',
      '1',
    ]);
    assert.match(
      r.stdout,
      /failed requests +\d+ \(.*(POST \/orders|GET \/orders\/\{id\}) 429 rate_limited: \d+/,
      r.stdout,
    );
    assert.match(r.stdout, /429: the server's rate limits; run 'ordo serve' with larger --rate-limit/);
    assert.match(r.stdout, /ok {4}every placed order is terminal/, r.stdout);
    assert.is(r.status, 0, r.stdout);
  } finally {
    await serve.stop();
  }
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
