import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PostgresEventStore, createPostgresEventStore } from '../event-store/postgres-event-store';
import { invalidInput, invalidOptions, newEvent, openTestDatabase, rejected, thrown } from '../test-support';
import { migrateExtras } from './extra-migrations';
import { MigrationError, migrate } from './migrate';
import type { Migration } from './migration';
import { schemaName } from './schema-name';

const db = await openTestDatabase('pg_migrate', 20);

const recorded = async (schema: string) =>
  (await db.pool.query<{ version: number }>(`SELECT version FROM ${schema}.ordo_migrations ORDER BY version`)).rows.map(
    (r) => r.version,
  );

const extra: Migration = {
  version: 100,
  name: 'a table of another module',
  sql: (s) => `CREATE TABLE ${s.quoted}.module_rows (id text PRIMARY KEY)`,
};

test('5 processes migrating one schema at once: every call succeeds, each step is applied exactly once', async () => {
  const pools = Array.from({ length: 5 }, () => db.newPool(1));
  const results = await Promise.all(pools.map((pool) => migrate(pool, { schema: 'together', extra: [extra] })));
  const applied = results.map((r) => r.applied);
  assert.equal(
    applied.filter((a) => a.length > 0),
    [[1, 2, 100]],
    'one run applied everything',
  );
  assert.is(applied.filter((a) => a.length === 0).length, 4, 'the others found it done');
  for (const r of results) assert.equal(r.versions, [1, 2, 100]);
  assert.equal(await recorded('together'), [1, 2, 100]);
  // And the schema works.
  const store = new PostgresEventStore({ pool: db.pool, schema: 'together' });
  assert.is((await store.appendToStream('s', [newEvent('e')])).nextExpectedVersion, 0n);
  await store.close();
});

test('re-running is a no-op; new steps are applied on top', async () => {
  // The event store's own steps: 1, and 2 (the leaner ordo_append).
  assert.equal((await migrate(db.pool, { schema: 'layered' })).applied, [1, 2]);
  assert.equal((await migrate(db.pool, { schema: 'layered' })).applied, []);
  assert.equal((await migrate(db.pool, { schema: 'layered', extra: [extra] })).applied, [100]);
  assert.equal(await recorded('layered'), [1, 2, 100]);
});

test('an applied step that changed in the code is refused', async () => {
  await migrate(db.pool, { schema: 'edited', extra: [extra] });
  const edited: Migration = { ...extra, sql: (s) => `CREATE TABLE ${s.quoted}.module_rows (id text)` };
  try {
    await migrate(db.pool, { schema: 'edited', extra: [edited] });
    assert.unreachable('an edited migration must be refused');
  } catch (error) {
    assert.instance(error, MigrationError);
    assert.match((error as Error).message, /migration 100/);
  }
});

test('a failing step rolls the whole run back', async () => {
  const broken: Migration = { version: 101, name: 'broken', sql: () => 'SELECT no_such_function()' };
  try {
    await migrate(db.pool, { schema: 'rolled_back', extra: [extra, broken] });
    assert.unreachable('the broken step must fail the run');
  } catch (error) {
    assert.instance(error, MigrationError);
    assert.match((error as Error).message, /migration 101 \('broken'\) failed/);
  }
  const schemas = await db.pool.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'rolled_back'");
  assert.is(schemas.rowCount, 0, 'not even the schema remains');
});

test('reserved or repeated versions are refused before anything runs', async () => {
  for (const bad of [
    [{ ...extra, version: 7 }],
    [{ ...extra, version: 99 }],
    [extra, { ...extra, name: 'twin' }],
    [{ ...extra, version: 100.5 }],
  ]) {
    try {
      await migrate(db.pool, { schema: 'never_created', extra: bad });
      assert.unreachable('must be refused');
    } catch (error) {
      assert.instance(error, MigrationError);
    }
  }
  const schemas = await db.pool.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'never_created'");
  assert.is(schemas.rowCount, 0);
});

test('schema names and the store options are validated before they reach SQL', async () => {
  for (const name of [
    'Upper',
    '1abc',
    'a-b',
    'x"; DROP SCHEMA public; --',
    'pg_catalog',
    '',
    'a'.repeat(64),
    'spaced name',
  ]) {
    // The `schema` option of migrate, the store and its factory: the one options error.
    for (const attempt of [
      () => migrate(db.pool, { schema: name }),
      () => migrateExtras(db.pool, { schema: name }),
      async () => new PostgresEventStore({ pool: db.pool, schema: name }),
      () => createPostgresEventStore({ pool: db.pool, schema: name, migrate: false }),
    ]) {
      assert.equal(await rejected(attempt), invalidOptions('schema'), `schema ${JSON.stringify(name)}`);
    }
    // A schema name given as an argument keeps its own code.
    assert.equal(
      thrown(() => schemaName(name)),
      invalidInput('invalid_schema_name', 'schema'),
      JSON.stringify(name),
    );
  }
  // The store's other options are checked the same way when it is built.
  assert.equal(await rejected(() => createPostgresEventStore({ schema: 'no_pool' })), invalidOptions('pool'));
  for (const name of ['maxAppends', 'maxSize', 'maxInFlight'] as const) {
    assert.equal(
      thrown(() => new PostgresEventStore({ pool: db.pool, groupCommit: { [name]: 0 } })),
      invalidOptions(`groupCommit.${name}`),
    );
  }
  assert.equal(schemaName('a'.repeat(63)).quoted, `"${'a'.repeat(63)}"`);
  assert.equal(schemaName('_ok_1').quoted, '"_ok_1"');
});

test('two schemas in one database are two independent stores', async () => {
  await migrate(db.pool, { schema: 'left_store' });
  await migrate(db.pool, { schema: 'right_store' });
  const left = new PostgresEventStore({ pool: db.pool, schema: 'left_store' });
  const right = new PostgresEventStore({ pool: db.pool, schema: 'right_store' });
  await left.appendToStream('s', [newEvent('same-id')]);
  await right.appendToStream('s', [newEvent('same-id')]);
  assert.is((await left.readAll()).length, 1);
  assert.is((await right.readAll()).length, 1);
  await left.close();
  await right.close();
});

test.after(() => db.close());
test.run();
