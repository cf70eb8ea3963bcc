import * as E from 'fp-ts/Either';
import { decodeWith } from '@ordo/kernel';
import { deciderSpec } from '@ordo/kernel/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EmailReservationCommands } from './commands';
import { emailReservationDecider, emailReservationStreamId } from './email-reservation-decider';
import type { EmailReservationEvent } from './events';

const spec = deciderSpec(emailReservationDecider);
const at = '2024-05-01T10:00:00.000Z';
const reserved: EmailReservationEvent = { type: 'EmailReserved', email: 'ann@example.com', customerId: 'c1', at };
const releasedEvent: EmailReservationEvent = { type: 'EmailReleased', email: 'ann@example.com', customerId: 'c1', at };

test('reserving a free address records the normalised address', () => {
  spec.given([]).when({ type: 'ReserveEmail', email: 'ANN@example.com', customerId: 'c1', at }).then([reserved]);
});

test('the holder reserving again is accepted with no events', () => {
  spec.given([reserved]).when({ type: 'ReserveEmail', email: 'ann@Example.com', customerId: 'c1', at }).then([]);
});

test('a released address can be reserved by someone else', () => {
  spec
    .given([reserved])
    .when({ type: 'ReleaseEmail', email: 'ann@example.com', customerId: 'c1', at })
    .then([releasedEvent]);
  spec
    .given([reserved, releasedEvent])
    .when({ type: 'ReserveEmail', email: 'ann@example.com', customerId: 'c2', at })
    .then([{ type: 'EmailReserved', email: 'ann@example.com', customerId: 'c2', at }]);
});

test('rejects: email_taken when another customer holds the address (whatever its case)', () => {
  spec
    .given([reserved])
    .when({ type: 'ReserveEmail', email: ' Ann@Example.com', customerId: 'c2', at })
    .thenRejects({ code: 'email_taken', details: { email: 'ann@example.com' } });
});

test('rejects: email_not_reserved', () => {
  spec
    .given([])
    .when({ type: 'ReleaseEmail', email: 'ann@example.com', customerId: 'c1', at })
    .thenRejects('email_not_reserved');
  spec
    .given([reserved, releasedEvent])
    .when({ type: 'ReleaseEmail', email: 'ann@example.com', customerId: 'c1', at })
    .thenRejects('email_not_reserved');
});

test('rejects: email_held_by_other when releasing someone else’s address', () => {
  spec
    .given([reserved])
    .when({ type: 'ReleaseEmail', email: 'ann@example.com', customerId: 'c2', at })
    .thenRejects('email_held_by_other');
});

test('rejects: stream_mismatch for a command naming another address', () => {
  spec
    .given([reserved])
    .when({ type: 'ReserveEmail', email: 'bob@example.com', customerId: 'c1', at })
    .thenRejects('stream_mismatch');
});

test('the stream id is the normalised address', () => {
  assert.is(emailReservationStreamId({ email: ' Ann@Example.COM ' }), 'email-ann@example.com');
});

test('the codec rejects malformed addresses', () => {
  const decode = decodeWith(EmailReservationCommands.codec, 'command');
  for (const email of ['ann', 'ann@', '@example.com', 'ann@example', 'a b@example.com', 'ann@@example.com']) {
    const result = decode({ type: 'ReserveEmail', email, customerId: 'c1', at });
    assert.ok(E.isLeft(result) && result.left.issues[0]?.path === 'email', email);
  }
  assert.ok(
    E.isRight(decode({ type: 'ReserveEmail', email: 'ann.lee+shop@mail.example.co.uk', customerId: 'c1', at })),
  );
});

test.run();
