import * as t from 'io-ts';
import { PositiveInt, Sku } from '../shared/codecs';
import { refine } from '../shared/refine';

/** One parcel line: a sku and a positive quantity. */
export const ShipmentLine = t.type({ sku: Sku, quantity: PositiveInt }, 'ShipmentLine');
/** One parcel line. */
export type ShipmentLine = t.TypeOf<typeof ShipmentLine>;

/** True when the lines are non-empty, name each sku once and have positive integer quantities. */
export const validShipmentLines = (lines: ReadonlyArray<ShipmentLine>): boolean =>
  lines.length > 0 &&
  new Set(lines.map((line) => line.sku)).size === lines.length &&
  lines.every((line) => Number.isSafeInteger(line.quantity) && line.quantity > 0);

/** The lines of a shipment: at least one, one line per sku. */
export const ShipmentLines = refine(
  t.readonlyArray(ShipmentLine),
  (lines) => lines.length > 0 && new Set(lines.map((line) => line.sku)).size === lines.length,
  'ShipmentLines(non-empty, one line per sku)',
);
