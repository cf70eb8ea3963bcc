/**
 * Shipping: a shipment per order, created, dispatched, then delivered or failed; cancelled before
 * dispatch. One stream per shipment (`shipment-${shipmentId}`). Rejection codes: see
 * {@link shipmentRejectionCodes}.
 */
export { ShipmentLine, ShipmentLines, validShipmentLines } from './lines';
export { ShipmentCommands, shipmentCommandCodec } from './commands';
export type { ShipmentCommand } from './commands';
export { ShipmentEvents } from './events';
export type { ShipmentEvent } from './events';
export { isShipmentTerminal, shipmentDecider, shipmentRejectionCodes, shipmentStreamId } from './decider';
export type { Shipment, ShipmentState, ShipmentStatus } from './decider';
