import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidInputError } from '../model/errors';
import { INVALID_READ_OPTIONS, assertValidReadAllOptions, assertValidReadStreamOptions } from './read-options';

/** `code:path,path` of what `fn` throws, or `undefined` when it does not throw. */
const verdict = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (error) {
    assert.instance(error, InvalidInputError);
    const e = error as InvalidInputError;
    assert.ok(e.message.length > 0);
    return `${e.code}:${e.issues.map((i) => i.path).join(',')}`;
  }
  return undefined;
};

const bad = (path: string) => `${INVALID_READ_OPTIONS}:${path}`;

test('readAll: after is a bigint >= 0n; -1n is rejected, not clamped', () => {
  for (const ok of [undefined, {}, { after: 0n }, { after: 1n }, { after: 2n ** 70n }]) {
    assert.is(
      verdict(() => assertValidReadAllOptions(ok)),
      undefined,
      String(ok?.after),
    );
  }
  for (const after of [-1n, -5n, 1, 0, '1', null, Number.NaN]) {
    assert.is(
      verdict(() => assertValidReadAllOptions({ after })),
      bad('after'),
      String(after),
    );
  }
});

test('maxCount is a safe integer >= 0 (a number): 0 is valid, fractions, negatives, bigints are not', () => {
  for (const maxCount of [0, 1, 500, Number.MAX_SAFE_INTEGER]) {
    assert.is(
      verdict(() => assertValidReadAllOptions({ maxCount })),
      undefined,
    );
    assert.is(
      verdict(() => assertValidReadStreamOptions({ maxCount })),
      undefined,
    );
  }
  for (const maxCount of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2n, '2', null]) {
    assert.is(
      verdict(() => assertValidReadAllOptions({ maxCount })),
      bad('maxCount'),
      String(maxCount),
    );
    assert.is(
      verdict(() => assertValidReadStreamOptions({ maxCount })),
      bad('maxCount'),
      String(maxCount),
    );
  }
});

test('readStream: fromVersion a bigint >= 0n, direction forwards or backwards, tenantId a string', () => {
  assert.is(
    verdict(() => assertValidReadStreamOptions({ fromVersion: 0n, direction: 'backwards', tenantId: '', maxCount: 0 })),
    undefined,
  );
  assert.is(
    verdict(() => assertValidReadStreamOptions({ direction: 'forwards' })),
    undefined,
  );
  for (const fromVersion of [-1n, 1, '0']) {
    assert.is(
      verdict(() => assertValidReadStreamOptions({ fromVersion })),
      bad('fromVersion'),
    );
  }
  for (const direction of ['sideways', 'BACKWARDS', null, 1]) {
    assert.is(
      verdict(() => assertValidReadStreamOptions({ direction })),
      bad('direction'),
    );
  }
  assert.is(
    verdict(() => assertValidReadStreamOptions({ tenantId: 7 })),
    bad('tenantId'),
  );
  assert.is(
    verdict(() => assertValidReadAllOptions({ tenantId: null })),
    bad('tenantId'),
  );
});

test('options that are not an object are rejected as a whole; several bad fields are all named', () => {
  for (const options of [null, 5, 'after', [], true]) {
    assert.is(
      verdict(() => assertValidReadAllOptions(options)),
      bad('options'),
    );
    assert.is(
      verdict(() => assertValidReadStreamOptions(options)),
      bad('options'),
    );
  }
  assert.is(
    verdict(() => assertValidReadStreamOptions({ fromVersion: -1n, maxCount: -1, direction: 'up', tenantId: 1 })),
    bad('fromVersion,maxCount,tenantId,direction'),
  );
  assert.is(
    verdict(() => assertValidReadAllOptions({ after: -1n, maxCount: 0.5 })),
    bad('after,maxCount'),
  );
  // Keys the contract does not know are ignored (readStream options passed to readAll, say).
  assert.is(
    verdict(() => assertValidReadAllOptions({ direction: 'nonsense' })),
    undefined,
  );
});

test.run();
