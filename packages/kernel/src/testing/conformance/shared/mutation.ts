/**
 * Suites that prove themselves: run a suite against a deliberately broken adapter (a mutant)
 * through a {@link recordingRegistrar}, and learn which cases failed ("killed" it). A suite
 * that lets a mutant pass every case does not test what the mutant breaks.
 */
import { type CaseOutcome, recordingRegistrar } from './recording-registrar';
import type { TestRegistrar } from './registrar';

/** A suite's registration function: `eventStoreConformance`, `inboxConformance`... */
export type SuiteRegistration<F> = (test: TestRegistrar, factory: F) => void;

/** What running a suite against one factory gave. */
export interface SuiteRun {
  readonly outcomes: ReadonlyArray<CaseOutcome>;
  /** Names of the failed cases, in suite order. */
  readonly failed: ReadonlyArray<string>;
  /** Names of the passed cases, in suite order. */
  readonly passed: ReadonlyArray<string>;
}

/** Registers `suite` with a recording registrar and runs every case against `factory`. */
export const runSuite = async <F>(suite: SuiteRegistration<F>, factory: F): Promise<SuiteRun> => {
  const registrar = recordingRegistrar();
  suite(registrar.test, factory);
  const outcomes = await registrar.run();
  return {
    outcomes,
    failed: outcomes.filter((o) => o.status === 'failed').map((o) => o.name),
    passed: outcomes.filter((o) => o.status === 'passed').map((o) => o.name),
  };
};

/** The first line of a case failure, for reports. */
export const failureLine = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
};
