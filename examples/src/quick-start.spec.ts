import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// The README's example must keep working: run it as a user would and check what it prints.
test('the quick-start example runs and prints what the README promises', () => {
  const script = fileURLToPath(new URL('./quick-start.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--conditions=ordo-source', '--import', 'tsx', script], {
    encoding: 'utf8',
  });
  assert.match(out, /same command id again\s+ok, version 1 \(duplicate, nothing appended\)/);
  assert.match(out, /bad input\s+ValidationError: invalid command: quantity: expected number, got "many"/);
  assert.match(out, /bad time\s+ValidationError: invalid command: occurredAt: expected ISO-8601 date-time/);
  assert.match(out, /add after check-out\s+DomainError: the cart is already checked out/);
  assert.match(out, /stream cart-1: 0:ItemAdded, 1:ItemAdded, 2:CartCheckedOut/);
  assert.match(out, /units per sku: \{ book: 2, pen: 1 \}/);
});

test.run();
