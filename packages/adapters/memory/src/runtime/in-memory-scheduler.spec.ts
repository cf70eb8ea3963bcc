import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createInMemoryScheduler } from './in-memory-scheduler';
import { createManualClock } from './manual-clock';

test('messages come out when due, oldest first, ties in scheduling order', async () => {
  const clock = createManualClock('2024-01-01T00:00:00.000Z');
  const scheduler = createInMemoryScheduler<string>({ clock });
  const at = (s: number) => new Date(clock.nowMs() + s * 1000);
  await scheduler.schedule('late', 'L', at(60));
  await scheduler.schedule('first', 'F1', at(10));
  await scheduler.schedule('second', 'F2', at(10));
  await scheduler.schedule('early', 'E', at(5));
  assert.equal(await scheduler.takeDueNow(), []);
  assert.equal(scheduler.nextDueAt(), at(5));
  clock.advance(10_000);
  assert.equal(
    (await scheduler.takeDueNow()).map((m) => [m.id, m.message]),
    [
      ['early', 'E'],
      ['first', 'F1'],
      ['second', 'F2'],
    ],
  );
  assert.equal(await scheduler.takeDueNow(), [], 'taken messages are removed');
  assert.equal(
    scheduler.pending().map((m) => m.id),
    ['late'],
  );
  clock.advance(50_000);
  assert.equal(
    (await scheduler.takeDue(clock.now())).map((m) => m.id),
    ['late'],
  );
  assert.is(scheduler.nextDueAt(), undefined);
});

test('rescheduling an id replaces it; cancel removes it', async () => {
  const clock = createManualClock();
  const scheduler = createInMemoryScheduler<{ n: number }>({ clock });
  await scheduler.schedule('timeout', { n: 1 }, new Date(clock.nowMs() + 1000));
  await scheduler.schedule('timeout', { n: 2 }, new Date(clock.nowMs() + 5000));
  await scheduler.schedule('other', { n: 3 }, new Date(clock.nowMs() + 1000));
  await scheduler.cancel('other');
  await scheduler.cancel('unknown');
  clock.advance(2000);
  assert.equal(await scheduler.takeDueNow(), []);
  clock.advance(3000);
  assert.equal(
    (await scheduler.takeDueNow()).map((m) => m.message),
    [{ n: 2 }],
  );
});

test('bad ids and dates are rejected', async () => {
  const scheduler = createInMemoryScheduler<string>();
  for (const [id, due] of [
    ['', new Date()],
    ['x', new Date('not a date')],
    ['x', '2024-01-01' as unknown as Date],
  ] as const) {
    try {
      await scheduler.schedule(id, 'm', due);
      assert.unreachable('should reject');
    } catch (error) {
      assert.ok(['invalid_schedule', 'invalid_time'].includes((error as { code: string }).code));
    }
  }
  assert.equal(scheduler.pending(), []);
});

test.run();
