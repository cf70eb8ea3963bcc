import { OrdoError } from '../model/errors';
import { type ExpectedVersion, type StreamState, formatVersion } from './expected-version';

/**
 * An append met a stream in another state than it expected. `actual` is the stream's real
 * current state, so a caller can reload from there.
 */
export class WrongExpectedVersionError extends OrdoError {
  readonly code = 'wrong_expected_version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: StreamState,
  ) {
    super(
      `wrong expected version on stream '${streamId}': expected ${formatVersion(expected)}, actual ${formatVersion(actual)}`,
    );
  }
}

/** True for a {@link WrongExpectedVersionError}, also across module copies (ESM + CJS). */
export const isWrongExpectedVersionError = (e: unknown): e is WrongExpectedVersionError =>
  e instanceof WrongExpectedVersionError ||
  (e instanceof Error && (e as { code?: unknown }).code === 'wrong_expected_version' && 'streamId' in e);
