// Test 5 of the running host: the simulation on PostgreSQL. The same world as the in-memory
// sweep (createHost with the seeded bus, gates, simulated gateway and carrier, crashes), but the
// store, outbox, inbox, timers and read models are PostgreSQL's; the invariants read the log
// through the port. A few seeds only: every step is a round trip (all seeds stay on memory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openHostTestDatabase } from '../test-support';
import { failureLine, runSimulation, type SimulationOptions } from './run-simulation';

const SEEDS = [1, 2, 3, 4, 5, 6];
const ORDERS = 12;

test(`${SEEDS.length} seeds on PostgreSQL: every invariant holds after quiescence`, async () => {
  const db = await openHostTestDatabase('host_sim');
  try {
    const failures: string[] = [];
    const started = performance.now();
    let orders = 0;
    let completed = 0;
    let crashes = 0;
    let redeliveries = 0;
    for (const seed of SEEDS) {
      // A schema per seed: each world starts on an empty store.
      const options: SimulationOptions = {
        seed,
        orders: ORDERS,
        store: { kind: 'postgres', connectionString: db.url, schema: `sim_${seed}` },
      };
      const report = await runSimulation(options);
      orders += report.orders;
      completed += report.completed;
      crashes += Object.values(report.crashes).reduce((a, b) => a + b, 0);
      redeliveries += report.redeliveries;
      if (!report.ok) failures.push(failureLine(report, options));
    }
    console.log(
      `NOTE simulation on PostgreSQL: ${SEEDS.length} seeds, ${orders} orders (${completed} completed), ${crashes} worker crashes, ${redeliveries} redeliveries, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(failures, [], failures.join('\n'));
    // The faults the invariants are about did happen on this store.
    assert.ok(crashes > 0 && redeliveries > 0, 'crashes and redeliveries were exercised');
    assert.ok(completed > 0 && completed < orders, 'some orders completed and some were cancelled');
  } finally {
    await db.close();
  }
});

test.run();
