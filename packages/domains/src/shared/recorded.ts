import type { RecordedEvent } from '@ordo/kernel';

/**
 * Wraps events as a store would record them: per-stream versions from 0, global positions from
 * `firstPosition`, event ids `${streamId}@${version}`. Used to feed projections and reactors in
 * tests and examples without a store.
 */
export const recordEvents = <E extends { readonly type: string }>(
  entries: ReadonlyArray<{ readonly streamId: string; readonly event: E }>,
  firstPosition = 1n,
): ReadonlyArray<RecordedEvent<E>> => {
  const versions = new Map<string, bigint>();
  return entries.map(({ streamId, event }, index) => {
    const streamVersion = versions.get(streamId) ?? 0n;
    versions.set(streamId, streamVersion + 1n);
    const eventId = `${streamId}@${streamVersion}`;
    return {
      streamId,
      streamVersion,
      globalPosition: firstPosition + BigInt(index),
      event,
      metadata: {
        eventId,
        correlationId: eventId,
        causationId: eventId,
        occurredAt: 'at' in event && typeof event.at === 'string' ? event.at : '1970-01-01T00:00:00.000Z',
      },
    };
  });
};
