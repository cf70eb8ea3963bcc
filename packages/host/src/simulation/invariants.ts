import { isDeepStrictEqual } from 'node:util';
import { type AnyEvent, fold, type RecordedEvent } from '@ordo/kernel';
import {
  type FulfilmentEvent,
  fulfilmentSaga,
  type InventoryEvent,
  inventoryDecider,
  type Notification,
  notificationsFor,
  type NotifiableEvent,
  notifyingEventTypes,
  type OrderEvent,
  orderDecider,
  type PaymentEvent,
  reservedQuantity,
} from '@ordo/domains';

/** What the invariants look at once the simulation is quiescent. */
export interface QuiescentWorld {
  /** The whole event log, in global order. */
  readonly events: ReadonlyArray<RecordedEvent<AnyEvent>>;
  /** Each async projection's model as its runner stored it, with the model a rebuild from zero gives. */
  readonly projections: ReadonlyArray<{ readonly name: string; readonly stored: unknown; readonly rebuilt: unknown }>;
  /** Every notification handed to the sender, in order. */
  readonly sent: ReadonlyArray<Notification>;
  /** Every rejected command: its type and the rejection code. */
  readonly rejections: ReadonlyArray<{ readonly type: string; readonly code: string; readonly commandId: string }>;
  /** Messages the bus gave up on, and errors thrown by workers. */
  readonly failures: ReadonlyArray<string>;
}

/** One invariant: its statement in words and the violations found. */
export interface InvariantResult {
  readonly invariant: string;
  readonly violations: ReadonlyArray<string>;
}

/** Rejections a correct system produces: races the design resolves by letting one side win. */
export const expectedRejections: Readonly<Record<string, ReadonlyArray<string>>> = {
  // Limited stock.
  ReserveStock: ['insufficient_stock'],
  // The saga recorded an unanswered authorization as declined; the late gateway answer loses.
  AuthorizePayment: ['payment_declined'],
  // The saga asked to cancel a late parcel that had left or failed meanwhile.
  CancelShipment: ['shipment_already_dispatched', 'shipment_failed', 'shipment_delivered'],
  // The carrier came for a parcel the saga had cancelled.
  DispatchShipment: ['shipment_cancelled'],
  FailShipment: ['shipment_cancelled'],
};

const groupByStream = (events: ReadonlyArray<RecordedEvent<AnyEvent>>, category: string) => {
  const streams = new Map<string, AnyEvent[]>();
  const prefix = `${category}-`;
  for (const e of events) {
    if (!e.streamId.startsWith(prefix)) continue;
    const id = e.streamId.slice(prefix.length);
    let list = streams.get(id);
    if (list === undefined) streams.set(id, (list = []));
    list.push(e.event);
  }
  return streams;
};

interface PaymentLedger {
  authorized: number;
  captured: number;
  refunded: number;
  voided: boolean;
  declined: boolean;
}

/** Checks every global invariant of docs/architecture.md (and the simulation's own) on a quiescent world. */
export const checkInvariants = (world: QuiescentWorld): ReadonlyArray<InvariantResult> => {
  const results: InvariantResult[] = [];
  const check = (invariant: string, body: (violate: (v: string) => void) => void) => {
    const violations: string[] = [];
    body((v) => {
      if (violations.length < 5) violations.push(v);
    });
    results.push({ invariant, violations });
  };

  const orders = new Map<string, ReturnType<typeof orderDecider.evolve>>();
  for (const [id, events] of groupByStream(world.events, 'order')) {
    orders.set(id, fold(orderDecider, events as OrderEvent[]));
  }
  const payments = new Map<string, PaymentLedger>();
  for (const [, events] of groupByStream(world.events, 'payment')) {
    for (const e of events as PaymentEvent[]) {
      let p = payments.get(e.orderId);
      if (p === undefined)
        payments.set(e.orderId, (p = { authorized: 0, captured: 0, refunded: 0, voided: false, declined: false }));
      if (e.type === 'PaymentAuthorized') p.authorized += e.amount;
      if (e.type === 'PaymentCaptured') p.captured += e.amount;
      if (e.type === 'PaymentRefunded') p.refunded += e.amount;
      if (e.type === 'PaymentVoided') p.voided = true;
      if (e.type === 'PaymentDeclined') p.declined = true;
    }
  }
  /** Net reservation and commitment per order and sku. */
  const holdings = new Map<string, Map<string, { held: number; committed: number }>>();
  const holding = (orderId: string, sku: string) => {
    let bySku = holdings.get(orderId);
    if (bySku === undefined) holdings.set(orderId, (bySku = new Map()));
    let h = bySku.get(sku);
    if (h === undefined) bySku.set(sku, (h = { held: 0, committed: 0 }));
    return h;
  };

  check('every order ends Completed or Cancelled', (violate) => {
    if (orders.size === 0) violate('no order was placed');
    for (const [id, state] of orders) {
      if (state.status !== 'completed' && state.status !== 'cancelled') violate(`order ${id} ended ${state.status}`);
    }
  });

  check('every fulfilment saga reaches a terminal state that matches its order', (violate) => {
    const sagas = groupByStream(world.events, 'fulfilment');
    for (const [id, order] of orders) {
      const events = sagas.get(id);
      if (events === undefined) {
        violate(`order ${id} has no fulfilment`);
        continue;
      }
      const saga = fold(fulfilmentSaga, events as FulfilmentEvent[]);
      const expected = order.status === 'completed' ? 'completed' : 'compensated';
      if (saga.phase !== expected) violate(`fulfilment ${id} is ${saga.phase}, its order ${order.status}`);
    }
  });

  check('stock is conserved (received = available + reserved + shipped) and never negative', (violate) => {
    for (const [sku, events] of groupByStream(world.events, 'inventory')) {
      let received = 0;
      let available = 0;
      let reserved = 0;
      let shipped = 0;
      for (const e of events as InventoryEvent[]) {
        if (e.type === 'StockReceived') {
          received += e.quantity;
          available += e.quantity;
        } else if (e.type === 'StockReserved') {
          available -= e.quantity;
          reserved += e.quantity;
          holding(e.orderId, sku).held += e.quantity;
        } else if (e.type === 'ReservationReleased') {
          available += e.quantity;
          reserved -= e.quantity;
          holding(e.orderId, sku).held -= e.quantity;
        } else {
          reserved -= e.quantity;
          shipped += e.quantity;
          const h = holding(e.orderId, sku);
          h.held -= e.quantity;
          h.committed += e.quantity;
        }
        if (available < 0 || reserved < 0)
          violate(`${sku}: available ${available}, reserved ${reserved} after ${e.type}`);
      }
      if (received !== available + reserved + shipped) {
        violate(`${sku}: received ${received} != available ${available} + reserved ${reserved} + shipped ${shipped}`);
      }
      const state = fold(inventoryDecider, events as InventoryEvent[]);
      if (state.available !== available || reservedQuantity(state) !== reserved || state.shipped !== shipped) {
        violate(`${sku}: the inventory decider's state disagrees with the ledger`);
      }
    }
  });

  check(
    'money is conserved: captured - refunded = sum of completed order totals; refunded <= captured <= authorized',
    (violate) => {
      let net = 0;
      for (const [orderId, p] of payments) {
        if (!(p.refunded <= p.captured && p.captured <= p.authorized)) {
          violate(`payment of ${orderId}: authorized ${p.authorized}, captured ${p.captured}, refunded ${p.refunded}`);
        }
        net += p.captured - p.refunded;
      }
      let completed = 0;
      for (const state of orders.values()) if (state.status === 'completed') completed += state.total;
      if (net !== completed) violate(`captured - refunded = ${net}, completed orders total ${completed}`);
    },
  );

  check('a cancelled order holds no stock and no net payment (nothing left authorized)', (violate) => {
    for (const [id, state] of orders) {
      if (state.status !== 'cancelled') continue;
      for (const [sku, h] of holdings.get(id) ?? []) {
        if (h.held !== 0 || h.committed !== 0)
          violate(`cancelled order ${id} holds ${h.held} and shipped ${h.committed} of ${sku}`);
      }
      const p = payments.get(id);
      if (p !== undefined && p.captured - p.refunded !== 0)
        violate(`cancelled order ${id} keeps ${p.captured - p.refunded}`);
      if (p !== undefined && p.authorized > 0 && !p.voided && p.captured === 0) {
        violate(`cancelled order ${id} leaves an authorization of ${p.authorized} open`);
      }
    }
  });

  check('a completed order shipped every line and was paid its total', (violate) => {
    for (const [id, state] of orders) {
      if (state.status !== 'completed') continue;
      for (const line of state.lines) {
        const h = holdings.get(id)?.get(line.sku);
        if (h === undefined || h.committed !== line.quantity || h.held !== 0) {
          violate(`completed order ${id} shipped ${h?.committed ?? 0} of ${line.quantity} ${line.sku}`);
        }
      }
      const p = payments.get(id);
      if (p === undefined || p.captured - p.refunded !== state.total) {
        violate(`completed order ${id} was paid ${p === undefined ? 0 : p.captured - p.refunded} of ${state.total}`);
      }
    }
  });

  check('projections equal a fold of the event log', (violate) => {
    for (const p of world.projections) {
      if (!isDeepStrictEqual(p.stored, p.rebuilt)) violate(`projection ${p.name} differs from its rebuild`);
    }
  });

  check('each notification is sent once', (violate) => {
    const sent = new Map<string, number>();
    for (const n of world.sent) sent.set(n.notificationId, (sent.get(n.notificationId) ?? 0) + 1);
    for (const [id, count] of sent) if (count > 1) violate(`notification ${id} sent ${count} times`);
    const types: ReadonlyArray<string> = notifyingEventTypes;
    for (const e of world.events) {
      if (!types.includes(e.event.type)) continue;
      for (const n of notificationsFor(e as RecordedEvent<NotifiableEvent>)) {
        if (!sent.has(n.notificationId)) violate(`notification ${n.notificationId} never sent`);
      }
    }
  });

  check('only expected races are rejected', (violate) => {
    for (const r of world.rejections) {
      if (!(expectedRejections[r.type] ?? []).includes(r.code)) violate(`${r.type} ${r.commandId} rejected: ${r.code}`);
    }
  });

  check('no message is dead-lettered and no worker fails', (violate) => {
    for (const f of world.failures) violate(f);
  });

  return results;
};
