import type { PeerResult, Repetitions } from './measure';

/** A target a case is held to: Ordo's median figure at least `ratio` times the named peer's. */
export interface Target {
  readonly against: 'emmett' | 'ceiling';
  readonly ratio: number;
}

/** The figures of one benchmark case, peers side by side. */
export interface CaseResult {
  /** Stable id for the JSON (`fold.pure`, `append.single.expected`...). */
  readonly id: string;
  /** Label in the table. */
  readonly name: string;
  /** Which figure the table compares: events per second, or operations (commands) per second. */
  readonly metric: 'events' | 'ops';
  /** What one operation is, for the JSON (`fold of 1,000,000 events`, `append of 1 event`). */
  readonly op: string;
  readonly ordo: PeerResult;
  /** Absent when Emmett has no equivalent (reported as N/A, with the reason in `notes`). */
  readonly emmett?: PeerResult;
  /** The hand-written loop, for the fold cases. */
  readonly ceiling?: PeerResult;
  /** Targets Ordo is held to; the info rows carry none. Judged on the median ratio. */
  readonly targets?: ReadonlyArray<Target>;
  readonly notes?: string;
}

/** Runs of each case: the default, or fewer when a quick run is asked for. */
export interface CaseSettings {
  readonly repetitions: Repetitions;
  /** Scales every size (1 = the sizes of the issue); for a quick smoke run. */
  readonly scale: number;
}

/** A size scaled by the settings, never below `min`. */
export const scaled = (settings: CaseSettings, size: number, min = 1): number =>
  Math.max(min, Math.round(size * settings.scale));

/** Issue 2, restated: every in-memory case with an Emmett peer, on Ordo's one validation path. */
export const twiceEmmett: Target = { against: 'emmett', ratio: 2 };

/** The fold cases: at least 0.3x the hand-written loop. */
export const foldCeiling: Target = { against: 'ceiling', ratio: 0.3 };
