import { InvalidInputError } from '@ordo/kernel';

/** An error reduced to what specs assert: its class, its code and the paths of its issues. */
export interface ThrownError {
  /** `InvalidInputError` for the kernel's class (checked with `instanceof`), else the constructor's name. */
  readonly class: string;
  readonly code: string | undefined;
  readonly paths: ReadonlyArray<string>;
}

const shapeOf = (error: unknown): ThrownError => ({
  class: error instanceof InvalidInputError ? 'InvalidInputError' : String(error?.constructor?.name),
  code: typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined,
  paths: error instanceof InvalidInputError ? error.issues.map((issue) => issue.path) : [],
});

/** What `fn` threw, or `undefined` when it returned. */
export const thrown = (fn: () => unknown): ThrownError | undefined => {
  try {
    fn();
  } catch (error) {
    return shapeOf(error);
  }
  return undefined;
};

/** What `fn` threw or rejected with, or `undefined` when it resolved. */
export const rejected = async (fn: () => unknown): Promise<ThrownError | undefined> => {
  try {
    await fn();
  } catch (error) {
    return shapeOf(error);
  }
  return undefined;
};

/** The one error of a bad option: `InvalidInputError`, code `invalid_options`, one issue at `path`. */
export const invalidOptions = (path: string): ThrownError => ({
  class: 'InvalidInputError',
  code: 'invalid_options',
  paths: [path],
});

/** An `InvalidInputError` with `code` and one issue at `path`. */
export const invalidInput = (code: string, path: string): ThrownError => ({
  class: 'InvalidInputError',
  code,
  paths: [path],
});
