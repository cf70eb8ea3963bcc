/**
 * The rule: every TypeScript snippet in a README compiles.
 *
 * Every `README.md` of the repository (outside node_modules, dist, .turbo, .git, .cache) is read,
 * and each fenced block whose info string starts with `ts` or `typescript` is typechecked as a
 * module of its own: its imports must be there, everything it uses must be defined or imported,
 * and it must typecheck under the workspace's compiler options (`tsconfig.base.json`: strict,
 * `noUncheckedIndexedAccess`, `moduleResolution: bundler` with the `ordo-source` condition, so
 * `@ordo/*` is checked against the packages' sources as they are now, not against a build).
 * Top-level await is allowed; blocks share nothing, unless one continues another (below).
 *
 * Info-string words after the language:
 * - `ts fragment` (```` ```ts fragment ````): the block is NOT compiled. Only for a deliberately
 *   partial block, such as a list of type signatures; a usage example must be complete. The
 *   opted-out blocks are printed (NOTE) on every run.
 * - `ts run`: compiled here, and also run by `readme-snippets.int.spec.ts`, each in a process of
 *   its own with `DATABASE_URL` pointing at a fresh database; it must exit 0 by itself (so it
 *   closes what it opens). For blocks that need nothing but PostgreSQL (or nothing at all).
 * - `ts continued`: compiled in the module of the README's TypeScript block before it, so a
 *   guide's blocks can build one program (definitions and imports carry over).
 * Blocks of other languages (sh, sql, json, js, plain) are not checked here; the `sh walkthrough*`
 * blocks of the root README are run by `scripts/readme-walkthrough.int.spec.ts`.
 *
 * One test per README; a failure names the README line, the block's fence line and the
 * diagnostic, e.g. `packages/adapters/postgres/README.md:57 (snippet at line 34): TS2304: Cannot
 * find name 'readModels'.` All snippets are compiled in one `ts.createProgram`, from files written
 * to `node_modules/.cache/readme-snippets/` (so packages resolve as they do in the repository):
 * a few seconds.
 */
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type CheckResult,
  checkSnippets,
  extractSnippets,
  formatProblem,
  readmeSnippets,
} from './test-support/readme-snippets';

const root = fileURLToPath(new URL('..', import.meta.url));
const { readmes, snippets } = readmeSnippets(root);

let result: CheckResult | undefined;
const checked = (): CheckResult => {
  if (result === undefined) {
    result = checkSnippets(root, snippets);
    const fragments = snippets.filter((s) => s.fragment).map((s) => `${s.readme}:${s.fenceLine}`);
    console.log(
      `\nNOTE readme snippets: ${result.compiled} compiled from ${readmes.length} READMEs in ${(result.ms / 1000).toFixed(1)}s; ` +
        `opted out (ts fragment): ${fragments.length === 0 ? 'none' : fragments.join(', ')}`,
    );
  }
  return result;
};

test('extraction: ts and typescript blocks, indented and tilde fences, fragments; other languages skipped', () => {
  const markdown = [
    '# Title', // 1
    '```ts', // 2
    "const a = 'x';", // 3
    '```', // 4
    '```sh', // 5
    'npm test', // 6
    '```', // 7
    '- a list item:', // 8
    '', // 9
    '  ```typescript', // 10
    '  const b = 1;', // 11
    '    const c = 2;', // 12
    '  ```', // 13
    '~~~~ts fragment', // 14
    'declare function f(): void', // 15
    '```', // 16: not a closing fence for ~~~~
    '~~~~', // 17
    '````ts', // 18
    '```', // 19: too short to close ````
    '````', // 20
    'Inline ```ts not a fence``` here', // 21
    '```ts run', // 22
    'await 1;', // 23
    '```', // 24
  ].join('\n');
  const found = extractSnippets('X.md', markdown);
  assert.equal(
    found.map((s) => [s.fenceLine, s.info, s.code, s.fragment, s.run]),
    [
      [2, 'ts', "const a = 'x';", false, false],
      [10, 'typescript', 'const b = 1;\n  const c = 2;', false, false],
      [14, 'ts fragment', 'declare function f(): void\n```', true, false],
      [18, 'ts', '```', false, false],
      [22, 'ts run', 'await 1;', false, true],
    ],
  );
});

test('extraction: an unclosed TypeScript block is an error (not one of another language), so is fragment + run', () => {
  assert.throws(() => extractSnippets('X.md', 'text\n```ts\nconst a = 1;\n'), /X\.md:2: the TypeScript block/);
  assert.equal(extractSnippets('X.md', '```sh\nls\n'), []);
  assert.throws(() => extractSnippets('X.md', '```ts fragment run\n```'), /X\.md:1: a block cannot be both/);
});

test('the checker reports a diagnostic at its README line, and compiles a correct snippet cleanly', () => {
  const code = ["import { fold } from '@ordo/kernel';", 'const n: number = fold;', "await Promise.resolve('ok');"];
  const markdown = ['# T', '', '```ts', ...code, '```', '```ts', "import { fold } from '@ordo/kernel';", '```'];
  const found = checkSnippets(root, extractSnippets('T.md', markdown.join('\n')));
  const problems = (found.problems.get('T.md') ?? []).map(formatProblem);
  assert.is(found.compiled, 2);
  assert.equal(found.global, []);
  assert.is(problems.length, 1, problems.join('\n'));
  assert.match(problems[0] ?? '', /^T\.md:5 \(snippet at line 3\): TS2322: /);
});

test('a continued block compiles in the module of the block before it; its problems name its own lines', () => {
  const markdown = [
    '```ts', // 1
    "import { fold } from '@ordo/kernel';", // 2
    'const n = 1;', // 3
    '```', // 4
    'prose', // 5
    '```ts continued', // 6
    'const m: number = n + 1;', // 7: uses the block before
    'const s: string = fold;', // 8: a problem of this block
    '```', // 9
    '```ts', // 10: a new module: `n` is not defined here
    'console.log(n);', // 11
    '```', // 12
  ].join('\n');
  const found = checkSnippets(root, extractSnippets('C.md', markdown));
  const problems = (found.problems.get('C.md') ?? []).map(formatProblem);
  assert.is(found.compiled, 3);
  assert.is(problems.length, 2, problems.join('\n'));
  assert.match(problems[0] ?? '', /^C\.md:8 \(snippet at line 6\): TS2322: /);
  assert.match(problems[1] ?? '', /^C\.md:11 \(snippet at line 10\): TS2304: Cannot find name 'n'/);
  assert.throws(
    () => extractSnippets('C.md', '```ts continued\nconst a = 1;\n```'),
    /C\.md:1: a continued block needs/,
  );
  assert.throws(() => extractSnippets('C.md', '```ts\n```\n```ts continued run\n```'), /C\.md:3: a continued block is/);
});

test('every README of the repository is found, the root one and the packages', () => {
  for (const expected of ['README.md', 'packages/adapters/postgres/README.md', 'packages/domains/README.md']) {
    assert.ok(readmes.includes(expected), `${expected} not found in ${readmes.join(', ')}`);
  }
  assert.ok(
    readmes.every((r) => !r.includes('node_modules/')),
    'nothing from node_modules',
  );
});

for (const readme of readmes) {
  const own = snippets.filter((s) => s.readme === readme);
  test(`${readme}: its ${own.length} TypeScript snippet(s) compile`, () => {
    const { problems, global } = checked();
    const list = [...global, ...(problems.get(readme) ?? []).map(formatProblem)];
    if (list.length > 0) {
      // uvu prints `details` under the message once (a multi-line message would be printed twice).
      throw Object.assign(new Error(`${readme}: ${list.length} problem(s)`), { details: list.join('\n') });
    }
  });
}

test.run();
