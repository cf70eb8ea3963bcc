/**
 * How every conformance suite registers its cases: one function for all of them, so every suite
 * has the same `unsupported` semantics.
 */

/** The registration function of a test framework: uvu's `test`, node:test's `test`, vitest's `it`. */
export interface TestRegistrar {
  (name: string, fn: () => Promise<void>): void;
  skip?: (name: string, fn?: () => Promise<void>) => void;
}

/** One case of a conformance suite whose factory is `F`. */
export interface ConformanceSuiteCase<F> {
  readonly name: string;
  readonly run: (factory: F) => Promise<void>;
}

/** What every suite's factory may say about cases it cannot run. */
export interface UnsupportedCases {
  /**
   * Cases an adapter cannot support, by name, with the reason: they are registered as skipped
   * and print `SKIP <case>: <reason>`. Naming a case the suite does not have is an error.
   */
  readonly unsupported?: Partial<Record<string, string>>;
}

/**
 * Registers `cases` with `test`. Cases named in `factory.unsupported` are registered through
 * `test.skip` (when the framework has it) and print `SKIP <case>: <reason>`; an unknown name in
 * `unsupported` throws at once, so a typo (or a renamed case) cannot hide a case.
 */
export const registerConformanceCases = <F extends UnsupportedCases>(
  suite: string,
  test: TestRegistrar,
  cases: ReadonlyArray<ConformanceSuiteCase<F>>,
  factory: F,
): void => {
  const names = new Set(cases.map((c) => c.name));
  const unknown = Object.keys(factory.unsupported ?? {}).filter((name) => !names.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `factory.unsupported names unknown ${suite} conformance cases: ${unknown.map((n) => `'${n}'`).join(', ')}`,
    );
  }
  for (const c of cases) {
    const reason = factory.unsupported?.[c.name];
    const run = () => c.run(factory);
    if (reason === undefined) {
      test(c.name, run);
    } else {
      console.log(`SKIP ${c.name}: ${reason}`);
      test.skip?.(c.name, run);
    }
  }
};
