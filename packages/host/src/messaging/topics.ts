/**
 * The host's topics, consumer groups and keys: every message between two roles travels on one of
 * these, in one process (the in-memory bus) or across many (Kafka). See `docs/host.md`.
 */

/** Stream categories whose events leave through the outbox, each on a topic of its name. */
export const EVENT_CATEGORIES = ['order', 'inventory', 'payment', 'shipment'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** Domains that take commands from other roles, each on `<domain>.commands`. */
export const COMMAND_DOMAINS = ['order', 'inventory', 'payment', 'shipment'] as const;
export type CommandDomain = (typeof COMMAND_DOMAINS)[number];

/** The names of every topic of one host deployment (all under one prefix). */
export interface HostTopics {
  /** The prefix in front of every name (`''` by default; `shop.` gives `shop.order`). */
  readonly prefix: string;
  /** Integration events, one topic per stream category, keyed by stream id. */
  readonly events: Readonly<Record<EventCategory, string>>;
  /** Commands for a domain's handlers, keyed by the target stream id (one stream's commands stay in order). */
  readonly commands: Readonly<Record<CommandDomain, string>>;
  /** Inputs of the fulfilment saga that are not events: fired timeouts, rejected commands; keyed by saga stream. */
  readonly signals: string;
  /** Timeouts the saga asks to schedule or cancel, keyed by saga stream (one order's instructions stay in order). */
  readonly timers: string;
  /** Every topic above, for creating them on a broker. */
  readonly all: ReadonlyArray<string>;
}

/** Topic names under `prefix`. A prefix is letters, digits, `.`, `_` or `-` (Kafka's topic alphabet). */
export const hostTopics = (prefix = ''): HostTopics => {
  const events = Object.fromEntries(EVENT_CATEGORIES.map((c) => [c, `${prefix}${c}`])) as Record<EventCategory, string>;
  const commands = Object.fromEntries(COMMAND_DOMAINS.map((d) => [d, `${prefix}${d}.commands`])) as Record<
    CommandDomain,
    string
  >;
  const signals = `${prefix}fulfilment.signals`;
  const timers = `${prefix}fulfilment.timers`;
  return {
    prefix,
    events,
    commands,
    signals,
    timers,
    all: [...Object.values(events), ...Object.values(commands), signals, timers],
  };
};

/**
 * Consumer groups, one per reader: processes that run the same role share its groups, so each
 * message is handled by one of them (Kafka splits the partitions).
 */
export const HostConsumerGroups = {
  /** Saga inputs: the four event topics and the signals (role `saga`). */
  saga: 'fulfilment',
  /** Commands of the order domain (role `api`). */
  orderCommands: 'order-commands',
  /** Commands of the inventory domain (role `api`). */
  inventoryCommands: 'inventory-commands',
  /** Commands of the payment domain and gateway calls (role `payments`). */
  paymentCommands: 'payment-commands',
  /** Commands of the shipping domain (role `shipping`). */
  shipmentCommands: 'shipment-commands',
  /** The carrier, on shipment events (role `shipping`). */
  carrier: 'carrier',
  /** Notifications, on order, payment and shipment events (role `notifications`). */
  notifications: 'notifications',
  /** Schedules and cancellations of the saga's timeouts (role `timers`). */
  timers: 'timers',
} as const;

/** Header carrying the id a command is deduplicated by (a saga command's own id, not the message's). */
export const COMMAND_ID_HEADER = 'ordo-command-id';
