import type * as t from 'io-ts';
import {
  type AnyEvent,
  createCommandHandler,
  createLruStateCache,
  type Decider,
  type EventStore,
  narrowStore,
} from '@ordo/kernel';
import {
  CatalogCommands,
  catalogDecider,
  catalogStreamId,
  CustomerCommands,
  customerDecider,
  customerStreamId,
  EmailReservationCommands,
  emailReservationDecider,
  emailReservationStreamId,
  InventoryCommands,
  inventoryDecider,
  inventoryStreamId,
  OrderCommands,
  orderDecider,
  orderStreamId,
  PaymentCommands,
  paymentDecider,
  paymentStreamId,
  ShipmentCommands,
  shipmentDecider,
  shipmentStreamId,
} from '@ordo/domains';
import type { CommandRoute } from './command-dispatcher';

/** One route per command type of a decider, all to one kernel command handler on `store`. */
const routesFor = <C, Ev extends AnyEvent, S>(
  store: EventStore,
  options: CommerceRouteOptions,
  commands: { readonly types: ReadonlyArray<string>; readonly codec: t.Decoder<unknown, unknown> },
  decider: Decider<C, Ev, S>,
  streamId: (command: C) => string,
): ReadonlyArray<[string, CommandRoute]> => {
  const handler = createCommandHandler<C, Ev, S>({
    decider,
    store: narrowStore<Ev>(store),
    streamId,
    // The domains re-type optional fields more precisely than their codecs state.
    commandCodec: commands.codec as unknown as t.Type<C, unknown, unknown>,
    ...(options.cacheSize === undefined ? {} : { cache: createLruStateCache<S>(options.cacheSize) }),
  });
  return commands.types.map((type) => [type, { kind: 'handler', handler }]);
};

/** Options of {@link commerceCommandRoutes}. */
export interface CommerceRouteOptions {
  /**
   * Streams whose state each handler keeps between commands (an LRU cache). Without it every
   * command folds its whole stream, which grows costly on busy streams such as a sku's stock.
   */
  readonly cacheSize?: number;
}

/**
 * Routes for every command of the commerce domains: one kernel command handler per decider on
 * `store`, each decoding its commands with the domain's codec, so a malformed command is
 * rejected with a ValidationError naming the field and nothing is written.
 */
export const commerceCommandRoutes = (
  store: EventStore,
  options: CommerceRouteOptions = {},
): Readonly<Record<string, CommandRoute>> =>
  Object.fromEntries([
    ...routesFor(store, options, CatalogCommands, catalogDecider, catalogStreamId),
    ...routesFor(store, options, InventoryCommands, inventoryDecider, inventoryStreamId),
    ...routesFor(store, options, OrderCommands, orderDecider, orderStreamId),
    ...routesFor(store, options, PaymentCommands, paymentDecider, paymentStreamId),
    ...routesFor(store, options, ShipmentCommands, shipmentDecider, shipmentStreamId),
    ...routesFor(store, options, CustomerCommands, customerDecider, customerStreamId),
    ...routesFor(store, options, EmailReservationCommands, emailReservationDecider, emailReservationStreamId),
  ]);
