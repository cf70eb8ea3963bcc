import { isInvalidInputError } from '@ordo/kernel';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type HttpOptions, resolveHttpOptions } from './http-options';

const secret = 's'.repeat(32);

const refusal = (options: unknown): { message: string; path: string | undefined } => {
  try {
    resolveHttpOptions(options as HttpOptions);
  } catch (error) {
    assert.ok(isInvalidInputError(error, 'invalid_options'), String(error));
    return { message: error.message, path: error.issues[0]?.path };
  }
  throw new Error('expected a refusal');
};

test('defaults', () => {
  const resolved = resolveHttpOptions({ auth: { jwtSecret: secret } });
  assert.is(resolved.port, 0);
  assert.is(resolved.host, '127.0.0.1');
  assert.is(resolved.auth.tokenTtlSeconds, 900);
  assert.is(resolved.bodyLimitBytes, 64 * 1024);
  assert.equal(resolved.rateLimit, { max: 600, timeWindowMs: 60_000, authMax: 10 });
  assert.is(resolved.logger, false);
});

test('each wrong option is named; secrets never appear in the message', () => {
  const short = refusal({ auth: { jwtSecret: 'short-secret' } });
  assert.is(short.path, 'auth.jwtSecret');
  assert.not.ok(short.message.includes('short-secret'), short.message);
  assert.is(refusal({}).path, 'auth');
  assert.is(refusal({ auth: { jwtSecret: secret }, port: 70_000 }).path, 'port');
  assert.is(refusal({ auth: { jwtSecret: secret, tokenTtlSeconds: 0 } }).path, 'auth.tokenTtlSeconds');
  assert.is(refusal({ auth: { jwtSecret: secret }, rateLimit: { authMax: -1 } }).path, 'rateLimit.authMax');
  assert.is(refusal({ auth: { jwtSecret: secret }, bodyLimitBytes: 'big' }).path, 'bodyLimitBytes');
  assert.is(refusal({ auth: { jwtSecret: secret }, logger: 'yes' }).path, 'logger');
  const admin = refusal({ auth: { jwtSecret: secret, bootstrapAdmin: { email: 'a@b.c', password: 'pw' } } });
  assert.is(admin.path, 'auth.bootstrapAdmin.password');
  assert.not.ok(admin.message.includes("'pw'"), admin.message);
  assert.is(
    refusal({ auth: { jwtSecret: secret, bootstrapAdmin: { email: 'nope', password: 'long-enough' } } }).path,
    'auth.bootstrapAdmin.email',
  );
});

test.run();
