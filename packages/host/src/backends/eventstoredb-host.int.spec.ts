// The host on a real EventStoreDB / KurrentDB node (the log as the outbox, followed by the log
// relay), with the in-memory bus and the real clock. Runs only where EVENTSTOREDB_URL is set;
// otherwise it registers as skipped and prints one SKIP line. The same relay path runs on the
// in-memory store in `composition/create-host.spec.ts` (store `{ kind: 'memory', relay: 'log' }`).
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHost } from '../composition/create-host';
import { createScryptPasswordHasher } from '../identity/scrypt-password-hasher';
import { eventually, openShop, testOrder } from '../test-support';

const url = process.env.EVENTSTOREDB_URL;
const NAME = 'orders on EventStoreDB end Completed or Cancelled, through the log relay; the invariants hold';

if (url === undefined || url.trim() === '') {
  test.skip(`${NAME} (skipped: EVENTSTOREDB_URL is not set, no EventStoreDB server to run against)`);
  console.log('SKIP eventstoredb: EVENTSTOREDB_URL is not set; 1 host-on-EventStoreDB integration test skipped');
} else {
  test(NAME, async () => {
    const host = await createHost({
      store: { kind: 'eventstoredb', connectionString: url },
      passwordHasher: createScryptPasswordHasher({ N: 1024 }),
      gatewayRules: { declineKeys: [/-3$/] },
    });
    try {
      // Names unique to this run: the server keeps what earlier runs wrote.
      const run = randomUUID().slice(0, 8);
      const at = new Date().toISOString();
      await openShop(host, { skus: 3, stock: 20, at });
      for (let n = 0; n < 20; n++) {
        const placed = await host.execute(testOrder(n, 3, at, `o${run}`), { commandId: `place:${run}:${n}` });
        assert.ok(E.isRight(placed));
      }
      const terminal = async () => {
        const states = await Promise.all(Array.from({ length: 20 }, (_, n) => host.orderStatus(`o${run}-${n}`)));
        return states.every((s) => s.status === 'completed' || s.status === 'cancelled');
      };
      assert.ok(await eventually(terminal, 30_000, 200), 'every order ended');
      const health = await host.health();
      assert.ok(health.ready, health.reasons.join('; '));
    } finally {
      await host.stop();
    }
  });
}

test.run();
