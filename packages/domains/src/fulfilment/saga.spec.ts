import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FulfilmentEvent } from './events';
import { happy, historyUntil, inputs, sample, timedOut } from './fixtures';
import { fulfilmentCommandId, parseFulfilmentCommandId } from './ids';
import type { FulfilmentInput } from './inputs';
import { type FulfilmentAction, reactToFulfilment } from './react';
import { fulfilmentCommandRejected, fulfilmentSaga } from './saga';

const spec = deciderSpec(fulfilmentSaga);
const { orderId, paymentId, shipmentId, at } = sample;

const rejected = (commandId: string, code: string): FulfilmentInput => {
  const input = fulfilmentCommandRejected(orderId, commandId, { code, message: `${code} (test)` }, at);
  if (input === undefined) throw new Error(`not a saga command id: ${commandId}`);
  return input;
};

/** The commands (type + id) the given events ask for, in order. */
const sent = (events: ReadonlyArray<FulfilmentEvent>) =>
  events
    .flatMap((e) => reactToFulfilment(e))
    .filter((a): a is Extract<FulfilmentAction, { kind: 'send' }> => a.kind === 'send')
    .map((a) => `${a.command.type} ${a.commandId}`);

/** The events `input` causes after `given` (fails the test if it is rejected). */
const eventsOf = (given: ReadonlyArray<FulfilmentEvent>, input: FulfilmentInput): ReadonlyArray<FulfilmentEvent> => {
  const state = given.reduce(fulfilmentSaga.evolve, fulfilmentSaga.initialState);
  const outcome = fulfilmentSaga.decide(input, state);
  if (outcome._tag === 'Left') throw new Error(`rejected: ${outcome.left.code} ${outcome.left.message}`);
  return outcome.right;
};

const released = (sku: string) => `ReleaseReservation ${fulfilmentCommandId(orderId, 'release', sku)}`;

// ---------------------------------------------------------------- happy path

test('OrderPlaced starts the saga and asks for every line with a reservation timeout', () => {
  spec.given([]).when(inputs.orderPlaced).then([happy.started]);
  const actions = reactToFulfilment(happy.started);
  assert.equal(sent([happy.started]), [
    `ReserveStock ${orderId}:reserve:apple`,
    `ReserveStock ${orderId}:reserve:pear`,
  ]);
  assert.ok(actions.some((a) => a.kind === 'schedule' && a.timeoutId === `${orderId}:timeout:reserve`));
});

test('the last reserved line confirms the order and requests the payment', () => {
  spec
    .given(historyUntil('appleReserved'))
    .when(inputs.pearReserved)
    .then([happy.pearReserved, happy.paymentRequested]);
  assert.equal(sent([happy.paymentRequested]), [
    `ConfirmOrder ${orderId}:confirm`,
    `RequestPaymentAuthorization ${orderId}:authorize`,
  ]);
});

test('an authorization asks for the capture; a capture marks the order paid and creates the shipment', () => {
  spec.given(historyUntil('paymentRequested')).when(inputs.authorized).then([happy.captureRequested]);
  spec.given(historyUntil('captureRequested')).when(inputs.captured).then([happy.shipmentRequested]);
  assert.equal(sent([happy.shipmentRequested]), [
    `MarkOrderPaid ${orderId}:mark-paid`,
    `CreateShipment ${orderId}:ship`,
  ]);
});

test('dispatch completes: every line committed, order marked shipped and completed', () => {
  const completed: FulfilmentEvent = {
    type: 'FulfilmentCompleted',
    orderId,
    shipmentId,
    lines: happy.shipmentRequested.lines,
    at,
  };
  spec.given(historyUntil('shipmentRequested')).when(inputs.dispatched).then([completed]);
  assert.equal(sent([completed]), [
    `CommitReservation ${orderId}:commit:apple`,
    `CommitReservation ${orderId}:commit:pear`,
    `MarkOrderShipped ${orderId}:mark-shipped`,
    `CompleteOrder ${orderId}:complete`,
  ]);
  spec
    .given([...historyUntil('shipmentRequested'), completed])
    .when(inputs.dispatched)
    .thenRejects('fulfilment_ended');
});

// ---------------------------------------------------------------- stock shortage

test('stock shortage: the held line is released and the order cancelled with the reason', () => {
  const events = eventsOf(historyUntil('appleReserved'), rejected(`${orderId}:reserve:pear`, 'insufficient_stock'));
  assert.equal(
    events.map((e) => e.type),
    ['ReservationRefused', 'CompensationStarted', 'FulfilmentCompensated'],
  );
  assert.equal(sent(events), [released('apple'), `CancelOrder ${orderId}:cancel-order`]);
  const cancel = events[2];
  assert.ok(
    cancel?.type === 'FulfilmentCompensated' && cancel.reason.includes('insufficient_stock'),
    'reason names the code',
  );
});

test('stock shortage while another line is in flight: the saga waits, then releases the late reservation', () => {
  const first = eventsOf([happy.started], rejected(`${orderId}:reserve:apple`, 'insufficient_stock'));
  assert.equal(
    first.map((e) => e.type),
    ['ReservationRefused', 'CompensationStarted'],
    'pear is still in flight: not finished yet',
  );
  assert.equal(sent(first), []);
  const late = eventsOf([happy.started, ...first], inputs.pearReserved);
  assert.equal(
    late.map((e) => e.type),
    ['LateAnswerCompensated', 'FulfilmentCompensated'],
  );
  assert.equal(sent(late), [released('pear'), `CancelOrder ${orderId}:cancel-order`]);
});

test('stock shortage while another line is in flight: a refusal of that line ends the compensation too', () => {
  const first = eventsOf([happy.started], rejected(`${orderId}:reserve:apple`, 'insufficient_stock'));
  const second = eventsOf([happy.started, ...first], rejected(`${orderId}:reserve:pear`, 'insufficient_stock'));
  assert.equal(
    second.map((e) => e.type),
    ['ReservationRefused', 'FulfilmentCompensated'],
  );
  assert.equal(sent(second), [`CancelOrder ${orderId}:cancel-order`]);
});

// ---------------------------------------------------------------- payment declined

test('payment declined: both lines released in reverse order, order cancelled', () => {
  const events = eventsOf(historyUntil('paymentRequested'), inputs.declined);
  assert.equal(
    events.map((e) => e.type),
    ['StepFailed', 'CompensationStarted', 'FulfilmentCompensated'],
  );
  assert.equal(sent(events), [released('pear'), released('apple'), `CancelOrder ${orderId}:cancel-order`]);
});

// ---------------------------------------------------------------- gateway silence

test('gateway silence: the payment timeout fences the authorization off and releases the stock', () => {
  const events = eventsOf(historyUntil('paymentRequested'), timedOut('payment'));
  assert.equal(
    events.map((e) => e.type),
    ['CompensationStarted'],
    'the fence has not answered yet',
  );
  assert.equal(sent(events), [
    `AuthorizePayment ${orderId}:abandon-authorization`,
    released('pear'),
    released('apple'),
  ]);
  const fence = events
    .flatMap(reactToFulfilment)
    .find((a) => a.kind === 'send' && a.command.type === 'AuthorizePayment');
  assert.ok(
    fence?.kind === 'send' && fence.command.type === 'AuthorizePayment' && fence.command.decision === 'declined',
    'the fence records a decline',
  );
  const settled = eventsOf([...historyUntil('paymentRequested'), ...events], {
    ...inputs.declined,
    reason: 'gateway_timeout',
  });
  assert.equal(
    settled.map((e) => e.type),
    ['StepFailed', 'FulfilmentCompensated'],
  );
  assert.equal(sent(settled), [`CancelOrder ${orderId}:cancel-order`]);
});

// ---------------------------------------------------------------- late answer after a timeout

test('late answer: an authorization arriving after the payment timeout is voided, never captured', () => {
  const compensation = eventsOf(historyUntil('paymentRequested'), timedOut('payment'));
  const late = eventsOf([...historyUntil('paymentRequested'), ...compensation], inputs.authorized);
  assert.equal(
    late.map((e) => e.type),
    ['LateAnswerCompensated', 'FulfilmentCompensated'],
  );
  assert.equal(sent(late), [`VoidPayment ${orderId}:void`, `CancelOrder ${orderId}:cancel-order`]);
  assert.not.ok(
    sent(late).some((s) => s.startsWith('CapturePayment')),
    'never applied',
  );
});

test('late answer: a capture arriving after the capture timeout is refunded', () => {
  const compensation = eventsOf(historyUntil('captureRequested'), timedOut('capture'));
  assert.equal(
    compensation.map((e) => e.type),
    ['CompensationStarted'],
  );
  assert.equal(sent(compensation), [released('pear'), released('apple')]);
  const late = eventsOf([...historyUntil('captureRequested'), ...compensation], inputs.captured);
  assert.equal(sent(late), [`RefundPayment ${orderId}:refund`, `CancelOrder ${orderId}:cancel-order`]);
});

test('late answer: a capture refused after the capture timeout voids the authorization', () => {
  const compensation = eventsOf(historyUntil('captureRequested'), timedOut('capture'));
  const late = eventsOf(
    [...historyUntil('captureRequested'), ...compensation],
    rejected(`${orderId}:capture`, 'capture_exceeds_authorized'),
  );
  assert.equal(sent(late), [`VoidPayment ${orderId}:void`, `CancelOrder ${orderId}:cancel-order`]);
});

test('late answer: a reservation arriving after the reservation timeout is released', () => {
  const compensation = eventsOf(historyUntil('appleReserved'), timedOut('reserve'));
  assert.equal(sent(compensation), [released('apple')]);
  const late = eventsOf([...historyUntil('appleReserved'), ...compensation], inputs.pearReserved);
  assert.equal(sent(late), [released('pear'), `CancelOrder ${orderId}:cancel-order`]);
});

// ---------------------------------------------------------------- shipment failure

test('shipment failure: refund, release in reverse order, cancel', () => {
  const events = eventsOf(historyUntil('shipmentRequested'), inputs.shipmentFailed);
  assert.equal(
    events.map((e) => e.type),
    ['StepFailed', 'CompensationStarted', 'FulfilmentCompensated'],
  );
  assert.equal(sent(events), [
    `RefundPayment ${orderId}:refund`,
    released('pear'),
    released('apple'),
    `CancelOrder ${orderId}:cancel-order`,
  ]);
});

test('shipment refused at creation compensates the same way', () => {
  const events = eventsOf(historyUntil('shipmentRequested'), rejected(`${orderId}:ship`, 'invalid_lines'));
  assert.equal(sent(events), [
    `RefundPayment ${orderId}:refund`,
    released('pear'),
    released('apple'),
    `CancelOrder ${orderId}:cancel-order`,
  ]);
});

test('shipment timeout: the saga asks to cancel; a cancelled shipment compensates, a dispatched one completes', () => {
  const asked = eventsOf(historyUntil('shipmentRequested'), timedOut('shipment'));
  assert.equal(
    asked.map((e) => e.type),
    ['ShipmentCancellationRequested'],
  );
  assert.equal(sent(asked), [`CancelShipment ${orderId}:cancel-shipment`]);
  const history = [...historyUntil('shipmentRequested'), ...asked];
  assert.equal(
    eventsOf(history, inputs.shipmentCancelled).map((e) => e.type),
    ['StepFailed', 'CompensationStarted', 'FulfilmentCompensated'],
  );
  // The parcel had already left: the cancellation is refused and the dispatch wins.
  assert.equal(eventsOf(history, rejected(`${orderId}:cancel-shipment`, 'shipment_already_dispatched')), []);
  assert.equal(
    eventsOf(history, inputs.dispatched).map((e) => e.type),
    ['FulfilmentCompleted'],
  );
});

// ---------------------------------------------------------------- duplicates and stale inputs

test('duplicated inputs cause no events', () => {
  spec.given([happy.started]).when(inputs.orderPlaced).then([]);
  spec.given(historyUntil('appleReserved')).when(inputs.appleReserved).then([]);
  spec.given(historyUntil('captureRequested')).when(inputs.authorized).then([]);
  spec.given(historyUntil('shipmentRequested')).when(inputs.captured).then([]);
  spec.given(historyUntil('shipmentRequested')).when(inputs.shipmentCreated).then([]);
});

test('a timeout for a step already passed is stale and ignored', () => {
  spec.given(historyUntil('paymentRequested')).when(timedOut('reserve')).then([]);
  spec.given(historyUntil('shipmentRequested')).when(timedOut('payment')).then([]);
  spec
    .given(historyUntil('paymentRequested'))
    .when({ type: 'StepTimedOut', orderId, step: 'payment', timeoutId: 'someone-else', at })
    .then([]);
});

test('a compensated saga rejects every input, late or not', () => {
  const history = [...historyUntil('paymentRequested'), ...eventsOf(historyUntil('paymentRequested'), inputs.declined)];
  spec.given(history).when(inputs.authorized).thenRejects('fulfilment_ended');
  spec.given(history).when(timedOut('payment')).thenRejects('fulfilment_ended');
});

test('an input of another order is a routing bug and rejected', () => {
  spec
    .given([happy.started])
    .when({ ...inputs.appleReserved, orderId: 'o-2' })
    .thenRejects('wrong_order');
});

test('inputs before the order is placed cause nothing', () => {
  spec.given([]).when(inputs.appleReserved).then([]);
  spec.given([]).when(timedOut('reserve')).then([]);
});

// ---------------------------------------------------------------- ids

test('command ids round-trip, even when ids contain colons', () => {
  assert.equal(parseFulfilmentCommandId('a:b', 'a:b:reserve:sku:1'), { step: 'reserve', sku: 'sku:1' });
  assert.equal(parseFulfilmentCommandId('a:b', 'a:b:cancel-order'), { step: 'cancel-order' });
  assert.is(parseFulfilmentCommandId('a:b', 'x:cancel-order'), undefined);
  assert.is(parseFulfilmentCommandId('a', 'a:unknown'), undefined);
  assert.is(fulfilmentCommandRejected(orderId, 'foreign', { code: 'x', message: 'y' }, at), undefined);
  assert.equal(fulfilmentCommandRejected(orderId, `${orderId}:void`, { code: 'payment_voided', message: 'm' }, at), {
    type: 'CommandRejected',
    orderId,
    step: 'void',
    commandId: `${orderId}:void`,
    code: 'payment_voided',
    reason: 'm',
    at,
  });
  assert.is(paymentId, 'pay-o-1');
});

test.run();
