#!/usr/bin/env node
/**
 * The public API report: for every entry point of every package under `packages/` (each key of
 * its `package.json` `exports` map but `./package.json`), the names it exports and their kinds,
 * read by the TypeScript compiler from the entry's source (the `ordo-source` condition), one file
 * per entry point in `api/` (`@ordo/kernel/testing` -> `api/kernel-testing.api.md`).
 *
 *   npm run api:report                      rewrite api/ from the sources (removes reports of
 *                                           entry points that no longer exist)
 *   node scripts/api-report.mjs --check     compare; exit 1 naming the added, removed and changed
 *                                           exports per entry point (`npm run api:check`)
 *
 * A report is a short header (the entry point, its source, the count, and every `export *` found
 * on the re-export chain from the entry file) and a fenced `text` block, sorted by name, one line
 * per export: `<kind> <name>` for types, `<kind> <name>: <type>` for values (functions and
 * consts), the type printed by the compiler without truncation, members of inline unions sorted
 * so the text does not depend on the order the checker met them. Kinds: function (also a const
 * whose type is callable), const/let/var, class, enum, namespace, interface, type; a symbol
 * that is both (`const` + `type` of the same name) is `const+type`; a value exported with
 * `export type` is marked `(type-only)`; a name whose declaration cannot be found is
 * `unresolved`. Paths are relative to the repository root, so the text is the same on every
 * machine.
 *
 * The project's rule is explicit named exports: an `export * from` or `export * as ns from` in
 * the entry file, or in any module of the same package it re-exports from (followed through
 * `export ... from` declarations), is listed in the header; `scripts/api-report.spec.ts` fails
 * for it, one test per package. `--check` only compares the reports.
 *
 * Everything runs in one `ts.createProgram` over all entry files, so the spec imports these
 * functions and runs in-process.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The folder of the reports, relative to the repository root. */
export const REPORT_DIR = 'api';

/** How a report's file name ends. */
export const REPORT_SUFFIX = '.api.md';

/** What to do when a report differs from the source. */
export const REGENERATE_HINT =
  'Run `npm run api:report` and review the diff of api/ before committing: is every change of the public surface meant?';

/** The export condition that points at an entry point's TypeScript source. */
const SOURCE_CONDITION = 'ordo-source';

const FENCE_OPEN = '```text';
const FENCE_CLOSE = '```';

const toPosix = (path) => path.split(sep).join('/');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const isDirectory = (path) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};
const byString = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The package folders under `packages/` named by the root `package.json` `workspaces` (a `*`
 * matches one path segment), relative to `root`, sorted.
 * @param {string} root
 * @returns {string[]}
 */
export const findPackageDirs = (root) => {
  const workspaces = readJson(join(root, 'package.json')).workspaces ?? [];
  const patterns = (Array.isArray(workspaces) ? workspaces : (workspaces.packages ?? [])).filter(
    (w) => w === 'packages' || w.startsWith('packages/'),
  );
  const dirs = new Set();
  for (const pattern of patterns) {
    let current = [''];
    for (const segment of pattern.split('/')) {
      const next = [];
      for (const base of current) {
        if (!segment.includes('*')) {
          next.push(base === '' ? segment : `${base}/${segment}`);
          continue;
        }
        const match = new RegExp(`^${segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
        let names = [];
        try {
          names = readdirSync(join(root, base));
        } catch {
          names = [];
        }
        for (const name of names)
          if (match.test(name) && isDirectory(join(root, base, name))) next.push(`${base}/${name}`);
      }
      current = next;
    }
    for (const dir of current) {
      try {
        statSync(join(root, dir, 'package.json'));
        dirs.add(dir);
      } catch {
        // a folder without a package.json is not a package
      }
    }
  }
  return [...dirs].sort(byString);
};

/**
 * The report file's name of an entry point: the specifier without its scope, `/` as `-`.
 * @param {string} specifier e.g. `@ordo/kernel/testing`
 */
export const reportFileName = (specifier) =>
  `${specifier.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9._-]+/g, '-')}${REPORT_SUFFIX}`;

/**
 * @typedef {object} EntryPoint
 * @property {string} packageName  e.g. `@ordo/kernel`
 * @property {string} packageDir   relative to the root, e.g. `packages/kernel`
 * @property {string} subpath      the `exports` key, e.g. `./testing`
 * @property {string} specifier    e.g. `@ordo/kernel/testing`
 * @property {string} source       the entry's source, relative to the root
 * @property {string} reportPath   relative to the root, e.g. `api/kernel-testing.api.md`
 */

/**
 * Every entry point of every package under `packages/`, sorted by specifier.
 * @param {string} root
 * @returns {EntryPoint[]}
 */
export const findEntryPoints = (root) => {
  const entries = [];
  for (const packageDir of findPackageDirs(root)) {
    const manifest = readJson(join(root, packageDir, 'package.json'));
    const exportsMap =
      typeof manifest.exports === 'string' || Array.isArray(manifest.exports)
        ? { '.': manifest.exports }
        : (manifest.exports ?? {});
    for (const [subpath, target] of Object.entries(exportsMap)) {
      if (subpath === './package.json' || !subpath.startsWith('.')) continue;
      if (subpath.includes('*')) {
        throw new Error(`${packageDir}/package.json: pattern export ${subpath} is not supported by the API report`);
      }
      const source =
        typeof target === 'string'
          ? target
          : target !== null && typeof target === 'object'
            ? target[SOURCE_CONDITION]
            : undefined;
      if (typeof source !== 'string' || !/\.[cm]?tsx?$/.test(source)) {
        throw new Error(
          `${packageDir}/package.json: exports["${subpath}"] has no "${SOURCE_CONDITION}" condition naming a TypeScript source`,
        );
      }
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
      entries.push({
        packageName: manifest.name,
        packageDir,
        subpath,
        specifier,
        source: toPosix(join(packageDir, source)),
        reportPath: `${REPORT_DIR}/${reportFileName(specifier)}`,
      });
    }
  }
  return entries.sort((a, b) => byString(a.specifier, b.specifier));
};

/**
 * The workspace's compiler options (`tsconfig.base.json` when there is one: `moduleResolution:
 * bundler` with the `ordo-source` condition), nothing emitted.
 * @param {string} root
 * @returns {import('typescript').CompilerOptions}
 */
export const compilerOptionsFor = (root) => {
  const path = join(root, 'tsconfig.base.json');
  let options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: [SOURCE_CONDITION],
    strict: true,
    skipLibCheck: true,
    types: [],
  };
  if (ts.sys.fileExists(path)) {
    const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
    if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, path);
    if (parsed.errors.length > 0) {
      throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
    }
    options = parsed.options;
  }
  return {
    ...options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    composite: false,
  };
};

/**
 * @typedef {object} ApiEntry
 * @property {string} name
 * @property {string} kind       e.g. `function`, `const+type`, `class(type-only)`
 * @property {string} [signature] the type of a value (functions, consts)
 */

/**
 * @typedef {object} ExportStar
 * @property {string} file  relative to the root
 * @property {number} line  1-based
 * @property {string} text  the declaration, whitespace collapsed
 */

/**
 * @typedef {object} EntryReport
 * @property {EntryPoint} entry
 * @property {ApiEntry[]} api        sorted by name
 * @property {ExportStar[]} exportStars
 * @property {string[]} problems     e.g. the source file is missing
 * @property {string} text           the report file's content
 */

/** One line of a report's block. */
export const formatEntry = (/** @type {ApiEntry} */ e) =>
  `${e.kind} ${e.name}${e.signature === undefined ? '' : `: ${e.signature}`}`;

const ENTRY_LINE = /^(\S+) (\S+?)(?:: (.*))?$/;

/**
 * Parses one line of a report's block (the inverse of {@link formatEntry}).
 * @param {string} line
 * @returns {ApiEntry}
 */
export const parseEntry = (line) => {
  const m = ENTRY_LINE.exec(line);
  if (m === null) throw new Error(`not an API report line: ${JSON.stringify(line)}`);
  const [, kind = '', name = '', signature] = m;
  return signature === undefined ? { kind, name } : { kind, name, signature };
};

/**
 * The entries of a report file's text: the lines of its fenced `text` block.
 * @param {string} text
 * @returns {ApiEntry[]}
 */
export const parseReport = (text) => {
  const lines = text.split(/\r?\n/);
  const open = lines.indexOf(FENCE_OPEN);
  if (open === -1) throw new Error(`no ${FENCE_OPEN} block`);
  const close = lines.indexOf(FENCE_CLOSE, open + 1);
  if (close === -1) throw new Error(`the ${FENCE_OPEN} block is never closed`);
  return lines
    .slice(open + 1, close)
    .filter((l) => l.trim() !== '')
    .map(parseEntry);
};

/**
 * @typedef {object} ApiDiff
 * @property {ApiEntry[]} added
 * @property {ApiEntry[]} removed
 * @property {{ name: string, was: ApiEntry, now: ApiEntry }[]} changed  kind or signature differs
 */

/**
 * What changed from `before` to `after`, by name.
 * @param {ReadonlyArray<ApiEntry>} before
 * @param {ReadonlyArray<ApiEntry>} after
 * @returns {ApiDiff}
 */
export const diffApi = (before, after) => {
  const was = new Map(before.map((e) => [e.name, e]));
  const now = new Map(after.map((e) => [e.name, e]));
  const added = after.filter((e) => !was.has(e.name));
  const removed = before.filter((e) => !now.has(e.name));
  const changed = [];
  for (const e of after) {
    const old = was.get(e.name);
    if (old !== undefined && formatEntry(old) !== formatEntry(e)) changed.push({ name: e.name, was: old, now: e });
  }
  const sort = (a, b) => byString(a.name, b.name);
  return { added: added.sort(sort), removed: removed.sort(sort), changed: changed.sort(sort) };
};

/** True when a diff is empty. */
export const isEmptyDiff = (/** @type {ApiDiff} */ d) =>
  d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;

// ---------------------------------------------------------------------------------------------
// Reading the exports with the compiler

const NODE_FLAGS =
  ts.NodeBuilderFlags.NoTruncation |
  ts.NodeBuilderFlags.IgnoreErrors |
  ts.NodeBuilderFlags.UseAliasDefinedOutsideCurrentScope |
  ts.NodeBuilderFlags.AllowUniqueESSymbolType;

const printer = ts.createPrinter({ removeComments: true, omitTrailingSemicolon: true });

/** Prints a synthesized type node on one line (no source file: names are printed as they are). */
const printNode = (node) => printer.printNode(ts.EmitHint.Unspecified, node, undefined).replace(/\s+/g, ' ').trim();

/** The members of every union in a type node, sorted by their text. */
const sortUnions = (node) => {
  const result = ts.transform(node, [
    (context) => (rootNode) => {
      const visit = (n) => {
        const visited = ts.visitEachChild(n, visit, context);
        if (!ts.isUnionTypeNode(visited)) return visited;
        const members = [...visited.types].map((t) => ({ t, key: printNode(t) }));
        members.sort((a, b) => byString(a.key, b.key));
        return context.factory.updateUnionTypeNode(visited, context.factory.createNodeArray(members.map((m) => m.t)));
      };
      return ts.visitNode(rootNode, visit);
    },
  ]);
  const [out] = result.transformed;
  result.dispose();
  return out;
};

/** Signatures longer than this are cut, and end with the length and a hash of the whole text. */
export const MAX_SIGNATURE_LENGTH = 240;

/**
 * A type's text as the report shows it: whole up to {@link MAX_SIGNATURE_LENGTH} characters;
 * longer (the inferred types of message unions, deciders, projections), its beginning, then
 * `… [N chars, sha256:<12 hex>]`, so any change of the whole text still changes the line.
 * @param {string} text
 */
export const abbreviate = (text) => {
  if (text.length <= MAX_SIGNATURE_LENGTH) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `${text.slice(0, MAX_SIGNATURE_LENGTH - 80).trimEnd()} … [${text.length} chars, sha256:${hash}]`;
};

/** Replaces the absolute root in a type's text (an `import("...")` type) with a relative path. */
const withoutRoot = (text, root) => {
  const prefix = `${toPosix(resolve(root))}/`;
  return text.split(prefix).join('');
};

const isTypeOnlyAlias = (decl) => ts.isTypeOnlyImportOrExportDeclaration(decl);

/** The symbol an export stands for, and whether an alias on the way is type-only. */
const resolveExport = (checker, symbol) => {
  let target = symbol;
  let typeOnly = false;
  const seen = new Set([symbol]);
  while (target.flags & ts.SymbolFlags.Alias) {
    if ((target.declarations ?? []).some(isTypeOnlyAlias)) typeOnly = true;
    const next = checker.getImmediateAliasedSymbol(target);
    if (next === undefined || seen.has(next)) {
      target = checker.getAliasedSymbol(symbol);
      break;
    }
    seen.add(next);
    target = next;
  }
  return { target, typeOnly };
};

const variableKeyword = (decl) => {
  const list = ts.isVariableDeclaration(decl) ? decl.parent : undefined;
  if (list === undefined || !ts.isVariableDeclarationList(list)) return 'const';
  if (list.flags & ts.NodeFlags.Const) return 'const';
  if (list.flags & ts.NodeFlags.Let) return 'let';
  return 'var';
};

/**
 * The kind and, for values, the type of one exported symbol.
 * @returns {ApiEntry}
 */
const describeExport = (checker, symbol, root) => {
  const name = symbol.getName();
  const { target, typeOnly } = resolveExport(checker, symbol);
  const flags = target.flags;
  const declarations = target.declarations ?? [];
  if (
    declarations.length === 0 ||
    (flags & (ts.SymbolFlags.Value | ts.SymbolFlags.Type | ts.SymbolFlags.Namespace)) === 0
  ) {
    return { name, kind: 'unresolved' };
  }
  const type = flags & ts.SymbolFlags.Value ? checker.getTypeOfSymbol(target) : undefined;
  const callSignatures = type === undefined ? [] : checker.getSignaturesOfType(type, ts.SignatureKind.Call);
  const kinds = [];
  let signature;
  const printSignatures = () =>
    callSignatures
      .map((s) => {
        const node = checker.signatureToSignatureDeclaration(s, ts.SyntaxKind.FunctionType, undefined, NODE_FLAGS);
        return node === undefined ? checker.signatureToString(s) : printNode(sortUnions(node));
      })
      .map((text, _i, all) => (all.length > 1 ? `(${text})` : text))
      .join(' & ');
  const printType = () => {
    const node = checker.typeToTypeNode(type, undefined, NODE_FLAGS);
    return node === undefined ? checker.typeToString(type) : printNode(sortUnions(node));
  };
  if (flags & ts.SymbolFlags.Function) {
    kinds.push('function');
    signature = printSignatures();
  } else if (flags & ts.SymbolFlags.Variable) {
    const keyword = variableKeyword(target.valueDeclaration ?? declarations[0]);
    const callable = keyword === 'const' && callSignatures.length > 0;
    kinds.push(callable ? 'function' : keyword);
    signature = callable ? printSignatures() : printType();
  }
  if (flags & ts.SymbolFlags.Class) kinds.push('class');
  if (flags & ts.SymbolFlags.Enum) kinds.push('enum');
  if (flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) kinds.push('namespace');
  if (flags & ts.SymbolFlags.Interface && !(flags & ts.SymbolFlags.Class)) kinds.push('interface');
  if (flags & ts.SymbolFlags.TypeAlias) kinds.push('type');
  if (kinds.length === 0) kinds.push('unresolved');
  const valueKinds = new Set(['function', 'const', 'let', 'var', 'class', 'enum', 'namespace']);
  const typeOnlyValue = typeOnly && kinds.some((k) => valueKinds.has(k));
  const kind = `${kinds.join('+')}${typeOnlyValue ? '(type-only)' : ''}`;
  return signature === undefined ? { name, kind } : { name, kind, signature: abbreviate(withoutRoot(signature, root)) };
};

const inside = (dir, file) => {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !rel.split(sep).includes('node_modules');
};

/**
 * Every `export *` (`export * from`, `export * as ns from`) in the entry file and in the modules of
 * the same package it re-exports from, followed through `export ... from` declarations; and
 * every such declaration whose module does not resolve.
 * @returns {{ exportStars: ExportStar[], unresolved: string[] }}
 */
const findExportStars = (program, checker, entryFile, packageDirAbs, root) => {
  const found = [];
  const unresolved = [];
  const seen = new Set();
  const queue = [entryFile];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === undefined || seen.has(file.fileName)) continue;
    seen.add(file.fileName);
    for (const statement of file.statements) {
      if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier === undefined) continue;
      if (statement.exportClause === undefined || ts.isNamespaceExport(statement.exportClause)) {
        const { line } = file.getLineAndCharacterOfPosition(statement.getStart(file));
        found.push({
          file: toPosix(relative(root, file.fileName)),
          line: line + 1,
          text: statement.getText(file).replace(/\s+/g, ' '),
        });
      }
      const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
      if (moduleSymbol === undefined) {
        const { line } = file.getLineAndCharacterOfPosition(statement.getStart(file));
        unresolved.push(
          `\`${toPosix(relative(root, file.fileName))}:${line + 1}\` re-exports from ${statement.moduleSpecifier.getText(file)}, which does not resolve to a module`,
        );
      }
      const target = moduleSymbol?.declarations?.find(ts.isSourceFile);
      if (target !== undefined && !target.isDeclarationFile && inside(packageDirAbs, target.fileName)) {
        queue.push(program.getSourceFile(target.fileName) ?? target);
      }
    }
  }
  return {
    exportStars: found.sort((a, b) => byString(a.file, b.file) || a.line - b.line),
    unresolved: unresolved.sort(byString),
  };
};

/**
 * The report file's text of an entry point.
 * @param {EntryPoint} entry
 * @param {ReadonlyArray<ApiEntry>} api
 * @param {ReadonlyArray<ExportStar>} exportStars
 * @param {ReadonlyArray<string>} problems
 */
export const renderReport = (entry, api, exportStars, problems = []) => {
  const typesOnly = api.filter((e) => e.signature === undefined && !/^(class|enum|namespace)/.test(e.kind)).length;
  const lines = [
    `# API report: ${entry.specifier}`,
    '',
    `Entry point \`${entry.specifier}\`: \`${entry.source}\` (\`exports["${entry.subpath}"]\` of \`${entry.packageDir}/package.json\`).`,
    'Generated by `npm run api:report` (`scripts/api-report.mjs`); `scripts/api-report.spec.ts` and',
    '`npm run api:check` fail when it differs from the source. Do not edit it by hand.',
    '',
    `Exports: ${api.length} (${api.length - typesOnly} values, ${typesOnly} types).`,
    '',
  ];
  if (exportStars.length === 0) {
    lines.push('`export *` on the re-export chain: none.');
  } else {
    lines.push(
      `\`export *\` on the re-export chain: ${exportStars.length} (the rule is explicit named exports; the spec fails):`,
      '',
    );
    for (const s of exportStars) lines.push(`- \`${s.file}:${s.line}\` \`${s.text}\``);
  }
  if (problems.length > 0) {
    lines.push('', 'Problems:', '');
    for (const p of problems) lines.push(`- ${p}`);
  }
  lines.push('', FENCE_OPEN, ...api.map(formatEntry), FENCE_CLOSE, '');
  return lines.join('\n');
};

/**
 * @typedef {object} Analysis
 * @property {EntryReport[]} reports  one per entry point, sorted by specifier
 * @property {number} ms
 */

/**
 * Reads every entry point's exports in one TypeScript program.
 * @param {string} root
 * @param {{ entries?: EntryPoint[], compilerOptions?: import('typescript').CompilerOptions }} [options]
 * @returns {Analysis}
 */
export const analyse = (root, options = {}) => {
  const started = Date.now();
  const entries = options.entries ?? findEntryPoints(root);
  const program = ts.createProgram({
    rootNames: entries.map((e) => resolve(root, e.source)),
    options: options.compilerOptions ?? compilerOptionsFor(root),
  });
  const checker = program.getTypeChecker();
  const reports = entries.map((entry) => {
    const file = program.getSourceFile(resolve(root, entry.source));
    if (file === undefined) {
      const problems = [`the source \`${entry.source}\` was not found`];
      return { entry, api: [], exportStars: [], problems, text: renderReport(entry, [], [], problems) };
    }
    const moduleSymbol = checker.getSymbolAtLocation(file);
    const api = (moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol))
      .map((symbol) => describeExport(checker, symbol, root))
      .sort((a, b) => byString(a.name, b.name));
    const { exportStars, unresolved } = findExportStars(program, checker, file, resolve(root, entry.packageDir), root);
    const problems = [
      ...unresolved,
      ...api.filter((e) => e.kind === 'unresolved').map((e) => `\`${e.name}\` does not resolve to a declaration`),
    ];
    return { entry, api, exportStars, problems, text: renderReport(entry, api, exportStars, problems) };
  });
  return { reports, ms: Date.now() - started };
};

/**
 * @typedef {object} CheckResult
 * @property {string} reportPath
 * @property {EntryPoint} [entry]   absent for a report whose entry point no longer exists
 * @property {'ok' | 'missing' | 'changed' | 'orphan'} status
 * @property {ApiDiff} diff
 * @property {boolean} headerChanged  the names are the same but the rest of the file differs
 */

/** The report files in `api/`, relative to the root. */
const existingReports = (root) => {
  try {
    return readdirSync(join(root, REPORT_DIR))
      .filter((n) => n.endsWith(REPORT_SUFFIX))
      .map((n) => `${REPORT_DIR}/${n}`)
      .sort(byString);
  } catch {
    return [];
  }
};

const readText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Compares the checked-in reports with the sources: one result per entry point, and one per
 * report file without an entry point.
 * @param {string} root
 * @param {Analysis} [analysis]
 * @returns {CheckResult[]}
 */
export const checkReports = (root, analysis = analyse(root)) => {
  const results = analysis.reports.map(({ entry, api, text }) => {
    const old = readText(join(root, entry.reportPath));
    if (old === undefined) {
      return { reportPath: entry.reportPath, entry, status: 'missing', diff: diffApi([], api), headerChanged: false };
    }
    let before;
    try {
      before = parseReport(old);
    } catch {
      before = [];
    }
    const diff = diffApi(before, api);
    const same = old.replace(/\r\n/g, '\n') === text;
    return {
      reportPath: entry.reportPath,
      entry,
      status: same ? 'ok' : 'changed',
      diff,
      headerChanged: !same && isEmptyDiff(diff),
    };
  });
  const expected = new Set(analysis.reports.map((r) => r.entry.reportPath));
  for (const reportPath of existingReports(root)) {
    if (expected.has(reportPath)) continue;
    let before = [];
    try {
      before = parseReport(readText(join(root, reportPath)) ?? '');
    } catch {
      before = [];
    }
    results.push({ reportPath, status: 'orphan', diff: diffApi(before, []), headerChanged: false });
  }
  return results;
};

/**
 * What a failed check says: the entry point, each added (+), removed (-) and changed (~) name,
 * and the hint to regenerate.
 * @param {CheckResult} result
 */
export const formatCheckResult = (result) => {
  if (result.status === 'ok') return `${result.reportPath}: up to date`;
  const title =
    result.status === 'orphan'
      ? `${result.reportPath}: no entry point has this report any more (removed from an exports map?)`
      : result.status === 'missing'
        ? `${result.entry?.specifier}: ${result.reportPath} is missing (a new entry point?)`
        : `${result.entry?.specifier}: the public surface differs from ${result.reportPath}`;
  const lines = [title];
  const { added, removed, changed } = result.diff;
  if (added.length > 0) lines.push(`  added (${added.length}):`, ...added.map((e) => `    + ${formatEntry(e)}`));
  if (removed.length > 0)
    lines.push(`  removed (${removed.length}):`, ...removed.map((e) => `    - ${formatEntry(e)}`));
  if (changed.length > 0) {
    lines.push(`  changed (${changed.length}):`);
    for (const c of changed)
      lines.push(`    ~ ${c.name}`, `        was: ${formatEntry(c.was)}`, `        now: ${formatEntry(c.now)}`);
  }
  if (result.headerChanged) {
    lines.push('  the exported names are the same; the header (`export *` list, counts, source) or format differs');
  }
  lines.push(`  ${REGENERATE_HINT}`);
  return lines.join('\n');
};

/**
 * Writes every report, and removes reports of entry points that no longer exist.
 * @param {string} root
 * @param {Analysis} [analysis]
 * @returns {{ reportPath: string, status: 'unchanged' | 'updated' | 'new' | 'removed' }[]}
 */
export const writeReports = (root, analysis = analyse(root)) => {
  mkdirSync(join(root, REPORT_DIR), { recursive: true });
  const out = [];
  const expected = new Set();
  for (const { entry, text } of analysis.reports) {
    expected.add(entry.reportPath);
    const path = join(root, entry.reportPath);
    const old = readText(path);
    if (old !== text) writeFileSync(path, text);
    out.push({
      reportPath: entry.reportPath,
      status: old === undefined ? 'new' : old === text ? 'unchanged' : 'updated',
    });
  }
  for (const reportPath of existingReports(root)) {
    if (expected.has(reportPath)) continue;
    rmSync(join(root, reportPath));
    out.push({ reportPath, status: 'removed' });
  }
  return out;
};

const main = (argv) => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown arguments: ${unknown.join(' ')}\nusage: node scripts/api-report.mjs [--check]`);
    return 2;
  }
  const analysis = analyse(root);
  const notes = [];
  for (const r of analysis.reports) {
    for (const p of r.problems) notes.push(`NOTE ${r.entry.specifier}: ${p}`);
    if (r.exportStars.length > 0) {
      notes.push(
        `NOTE ${r.entry.specifier}: ${r.exportStars.length} \`export *\` (explicit named exports required): ${r.exportStars.map((s) => `${s.file}:${s.line}`).join(', ')}`,
      );
    }
  }
  if (check) {
    const failed = checkReports(root, analysis).filter((r) => r.status !== 'ok');
    for (const n of notes) console.log(n);
    if (failed.length > 0) {
      console.error(`\n${failed.map(formatCheckResult).join('\n\n')}`);
      console.error(`\nAPI reports: ${failed.length} of ${analysis.reports.length} differ from the sources.`);
      return 1;
    }
    console.log(
      `API reports: ${analysis.reports.length} entry points up to date (${(analysis.ms / 1000).toFixed(1)}s).`,
    );
    return 0;
  }
  for (const w of writeReports(root, analysis)) console.log(`${w.status.padEnd(9)} ${w.reportPath}`);
  for (const n of notes) console.log(n);
  console.log(`API reports: ${analysis.reports.length} entry points (${(analysis.ms / 1000).toFixed(1)}s).`);
  return 0;
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
