import { START, type Position, type ReadPosition } from '@eventstore/db-client';
import { OrdoError } from '@ordo/kernel';

/**
 * Global positions. EventStoreDB places an event in `$all` by a `{ commit, prepare }` pair of
 * transaction-log offsets; Ordo's `globalPosition` is one bigint.
 *
 * Mapping: `globalPosition = commit`, and back `{ commit: g, prepare: g }`. This is exact for
 * every event written through the gRPC API (any server version, single node or cluster): such
 * events are committed implicitly, so their commit and prepare offsets are the same log position,
 * which is unique and grows with the log. Only the legacy TCP API's explicit multi-request
 * transactions produce events whose prepare differs from a commit shared by several events; those
 * cannot be represented as one bigint, and mapping one fails with {@link UnsupportedPositionError}
 * instead of handing out a position that is not unique.
 */

/** Servers before 22.6 send this "no position" marker (2^64 - 1) for events read from a stream. */
export const NO_POSITION = 2n ** 64n - 1n;

/** An EventStoreDB position that has no faithful Ordo `globalPosition`. */
export class UnsupportedPositionError extends OrdoError {
  readonly code = 'unsupported_position';
  constructor(
    message: string,
    readonly position: Position | undefined,
  ) {
    super(message);
  }
}

/**
 * Ordo's global position of an EventStoreDB position. Throws {@link UnsupportedPositionError}
 * when the position is missing (stream reads on servers before 22.6), is the "no position" marker,
 * or has `prepare !== commit` (legacy explicit transactions). `what` names the event in messages.
 */
export const toGlobalPosition = (position: Position | undefined, what = 'event'): bigint => {
  if (position === undefined || position.commit === NO_POSITION || position.commit < 0n) {
    throw new UnsupportedPositionError(
      `EventStoreDB reported no $all position for ${what}; stream reads carry positions from server 22.6 on`,
      position,
    );
  }
  if (position.prepare !== position.commit) {
    throw new UnsupportedPositionError(
      `${what} sits at commit ${position.commit} / prepare ${position.prepare}: events of legacy explicit ` +
        'transactions have no single-number position and are not supported',
      position,
    );
  }
  return position.commit;
};

/**
 * `position`, or {@link UnsupportedPositionError} when the client gave none (every `$all` event
 * has one; a missing position is refused, never guessed).
 */
export const requirePosition = (position: Position | undefined, what = 'event'): Position => {
  if (position === undefined) {
    throw new UnsupportedPositionError(`EventStoreDB reported no $all position for ${what}`, position);
  }
  return position;
};

/** The EventStoreDB position of an Ordo global position. */
export const fromGlobalPosition = (globalPosition: bigint): Position => ({
  commit: globalPosition,
  prepare: globalPosition,
});

/**
 * Where a forward `$all` read for "events strictly after `after`" starts. EventStoreDB reads
 * from a position inclusively, so the read starts at `after` itself and the caller drops events
 * at or before it ({@link isAfter}). `after` must be `0n` or a position this adapter handed out:
 * the server reads the log from that offset and cannot start in the middle of a record.
 */
export const toReadPosition = (after: bigint | undefined): ReadPosition =>
  after === undefined ? START : fromGlobalPosition(after);

/** True when `position` lies strictly after the `after` checkpoint (always, without one). */
export const isAfter = (position: bigint, after: bigint | undefined): boolean =>
  after === undefined || position > after;

/** Orders two EventStoreDB positions as `$all` does: by commit, then by prepare. */
export const comparePositions = (a: Position, b: Position): number =>
  a.commit === b.commit ? Number(a.prepare > b.prepare) - Number(a.prepare < b.prepare) : a.commit > b.commit ? 1 : -1;

/**
 * Ordo's position of an append from the client's append result, or `undefined` when the server
 * gave none (it answers an append it recognised as a retry of an earlier one without a
 * position; the caller then reads the last event back). The result's `commit` is the log position
 * of the append's last event, which is that event's `globalPosition`; its `prepare` is the
 * position of the first event, so the pair is not compared.
 */
export const toAppendPosition = (position: Position | undefined): bigint | undefined =>
  position === undefined || position.commit < 0n || position.commit === NO_POSITION ? undefined : position.commit;
