import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Address, Identifier, IsoDateTime, NonEmptyString } from '../shared/codecs';
import { ShipmentLines } from './lines';

/** Events of a shipment. Every event names its order. */
export const ShipmentEvents = defineMessages(
  {
    ShipmentCreated: {
      shipmentId: Identifier,
      orderId: Identifier,
      lines: ShipmentLines,
      address: Address,
      at: IsoDateTime,
    },
    ShipmentDispatched: { shipmentId: Identifier, orderId: Identifier, at: IsoDateTime },
    ShipmentDelivered: { shipmentId: Identifier, orderId: Identifier, at: IsoDateTime },
    ShipmentFailed: { shipmentId: Identifier, orderId: Identifier, reason: NonEmptyString, at: IsoDateTime },
    ShipmentCancelled: { shipmentId: Identifier, orderId: Identifier, at: IsoDateTime },
  },
  'ShipmentEvent',
);

/** A shipment event. */
export type ShipmentEvent = MessageOf<typeof ShipmentEvents>;
