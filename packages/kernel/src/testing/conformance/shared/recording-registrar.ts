/**
 * A registrar that records cases instead of handing them to a test framework, then runs them one
 * after the other and reports each outcome: how the suites' own self-tests (the mutants) learn
 * which cases a broken adapter fails.
 */
import type { TestRegistrar } from './registrar';

/** What became of one registered case. */
export interface CaseOutcome {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The failure, for a failed case. */
  readonly error?: unknown;
}

/** A {@link TestRegistrar} that records, and runs what it recorded on demand. */
export interface RecordingRegistrar {
  readonly test: TestRegistrar;
  /** Names of the registered cases, in registration order. */
  readonly names: () => ReadonlyArray<string>;
  /** Runs every recorded case in order (skipped ones are not run) and answers the outcomes. */
  readonly run: () => Promise<ReadonlyArray<CaseOutcome>>;
}

/** Creates a {@link RecordingRegistrar}. */
export const recordingRegistrar = (): RecordingRegistrar => {
  const cases: Array<{ name: string; fn: (() => Promise<void>) | undefined; skipped: boolean }> = [];
  const test: TestRegistrar = Object.assign(
    (name: string, fn: () => Promise<void>) => void cases.push({ name, fn, skipped: false }),
    { skip: (name: string, fn?: () => Promise<void>) => void cases.push({ name, fn, skipped: true }) },
  );
  return {
    test,
    names: () => cases.map((c) => c.name),
    run: async () => {
      const outcomes: CaseOutcome[] = [];
      for (const c of cases) {
        if (c.skipped || c.fn === undefined) {
          outcomes.push({ name: c.name, status: 'skipped' });
          continue;
        }
        try {
          await c.fn();
          outcomes.push({ name: c.name, status: 'passed' });
        } catch (error) {
          outcomes.push({ name: c.name, status: 'failed', error });
        }
      }
      return outcomes;
    },
  };
};
