import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createManualClock } from './manual-clock';

test('a manual clock moves only when told, and hands out fresh dates', () => {
  const clock = createManualClock('2024-05-01T10:00:00.000Z');
  const t0 = clock.now();
  t0.setFullYear(1999);
  assert.is(clock.now().toISOString(), '2024-05-01T10:00:00.000Z', 'mutating a returned date changes nothing');
  clock.advance(1500);
  assert.is(clock.now().toISOString(), '2024-05-01T10:00:01.500Z');
  clock.set(new Date('2024-04-30T00:00:00.000Z'));
  assert.is(clock.nowMs(), Date.parse('2024-04-30T00:00:00.000Z'), 'set may move backwards');
  assert.throws(() => clock.advance(-1), /advance/);
  assert.throws(() => clock.set('not a date'), /not a valid time/);
  assert.throws(() => createManualClock(NaN), /not a valid time/);
});

test.run();
