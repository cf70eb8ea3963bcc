import type { OutboxMessage, RecordedEvent } from '@ordo/kernel';

/** A recorded event for tests, with deterministic metadata. */
export const recorded = (
  streamId: string,
  streamVersion: number,
  globalPosition: number,
  type = 'Happened',
  data: Record<string, unknown> = {},
): RecordedEvent => ({
  streamId,
  streamVersion: BigInt(streamVersion),
  globalPosition: BigInt(globalPosition),
  event: { type, ...data },
  metadata: {
    eventId: `${streamId}:${streamVersion}`,
    correlationId: 'corr',
    causationId: 'cause',
    occurredAt: '2024-01-01T00:00:00.000Z',
  },
});

/** An outbox message for tests: id `<stream>:<version>`. */
export const message = (streamId: string, streamVersion: number, globalPosition: number): OutboxMessage => ({
  id: `${streamId}:${streamVersion}`,
  topic: 'test',
  key: streamId,
  type: 'Happened',
  payload: { streamId, streamVersion },
  headers: { 'ordo-stream-id': streamId, 'ordo-stream-version': String(streamVersion) },
  streamId,
  streamVersion: BigInt(streamVersion),
  globalPosition: BigInt(globalPosition),
});

/**
 * `streams` streams of `perStream` messages each, interleaved in global order the way concurrent
 * appends would leave them (round robin), positions 1, 2, 3...
 */
export const interleavedMessages = (streams: number, perStream: number, prefix = 's'): OutboxMessage[] => {
  const out: OutboxMessage[] = [];
  let position = 1;
  for (let v = 0; v < perStream; v++) {
    for (let s = 0; s < streams; s++) out.push(message(`${prefix}${s}`, v, position++));
  }
  return out;
};

/** One publication seen by a test publisher. */
export interface Publication {
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly by: string;
}

/**
 * Checks the relay guarantees over a log of publications (in the order they happened): every
 * expected message appears at least once, and in each stream the *first* publications come in
 * stream-version order. Answers a list of problems (empty when all hold) and the duplicate count.
 */
export const checkPublications = (
  expected: ReadonlyArray<OutboxMessage>,
  log: ReadonlyArray<Publication>,
): { readonly problems: string[]; readonly duplicates: number } => {
  const problems: string[] = [];
  const firstSeen = new Set<string>();
  const lastFirstVersion = new Map<string, bigint>();
  let duplicates = 0;
  for (const p of log) {
    if (firstSeen.has(p.id)) {
      duplicates++;
      continue;
    }
    firstSeen.add(p.id);
    const previous = lastFirstVersion.get(p.streamId);
    if (previous !== undefined && p.streamVersion !== previous + 1n) {
      problems.push(`${p.streamId}: first publication of v${p.streamVersion} came after v${previous}`);
    }
    if (previous === undefined && p.streamVersion !== 0n) {
      problems.push(`${p.streamId}: first publication was v${p.streamVersion}, not v0`);
    }
    lastFirstVersion.set(p.streamId, p.streamVersion);
  }
  for (const m of expected) if (!firstSeen.has(m.id)) problems.push(`${m.id} never published`);
  return { problems, duplicates };
};
