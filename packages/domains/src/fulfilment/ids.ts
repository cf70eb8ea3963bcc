/**
 * Deterministic names of everything the fulfilment saga asks for. A command or timeout the saga
 * issues again (after a crash, a redelivery) carries the same id, so downstream handlers and the
 * scheduler deduplicate it.
 */

/** The saga's name: its streams are `fulfilment-${orderId}`. */
export const FULFILMENT = 'fulfilment';

/** Stream of the fulfilment of one order. */
export const fulfilmentStreamId = (orderId: string): string => `${FULFILMENT}-${orderId}`;

/** The payment the saga opens for an order (`payment-${paymentId}` is its stream). */
export const paymentIdOf = (orderId: string): string => `pay-${orderId}`;

/** The shipment the saga creates for an order. */
export const shipmentIdOf = (orderId: string): string => `ship-${orderId}`;

/** The gateway idempotency key of an order's authorization: the same order never pays twice. */
export const idempotencyKeyOf = (orderId: string): string => `authorize-${orderId}`;

/** Every kind of command the saga sends; the middle part of its command ids. */
export type FulfilmentCommandStep =
  | 'reserve'
  | 'confirm'
  | 'authorize'
  | 'capture'
  | 'mark-paid'
  | 'ship'
  | 'cancel-shipment'
  | 'commit'
  | 'mark-shipped'
  | 'complete'
  | 'release'
  | 'void'
  | 'refund'
  | 'abandon-authorization'
  | 'cancel-order';

/** Every command step, for codecs and generators. */
export const fulfilmentCommandSteps: ReadonlyArray<FulfilmentCommandStep> = [
  'reserve',
  'confirm',
  'authorize',
  'capture',
  'mark-paid',
  'ship',
  'cancel-shipment',
  'commit',
  'mark-shipped',
  'complete',
  'release',
  'void',
  'refund',
  'abandon-authorization',
  'cancel-order',
];

/** Command id of one saga command: `${orderId}:${step}` or, per line, `${orderId}:${step}:${sku}`. */
export const fulfilmentCommandId = (orderId: string, step: FulfilmentCommandStep, sku?: string): string =>
  sku === undefined ? `${orderId}:${step}` : `${orderId}:${step}:${sku}`;

/**
 * Reads a saga command id back: its step and, for per-line steps, its sku. Knowing the order id
 * makes this unambiguous even when ids contain `:`. Answers `undefined` for foreign ids.
 */
export const parseFulfilmentCommandId = (
  orderId: string,
  commandId: string,
): { readonly step: FulfilmentCommandStep; readonly sku?: string } | undefined => {
  const prefix = `${orderId}:`;
  if (!commandId.startsWith(prefix)) return undefined;
  const rest = commandId.slice(prefix.length);
  for (const step of fulfilmentCommandSteps) {
    if (rest === step) return { step };
    if (rest.startsWith(`${step}:`) && rest.length > step.length + 1) return { step, sku: rest.slice(step.length + 1) };
  }
  return undefined;
};

/** The steps that wait for an answer under a timeout. */
export type TimedStep = 'reserve' | 'payment' | 'capture' | 'shipment';

/** Every timed step. */
export const timedSteps: ReadonlyArray<TimedStep> = ['reserve', 'payment', 'capture', 'shipment'];

/** Id of the timeout guarding one step of one order. */
export const fulfilmentTimeoutId = (orderId: string, step: TimedStep): string => `${orderId}:timeout:${step}`;
