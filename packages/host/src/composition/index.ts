/**
 * The composition root: `createInMemoryHost` wires the whole commerce system on the in-memory
 * adapters in a tsyringe container (`HostTokens` names every service) and answers a {@link Host}.
 */
export * from './tokens';
export * from './host';
export * from './host-errors';
export * from './host-options';
export * from './host-audit';
export * from './host-projections';
export * from './notification-senders';
export * from './idle-pump';
export * from './in-memory-container';
export * from './in-memory-host';
