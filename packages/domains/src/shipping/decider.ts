import { accept, type Decider, type DomainError, domainError, reject } from '@ordo/kernel';
import type { Address } from '../shared/codecs';
import { streamMismatch } from '../shared/rejections';
import type { ShipmentCommand } from './commands';
import type { ShipmentEvent } from './events';
import { type ShipmentLine, validShipmentLines } from './lines';

/** Where a shipment is: created -> dispatched -> delivered | failed; cancelled before dispatch. */
export type ShipmentStatus = 'created' | 'dispatched' | 'delivered' | 'failed' | 'cancelled';

/** A shipment once created. */
export interface Shipment {
  readonly status: ShipmentStatus;
  readonly shipmentId: string;
  readonly orderId: string;
  readonly lines: ReadonlyArray<ShipmentLine>;
  readonly address: Address;
  /** Time of dispatch, once dispatched. */
  readonly dispatchedAt: string | undefined;
  readonly failureReason: string | undefined;
}

/** State of one shipment stream. */
export type ShipmentState = { readonly status: 'none' } | Shipment;

/** Stream of the shipment a command targets. */
export const shipmentStreamId = (command: { readonly shipmentId: string }): string => `shipment-${command.shipmentId}`;

/**
 * Rejection codes of a shipment:
 * - `shipment_already_exists`: CreateShipment on an existing shipment;
 * - `shipment_not_found`: any other command before CreateShipment;
 * - `shipment_already_dispatched`: DispatchShipment twice, or CancelShipment after dispatch;
 * - `shipment_not_dispatched`: DeliverShipment before dispatch;
 * - `shipment_delivered`, `shipment_failed`, `shipment_cancelled`: any command on a terminal shipment;
 * - `invalid_lines`: CreateShipment with no line, a sku twice or a non-positive quantity (codec bypassed);
 * - `stream_mismatch`: the command names another shipment than the stream's.
 */
export const shipmentRejectionCodes = [
  'shipment_already_exists',
  'shipment_not_found',
  'shipment_already_dispatched',
  'shipment_not_dispatched',
  'shipment_delivered',
  'shipment_failed',
  'shipment_cancelled',
  'invalid_lines',
  'stream_mismatch',
] as const;

const shipmentError = (code: string, shipmentId: string, message: string): DomainError =>
  domainError(code, `shipment ${shipmentId} ${message}`, { shipmentId });

/** True for delivered, failed and cancelled shipments, which accept no command. */
export const isShipmentTerminal = (state: ShipmentState): boolean =>
  state.status === 'delivered' || state.status === 'failed' || state.status === 'cancelled';

const decide = (command: ShipmentCommand, state: ShipmentState) => {
  if (state.status === 'none') {
    if (command.type !== 'CreateShipment') {
      return reject(shipmentError('shipment_not_found', command.shipmentId, 'does not exist'));
    }
    const { shipmentId, orderId, lines, address, at } = command;
    if (!validShipmentLines(lines)) {
      return reject(
        shipmentError('invalid_lines', shipmentId, 'needs at least one line, one per sku, positive quantities'),
      );
    }
    return accept<ShipmentEvent>({ type: 'ShipmentCreated', shipmentId, orderId, lines, address, at });
  }
  const { shipmentId, orderId } = state;
  if (command.shipmentId !== shipmentId) return reject(streamMismatch('shipmentId', shipmentId, command.shipmentId));
  if (isShipmentTerminal(state))
    return reject(shipmentError(`shipment_${state.status}`, shipmentId, `is ${state.status}`));
  switch (command.type) {
    case 'CreateShipment':
      return reject(shipmentError('shipment_already_exists', shipmentId, 'already exists'));
    case 'DispatchShipment':
      if (state.status !== 'created')
        return reject(shipmentError('shipment_already_dispatched', shipmentId, 'is already dispatched'));
      return accept<ShipmentEvent>({ type: 'ShipmentDispatched', shipmentId, orderId, at: command.at });
    case 'DeliverShipment':
      if (state.status !== 'dispatched')
        return reject(shipmentError('shipment_not_dispatched', shipmentId, 'is not dispatched yet'));
      return accept<ShipmentEvent>({ type: 'ShipmentDelivered', shipmentId, orderId, at: command.at });
    case 'FailShipment':
      return accept<ShipmentEvent>({
        type: 'ShipmentFailed',
        shipmentId,
        orderId,
        reason: command.reason,
        at: command.at,
      });
    case 'CancelShipment':
      if (state.status !== 'created') {
        return reject(
          shipmentError('shipment_already_dispatched', shipmentId, 'is dispatched: it can no longer be cancelled'),
        );
      }
      return accept<ShipmentEvent>({ type: 'ShipmentCancelled', shipmentId, orderId, at: command.at });
  }
};

const evolve = (state: ShipmentState, event: ShipmentEvent): ShipmentState => {
  if (event.type === 'ShipmentCreated') {
    const { shipmentId, orderId, lines, address } = event;
    return {
      status: 'created',
      shipmentId,
      orderId,
      lines,
      address,
      dispatchedAt: undefined,
      failureReason: undefined,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ShipmentDispatched':
      return { ...state, status: 'dispatched', dispatchedAt: event.at };
    case 'ShipmentDelivered':
      return { ...state, status: 'delivered' };
    case 'ShipmentFailed':
      return { ...state, status: 'failed', failureReason: event.reason };
    case 'ShipmentCancelled':
      return { ...state, status: 'cancelled' };
  }
};

/**
 * One shipment. Invariants: a shipment is delivered only after it was dispatched, cancelled only
 * before; delivered, failed and cancelled are terminal.
 */
export const shipmentDecider: Decider<ShipmentCommand, ShipmentEvent, ShipmentState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
  isTerminal: isShipmentTerminal,
};
