import { EventMetadataCodec, toValidationIssues, type EventMetadata, type ValidationIssue } from '@ordo/kernel';

/**
 * Event metadata, as stored in EventStoreDB's per-event JSON metadata.
 *
 * The stored object is Ordo's metadata as given (`eventId` - the original Ordo id, even when the
 * EventStoreDB event id is a derived UUID -, `correlationId`, `causationId`, `occurredAt`,
 * `tenantId`, `traceparent`, `schemaVersion`, `commandId`, `headers`), plus three reserved keys:
 *
 * - `$ordo`: the format marker (`1`). Events without it were not written by Ordo: `readAll` and
 *   subscriptions skip them, `readStream` rejects them.
 * - `$correlationId`, `$causationId`: copies of the ids under the names EventStoreDB's own
 *   projections (`$bc-<correlation id>` streams) and UI read.
 *
 * Decoding removes the reserved keys and checks the rest with the kernel's `EventMetadataCodec`.
 */

/** Key of the format marker. */
export const METADATA_MARKER = '$ordo';
/** Current metadata format. */
export const METADATA_FORMAT = 1;

const RESERVED_KEYS: ReadonlySet<string> = new Set([METADATA_MARKER, '$correlationId', '$causationId']);

/** The JSON object stored as an event's metadata. */
export type EncodedMetadata = Readonly<Record<string, unknown>>;

/** Encodes Ordo metadata for storage. `undefined` fields are left out, as JSON would. */
export const encodeMetadata = (metadata: EventMetadata): EncodedMetadata => {
  const out: Record<string, unknown> = { [METADATA_MARKER]: METADATA_FORMAT };
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined && !RESERVED_KEYS.has(key)) out[key] = value;
  }
  out.$correlationId = metadata.correlationId;
  out.$causationId = metadata.causationId;
  return out;
};

/** What stored metadata turned out to be. */
export type DecodedMetadata =
  | { readonly kind: 'ordo'; readonly metadata: EventMetadata }
  /** Not written by Ordo: no `$ordo` marker (or no JSON object at all). */
  | { readonly kind: 'foreign' }
  /** Marked as Ordo's but not valid: the issues name the fields. */
  | { readonly kind: 'invalid'; readonly issues: ReadonlyArray<ValidationIssue> };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** Decodes stored metadata (the client hands over parsed JSON, or raw bytes when it is not JSON). */
export const decodeMetadata = (stored: unknown): DecodedMetadata => {
  if (!isPlainObject(stored) || !(METADATA_MARKER in stored)) return { kind: 'foreign' };
  const format = stored[METADATA_MARKER];
  if (format !== METADATA_FORMAT) {
    return {
      kind: 'invalid',
      issues: [{ path: METADATA_MARKER, expected: `metadata format ${METADATA_FORMAT}`, actual: format }],
    };
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) if (!RESERVED_KEYS.has(key)) rest[key] = value;
  const decoded = EventMetadataCodec.decode(rest);
  return decoded._tag === 'Right'
    ? { kind: 'ordo', metadata: decoded.right }
    : { kind: 'invalid', issues: toValidationIssues(decoded.left) };
};
