import type * as t from 'io-ts';
import { defineMessages, type MessageOf } from '@ordo/kernel';
import { Currency, IsoDateTime, NonEmptyString, PositiveInt, Sku } from '../shared/codecs';
import { type WithOptionalFields, withOptional } from '../shared/optional';

/** Commands of the catalog: one product per stream (`catalog-${sku}`). Prices are integer minor units. */
export const CatalogCommands = defineMessages(
  {
    AddProduct: { sku: Sku, name: NonEmptyString, price: PositiveInt, currency: Currency, at: IsoDateTime },
    /** `currency`, when given, must be the product's: a price is never silently read in another currency. */
    ChangePrice: withOptional({ sku: Sku, price: PositiveInt, at: IsoDateTime }, { currency: Currency }),
    DiscontinueProduct: { sku: Sku, at: IsoDateTime },
  },
  'CatalogCommand',
);

/** A catalog command. */
export type CatalogCommand = WithOptionalFields<MessageOf<typeof CatalogCommands>, 'ChangePrice', { currency: string }>;

/**
 * The codec of {@link CatalogCommand}, typed with its optional fields: pass it as a command handler's
 * `commandCodec` (`CatalogCommands.codec` decodes the same, but its static type cannot express them).
 */
export const catalogCommandCodec = CatalogCommands.codec as unknown as t.Type<CatalogCommand, CatalogCommand, unknown>;
