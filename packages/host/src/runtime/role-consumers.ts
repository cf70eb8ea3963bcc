import { isFulfilmentInputType } from '@ordo/domains';
import type { IncomingMessage } from '@ordo/kernel';
import type { DependencyContainer } from '../composition/di';
import type { HostRole } from '../composition/host-config';
import type { HostSimulationHooks } from '../composition/host-options';
import { publishRejection } from '../composition/host-services';
import { HostTokens as T, resolveService } from '../composition/tokens';
import { HostConsumerGroups as G } from '../messaging/topics';
import { createCommandConsumer } from '../workers/command-consumer';

/** One consumer a role runs: its group, its topics and its handler. */
export interface RoleConsumer {
  readonly role: HostRole;
  readonly group: string;
  readonly topics: ReadonlyArray<string>;
  readonly handle: (message: IncomingMessage) => Promise<void>;
}

/**
 * The consumers of each role, on the topics of `docs/host.md`. `immediateCarrier` makes the
 * carrier act on what is due as soon as it hears of a shipment (a running host; the pump and the
 * simulation step the carrier themselves).
 */
export const roleConsumers = (
  container: DependencyContainer,
  options: { readonly immediateCarrier: boolean },
): ReadonlyArray<RoleConsumer> => {
  const topics = resolveService(container, T.Topics);
  const saga = resolveService(container, T.FulfilmentSaga);
  const commands = createCommandConsumer({
    dispatcher: resolveService(container, T.CommandDispatcher),
    clock: resolveService(container, T.Clock),
    sagaName: saga.name,
    onSagaCommandRejected: publishRejection(container),
  });
  const sagaRunner = resolveService(container, T.SagaRunner);
  const notifications = resolveService(container, T.NotificationRunner);
  const carrier = resolveService(container, T.ShippingSimulator);
  const timers = resolveService(container, T.Timers);
  const e = topics.events;
  // Where timers live in this process (EventStoreDB), each start reads the timers topic from its
  // beginning under a group of its own, so the pending timeouts are rebuilt (docs/host.md).
  const backend = resolveService(container, T.StoreBackend);
  const config = resolveService(container, T.Config);
  const timersGroup = backend.kind === 'eventstoredb' ? `${G.timers}-${config.instanceId}-${Date.now()}` : G.timers;
  return [
    {
      role: 'saga',
      group: G.saga,
      topics: [e.order, e.inventory, e.payment, e.shipment, topics.signals],
      handle: async (m) => {
        if (isFulfilmentInputType(m.type)) await sagaRunner.handleInput(m.payload, m.id);
      },
    },
    { role: 'api', group: G.orderCommands, topics: [topics.commands.order], handle: commands },
    { role: 'api', group: G.inventoryCommands, topics: [topics.commands.inventory], handle: commands },
    { role: 'payments', group: G.paymentCommands, topics: [topics.commands.payment], handle: commands },
    { role: 'shipping', group: G.shipmentCommands, topics: [topics.commands.shipment], handle: commands },
    {
      role: 'shipping',
      group: G.carrier,
      topics: [e.shipment],
      handle: async (m) => {
        await carrier.handle(m);
        if (options.immediateCarrier) while (await carrier.act()) continue;
      },
    },
    {
      role: 'notifications',
      group: G.notifications,
      topics: [e.order, e.payment, e.shipment],
      handle: (m) => notifications.handle(m),
    },
    { role: 'timers', group: timersGroup, topics: [topics.timers], handle: (m) => timers.apply(m) },
  ];
};

/** Subscribes the consumers of `roles`; answers their subscriptions in order. */
export const subscribeRoles = async (
  container: DependencyContainer,
  roles: ReadonlySet<HostRole>,
  hooks: HostSimulationHooks,
  immediateCarrier: boolean,
): Promise<ReadonlyArray<{ readonly group: string; stop(): Promise<void> }>> => {
  const messaging = resolveService(container, T.Messaging);
  const out: Array<{ readonly group: string; stop(): Promise<void> }> = [];
  for (const consumer of roleConsumers(container, { immediateCarrier })) {
    if (!roles.has(consumer.role)) continue;
    const handle = hooks.wrapConsumer?.(consumer.group, consumer.handle) ?? consumer.handle;
    const subscription = await messaging.subscribe({ topics: consumer.topics, group: consumer.group, handle });
    out.push({ group: consumer.group, stop: () => subscription.stop() });
  }
  return out;
};
