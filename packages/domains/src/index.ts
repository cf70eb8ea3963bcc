/**
 * @ordo/domains: the commerce system built on @ordo/kernel. Eight domains (catalog, inventory,
 * order, payment, shipping, identity, notification, analytics) and the fulfilment saga, each in
 * its own folder, re-exported here flat (every name is unique).
 */
export {
  Address,
  Currency,
  Email,
  Identifier,
  IsoDateTime,
  NonEmptyString,
  PasswordHash,
  PositiveInt,
  Sku,
} from './shared/codecs';
export { refine } from './shared/refine';
export * from './catalog';
export * from './inventory';
export * from './order';
export * from './payment';
export * from './shipping';
export * from './identity';
export * from './notification';
export * from './analytics';
export * from './fulfilment';
