// Test support for this package's specs only: never imported by the package entry, never
// published (`files` is `["dist"]` and the build has one entry, `src/index.ts`).
// `relay-process.ts` is not listed: it is a program (the relay the crash spec spawns and kills).
export { openExtrasDatabase } from './extras-database';
export type { ExtrasDatabase } from './extras-database';
export { applyTotals, createTotalsTable, expectedTotals, newOrderEvent, readTotals } from './order-events';
export type { OrderEvent } from './order-events';
export { checkPublications, interleavedMessages, message, recorded } from './outbox-messages';
export type { Publication } from './outbox-messages';
export { seededRandom } from './seeded-random';
export { openTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { newEvent } from './test-events';
export { invalidInput, invalidOptions, rejected, thrown } from './thrown-error';
export type { ThrownError } from './thrown-error';
export { sleep, within } from './timing';
