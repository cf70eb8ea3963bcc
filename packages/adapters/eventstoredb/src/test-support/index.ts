// Test support for this package's specs only: never imported by the package entry, never
// published (`files` is `["dist"]` and the build has one entry, `src/index.ts`).
export { FakeEventStoreDbClient } from './fake-client';
export { invalidOptions, thrown } from './thrown-error';
export type { ThrownError } from './thrown-error';
