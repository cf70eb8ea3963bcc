import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type ReadStreamOptions as ClientReadStreamOptions,
} from '@eventstore/db-client';
import type { ReadAllOptions, ReadStreamOptions } from '@ordo/kernel';
import { assertValidReadAllOptions, assertValidReadStreamOptions, assertValidStreamId } from '@ordo/kernel/adapter-kit';

/**
 * Read options: validated before any call by the kernel's one rule (`invalid_read_options`
 * naming the option; `after` and `fromVersion` bigints >= 0n, `maxCount` an integer >= 0), then
 * mapped to the client's.
 */

/** Throws `InvalidInputError` unless `streamId` and `options` make a valid `readStream` call. */
export const assertValidReadStream = (streamId: unknown, options: ReadStreamOptions | undefined): void => {
  assertValidStreamId(streamId);
  assertValidReadStreamOptions(options);
};

/** Throws `InvalidInputError` unless `options` make a valid `readAll` call. */
export const assertValidReadAll = (options: ReadAllOptions | undefined): void => assertValidReadAllOptions(options);

/**
 * The client's stream-read options: `fromVersion` -> `fromRevision` (defaulting to `START`
 * forwards and `END` backwards), `direction` -> `FORWARDS` / `BACKWARDS`, `maxCount` passed to
 * the server unless a tenant filter runs client-side (then the adapter counts after filtering).
 */
export const toClientReadStreamOptions = (options: ReadStreamOptions = {}): ClientReadStreamOptions => {
  const backwards = options.direction === 'backwards';
  return {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision: options.fromVersion ?? (backwards ? END : START),
    ...(options.maxCount !== undefined && options.tenantId === undefined ? { maxCount: options.maxCount } : {}),
  };
};
