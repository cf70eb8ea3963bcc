import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accept, reject } from '../decider/decider';
import { domainError } from '../model/errors';
import { compensateInReverse } from './compensation';
import { type ProcessManager, sagaActions, sagaStreamId } from './process-manager';

type Step = 'stock' | 'payment' | 'notification' | 'shipment';

test('compensateInReverse undoes completed steps last-first, skipping steps without compensation', () => {
  const completed: Step[] = ['stock', 'notification', 'payment'];
  const undo = compensateInReverse(completed, (step) =>
    step === 'stock' ? 'ReleaseStock' : step === 'payment' ? 'VoidPayment' : undefined,
  );
  assert.equal(undo, ['VoidPayment', 'ReleaseStock']);
});

test('compensateInReverse flattens steps with several compensating commands, keeping their order', () => {
  const undo = compensateInReverse(['stock', 'shipment'] as Step[], (step) =>
    step === 'stock' ? ['ReleaseLine1', 'ReleaseLine2'] : ['CancelShipment'],
  );
  assert.equal(undo, ['CancelShipment', 'ReleaseLine1', 'ReleaseLine2']);
});

test('compensateInReverse of nothing is nothing', () => {
  assert.equal(
    compensateInReverse([], () => 'x'),
    [],
  );
});

type Input = { readonly type: 'Started'; readonly id: string } | { readonly type: 'Ended'; readonly id: string };
type SagaEvent = { readonly type: 'Began'; readonly id: string } | { readonly type: 'Finished'; readonly id: string };

const saga: ProcessManager<Input, SagaEvent, 'idle' | 'running' | 'done', string> = {
  name: 'demo',
  initialState: 'idle',
  correlate: (i) => i.id,
  isTerminal: (s) => s === 'done',
  decide: (i, s) =>
    s === 'done'
      ? reject(domainError('ended', 'ended'))
      : i.type === 'Started'
        ? accept({ type: 'Began', id: i.id })
        : accept({ type: 'Finished', id: i.id }),
  evolve: (_s, e) => (e.type === 'Began' ? 'running' : 'done'),
  react: (e) =>
    e.type === 'Began'
      ? [
          { kind: 'send', command: `work-${e.id}`, commandId: `${e.id}:work` },
          {
            kind: 'schedule',
            timeoutId: `${e.id}:t`,
            dueAt: '2030-01-01T00:00:00.000Z',
            input: { type: 'Ended', id: e.id },
          },
        ]
      : [{ kind: 'cancel', timeoutId: `${e.id}:t` }],
};

test('sagaActions lists the actions of each recorded event, in event order', () => {
  const recorded: SagaEvent[] = [
    { type: 'Began', id: '1' },
    { type: 'Finished', id: '1' },
  ];
  const actions = sagaActions(saga, recorded);
  assert.equal(actions, [
    { kind: 'send', command: 'work-1', commandId: '1:work' },
    { kind: 'schedule', timeoutId: '1:t', dueAt: '2030-01-01T00:00:00.000Z', input: { type: 'Ended', id: '1' } },
    { kind: 'cancel', timeoutId: '1:t' },
  ]);
  assert.equal(sagaActions(saga, []), []);
});

test('sagaStreamId names the stream of one instance', () => {
  assert.is(sagaStreamId(saga, 'order-7'), 'demo-order-7');
});

test.run();
