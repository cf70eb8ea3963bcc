import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureLine, runSimulation, type SimulationOptions, type SimulationReport } from './run-simulation';

/** Seeds the suite runs; CI runs at least 200 (the CLI runs thousands). */
const SEEDS = Number(process.env.SIM_SEEDS ?? 200);
/** Orders per seed, sized to keep the whole file well under a minute on a loaded two-core machine. */
const ORDERS = 25;

const reports: SimulationReport[] = [];

test(`${SEEDS} seeds: every invariant of docs/architecture.md holds after quiescence`, async () => {
  const started = performance.now();
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const options: SimulationOptions = { seed, orders: ORDERS };
    const report = await runSimulation(options);
    reports.push(report);
    if (!report.ok) failures.push(failureLine(report, options));
  }
  const seconds = (performance.now() - started) / 1000;
  const orders = reports.reduce((n, r) => n + r.orders, 0);
  const completed = reports.reduce((n, r) => n + r.completed, 0);
  console.log(
    `\nNOTE simulation: ${SEEDS} seeds, ${orders} orders (${completed} completed, ${orders - completed} cancelled) in ${seconds.toFixed(1)} s = ${(orders / seconds).toFixed(0)} orders/s`,
  );
  for (const line of failures) console.log(line);
  assert.equal(failures, [], failures.join('\n'));
});

test('the seeds exercise every failure path, duplicate, crash and late answer', () => {
  const sum = (pick: (r: SimulationReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const reasons = (fragment: string) =>
    sum((r) =>
      Object.entries(r.cancelReasons).reduce((n, [reason, count]) => n + (reason.includes(fragment) ? count : 0), 0),
    );
  const coverage = {
    'stock shortage': reasons('insufficient_stock'),
    'payment declined': reasons('payment declined'),
    'gateway silence (payment timeout)': reasons('payment authorization timed out'),
    'reservation timeout': reasons('stock reservation timed out'),
    'capture timeout': reasons('payment capture timed out'),
    'shipment failed': reasons('shipment failed'),
    'shipment timeout': reasons('shipment timed out'),
    'late answers undone': sum((r) => r.lateAnswers),
    redeliveries: sum((r) => r.redeliveries),
    'completed orders': sum((r) => r.completed),
    'worker crashes': sum((r) => Object.values(r.crashes).reduce((a, b) => a + b, 0)),
    'late gateway approvals refused by the fence': sum((r) => r.rejections['AuthorizePayment:payment_declined'] ?? 0),
    'parcels cancelled before pickup': sum((r) => r.rejections['DispatchShipment:shipment_cancelled'] ?? 0),
  };
  console.log(
    `\nNOTE coverage: ${Object.entries(coverage)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  for (const [what, count] of Object.entries(coverage)) assert.ok(count > 0, `no seed exercised: ${what}`);
});

test('one seed is one exact interleaving: a replay gives the same run', async () => {
  const strip = ({ elapsedMs: _e, ...rest }: SimulationReport) => rest;
  const first = await runSimulation({ seed: 7, orders: ORDERS });
  const again = await runSimulation({ seed: 7, orders: ORDERS });
  assert.equal(strip(again), strip(first));
  const other = await runSimulation({ seed: 8, orders: ORDERS });
  assert.not.equal(strip(other), strip(first), 'another seed gives another run');
});

test('a failing seed prints the command that replays it', () => {
  const line = failureLine({ seed: 12, failure: 'x: y' } as SimulationReport, {
    seed: 12,
    orders: 40,
    plantedBug: 'forget-release-last-line',
  });
  assert.is(
    line,
    'SEED 12 failed: x: y; replay: npm run sim -- --seed 12 --orders 40 --planted-bug forget-release-last-line',
  );
});

test.run();
