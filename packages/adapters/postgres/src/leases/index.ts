// Leases: time-bound ownership rows (relays, projection runners). Public surface of this folder.
export { acquireLease, holdsLease, leaseHolder, releaseLease } from './lease';
export type { LeaseKey } from './lease';
