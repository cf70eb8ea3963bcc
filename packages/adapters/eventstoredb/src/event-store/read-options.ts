import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type ReadStreamOptions as ClientReadStreamOptions,
} from '@eventstore/db-client';
import { InvalidInputError, describeValue, type ReadAllOptions, type ReadStreamOptions } from '@ordo/kernel';
import { assertValidStreamId } from '@ordo/kernel/adapter-kit';

/** Read options: validated before any call, then mapped to the client's. */

const invalid = (path: string, expected: string, actual: unknown): never => {
  throw new InvalidInputError('invalid_read_options', `${path} must be ${expected}, got ${describeValue(actual)}`, [
    { path, expected, actual },
  ]);
};

const checkMaxCount = (maxCount: unknown): void => {
  if (maxCount !== undefined && !(typeof maxCount === 'number' && Number.isSafeInteger(maxCount) && maxCount >= 0)) {
    invalid('maxCount', 'a non-negative integer', maxCount);
  }
};

const checkTenant = (tenantId: unknown): void => {
  if (tenantId !== undefined && typeof tenantId !== 'string') invalid('tenantId', 'a string', tenantId);
};

const checkOptionsObject = (options: unknown): void => {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    invalid('options', 'an object', options);
};

/** Throws {@link InvalidInputError} unless `streamId` and `options` make a valid `readStream` call. */
export const assertValidReadStream = (streamId: unknown, options: ReadStreamOptions | undefined): void => {
  assertValidStreamId(streamId);
  checkOptionsObject(options);
  const { fromVersion, maxCount, direction, tenantId } = options ?? {};
  if (fromVersion !== undefined && !(typeof fromVersion === 'bigint' && fromVersion >= 0n)) {
    invalid('fromVersion', 'a bigint >= 0n', fromVersion);
  }
  checkMaxCount(maxCount);
  if (direction !== undefined && direction !== 'forwards' && direction !== 'backwards') {
    invalid('direction', "'forwards' or 'backwards'", direction);
  }
  checkTenant(tenantId);
};

/** Throws {@link InvalidInputError} unless `options` make a valid `readAll` call. */
export const assertValidReadAll = (options: ReadAllOptions | undefined): void => {
  checkOptionsObject(options);
  const { after, maxCount, tenantId } = options ?? {};
  if (after !== undefined && !(typeof after === 'bigint' && after >= 0n)) invalid('after', 'a bigint >= 0n', after);
  checkMaxCount(maxCount);
  checkTenant(tenantId);
};

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
