export { isIsoDateTime } from './command-context';
export type { CommandContext } from './command-context';
export { DEFAULT_MAX_RETRIES, createCommandHandler, metadataFor } from './command-handler';
export type {
  CommandFailure,
  CommandHandler,
  CommandHandlerConfig,
  CommandResult,
  CommandSuccess,
  SnapshotSettings,
  UntrustedCommandHandler,
} from './command-handler';
export { jitteredBackoff, noBackoff } from './conflict-backoff';
export type { ConflictBackoff, JitteredBackoffOptions } from './conflict-backoff';
export { accept, adaptDecider, combineDeciders, decideAndEvolve, fold, reject, runCommands } from './decider';
export type { CommandOf, Decider, EventOf, StateOf } from './decider';
export { createLruStateCache } from './state-cache';
export type { CachedState, StateCache } from './state-cache';
export { createStreamQueue } from './stream-queue';
export type { StreamQueue } from './stream-queue';
