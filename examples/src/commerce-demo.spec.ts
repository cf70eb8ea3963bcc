import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// `npm run demo` is the project's main job: run it as a user would and check what it prints.
const script = fileURLToPath(new URL('./commerce-demo.ts', import.meta.url));
const run = () =>
  spawnSync(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', script], { encoding: 'utf8' });

const first = run();

test('the demo exits 0 with concise output and nothing on stderr', () => {
  assert.is(first.status, 0, first.stderr);
  assert.is(first.stderr, '');
  assert.ok(first.stdout.trim().split('\n').length < 60, 'under 60 lines');
});

test('customers: a second registration of the same e-mail in another case is rejected', () => {
  assert.match(first.stdout, /customer\s+c-ann\s+ann@example\.com\s+registered/);
  assert.match(first.stdout, /customer\s+c-eve\s+Ann@Example\.COM\s+rejected: email_taken/);
  assert.match(first.stdout, /bad input\s+ReceiveStock quantity 0 -> ValidationError: .*quantity/);
});

test('each order ends as planned, with its reason', () => {
  const out = first.stdout;
  for (const id of ['o-1', 'o-2', 'o-3', 'o-5', 'o-8']) assert.match(out, new RegExp(`\\n  ${id}\\s+completed `));
  assert.match(out, /\n {2}o-4\s+cancelled .*insufficient_stock/);
  assert.match(out, /\n {2}o-6\s+cancelled .*payment declined: card_declined/);
  assert.match(out, /\n {2}o-7\s+cancelled .*payment authorization timed out/);
  assert.match(out, /o-7 is confirmed, waiting for the gateway/);
  assert.match(out, /o-7's payment timeout fired: o-7 is cancelled/);
});

test('read models: stock adds up, revenue per day, funnel, notifications each once, money', () => {
  const out = first.stdout;
  assert.match(out, /mug\s+10 = 7 \+ 0 \+ 3\s+ok/);
  assert.match(out, /kettle\s+2 = 1 \+ 0 \+ 1\s+ok/);
  assert.not.match(out, /BROKEN/);
  assert.match(out, /2024-05-01\s+orders 4\s+gross 89\.00 EUR/);
  assert.match(out, /2024-05-02\s+orders 1\s+gross 18\.00 EUR/);
  assert.match(out, /funnel\s+placed 8, confirmed 7, paid 5, shipped 5, completed 5, cancelled 3/);
  assert.match(out, /notifications (\d+) sent, \1 distinct ids \(each once\)/);
  assert.match(out, /captured 107\.00 EUR, refunded 0\.00 EUR; completed orders 107\.00 EUR/);
});

test('the invariants of docs/architecture.md hold', () => {
  assert.match(
    first.stdout,
    /invariants\s+OK \(\d+ checked\): every order Completed or Cancelled; stock conserved; money conserved/,
  );
});

test('the output is deterministic: a second run prints the same', () => {
  assert.is(run().stdout, first.stdout);
});

test.run();
