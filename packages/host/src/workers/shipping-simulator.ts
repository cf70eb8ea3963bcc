import type { Clock, IncomingMessage } from '@ordo/kernel';
import type { ShipmentCommand } from '@ordo/domains';
import type { CommandDispatcher } from './command-dispatcher';

/** What the simulated carrier does with one shipment. */
export type CarrierPlan =
  /** Picks the parcel up after `afterMs`, delivers it `deliverAfterMs` later. */
  | { readonly kind: 'dispatch'; readonly afterMs: number; readonly deliverAfterMs: number }
  /** Gives up before pickup after `afterMs` (address unknown, parcel damaged). */
  | { readonly kind: 'fail'; readonly afterMs: number; readonly reason: string }
  /** Never answers. */
  | { readonly kind: 'silent' };

interface Pickup {
  readonly shipmentId: string;
  readonly dueAtMs: number;
  readonly step: 'dispatch' | 'deliver' | 'fail';
  readonly plan: CarrierPlan;
}

/** Options of {@link createShippingSimulator}. */
export interface ShippingSimulatorOptions {
  readonly dispatcher: CommandDispatcher;
  readonly clock: Clock;
  /** The plan of a shipment; must be a pure function of the id so a redelivery gets the same plan. */
  readonly plan: (shipmentId: string) => CarrierPlan;
}

/** A simulated carrier reacting to `ShipmentCreated`. */
export interface ShippingSimulator {
  /** The bus handler: notes the pickup of each created shipment. */
  handle(message: IncomingMessage): Promise<void>;
  /** Performs the earliest due carrier action (pick the index among {@link due}); answers false if none is due. */
  act(index?: number): Promise<boolean>;
  /** How many actions are due at the clock's time. */
  due(): number;
  /** When the next action falls due. */
  nextDueAt(): number | undefined;
  /** Forgets pending pickups (a crash: those shipments are never picked up). */
  reset(): void;
}

/**
 * A carrier for simulations and demos: on `ShipmentCreated` it plans a pickup; when due it
 * dispatches (then delivers) or fails the shipment through the dispatcher. A shipment cancelled
 * meanwhile makes its dispatch rejected, which the carrier accepts as "nothing to pick up".
 */
export const createShippingSimulator = (options: ShippingSimulatorOptions): ShippingSimulator => {
  const { clock } = options;
  let pickups: Pickup[] = [];
  const planned = new Set<string>();

  const dueList = () => {
    const now = clock.now().getTime();
    return pickups
      .filter((p) => p.dueAtMs <= now)
      .sort((a, b) => a.dueAtMs - b.dueAtMs || (a.shipmentId < b.shipmentId ? -1 : 1));
  };

  const send = (command: ShipmentCommand, commandId: string) =>
    options.dispatcher.dispatch({ command, commandId, occurredAt: command.at });

  return {
    handle: async (message) => {
      if (message.type !== 'ShipmentCreated') return;
      const { shipmentId } = message.payload as { shipmentId: string };
      if (planned.has(shipmentId)) return;
      planned.add(shipmentId);
      const plan = options.plan(shipmentId);
      const now = clock.now().getTime();
      if (plan.kind === 'dispatch') pickups.push({ shipmentId, dueAtMs: now + plan.afterMs, step: 'dispatch', plan });
      if (plan.kind === 'fail') pickups.push({ shipmentId, dueAtMs: now + plan.afterMs, step: 'fail', plan });
    },
    act: async (index = 0) => {
      const list = dueList();
      const pickup = list[Math.min(index, list.length - 1)];
      if (pickup === undefined) return false;
      pickups = pickups.filter((p) => p !== pickup);
      const at = clock.now().toISOString();
      const { shipmentId, plan } = pickup;
      if (pickup.step === 'fail' && plan.kind === 'fail') {
        await send({ type: 'FailShipment', shipmentId, reason: plan.reason, at }, `${shipmentId}:carrier-fail`);
      } else if (pickup.step === 'dispatch' && plan.kind === 'dispatch') {
        const outcome = await send({ type: 'DispatchShipment', shipmentId, at }, `${shipmentId}:carrier-dispatch`);
        if (outcome.kind === 'accepted') {
          pickups.push({ shipmentId, dueAtMs: clock.now().getTime() + plan.deliverAfterMs, step: 'deliver', plan });
        }
      } else {
        await send({ type: 'DeliverShipment', shipmentId, at }, `${shipmentId}:carrier-deliver`);
      }
      return true;
    },
    due: () => dueList().length,
    nextDueAt: () => (pickups.length === 0 ? undefined : Math.min(...pickups.map((p) => p.dueAtMs))),
    reset: () => {
      pickups = [];
      planned.clear();
    },
  };
};
