import type { Projection } from '@ordo/kernel';
import { lookup, put, type Table } from '../shared/records';
import type { CatalogEvent } from './events';

/** One line of the product listing. */
export interface CatalogEntry {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
  readonly status: 'active' | 'discontinued';
  /** Time of the last change. */
  readonly updatedAt: string;
}

/** The product listing: every product by sku, discontinued ones included (flagged). */
export type ProductCatalog = Table<CatalogEntry>;

/** Builds the product listing from catalog events. */
export const productCatalogProjection: Projection<CatalogEvent, ProductCatalog> = {
  name: 'catalog.products',
  initialState: {},
  eventTypes: ['ProductAdded', 'PriceChanged', 'ProductDiscontinued'],
  evolve: (catalog, { event }) => {
    switch (event.type) {
      case 'ProductAdded':
        return put(catalog, event.sku, {
          sku: event.sku,
          name: event.name,
          price: event.price,
          currency: event.currency,
          status: 'active',
          updatedAt: event.at,
        });
      case 'PriceChanged':
        return changeEntry(catalog, event.sku, (entry) => ({ ...entry, price: event.newPrice, updatedAt: event.at }));
      case 'ProductDiscontinued':
        return changeEntry(catalog, event.sku, (entry) => ({ ...entry, status: 'discontinued', updatedAt: event.at }));
    }
  },
};

/** Applies `change` to an existing entry; an event for an unknown sku leaves the listing as it is. */
const changeEntry = (catalog: ProductCatalog, sku: string, change: (entry: CatalogEntry) => CatalogEntry) => {
  const entry = lookup(catalog, sku);
  return entry === undefined ? catalog : put(catalog, sku, change(entry));
};

/** Products on sale (not discontinued), sorted by sku. */
export const activeProducts = (catalog: ProductCatalog): ReadonlyArray<CatalogEntry> =>
  Object.values(catalog)
    .filter((entry) => entry.status === 'active')
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
