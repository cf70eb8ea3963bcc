import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { type CommandContext, commandContextIssues, streamIdIssue } from './command-context';
import { type ConflictBackoff, jitteredBackoff } from './conflict-backoff';
import { type Decider, fold } from './decider';
import {
  type ConcurrencyConflict,
  type DomainError,
  InvalidInputError,
  invalidOptionError,
  isInvalidInputError,
  type ValidationError,
  validationError,
} from '../model/errors';
import type { AnyEvent, EventStore } from '../event-store/event-store';
import type { StreamState } from '../event-store/expected-version';
import type { EventMetadata } from '../model/event-metadata';
import type { NewEvent, RecordedEvent } from '../event-store/recorded-event';
import type { SnapshotPolicy } from '../snapshots/snapshot-policy';
import type { SnapshotStore } from '../snapshots/snapshot-store';
import type { StateCache } from './state-cache';
import { createStreamQueue, type StreamQueue } from './stream-queue';
import { decodeWith } from '../model/validation';
import { isWrongExpectedVersionError } from '../event-store/wrong-expected-version-error';

/** Snapshot settings of a command handler. */
export interface SnapshotSettings<S> {
  readonly store: SnapshotStore;
  /** Names the `evolve`/state shape; bump it when either changes so stale snapshots are ignored. */
  readonly deciderVersion: string;
  readonly policy: SnapshotPolicy;
  /** Encodes the state to JSON and back; defaults to storing the state as it is. */
  readonly codec?: t.Type<S, unknown, unknown>;
  /** Called when saving a snapshot fails; the command still succeeds (a snapshot is only a cache). */
  readonly onError?: (error: unknown) => void;
}

/** How a command handler is wired. */
export interface CommandHandlerConfig<C, Ev extends AnyEvent, S> {
  readonly decider: Decider<C, Ev, S>;
  readonly store: EventStore<Ev>;
  /** The stream a command targets. */
  readonly streamId: (command: C) => string;
  /**
   * Decodes untrusted commands: with it the handler also has `handleUntrusted(input: unknown)`,
   * which answers a malformed command as a ValidationError naming the field. `handle` trusts its
   * input's type and does not decode.
   */
  readonly commandCodec?: t.Type<C, unknown, unknown>;
  /** Decodes loaded events; a stored event that does not decode is a corrupt store and throws. */
  readonly eventCodec?: t.Type<Ev, unknown, unknown>;
  /**
   * Retries after a version conflict, the retry budget; defaults to {@link DEFAULT_MAX_RETRIES}.
   * Conflicts come only from writers outside this handler (other processes, other handlers
   * without a shared `queue`): the handler's own commands on one stream queue behind each other.
   */
  readonly maxRetries?: number;
  /** Waits between conflict retries; defaults to `jitteredBackoff()` (exponential, full jitter, 1 ms doubling up to 200 ms). */
  readonly backoff?: ConflictBackoff;
  /**
   * Serialises the commands of one stream; defaults to a queue of this handler's own. Pass one
   * queue to several handlers writing the same streams to serialise them together, or `false`
   * to let commands race (each conflict then costs a retry).
   */
  readonly queue?: StreamQueue | false;
  readonly snapshots?: SnapshotSettings<S>;
  readonly cache?: StateCache<S>;
  /** Event ids of a command's events; defaults to `${commandId}:${index}`, which makes retries idempotent. */
  readonly eventId?: (commandId: string, index: number) => string;
}

/** A handled command. */
export interface CommandSuccess<Ev, S> {
  readonly streamId: string;
  /** Events this call appended (empty for a no-op, or for a duplicate command). */
  readonly events: ReadonlyArray<Ev>;
  /** Stream state after the command. */
  readonly version: StreamState;
  /** Global position of the last appended event, when something was appended. */
  readonly position?: bigint;
  readonly state: S;
  /** True when this command id had already been handled: nothing was appended this time. */
  readonly duplicate: boolean;
}

/** Why a command was not handled. */
export type CommandFailure = DomainError | ValidationError | ConcurrencyConflict;

/** What handling one command answers: a success, or an expected failure as a value. */
export type CommandResult<Ev, S> = E.Either<CommandFailure, CommandSuccess<Ev, S>>;

/** A configured command handler. */
export interface CommandHandler<C, Ev, S> {
  /**
   * Handles a command whose type the caller vouches for: loads, decides, appends; retries on
   * conflicts. Bad input (an invalid context or stream id) is a ValidationError value and writes
   * nothing; only unexpected failures (a store down) reject.
   */
  handle(command: C, context: CommandContext): Promise<CommandResult<Ev, S>>;
  /** Loads the current state of a stream (from cache, snapshot and events). */
  load(streamId: string): Promise<{ readonly state: S; readonly version: StreamState }>;
}

/** A command handler built with a `commandCodec`: it also takes input of unknown shape. */
export interface UntrustedCommandHandler<C, Ev, S> extends CommandHandler<C, Ev, S> {
  /**
   * Decodes `input` with the command codec, then handles it as {@link CommandHandler.handle}
   * does. A malformed command is a ValidationError value naming every offending field.
   */
  handleUntrusted(input: unknown, context: CommandContext): Promise<CommandResult<Ev, S>>;
}

/**
 * Default {@link CommandHandlerConfig.maxRetries}. With the default 1 ms jittered backoff it lost
 * 1 command of about 30,000 to two processes hammering one PostgreSQL stream (docs/hot-streams.md).
 */
export const DEFAULT_MAX_RETRIES = 30;

interface Loaded<S> {
  state: S;
  version: StreamState;
  snapshotVersion: bigint | undefined;
  /** True when an event of the current command was among the events read. */
  seenCommand: boolean;
  /** True when every event of the stream was read (no cache, no snapshot): `seenCommand` is then final. */
  whole: boolean;
}

/**
 * Builds a command handler: load (cache, snapshot, then the events after it), decide, append with
 * the loaded version; on a conflict fold the newer events and decide again, up to `maxRetries`,
 * waiting as `backoff` says between attempts. Commands of one stream queue behind each other.
 * A command id already seen in the stream answers `duplicate: true` without appending. With a
 * `commandCodec` the handler also has `handleUntrusted`.
 */
export function createCommandHandler<C, Ev extends AnyEvent, S>(
  config: CommandHandlerConfig<C, Ev, S> & { readonly commandCodec: t.Type<C, unknown, unknown> },
): UntrustedCommandHandler<C, Ev, S>;
export function createCommandHandler<C, Ev extends AnyEvent, S>(
  config: CommandHandlerConfig<C, Ev, S>,
): CommandHandler<C, Ev, S>;
export function createCommandHandler<C, Ev extends AnyEvent, S>(
  config: CommandHandlerConfig<C, Ev, S>,
): CommandHandler<C, Ev, S> | UntrustedCommandHandler<C, Ev, S> {
  const maxRetries = config.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw invalidOptionError('maxRetries', 'an integer >= 0', maxRetries);
  }
  const backoff = config.backoff ?? jitteredBackoff();
  const queue = config.queue === false ? undefined : (config.queue ?? createStreamQueue());
  const eventId = config.eventId ?? ((commandId: string, index: number) => `${commandId}:${index}`);
  const decodeCommand = config.commandCodec ? decodeWith(config.commandCodec, 'command') : undefined;
  const decodeEvent = config.eventCodec ? decodeWith(config.eventCodec, 'stored event') : undefined;

  const toEvent = (recorded: RecordedEvent<Ev>): Ev => {
    if (decodeEvent === undefined) return recorded.event;
    const decoded = decodeEvent(recorded.event);
    if (E.isLeft(decoded)) {
      throw new InvalidInputError(
        'corrupt_event',
        `event ${recorded.streamId}@${recorded.streamVersion}: ${decoded.left.message}`,
        decoded.left.issues,
      );
    }
    return decoded.right;
  };

  /** Folds the events after `from` into `from.state`, noting whether `commandId` produced any. */
  const catchUp = async (streamId: string, from: Loaded<S>, commandId: string | undefined): Promise<Loaded<S>> => {
    const events = await config.store.readStream(
      streamId,
      from.version === 'no_stream' ? {} : { fromVersion: from.version + 1n },
    );
    let { state, version, seenCommand } = from;
    for (const recorded of events) {
      state = config.decider.evolve(state, toEvent(recorded));
      version = recorded.streamVersion;
      if (commandId !== undefined && recorded.metadata.commandId === commandId) seenCommand = true;
    }
    return { state, version, snapshotVersion: from.snapshotVersion, seenCommand, whole: from.whole };
  };

  const loadInitial = async (streamId: string, commandId: string | undefined): Promise<Loaded<S>> => {
    const cached = config.cache?.get(streamId);
    // A repeated command whose events lie before the cached version is still caught: its
    // deterministic event ids make the store answer `duplicate_event_id` (handled below).
    if (cached !== undefined) {
      return catchUp(streamId, { ...cached, snapshotVersion: undefined, seenCommand: false, whole: false }, commandId);
    }
    let start: Loaded<S> = fromScratch(config.decider.initialState);
    if (config.snapshots) {
      const snapshot = await config.snapshots.store.load(streamId, config.snapshots.deciderVersion);
      // Checked here too, so a snapshot store that ignores the version cannot hand over a
      // state another `evolve` produced.
      if (
        snapshot !== undefined &&
        snapshot.streamId === streamId &&
        snapshot.deciderVersion === config.snapshots.deciderVersion
      ) {
        const state = config.snapshots.codec
          ? config.snapshots.codec.decode(snapshot.state)
          : E.right(snapshot.state as S);
        if (E.isRight(state)) {
          start = {
            state: state.right,
            version: snapshot.version,
            snapshotVersion: snapshot.version,
            seenCommand: false,
            whole: false,
          };
        }
      }
    }
    return catchUp(streamId, start, commandId);
  };

  const maybeSnapshot = async (
    streamId: string,
    previous: StreamState,
    next: bigint,
    state: S,
    snapshotVersion: bigint | undefined,
  ) => {
    const s = config.snapshots;
    if (!s || !s.policy({ streamId, previousVersion: previous, newVersion: next, snapshotVersion })) return;
    try {
      await s.store.save({
        streamId,
        version: next,
        deciderVersion: s.deciderVersion,
        state: s.codec ? s.codec.encode(state) : state,
      });
    } catch (error) {
      s.onError?.(error);
    }
  };

  /**
   * The refusal of a command, unless the command ran before: a repeated command whose events lie
   * before a cached or snapshotted state is refused by its own rule (`order_already_confirmed`)
   * or by its expected version before the store could call it a duplicate. Only a refusal pays
   * for the check: every event of the stream, read for this command id.
   */
  const refusedUnlessSeen = async (
    streamId: string,
    loaded: Loaded<S>,
    commandId: string,
    refusal: CommandFailure,
  ): Promise<CommandResult<Ev, S>> => {
    if (!loaded.whole) {
      const whole = await catchUp(streamId, fromScratch(config.decider.initialState), commandId);
      if (whole.seenCommand) {
        config.cache?.set(streamId, { state: whole.state, version: whole.version });
        return E.right({ streamId, events: [], version: whole.version, state: whole.state, duplicate: true });
      }
    }
    return E.left(refusal);
  };

  /** Decides and appends `command` on its stream, retrying after conflicts; runs in the stream's queue. */
  const run = async (command: C, streamId: string, context: CommandContext): Promise<CommandResult<Ev, S>> => {
    let loaded = await loadInitial(streamId, context.commandId);
    const expected = context.expectedVersion;
    for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
      if (loaded.seenCommand) {
        return E.right({ streamId, events: [], version: loaded.version, state: loaded.state, duplicate: true });
      }
      // Another version than the one asked for: no retry can help.
      if (expected !== undefined && loaded.version !== expected) {
        return refusedUnlessSeen(
          streamId,
          loaded,
          context.commandId,
          versionMismatch(streamId, expected, loaded, attempt),
        );
      }
      if (attempt > 1) await backoff.wait(backoff.delayMs(attempt - 1, context.commandId));
      const decision = config.decider.decide(command, loaded.state);
      if (E.isLeft(decision)) return refusedUnlessSeen(streamId, loaded, context.commandId, decision.left);
      const events = decision.right;
      if (events.length === 0) {
        return E.right({ streamId, events, version: loaded.version, state: loaded.state, duplicate: false });
      }
      const toAppend: NewEvent<Ev>[] = events.map((event, index) => ({
        event,
        metadata: metadataFor(context, eventId(context.commandId, index)),
      }));
      try {
        const result = await config.store.appendToStream(streamId, toAppend, {
          expectedVersion: loaded.version === 'no_stream' ? 'no_stream' : loaded.version,
        });
        const state = fold(config.decider, events, loaded.state);
        const duplicate = result.nextExpectedVersion !== streamVersionAfter(loaded.version, events.length);
        config.cache?.set(streamId, { state, version: result.nextExpectedVersion });
        await maybeSnapshot(streamId, loaded.version, result.nextExpectedVersion, state, loaded.snapshotVersion);
        return E.right({
          streamId,
          events: duplicate ? [] : events,
          version: result.nextExpectedVersion,
          position: result.position,
          state,
          duplicate,
        });
      } catch (error) {
        if (isWrongExpectedVersionError(error)) {
          config.cache?.delete(streamId);
          // A stream behind what was loaded (soft-deleted and started again, so a snapshot or a
          // cached state belongs to its earlier life) cannot be caught up: fold it from the start.
          loaded = isBehind(error.actual, loaded.version)
            ? await catchUp(streamId, fromScratch(config.decider.initialState), context.commandId)
            : await catchUp(streamId, loaded, context.commandId);
          continue;
        }
        if (isInvalidInputError(error, 'duplicate_event_id')) {
          // The command's deterministic event ids are already stored: it ran before (its events
          // may lie behind a snapshot). Report it as a duplicate with the current state.
          config.cache?.delete(streamId);
          const current = await catchUp(streamId, loaded, undefined);
          return E.right({ streamId, events: [], version: current.version, state: current.state, duplicate: true });
        }
        // The store refused the decided events (data JSON cannot carry, an oversized event) and
        // wrote nothing: bad input, answered as a value like every other.
        if (isInvalidInputError(error)) return E.left(storeRefusal(error));
        throw error;
      }
    }
    return E.left({
      _tag: 'ConcurrencyConflict',
      message: `stream '${streamId}' kept changing: gave up after ${maxRetries + 1} attempts`,
      streamId,
      attempts: maxRetries + 1,
    });
  };

  const handle: CommandHandler<C, Ev, S>['handle'] = async (command, context) => {
    const contextIssues = commandContextIssues(context);
    const streamId = config.streamId(command);
    const streamIssue = streamIdIssue(streamId);
    if (streamIssue !== undefined || contextIssues.length > 0) {
      const issues = streamIssue === undefined ? contextIssues : [streamIssue, ...contextIssues];
      return E.left(validationError(issues, 'command'));
    }
    return queue === undefined
      ? run(command, streamId, context)
      : queue.run(streamId, () => run(command, streamId, context));
  };

  const load: CommandHandler<C, Ev, S>['load'] = async (streamId) => {
    const loaded = await loadInitial(streamId, undefined);
    return { state: loaded.state, version: loaded.version };
  };

  if (decodeCommand === undefined) return { handle, load };
  return {
    handle,
    handleUntrusted: async (input, context) => {
      const decoded = decodeCommand(input);
      return E.isLeft(decoded) ? decoded : handle(decoded.right, context);
    },
    load,
  };
}

/** The conflict of a command whose `expectedVersion` is not the stream's version. */
const versionMismatch = <S>(
  streamId: string,
  expected: bigint,
  loaded: Loaded<S>,
  attempts: number,
): ConcurrencyConflict => ({
  _tag: 'ConcurrencyConflict',
  message: `stream '${streamId}' is at ${loaded.version === 'no_stream' ? 'no version (no stream)' : `version ${loaded.version}`}, the command expected version ${expected}`,
  streamId,
  attempts,
  expectedVersion: expected,
  actualVersion: loaded.version === 'no_stream' ? 'no_stream' : loaded.version,
});

/** A store's InvalidInputError for the decided events, as the ValidationError value the handler answers. */
const storeRefusal = (error: InvalidInputError): ValidationError => ({
  _tag: 'ValidationError',
  message: `the events decided for this command cannot be stored (${error.code}): ${error.message}`,
  issues: error.issues,
});

const fromScratch = <S>(initialState: S): Loaded<S> => ({
  state: initialState,
  version: 'no_stream',
  snapshotVersion: undefined,
  seenCommand: false,
  whole: true,
});

/** True when the store's stream is at an earlier version than the one the handler loaded. */
const isBehind = (actual: StreamState, loaded: StreamState): boolean =>
  loaded !== 'no_stream' && (actual === 'no_stream' || actual < loaded);

const streamVersionAfter = (version: StreamState, count: number): bigint =>
  (version === 'no_stream' ? -1n : version) + BigInt(count);

/** The metadata the handler stamps on the events of one command. */
export const metadataFor = (context: CommandContext, eventId: string): EventMetadata => ({
  eventId,
  commandId: context.commandId,
  correlationId: context.correlationId ?? context.commandId,
  causationId: context.causationId ?? context.commandId,
  occurredAt: context.occurredAt,
  ...(context.tenantId === undefined ? {} : { tenantId: context.tenantId }),
  ...(context.traceparent === undefined ? {} : { traceparent: context.traceparent }),
  ...(context.headers === undefined ? {} : { headers: context.headers }),
});
