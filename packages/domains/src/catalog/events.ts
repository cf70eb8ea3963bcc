import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Currency, IsoDateTime, NonEmptyString, PositiveInt, Sku } from '../shared/codecs';

/** Events of the catalog. */
export const CatalogEvents = defineMessages(
  {
    ProductAdded: { sku: Sku, name: NonEmptyString, price: PositiveInt, currency: Currency, at: IsoDateTime },
    PriceChanged: { sku: Sku, oldPrice: PositiveInt, newPrice: PositiveInt, at: IsoDateTime },
    ProductDiscontinued: { sku: Sku, at: IsoDateTime },
  },
  'CatalogEvent',
);

/** A catalog event. */
export type CatalogEvent = MessageOf<typeof CatalogEvents>;
