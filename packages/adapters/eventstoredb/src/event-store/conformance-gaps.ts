/**
 * The kernel conformance cases this adapter cannot pass, with the reason. Pass it as
 * `unsupported` to `eventStoreConformance` so the cases are reported as skipped, not hidden.
 */
export const EVENTSTOREDB_CONFORMANCE_GAPS: Readonly<Record<string, string>> = {
  'idempotency: event ids are unique store-wide':
    'EventStoreDB keeps no index of event ids and has no multi-stream transactions, so an id stored in ' +
    'another stream cannot be found (or reserved atomically) at append time; the adapter enforces ' +
    'uniqueness within each stream only',
  'gap: appends held open before commit and released out of position order are neither skipped nor doubled by followers':
    'EventStoreDB gives an event its $all position (a transaction-log offset) as it commits it, so an ' +
    'append cannot be held open between taking its position and committing, and the client offers no ' +
    'hook there; its $all order is commit order, which the concurrent-appends gap case checks',
};
