import { BACKWARDS, END, FORWARDS, START } from '@eventstore/db-client';
import { InvalidInputError, type ReadAllOptions, type ReadStreamOptions } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertValidReadAll, assertValidReadStream, toClientReadStreamOptions } from './read-options';

const issuePath = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidInputError) return `${e.code}:${e.issues[0]?.path}`;
    throw e;
  }
  return undefined;
};

test('forwards reads start at START, backwards reads at END, unless a version is given', () => {
  assert.equal(toClientReadStreamOptions(), { direction: FORWARDS, fromRevision: START });
  assert.equal(toClientReadStreamOptions({ direction: 'backwards' }), { direction: BACKWARDS, fromRevision: END });
  assert.equal(toClientReadStreamOptions({ fromVersion: 5n, maxCount: 2 }), {
    direction: FORWARDS,
    fromRevision: 5n,
    maxCount: 2,
  });
  assert.equal(toClientReadStreamOptions({ direction: 'backwards', fromVersion: 9n, maxCount: 3 }), {
    direction: BACKWARDS,
    fromRevision: 9n,
    maxCount: 3,
  });
});

test('with a tenant filter the limit is applied after filtering, so it is not sent to the server', () => {
  assert.equal(toClientReadStreamOptions({ maxCount: 2, tenantId: 't' }), { direction: FORWARDS, fromRevision: START });
});

test('bad stream read input is refused naming the field', () => {
  assert.is(
    issuePath(() => assertValidReadStream('', {})),
    'empty_stream_id:streamId',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { fromVersion: -1n })),
    'invalid_read_options:fromVersion',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { fromVersion: 1 } as unknown as ReadStreamOptions)),
    'invalid_read_options:fromVersion',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { maxCount: 1.5 })),
    'invalid_read_options:maxCount',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { maxCount: -1 })),
    'invalid_read_options:maxCount',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { direction: 'sideways' } as unknown as ReadStreamOptions)),
    'invalid_read_options:direction',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { tenantId: 3 } as unknown as ReadStreamOptions)),
    'invalid_read_options:tenantId',
  );
  assert.is(
    issuePath(() => assertValidReadStream('s', { fromVersion: 0n, maxCount: 0, direction: 'backwards' })),
    undefined,
  );
});

test('bad readAll input is refused naming the field', () => {
  assert.is(
    issuePath(() => assertValidReadAll({ after: -5n })),
    'invalid_read_options:after',
  );
  assert.is(
    issuePath(() => assertValidReadAll({ after: 5 } as unknown as ReadAllOptions)),
    'invalid_read_options:after',
  );
  assert.is(
    issuePath(() => assertValidReadAll({ maxCount: Number.NaN })),
    'invalid_read_options:maxCount',
  );
  assert.is(
    issuePath(() => assertValidReadAll(null as unknown as ReadAllOptions)),
    'invalid_read_options:options',
  );
  assert.is(
    issuePath(() => assertValidReadAll(undefined)),
    undefined,
  );
});

test.run();
