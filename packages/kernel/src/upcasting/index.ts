export { createUpcasters, withUpcasting } from './upcasters';
export type { Upcaster, Upcasters } from './upcasters';
