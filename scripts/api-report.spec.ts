/**
 * The rule: the public surface of every entry point changes only on purpose.
 *
 * `api/<entry>.api.md` (written by `npm run api:report`, see `scripts/api-report.mjs`) lists the
 * names each entry point of each package under `packages/` exports, with their kinds and the
 * types of values. One test per entry point compares it with the sources and fails naming every
 * added, removed and changed export; one test fails for a report whose entry point is gone.
 *
 * The rule of explicit named exports: one test per package fails when an entry file, or a module
 * of the package it re-exports from, has `export * from` or `export * as ns from`, and names them.
 *
 * Then the checker itself, on a fixture package written to `node_modules/.cache/api-report/`:
 * every kind, an `export *` found through a folder index, and an added, a removed and a changed
 * export, a missing and an orphaned report all detected.
 *
 * The workspace's entry points are read in one `ts.createProgram` (a few seconds).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MAX_SIGNATURE_LENGTH,
  REGENERATE_HINT,
  abbreviate,
  analyse,
  checkReports,
  diffApi,
  findEntryPoints,
  formatCheckResult,
  formatEntry,
  parseEntry,
  parseReport,
  writeReports,
} from './api-report.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

type Analysis = ReturnType<typeof analyse>;
type CheckResult = ReturnType<typeof checkReports>[number];

const entryPoints = findEntryPoints(root);

let workspace: { analysis: Analysis; results: CheckResult[] } | undefined;
const current = () => {
  if (workspace === undefined) {
    const analysis = analyse(root);
    workspace = { analysis, results: checkReports(root, analysis) };
    console.log(
      `\nNOTE api report: ${analysis.reports.length} entry points read in ${(analysis.ms / 1000).toFixed(1)}s`,
    );
  }
  return workspace;
};

for (const entry of entryPoints) {
  test(`api report: ${entry.specifier} matches ${entry.reportPath}`, () => {
    const result = current().results.find((r) => r.reportPath === entry.reportPath);
    assert.ok(result !== undefined, `no check result for ${entry.reportPath}`);
    if (result.status !== 'ok') assert.unreachable(formatCheckResult(result));
  });
}

test('api report: every report in api/ belongs to an entry point', () => {
  const orphans = current().results.filter((r) => r.status === 'orphan');
  if (orphans.length > 0) assert.unreachable(orphans.map(formatCheckResult).join('\n\n'));
});

const packages = [...new Set(entryPoints.map((e) => e.packageName))];
for (const name of packages) {
  test(`explicit named exports: no \`export *\` in the entry points of ${name}`, () => {
    const stars = current()
      .analysis.reports.filter((r) => r.entry.packageName === name)
      .flatMap((r) => r.exportStars.map((s) => `  ${r.entry.specifier}: ${s.file}:${s.line} ${s.text}`));
    if (stars.length > 0) {
      assert.unreachable(
        `${name} re-exports with \`export *\` (${stars.length}); name every export instead:\n${[...new Set(stars)].join('\n')}`,
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The checker itself

test('checker: report lines and reports parse back; diffApi names added, removed and changed exports', () => {
  const lines = ['function a: () => void', 'interface B', 'const+type C: "c"', 'class(type-only) D'];
  for (const line of lines) assert.is(formatEntry(parseEntry(line)), line);
  const text = ['# API report: x', '', 'Exports: 4.', '', '```text', ...lines, '```', ''].join('\n');
  assert.equal(parseReport(text).map(formatEntry), lines);
  const diff = diffApi(
    lines.map(parseEntry),
    ['function a: (n: number) => void', 'interface B', 'class(type-only) D', 'type E'].map(parseEntry),
  );
  assert.equal(diff.added.map(formatEntry), ['type E']);
  assert.equal(diff.removed.map(formatEntry), ['const+type C: "c"']);
  assert.equal(
    diff.changed.map((c) => [c.name, formatEntry(c.was), formatEntry(c.now)]),
    [['a', 'function a: () => void', 'function a: (n: number) => void']],
  );
  assert.throws(() => parseEntry('no-name'));
});

test('checker: long types are cut, with their length and a hash of the whole text', () => {
  const long = `{ ${'a: string; '.repeat(40)}}`;
  const short = abbreviate(long);
  assert.ok(short.length <= MAX_SIGNATURE_LENGTH, short);
  assert.match(short, new RegExp(`\\[${long.length} chars, sha256:[0-9a-f]{12}\\]$`));
  assert.is(abbreviate(long), short);
  assert.is.not(abbreviate(long.replace('a: string; }', 'b: string; }')), short);
  assert.is(abbreviate('() => void'), '() => void');
});

const FIXTURE_INDEX = `
import * as shapes from './shapes';
export function add(a: number, b: number): number {
  return a + b;
}
export const twice = (n: number): number => n * 2;
export const LIMIT = 3 as const;
export let counter = 0;
export class Box {
  constructor(readonly value: string) {}
}
export interface Options {
  readonly size: number;
}
export type Mode = 'b' | 'a';
export enum Colour {
  Red,
  Green,
}
export const Code = 'x';
export type Code = typeof Code;
export const pick = (m: 'z' | 'a' | 'm'): string => m;
export { shapes };
export type { Hidden } from './hidden';
export { old } from './old';
`;

const FIXTURE_LINES = [
  'class Box',
  'const+type Code: "x"',
  'enum Colour',
  'class(type-only) Hidden',
  'const LIMIT: 3',
  'type Mode',
  'interface Options',
  'function add: (a: number, b: number) => number',
  'let counter: number',
  'function old: () => void',
  'function pick: (m: "a" | "m" | "z") => string',
  'namespace shapes',
  'function twice: (n: number) => number',
];

const writeFiles = (base: string, files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  }
};

test('checker: kinds, export * through a folder index, and added, removed, changed, missing and orphaned reports', () => {
  const cache = join(root, 'node_modules', '.cache', 'api-report');
  mkdirSync(cache, { recursive: true });
  const fixture = mkdtempSync(join(cache, 'fixture-'));
  try {
    const libManifest = {
      name: '@fx/lib',
      exports: {
        '.': { 'ordo-source': './src/index.ts', import: './dist/index.js' },
        './extra': './src/extra/index.ts',
        './package.json': './package.json',
      },
    };
    writeFiles(fixture, {
      'package.json': JSON.stringify({ name: 'fixture', private: true, workspaces: ['packages/*'] }),
      'packages/lib/package.json': JSON.stringify(libManifest),
      'packages/lib/src/index.ts': FIXTURE_INDEX,
      'packages/lib/src/shapes.ts': 'export const circle = 1;\n',
      'packages/lib/src/hidden.ts': 'export class Hidden {}\n',
      'packages/lib/src/old.ts': 'export function old(): void {}\n',
      'packages/lib/src/extra/index.ts': "export { helper } from './tools';\nexport { gone } from './missing';\n",
      'packages/lib/src/extra/tools/index.ts': "// tools\nexport * from './impl';\n",
      'packages/lib/src/extra/tools/impl.ts': 'export const helper = (): number => 1;\nexport const internal = 2;\n',
      // Another package re-exporting from lib's folder: lib's `export *` is lib's, not other's.
      'packages/other/package.json': JSON.stringify({ name: '@fx/other', exports: { '.': './src/index.ts' } }),
      'packages/other/src/index.ts': "export { helper } from '../../lib/src/extra/tools';\n",
    });

    assert.equal(
      findEntryPoints(fixture).map((e) => [e.specifier, e.source, e.reportPath]),
      [
        ['@fx/lib', 'packages/lib/src/index.ts', 'api/lib.api.md'],
        ['@fx/lib/extra', 'packages/lib/src/extra/index.ts', 'api/lib-extra.api.md'],
        ['@fx/other', 'packages/other/src/index.ts', 'api/other.api.md'],
      ],
    );
    const first = analyse(fixture);
    const [lib, extra, other] = first.reports;
    assert.equal(lib?.api.map(formatEntry), FIXTURE_LINES);
    assert.equal(lib?.exportStars, []);
    assert.equal(extra?.api.map(formatEntry), ['unresolved gone', 'function helper: () => number']);
    assert.equal(extra?.problems, [
      "`packages/lib/src/extra/index.ts:2` re-exports from './missing', which does not resolve to a module",
      '`gone` does not resolve to a declaration',
    ]);
    assert.equal(extra?.exportStars, [
      { file: 'packages/lib/src/extra/tools/index.ts', line: 2, text: "export * from './impl';" },
    ]);
    assert.match(extra?.text ?? '', "`packages/lib/src/extra/tools/index.ts:2` `export * from './impl';`");
    assert.equal(other?.exportStars, []);
    assert.not.match(lib?.text ?? '', fixture, 'no absolute paths in a report');
    assert.not.match(lib?.text ?? '', '```ts', 'no ts fences in a report');

    // Missing reports, then written: up to date.
    assert.equal(
      checkReports(fixture, first).map((r) => r.status),
      ['missing', 'missing', 'missing'],
    );
    writeReports(fixture, first);
    assert.equal(
      checkReports(fixture, first).map((r) => r.status),
      ['ok', 'ok', 'ok'],
    );

    // An added, a removed and a changed export; an entry point dropped from the exports map.
    writeFiles(fixture, {
      'packages/lib/src/index.ts': FIXTURE_INDEX.replace("export { old } from './old';\n", '')
        .replace('(n: number): number => n * 2', '(n: number, times = 2): number => n * times')
        .concat('export const fresh = true;\n'),
      'packages/lib/package.json': JSON.stringify({
        ...libManifest,
        exports: { '.': libManifest.exports['.'], './package.json': './package.json' },
      }),
    });
    const results = checkReports(fixture);
    assert.equal(
      results.map((r) => [r.reportPath, r.status]),
      [
        ['api/lib.api.md', 'changed'],
        ['api/other.api.md', 'ok'],
        ['api/lib-extra.api.md', 'orphan'],
      ],
    );
    const changed = results[0];
    assert.ok(changed !== undefined);
    assert.equal(changed.diff.added.map(formatEntry), ['const fresh: true']);
    assert.equal(changed.diff.removed.map(formatEntry), ['function old: () => void']);
    assert.equal(
      changed.diff.changed.map((c) => formatEntry(c.now)),
      ['function twice: (n: number, times?: number) => number'],
    );
    const message = formatCheckResult(changed);
    for (const expected of [
      '@fx/lib: the public surface differs from api/lib.api.md',
      '+ const fresh: true',
      '- function old: () => void',
      '~ twice',
      'was: function twice: (n: number) => number',
      'now: function twice: (n: number, times?: number) => number',
      REGENERATE_HINT,
    ]) {
      assert.ok(message.includes(expected), `${JSON.stringify(expected)} in:\n${message}`);
    }
    assert.match(formatCheckResult(results[2] as CheckResult), 'no entry point has this report any more');

    // Regenerating removes the orphan and brings every report up to date.
    const written = writeReports(fixture);
    assert.equal(
      written.map((w) => [w.reportPath, w.status]),
      [
        ['api/lib.api.md', 'updated'],
        ['api/other.api.md', 'unchanged'],
        ['api/lib-extra.api.md', 'removed'],
      ],
    );
    assert.equal(
      checkReports(fixture).map((r) => r.status),
      ['ok', 'ok'],
    );
    assert.ok(readFileSync(join(fixture, 'api', 'lib.api.md'), 'utf8').includes('const fresh: true'));
  } finally {
    rmSync(fixture, { recursive: true, force: true });
  }
});

test.run();
