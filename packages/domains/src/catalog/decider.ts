import { accept, type Decider, domainError, reject } from '@ordo/kernel';
import { currencyMismatch, isPositiveInt, streamMismatch } from '../shared/rejections';
import type { CatalogCommand } from './commands';
import type { CatalogEvent } from './events';

/** A product as the catalog decider knows it. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}

/** State of one catalog stream. */
export type ProductState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active' } & Product)
  | ({ readonly status: 'discontinued' } & Product);

/** Stream of the product a command targets. */
export const catalogStreamId = (command: { readonly sku: string }): string => `catalog-${command.sku}`;

/**
 * Rejection codes of the catalog:
 * - `product_already_exists`: AddProduct for a sku that is already in the catalog;
 * - `product_not_found`: ChangePrice or DiscontinueProduct before AddProduct;
 * - `product_discontinued`: any command once the product is discontinued (it cannot be re-priced);
 * - `invalid_price`: a price that is not a positive integer (codec bypassed);
 * - `currency_mismatch`: ChangePrice stating another currency than the product's;
 * - `stream_mismatch`: the command names another sku than the stream's.
 */
export const catalogRejectionCodes = [
  'product_already_exists',
  'product_not_found',
  'product_discontinued',
  'invalid_price',
  'currency_mismatch',
  'stream_mismatch',
] as const;

const decide = (command: CatalogCommand, state: ProductState) => {
  if (state.status !== 'absent' && command.sku !== state.sku)
    return reject(streamMismatch('sku', state.sku, command.sku));
  if (state.status === 'discontinued') {
    return reject(domainError('product_discontinued', `product ${state.sku} is discontinued`, { sku: state.sku }));
  }
  switch (command.type) {
    case 'AddProduct': {
      if (state.status !== 'absent') {
        return reject(
          domainError('product_already_exists', `product ${command.sku} already exists`, { sku: command.sku }),
        );
      }
      if (!isPositiveInt(command.price)) return reject(invalidPrice(command.price));
      const { sku, name, price, currency, at } = command;
      return accept<CatalogEvent>({ type: 'ProductAdded', sku, name, price, currency, at });
    }
    case 'ChangePrice': {
      if (state.status === 'absent') return reject(notFound(command.sku));
      if (!isPositiveInt(command.price)) return reject(invalidPrice(command.price));
      if (command.currency !== undefined && command.currency !== state.currency) {
        return reject(currencyMismatch(state.currency, command.currency));
      }
      // Setting the current price again is accepted and changes nothing.
      if (command.price === state.price) return accept<CatalogEvent>();
      return accept<CatalogEvent>({
        type: 'PriceChanged',
        sku: state.sku,
        oldPrice: state.price,
        newPrice: command.price,
        at: command.at,
      });
    }
    case 'DiscontinueProduct': {
      if (state.status === 'absent') return reject(notFound(command.sku));
      return accept<CatalogEvent>({ type: 'ProductDiscontinued', sku: state.sku, at: command.at });
    }
  }
};

const notFound = (sku: string) => domainError('product_not_found', `product ${sku} does not exist`, { sku });
const invalidPrice = (price: number) =>
  domainError('invalid_price', `price must be a positive integer of minor units, got ${price}`, { price });

const evolve = (state: ProductState, event: CatalogEvent): ProductState => {
  switch (event.type) {
    case 'ProductAdded':
      return { status: 'active', sku: event.sku, name: event.name, price: event.price, currency: event.currency };
    case 'PriceChanged':
      return state.status === 'absent' ? state : { ...state, price: event.newPrice };
    case 'ProductDiscontinued':
      return state.status === 'absent' ? state : { ...state, status: 'discontinued' };
  }
};

/**
 * One product of the catalog. Invariant: a product in the catalog always has a positive integer
 * price; once discontinued it accepts no command (it is terminal).
 */
export const catalogDecider: Decider<CatalogCommand, CatalogEvent, ProductState> = {
  initialState: { status: 'absent' },
  decide,
  evolve,
  isTerminal: (state) => state.status === 'discontinued',
};
