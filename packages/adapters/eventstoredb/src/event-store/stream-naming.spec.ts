import { InvalidInputError } from '@ordo/kernel';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { invalidOptions, thrown } from '../test-support';
import { RESERVED_STREAM_ID_PREFIX, streamNaming } from './stream-naming';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof InvalidInputError ? e.code : 'other';
  }
  return undefined;
};

test('property: a user stream id round trips through its stream name under any prefix', () => {
  fc.assert(
    fc.property(
      // eslint-disable-next-line no-control-regex
      fc.string({ maxLength: 20 }).filter((p) => !p.startsWith('$') && !/[\u0000-\u001f\u007f]/.test(p)),
      fc.string({ minLength: 1 }).filter((id) => !id.startsWith(RESERVED_STREAM_ID_PREFIX)),
      (prefix, streamId) => {
        const naming = streamNaming(prefix);
        const name = naming.toStreamName(streamId);
        return name.startsWith('$') || naming.fromStreamName(name) === streamId;
      },
    ),
  );
});

test('streams outside the prefix, system streams and the adapter streams are not user streams', () => {
  const naming = streamNaming('app-');
  assert.is(naming.fromStreamName('other-order-1'), undefined);
  assert.is(naming.fromStreamName('$stats-127.0.0.1:2113'), undefined);
  assert.is(naming.fromStreamName('$$app-order-1'), undefined);
  assert.is(naming.fromStreamName(naming.checkpointStreamName('orders')), undefined);
  assert.is(naming.fromStreamName(naming.snapshotStreamName('order-1')), undefined);
  assert.is(naming.fromStreamName('app-'), undefined);
  assert.is(naming.fromStreamName('app-order-1'), 'order-1');
});

test('reserved ids are refused for user streams', () => {
  assert.is(
    code(() => streamNaming('app-').assertUserStreamId('_ordo_checkpoint-x')),
    'reserved_stream_id',
  );
  assert.is(
    code(() => streamNaming('').assertUserStreamId('$all')),
    'reserved_stream_id',
  );
  // Under a prefix, a leading '$' is just a character: the stream name is not a system stream.
  assert.is(
    code(() => streamNaming('app-').assertUserStreamId('$odd')),
    undefined,
  );
  assert.is(streamNaming('app-').fromStreamName('app-$odd'), '$odd');
});

test('a prefix must be printable and must not start with $', () => {
  assert.equal(
    thrown(() => streamNaming('$app')),
    invalidOptions('streamPrefix'),
  );
  assert.equal(
    thrown(() => streamNaming('a\nb')),
    invalidOptions('streamPrefix'),
  );
  assert.equal(
    thrown(() => streamNaming('x'.repeat(201))),
    invalidOptions('streamPrefix'),
  );
  assert.equal(
    thrown(() => streamNaming(7 as unknown as string)),
    invalidOptions('streamPrefix'),
  );
  assert.is(
    thrown(() => streamNaming('tenant/one:')),
    undefined,
  );
});

test.run();
