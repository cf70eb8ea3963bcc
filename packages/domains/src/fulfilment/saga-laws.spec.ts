import * as fc from 'fast-check';
import { fold } from '@ordo/kernel';
import { checkDeciderLaws, deciderLawResults, type StateInvariant } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isForwardCommand } from './commands';
import type { FulfilmentEvent } from './events';
import { historyUntil, inputs, orderPlaced, sample } from './fixtures';
import { fulfilmentCommandId, fulfilmentTimeoutId, type FulfilmentCommandStep, timedSteps } from './ids';
import type { FulfilmentInput } from './inputs';
import { reactToFulfilment } from './react';
import { fulfilmentCommandRejected, fulfilmentSaga } from './saga';
import type { FulfilmentState } from './state';

const { orderId, paymentId, shipmentId } = sample;
const skus = ['apple', 'pear', 'plum'] as const;
const times = ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:45.000Z', '2024-05-01T10:05:00.000Z'];

/** Orders of one, two and three lines (one of them the fixtures' order). */
const orders = [
  orderPlaced,
  { ...orderPlaced, lines: [{ sku: 'plum', quantity: 3, unitPrice: 100 }], total: 300 },
  {
    ...orderPlaced,
    lines: [
      { sku: 'apple', quantity: 1, unitPrice: 150 },
      { sku: 'pear', quantity: 1, unitPrice: 300 },
      { sku: 'plum', quantity: 2, unitPrice: 100 },
    ],
    total: 650,
  },
];

const rejectable: ReadonlyArray<[FulfilmentCommandStep, string | undefined]> = [
  ...skus.map((sku): [FulfilmentCommandStep, string] => ['reserve', sku]),
  ['capture', undefined],
  ['ship', undefined],
  ['cancel-shipment', undefined],
  ['abandon-authorization', undefined],
  ['void', undefined],
  ['confirm', undefined],
  ['release', 'apple'],
];

/**
 * Any input of order `o-1`, in any order: the saga must cope with duplicates, reordering, stale
 * timeouts, late answers and answers to questions it never asked.
 */
const anyInput: fc.Arbitrary<FulfilmentInput> = fc.constantFrom(...times).chain((at) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...orders).map((o): FulfilmentInput => ({ ...o, at })) },
    {
      weight: 6,
      arbitrary: fc
        .record({ sku: fc.constantFrom(...skus), quantity: fc.constantFrom(1, 2, 3) })
        .map((r): FulfilmentInput => ({ type: 'StockReserved', orderId, ...r, at })),
    },
    { weight: 3, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.authorized, at }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('card_declined', 'gateway_timeout')
        .map((reason): FulfilmentInput => ({ ...inputs.declined, reason, at })),
    },
    { weight: 3, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.captured, at }) },
    { weight: 1, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.shipmentCreated, at }) },
    { weight: 3, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.dispatched, at }) },
    { weight: 1, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.shipmentFailed, at }) },
    { weight: 1, arbitrary: fc.constant<FulfilmentInput>({ ...inputs.shipmentCancelled, at }) },
    {
      weight: 3,
      arbitrary: fc
        .record({ step: fc.constantFrom(...timedSteps), stale: fc.boolean() })
        .map(({ step, stale }): FulfilmentInput => ({
          type: 'StepTimedOut',
          orderId,
          step,
          timeoutId: stale ? 'an-old-timeout' : fulfilmentTimeoutId(orderId, step),
          at,
        })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({ target: fc.constantFrom(...rejectable), code: fc.constantFrom('refused', 'insufficient_stock') })
        .map(({ target: [step, sku], code }): FulfilmentInput =>
          fulfilmentCommandRejected(orderId, fulfilmentCommandId(orderId, step, sku), { code, message: 'no' }, at)!,
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constant<FulfilmentInput>({ ...inputs.authorized, paymentId: 'pay-someone-else', at }),
    },
  ),
);

const statuses = (state: FulfilmentState) => Object.values(state.lines);
const terminal = (state: FulfilmentState) => state.phase === 'completed' || state.phase === 'compensated';

const invariants: ReadonlyArray<StateInvariant<FulfilmentState>> = [
  {
    description: 'every reserved line is released or committed when the saga ends',
    holds: (s) => !terminal(s) || statuses(s).every((l) => l === 'released' || l === 'committed' || l === 'refused'),
  },
  {
    description: 'a completed saga committed every line, captured the payment and saw the parcel leave',
    holds: (s) =>
      s.phase !== 'completed' ||
      (statuses(s).every((l) => l === 'committed') && s.payment === 'captured' && s.shipment === 'dispatched'),
  },
  {
    description: 'a compensated saga holds no money: the payment was never taken, or was declined, voided or refunded',
    holds: (s) => s.phase !== 'compensated' || ['none', 'declined', 'voided', 'refunded'].includes(s.payment),
  },
  {
    description: 'a compensating saga has no parcel in flight or gone (dispatch is the point of no return)',
    holds: (s) =>
      !(s.phase === 'compensating' || s.phase === 'compensated') || s.shipment === 'none' || s.shipment === 'stopped',
  },
  {
    description: 'the payment is requested only once every line is held',
    holds: (s) =>
      s.payment === 'none' || statuses(s).every((l) => l === 'reserved' || l === 'released' || l === 'committed'),
  },
  {
    description: 'a shipment is requested only after the capture',
    holds: (s) => s.shipment === 'none' || s.payment === 'captured' || s.payment === 'refunded',
  },
  {
    description: 'a saga compensates exactly when a failure is recorded',
    holds: (s) => (s.phase === 'compensating' || s.phase === 'compensated') === (s.failure !== undefined),
  },
  {
    description: "line statuses only name the order's skus",
    holds: (s) =>
      s.order === undefined
        ? Object.keys(s.lines).length === 0 && s.phase === 'awaiting-order'
        : Object.keys(s.lines).every((sku) => s.order!.lines.some((l) => l.sku === sku)),
  },
];

/** Saga events of the happy path up to each stage: the laws are checked from each of them. */
const stages: ReadonlyArray<[string, ReadonlyArray<FulfilmentEvent>]> = [
  ['the start', []],
  ['OrderPlaced', historyUntil('started')],
  ['every line reserved', historyUntil('paymentRequested')],
  ['the authorization', historyUntil('captureRequested')],
  ['the capture', historyUntil('shipmentRequested')],
];

for (const [stage, history] of stages) {
  test(`the fulfilment saga satisfies the decider laws and its invariants from ${stage}`, () => {
    const from = { ...fulfilmentSaga, initialState: fold(fulfilmentSaga, history) };
    const options = { commands: anyInput, invariants, numRuns: 200, maxCommands: 30 };
    checkDeciderLaws(from, options);
    if (process.env.SAGA_LAW_NOTES)
      for (const r of deciderLawResults(from, options)) console.log(`NOTE ${stage}: ${r.law}: ${r.note}`);
  });
}

/** Runs inputs through the saga, answering the events and actions of each accepted input. */
const run = (
  sequence: ReadonlyArray<FulfilmentInput>,
  each?: (step: { input: FulfilmentInput; before: FulfilmentState; events: ReadonlyArray<FulfilmentEvent> }) => void,
  from: FulfilmentState = fulfilmentSaga.initialState,
): FulfilmentState => {
  let state = from;
  for (const input of sequence) {
    const outcome = fulfilmentSaga.decide(input, state);
    if (outcome._tag === 'Left') continue;
    each?.({ input, before: state, events: outcome.right });
    state = outcome.right.reduce(fulfilmentSaga.evolve, state);
  }
  return state;
};

const happyInputs: ReadonlyArray<FulfilmentInput> = [
  inputs.appleReserved,
  inputs.pearReserved,
  inputs.authorized,
  inputs.captured,
  inputs.shipmentCreated,
  inputs.dispatched,
];

/**
 * Whole lives of a saga: OrderPlaced, then the happy path's answers with some dropped, random
 * inputs (failures, timeouts, duplicates, late answers) mixed in and neighbours swapped.
 */
const sequences: fc.Arbitrary<FulfilmentInput[]> = fc
  .record({
    keep: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: happyInputs.length, maxLength: happyInputs.length }),
    noise: fc.array(fc.record({ position: fc.nat(), input: anyInput }), { minLength: 1, maxLength: 14, size: 'max' }),
    swaps: fc.array(fc.nat(), { maxLength: 3 }),
  })
  .map(({ keep, noise, swaps }) => {
    const sequence = happyInputs.filter((_, i) => keep[i] !== 0);
    for (const { position, input } of noise) sequence.splice(position % (sequence.length + 1), 0, input);
    for (const swap of swaps) {
      if (sequence.length < 2) break;
      const i = swap % (sequence.length - 1);
      [sequence[i], sequence[i + 1]] = [sequence[i + 1]!, sequence[i]!];
    }
    return [orderPlaced, ...sequence];
  });

test('a compensating saga never issues a forward step', () => {
  let compensations = 0;
  fc.assert(
    fc.property(sequences, (sequence) => {
      let compensating = false;
      run(sequence, ({ events }) => {
        for (const event of events) {
          if (event.type === 'CompensationStarted') {
            compensating = true;
            compensations += 1;
          }
          for (const action of reactToFulfilment(event)) {
            if (compensating && action.kind === 'send' && isForwardCommand(action.command)) {
              throw new Error(`${action.command.type} sent after compensation started (event ${event.type})`);
            }
            if (compensating && action.kind === 'schedule') throw new Error('timeout scheduled while compensating');
          }
        }
      });
    }),
    { numRuns: 500 },
  );
  assert.ok(compensations > 100, `compensation reached often enough (${compensations})`);
});

test('each command id is sent at most once over a saga’s life (a re-sent id would be swallowed as a duplicate)', () => {
  fc.assert(
    fc.property(sequences, (sequence) => {
      const seen = new Set<string>();
      run(sequence, ({ events }) => {
        for (const action of events.flatMap(reactToFulfilment)) {
          if (action.kind !== 'send') continue;
          if (seen.has(action.commandId)) throw new Error(`command id ${action.commandId} sent twice`);
          seen.add(action.commandId);
        }
      });
    }),
    { numRuns: 500 },
  );
});

test('each input is handled once: an input that caused events causes none when delivered again, at any later point', () => {
  fc.assert(
    fc.property(sequences, fc.array(fc.nat(), { maxLength: 10 }), (sequence, picks) => {
      const handled: FulfilmentInput[] = [];
      const withRepeats: FulfilmentInput[] = [];
      let state = fulfilmentSaga.initialState;
      const feed = (input: FulfilmentInput, repeat: boolean) => {
        const outcome = fulfilmentSaga.decide(input, state);
        if (outcome._tag === 'Left') return;
        if (repeat && outcome.right.length > 0) {
          throw new Error(
            `re-delivered ${JSON.stringify(input)} caused ${outcome.right.map((e) => e.type).join(', ')}`,
          );
        }
        if (!repeat && outcome.right.length > 0) handled.push(input);
        state = outcome.right.reduce(fulfilmentSaga.evolve, state);
      };
      sequence.forEach((input, i) => {
        feed(input, false);
        withRepeats.push(input);
        const pick = picks[i];
        if (pick !== undefined && handled.length > 0) feed(handled[pick % handled.length]!, true);
      });
    }),
    { numRuns: 500 },
  );
});

/** The answers the world eventually gives to everything the saga is waiting for. */
const answersTo = (state: FulfilmentState): FulfilmentInput[] => {
  const at = '2024-05-01T11:00:00.000Z';
  const out: FulfilmentInput[] = [];
  const current = { reserving: 'reserve', authorizing: 'payment', capturing: 'capture', shipping: 'shipment' } as const;
  const step = current[state.phase as keyof typeof current];
  if (step !== undefined)
    out.push({ type: 'StepTimedOut', orderId, step, timeoutId: fulfilmentTimeoutId(orderId, step), at });
  for (const [sku, status] of Object.entries(state.lines)) {
    if (status === 'requested') {
      out.push(
        fulfilmentCommandRejected(
          orderId,
          fulfilmentCommandId(orderId, 'reserve', sku),
          { code: 'insufficient_stock', message: '' },
          at,
        )!,
      );
    }
  }
  if (state.payment === 'abandoned') out.push({ ...inputs.declined, reason: 'gateway_timeout', at });
  if (state.payment === 'capture-requested') {
    out.push(
      fulfilmentCommandRejected(orderId, fulfilmentCommandId(orderId, 'capture'), { code: 'x', message: '' }, at)!,
    );
  }
  if (state.shipment === 'cancel-requested') out.push({ type: 'ShipmentCancelled', shipmentId, orderId, at });
  return out;
};

test('every saga reaches a terminal state once the world answers (timeouts fire, fences settle)', () => {
  fc.assert(
    fc.property(sequences, (sequence) => {
      let state = run(sequence);
      for (let round = 0; round < 6 && !terminal(state); round++) state = run(answersTo(state), undefined, state);
      if (!terminal(state)) throw new Error(`stuck in ${JSON.stringify(state)}`);
    }),
    { numRuns: 500 },
  );
});

/** Sagas whose payment step times out, followed by anything, an authorization among it. */
const paymentTimeouts: fc.Arbitrary<FulfilmentInput[]> = fc
  .record({
    before: fc.array(anyInput, { maxLength: 3 }),
    after: fc.array(anyInput, { maxLength: 6 }),
  })
  .map(({ before, after }) => [
    orderPlaced,
    inputs.appleReserved,
    inputs.pearReserved,
    ...before,
    {
      type: 'StepTimedOut',
      orderId,
      step: 'payment',
      timeoutId: fulfilmentTimeoutId(orderId, 'payment'),
      at: sample.at,
    },
    ...after,
    inputs.authorized,
  ]);

test('a late authorization after the payment timeout is voided, never captured', () => {
  let hits = 0;
  fc.assert(
    fc.property(paymentTimeouts, (sequence) => {
      run(sequence, ({ input, before, events }) => {
        if (input.type !== 'PaymentAuthorized' || input.paymentId !== paymentId || before.payment !== 'abandoned')
          return;
        hits += 1;
        const types = events.flatMap(reactToFulfilment).flatMap((a) => (a.kind === 'send' ? [a.command.type] : []));
        if (!types.includes('VoidPayment') || types.includes('CapturePayment'))
          throw new Error(`sent ${types.join(', ')}`);
      });
    }),
    { numRuns: 300 },
  );
  assert.ok(hits > 100, `late authorizations generated (${hits})`);
});

test.run();
