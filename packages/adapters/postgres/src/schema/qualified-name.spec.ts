import { InvalidInputError } from '@ordo/kernel';
import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import { invalidOptions, thrown } from '../test-support';
import { assertSchemaName, qualified } from './qualified-name';
import { schemaOption } from './schema-name';

test('valid schema names are quoted with the table', () => {
  assert.is(qualified('ordo', 'ordo_outbox'), '"ordo"."ordo_outbox"');
  assert.is(qualified('tenant_42', 'ordo_inbox'), '"tenant_42"."ordo_inbox"');
});

/** Invariant: whatever string is offered, it reaches SQL only if it is a plain lower-case identifier. */
test('anything but a plain identifier is refused with InvalidInputError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (name) => {
      const plain = /^[a-z_][a-z0-9_]{0,62}$/.test(name) && !name.startsWith('pg_');
      // As an argument: `invalid_schema_name`; as the `schema` option: `invalid_options` at `schema`.
      const asOption = JSON.stringify(thrown(() => schemaOption(name)));
      if (asOption !== JSON.stringify(plain ? undefined : invalidOptions('schema'))) return false;
      try {
        assertSchemaName(name);
        return plain;
      } catch (e) {
        return !plain && e instanceof InvalidInputError && e.code === 'invalid_schema_name';
      }
    }),
  );
  for (const bad of ['', 'Ordo', '1abc', 'a"b', 'a;drop', 'pg_catalog', 'x'.repeat(64), undefined, 42]) {
    assert.throws(
      () => assertSchemaName(bad),
      (e: unknown) => e instanceof InvalidInputError,
    );
  }
});

test.run();
