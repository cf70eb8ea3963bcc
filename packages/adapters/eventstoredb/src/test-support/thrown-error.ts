import { InvalidInputError } from '@ordo/kernel';

/** What a call threw, as specs compare it: the error's class, its code and its issues' paths. */
export interface ThrownError {
  readonly class: string;
  readonly code: unknown;
  readonly paths: ReadonlyArray<string>;
}

/** What `fn` threw ({@link ThrownError}), or `undefined` when it returned. */
export const thrown = (fn: () => unknown): ThrownError | undefined => {
  try {
    fn();
  } catch (error) {
    return {
      class:
        error instanceof InvalidInputError
          ? 'InvalidInputError'
          : error instanceof Error
            ? error.constructor.name
            : typeof error,
      code: (error as { code?: unknown } | null)?.code,
      paths: error instanceof InvalidInputError ? error.issues.map((i) => i.path) : [],
    };
  }
  return undefined;
};

/** The one options error: `InvalidInputError`, code `invalid_options`, one issue naming `path`. */
export const invalidOptions = (path: string): ThrownError => ({
  class: 'InvalidInputError',
  code: 'invalid_options',
  paths: [path],
});
