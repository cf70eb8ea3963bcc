import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScryptPasswordHasher } from './scrypt-password-hasher';

// A low cost keeps the spec fast; the default cost is exercised once below.
const hasher = createScryptPasswordHasher({ N: 2 ** 10 });

test('a hash verifies its own password and no other', async () => {
  const hash = await hasher.hash('correct horse battery staple');
  assert.ok(await hasher.verify('correct horse battery staple', hash));
  assert.not.ok(await hasher.verify('correct horse battery stapler', hash));
  assert.not.ok(hash.includes('correct'), 'the hash never contains the password');
});

test('two hashes of one password differ (fresh salt) and both verify', async () => {
  const a = await hasher.hash('pässwörd ✓');
  const b = await hasher.hash('pässwörd ✓');
  assert.is.not(a, b);
  assert.ok(await hasher.verify('pässwörd ✓', a));
  assert.ok(await hasher.verify('pässwörd ✓', b));
});

test('the cost is stored with the hash, so a hasher with another cost still verifies it', async () => {
  const old = await hasher.hash('secret');
  const stronger = createScryptPasswordHasher({ N: 2 ** 11 });
  assert.ok(await stronger.verify('secret', old));
});

test('malformed hashes answer false instead of throwing', async () => {
  for (const bad of ['', 'scrypt', 'bcrypt$1$2$3$4$5', 'scrypt$x$8$1$AAAA$BBBB', 'scrypt$1024$8$1$AAAA$']) {
    assert.not.ok(await hasher.verify('secret', bad), bad);
  }
});

test('an empty password is refused', async () => {
  try {
    await hasher.hash('');
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, TypeError);
  }
});

test('the default cost works', async () => {
  const strong = createScryptPasswordHasher();
  const hash = await strong.hash('secret');
  assert.ok(hash.startsWith('scrypt$32768$8$1$'));
  assert.ok(await strong.verify('secret', hash));
});

test.run();
