import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  convertToCommandError,
} from '@eventstore/db-client';
import { InvalidInputError, WrongExpectedVersionError, isWrongExpectedVersionError } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  isClientWrongExpectedVersion,
  isStreamDeleted,
  isStreamNotFound,
  isTransientError,
  mapAppendError,
  toWrongExpectedVersionError,
} from './error-mapping';

/**
 * A gRPC ServiceError as the client receives it from a server that reports errors in trailers
 * (the client reads `metadata.getMap()` and `code`); duck-typed so no gRPC import is needed.
 */
const serviceError = (code: number, headers: Record<string, string>, message = 'server error') =>
  Object.assign(new Error(message), {
    code,
    details: message,
    metadata: { getMap: () => headers },
  });

test("the client's wrong-expected-version error maps to ours with the real current revision", () => {
  const clientError = new ClientWrongExpectedVersionError(undefined, {
    streamName: 'app-order-1',
    expected: 3n,
    current: 5n,
  });
  assert.ok(isClientWrongExpectedVersion(clientError));
  const mapped = toWrongExpectedVersionError(clientError, 'order-1');
  assert.instance(mapped, WrongExpectedVersionError);
  assert.ok(isWrongExpectedVersionError(mapped));
  assert.is(mapped.streamId, 'order-1');
  assert.is(mapped.expected, 3n);
  assert.is(mapped.actual, 5n);
});

test("an absent stream's current revision maps to 'no_stream'", () => {
  const clientError = new ClientWrongExpectedVersionError(undefined, {
    streamName: 's',
    expected: 'stream_exists',
    current: 'no_stream',
  });
  const mapped = toWrongExpectedVersionError(clientError, 's');
  assert.is(mapped.expected, 'stream_exists');
  assert.is(mapped.actual, 'no_stream');
});

test('the caller can state the expectation it made (the server may report a pinned revision)', () => {
  const clientError = new ClientWrongExpectedVersionError(undefined, { streamName: 's', expected: 4n, current: 6n });
  const mapped = toWrongExpectedVersionError(clientError, 's', 'no_stream');
  assert.is(mapped.expected, 'no_stream');
  assert.is(mapped.actual, 6n);
});

test('a wrong-expected-version reported in gRPC trailers (older servers) maps the same way', () => {
  const converted = convertToCommandError(
    serviceError(9, {
      exception: 'wrong-expected-version',
      'stream-name': 'app-order-1',
      'expected-version': '2',
      'actual-version': '9',
    }),
  );
  assert.instance(converted, ClientWrongExpectedVersionError);
  const mapped = mapAppendError(converted, 'order-1', 2n);
  assert.instance(mapped, WrongExpectedVersionError);
  assert.is((mapped as WrongExpectedVersionError).actual, 9n);

  const noStream = convertToCommandError(
    serviceError(9, { exception: 'wrong-expected-version', 'stream-name': 's', 'expected-version': '0' }),
  );
  assert.is((mapAppendError(noStream, 's', 0n) as WrongExpectedVersionError).actual, 'no_stream');
});

test('a look-alike from a second copy of the client is recognised by its type tag', () => {
  const lookAlike = Object.assign(new Error('wev'), {
    type: 'wrong-expected-version',
    streamName: 's',
    expectedVersion: 1n,
    actualVersion: 4n,
  });
  assert.ok(isClientWrongExpectedVersion(lookAlike));
  assert.is((mapAppendError(lookAlike, 's') as WrongExpectedVersionError).actual, 4n);
  assert.not.ok(isClientWrongExpectedVersion(new Error('wrong-expected-version')));
  assert.not.ok(isClientWrongExpectedVersion({ type: 'wrong-expected-version' }));
});

test('the server refusing an oversized append becomes InvalidInputError append_too_large', () => {
  const mapped = mapAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), 's');
  assert.instance(mapped, InvalidInputError);
  assert.is((mapped as InvalidInputError).code, 'append_too_large');
  assert.match((mapped as InvalidInputError).message, /1048576 bytes/);
});

test('other errors pass through unchanged (unexpected failures)', () => {
  const denied = new AccessDeniedError(undefined, 'denied');
  assert.is(mapAppendError(denied, 's'), denied);
  const plain = new Error('boom');
  assert.is(mapAppendError(plain, 's'), plain);
});

test('stream not found and stream deleted are recognised', () => {
  assert.ok(isStreamNotFound(new StreamNotFoundError(undefined, 's')));
  assert.not.ok(isStreamNotFound(new Error('stream-not-found')));
  assert.ok(isStreamDeleted(StreamDeletedError.fromStreamName('s')));
  assert.not.ok(isStreamDeleted(new StreamNotFoundError(undefined, 's')));
});

test('dropped connections and unavailable servers are transient; the rest is not', () => {
  assert.ok(isTransientError(new UnavailableError(undefined, 'down')));
  assert.ok(isTransientError(new DeadlineExceededError(undefined, 'slow')));
  assert.ok(isTransientError(new CancelledError(undefined, 'server going away')));
  assert.ok(
    isTransientError(
      convertToCommandError(
        serviceError(5, { exception: 'not-leader', 'leader-endpoint-host': 'h', 'leader-endpoint-port': '2113' }),
      ),
    ),
  );
  assert.instance(
    convertToCommandError(
      serviceError(5, { exception: 'not-leader', 'leader-endpoint-host': 'h', 'leader-endpoint-port': '2113' }),
    ),
    NotLeaderError,
  );
  // gRPC statuses the client has no class for arrive as UnknownError with the status code.
  assert.ok(isTransientError(convertToCommandError(serviceError(13, {}, 'Received RST_STREAM'))));
  assert.ok(isTransientError(convertToCommandError(serviceError(14, {}, 'Connection dropped'))));
  assert.ok(isTransientError({ code: 14 }));

  assert.not.ok(isTransientError(convertToCommandError(serviceError(2, {}, 'bug on the server'))));
  assert.not.ok(isTransientError(new AccessDeniedError(undefined, 'denied')));
  assert.not.ok(isTransientError(StreamDeletedError.fromStreamName('s')));
  assert.not.ok(
    isTransientError(new ClientWrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n })),
  );
  assert.not.ok(isTransientError(new Error('handler failed')));
  assert.not.ok(isTransientError(undefined));
});

test.run();
