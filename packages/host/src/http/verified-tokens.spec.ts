import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createVerifiedTokens } from './verified-tokens';

const at = (seconds: number) => seconds * 1000;

test('a remembered token answers until the second of its exp, not from it', () => {
  const tokens = createVerifiedTokens<string>(10);
  tokens.remember('t', 'ann', 100, undefined);
  assert.is(tokens.get('t', at(99) + 999), 'ann');
  assert.is(tokens.get('t', at(100)), undefined, 'exp <= now: expired, as jose reads it');
  assert.is(tokens.get('t', at(50)), undefined, 'an expired token is forgotten, even if the clock goes back');
  assert.is(tokens.get('unknown', at(1)), undefined);
});

test('a token with nbf answers only from that second', () => {
  const tokens = createVerifiedTokens<string>(10);
  tokens.remember('t', 'ann', 100, 20);
  assert.is(tokens.get('t', at(19) + 999), undefined);
  assert.is(tokens.get('t', at(20)), 'ann');
});

test('at capacity the oldest token is forgotten first; remembering a known token again evicts nothing', () => {
  const tokens = createVerifiedTokens<number>(3);
  for (let i = 0; i < 3; i++) tokens.remember(`t${i}`, i, 100, undefined);
  tokens.remember('t1', 1, 100, undefined);
  assert.equal(
    [0, 1, 2].map((i) => tokens.get(`t${i}`, 0)),
    [0, 1, 2],
  );
  tokens.remember('t3', 3, 100, undefined);
  assert.equal(
    [0, 1, 2, 3].map((i) => tokens.get(`t${i}`, 0)),
    [undefined, 1, 2, 3],
  );
});

test.run();
