import type * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Address, Identifier, IsoDateTime, NonEmptyString } from '../shared/codecs';
import { ShipmentLines } from './lines';

/** Commands of a shipment (`shipment-${shipmentId}`). */
export const ShipmentCommands = defineMessages(
  {
    CreateShipment: {
      shipmentId: Identifier,
      orderId: Identifier,
      lines: ShipmentLines,
      address: Address,
      at: IsoDateTime,
    },
    DispatchShipment: { shipmentId: Identifier, at: IsoDateTime },
    DeliverShipment: { shipmentId: Identifier, at: IsoDateTime },
    FailShipment: { shipmentId: Identifier, reason: NonEmptyString, at: IsoDateTime },
    CancelShipment: { shipmentId: Identifier, at: IsoDateTime },
  },
  'ShipmentCommand',
);

/** A shipment command. */
export type ShipmentCommand = MessageOf<typeof ShipmentCommands>;

/** The codec of {@link ShipmentCommand}: pass it as a command handler's `commandCodec`. */
export const shipmentCommandCodec: t.Type<ShipmentCommand, ShipmentCommand, unknown> = ShipmentCommands.codec;
