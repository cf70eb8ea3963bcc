import type { Scheduler } from '../../../runtime/scheduler';
import { equal, equalDeep, expectInvalidInput, rejection } from '../shared/assert';
import type { SchedulerConformanceCase } from './types';

/** Every case's clock starts here; times are given to `takeDue`, the scheduler reads no clock. */
const T0 = Date.parse('2030-01-02T03:04:05.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const c = (name: string, body: (scheduler: Scheduler<unknown>) => Promise<void>): SchedulerConformanceCase => ({
  name,
  run: async (factory) => {
    const scheduler = await factory.create();
    try {
      await body(scheduler);
    } finally {
      await factory.dispose?.(scheduler);
    }
  },
});

const taken = async (scheduler: Scheduler<unknown>, now: Date) =>
  (await scheduler.takeDue(now)).map((m) => ({ id: m.id, message: m.message, dueAt: m.dueAt.getTime() }));

/**
 * What the `Scheduler` port promises a saga runner: a message is delivered by `takeDue` at or
 * after its due time, once, oldest due first, unless cancelled; scheduling an id again replaces
 * its message and due time (a saga re-arming a timeout keeps one). Bad input is refused:
 * `invalid_schedule` for an empty id, `invalid_time` for a due time or `now` that is not a valid
 * `Date`.
 */
export const schedulerConformanceCases: ReadonlyArray<SchedulerConformanceCase> = [
  c('scheduler: takeDue answers nothing when nothing is scheduled', async (scheduler) => {
    equalDeep(await taken(scheduler, at(1_000_000)), [], 'takeDue of an empty scheduler');
  }),

  c('scheduler: a message is not taken before its due time, then taken once, as scheduled', async (scheduler) => {
    const message = { type: 'PaymentTimedOut', orderId: 'o-1', attempt: 2 };
    await scheduler.schedule('timeout-o-1', message, at(10));
    equalDeep(await taken(scheduler, at(0)), [], 'takeDue before the due time');
    equalDeep(await taken(scheduler, at(9.999)), [], 'takeDue a millisecond before the due time');
    equalDeep(
      await taken(scheduler, at(10)),
      [{ id: 'timeout-o-1', message, dueAt: at(10).getTime() }],
      'takeDue at the due time',
    );
    equalDeep(await taken(scheduler, at(100)), [], 'takeDue after the message was taken');
  }),

  c('scheduler: due messages come out oldest due first; later ones stay', async (scheduler) => {
    for (const [id, seconds] of [
      ['c', 30],
      ['a', 10],
      ['e', 500],
      ['b', 20],
      ['d', 40],
    ] as const) {
      await scheduler.schedule(id, { id }, at(seconds));
    }
    equalDeep(
      (await taken(scheduler, at(35))).map((m) => m.id),
      ['a', 'b', 'c'],
      'takeDue at +35s',
    );
    equalDeep(
      (await taken(scheduler, at(40))).map((m) => m.id),
      ['d'],
      'takeDue at +40s',
    );
    equalDeep(
      (await taken(scheduler, at(1000))).map((m) => m.id),
      ['e'],
      'takeDue at +1000s',
    );
  }),

  c(
    'scheduler: cancel removes a pending message; cancelling an unknown or taken id does nothing',
    async (scheduler) => {
      await scheduler.schedule('keep', 'kept', at(5));
      await scheduler.schedule('drop', 'dropped', at(5));
      await scheduler.cancel('drop');
      await scheduler.cancel('never-scheduled');
      equalDeep(
        (await taken(scheduler, at(10))).map((m) => m.id),
        ['keep'],
        'takeDue after a cancel',
      );
      await scheduler.cancel('keep');
      equalDeep(await taken(scheduler, at(20)), [], 'takeDue after cancelling a taken id');
    },
  ),

  c('scheduler: scheduling an id again replaces its message and due time', async (scheduler) => {
    await scheduler.schedule('sooner', 'first', at(100));
    await scheduler.schedule('sooner', 'second', at(2));
    await scheduler.schedule('later', 'first', at(1));
    await scheduler.schedule('later', 'second', at(300));
    equalDeep(
      await taken(scheduler, at(50)),
      [{ id: 'sooner', message: 'second', dueAt: at(2).getTime() }],
      'takeDue at +50s',
    );
    equalDeep(
      await taken(scheduler, at(1000)),
      [{ id: 'later', message: 'second', dueAt: at(300).getTime() }],
      'takeDue at +1000s: one message per id',
    );
  }),

  c('scheduler: a bad id or time is refused and schedules nothing', async (scheduler) => {
    const attempts: ReadonlyArray<readonly [string, () => Promise<unknown>, string, string]> = [
      ['an empty id', () => scheduler.schedule('', 'x', at(1)), 'invalid_schedule', 'id'],
      ['a numeric id', () => scheduler.schedule(7 as unknown as string, 'x', at(1)), 'invalid_schedule', 'id'],
      ['an invalid Date', () => scheduler.schedule('bad-date', 'x', new Date(Number.NaN)), 'invalid_time', 'dueAt'],
      [
        'a due time that is not a Date',
        () => scheduler.schedule('bad-number', 'x', T0 as unknown as Date),
        'invalid_time',
        'dueAt',
      ],
      ['takeDue at an invalid Date', () => scheduler.takeDue(new Date(Number.NaN)), 'invalid_time', 'now'],
    ];
    for (const [what, attempt, code, path] of attempts) {
      expectInvalidInput(await rejection(attempt, what), code, what, path);
    }
    equal((await scheduler.takeDue(at(1_000_000))).length, 0, 'messages scheduled by the refused calls');
  }),
];
