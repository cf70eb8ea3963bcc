/**
 * Runs the time-boxed Schemathesis pass (scripts/fuzz/schemathesis.sh) as part of the test
 * command, so that a finding, or a fuzzer that cannot be installed or started, is a failed test
 * among the others rather than a CI step that stops the run before any test ran.
 *
 * The pass: a throwaway `ordo serve` on the in-memory host, two passes (as the bootstrap admin,
 * as a customer) of `FUZZ_MAX_TIME_S` seconds each (45 here unless set), every check but
 * `positive_data_acceptance` (the script's header says why). It passes when the script exits 0:
 * no failed check and no error other than the known CPython crash, which the script reports.
 * The script's summary lines are printed as NOTE lines; a failure shows its whole output.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The hard stop: the install (first run only), the server's start and two passes fit well inside. */
const DEADLINE_MS = 300_000;

test('Schemathesis against /openapi.json of a running server: no 5xx, every response as documented', async () => {
  const started = Date.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', ['scripts/fuzz/schemathesis.sh'], {
      cwd: root,
      env: { ...process.env, FUZZ_MAX_TIME_S: process.env.FUZZ_MAX_TIME_S ?? '45' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => {
      text += `\nfuzz spec: no answer in ${DEADLINE_MS / 1000} s, the script's process group is killed\n`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, DEADLINE_MS);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, output: text });
    });
  });
  const summary = output.split('\n').filter((line) => /^fuzz: (schemathesis|\w+: \d+ operations)/i.test(line));
  for (const line of summary) console.log(`\nNOTE ${line}`);
  console.log(`\nNOTE fuzz: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  assert.is(code, 0, `scripts/fuzz/schemathesis.sh exited with ${code}:\n${output.slice(-6000)}`);
  assert.ok(
    summary.some((line) => /admin: \d+ operations/.test(line)) &&
      summary.some((line) => /customer: \d+ operations/.test(line)),
    `both passes report their operations:\n${output.slice(-3000)}`,
  );
});

test.run();
