import { createHash } from 'node:crypto';

/**
 * Event ids. Ordo event ids are arbitrary non-empty strings (the command handler makes
 * `${commandId}:${index}`), while EventStoreDB requires a UUID per event. A UUID id is passed
 * through unchanged; any other id becomes a name-based UUID (RFC 4122 version 5: SHA-1 over a
 * fixed namespace and the id's UTF-8 bytes). The mapping is deterministic, so a retried append
 * carries the same EventStoreDB ids, and the original Ordo id is kept in the stored metadata so it
 * round-trips exactly.
 */

/** Namespace of Ordo's name-based event ids. Fixed forever: changing it changes every mapped id. */
export const ORDO_EVENT_ID_NAMESPACE = '5b0f0d5e-6f1c-4c4e-9a43-0b7b2f1e8d21';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical 8-4-4-4-12 hex form (any version, either case). */
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

const uuidBytes = (uuid: string): Buffer => {
  if (!isUuid(uuid)) throw new RangeError(`not a UUID: '${uuid}'`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
};

const formatUuid = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** RFC 4122 version 5 UUID of `name` in `namespace` (lower-case). */
export const nameBasedUuid = (namespace: string, name: string): string => {
  const digest = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  return formatUuid(bytes);
};

/** The EventStoreDB event id of an Ordo event id: the id itself when it is a UUID, else its name-based UUID. */
export const toEsdbEventId = (ordoEventId: string): string =>
  isUuid(ordoEventId) ? ordoEventId : nameBasedUuid(ORDO_EVENT_ID_NAMESPACE, ordoEventId);
