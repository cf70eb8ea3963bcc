/**
 * Support for `scripts/readme-snippets.spec.ts`: finds the READMEs, cuts their fenced TypeScript
 * blocks out, and typechecks all of them in one TypeScript program against the workspace
 * packages' sources. Never published; see the spec's header for the rules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** Directories never searched for READMEs. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', '.cache', 'coverage', '.tmp']);

/** Info-string words (the first one) that mark a block as TypeScript. */
const TYPESCRIPT_LANGUAGES = new Set(['ts', 'typescript']);

/** The info-string word after the language that exempts a deliberately partial block. */
export const FRAGMENT_MARKER = 'fragment';

/** The info-string word after the language that also runs a block (`readme-snippets.int.spec.ts`). */
export const RUN_MARKER = 'run';

/**
 * The info-string word after the language that makes a block continue the README's previous
 * TypeScript block: they are compiled as one module (a guide's blocks building one program).
 */
export const CONTINUED_MARKER = 'continued';

/** One fenced TypeScript block of a README. */
export interface Snippet {
  /** The README, relative to the repository root, with `/` separators. */
  readonly readme: string;
  /** 1-based line of the opening fence in the README. */
  readonly fenceLine: number;
  /** The info string after the fence (`ts`, `ts fragment`...). */
  readonly info: string;
  /** The block's text, the fence's indentation removed from each line. */
  readonly code: string;
  /** True for `ts fragment` blocks: listed, not compiled. */
  readonly fragment: boolean;
  /** True for `ts run` blocks: compiled, and run against a fresh database by the int spec. */
  readonly run: boolean;
  /** True for `ts continued` blocks: compiled after the README's previous block, in its module. */
  readonly continued: boolean;
}

/** A problem in one snippet: where (README line) and what. */
export interface SnippetProblem {
  readonly snippet: Snippet;
  /** 1-based line in the README. */
  readonly line: number;
  readonly message: string;
}

/** Every README.md under `root`, relative to it with `/` separators, sorted. */
export const findReadmes = (root: string): string[] => {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIP_DIRS.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (name === 'README.md') out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
};

const FENCE = /^( {0,3}|\t*)(`{3,}|~{3,})(.*)$/;

/**
 * The fenced code blocks of a Markdown text that are TypeScript (info string `ts` or `typescript`,
 * any other words after it). Fences may be indented (inside list items): the opening fence's
 * indentation is removed from the block's lines. A block closes at a fence of the same character,
 * at least as long, with nothing after it. An unclosed TypeScript block throws: it would
 * otherwise swallow the rest of the README silently.
 */
export const extractSnippets = (readme: string, markdown: string): Snippet[] => {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  const languageOf = (info: string) => (info.split(/\s+/)[0] ?? '').toLowerCase();
  let open: { line: number; indent: string; fence: string; info: string; body: string[] } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    if (open === undefined) {
      const m = FENCE.exec(text);
      if (m === null) continue;
      const [, indent = '', fence = '', info = ''] = m;
      // A backtick fence's info string may not contain a backtick (that is inline code).
      if (fence.startsWith('`') && info.includes('`')) continue;
      open = { line: index + 1, indent, fence, info: info.trim(), body: [] };
      continue;
    }
    const trimmed = text.trimStart();
    if (trimmed.startsWith(open.fence) && /^(`+|~+)\s*$/.test(trimmed) && trimmed[0] === open.fence[0]) {
      if (TYPESCRIPT_LANGUAGES.has(languageOf(open.info))) {
        const flags = open.info.split(/\s+/).slice(1);
        const fragment = flags.includes(FRAGMENT_MARKER);
        const run = flags.includes(RUN_MARKER);
        const continued = flags.includes(CONTINUED_MARKER);
        if (fragment && run) throw new Error(`${readme}:${open.line}: a block cannot be both a fragment and run`);
        if (continued && (fragment || run)) {
          throw new Error(
            `${readme}:${open.line}: a continued block is compiled with the one before; it cannot be a fragment or run`,
          );
        }
        const previous = snippets[snippets.length - 1];
        if (continued && (previous === undefined || previous.fragment || previous.run)) {
          throw new Error(
            `${readme}:${open.line}: a continued block needs a compiled, not run, TypeScript block before it`,
          );
        }
        snippets.push({
          readme,
          fenceLine: open.line,
          info: open.info,
          code: open.body.join('\n'),
          fragment,
          run,
          continued,
        });
      }
      open = undefined;
      continue;
    }
    open.body.push(text.startsWith(open.indent) ? text.slice(open.indent.length) : text.trimStart());
  }
  if (open !== undefined && TYPESCRIPT_LANGUAGES.has(languageOf(open.info))) {
    throw new Error(`${readme}:${open.line}: the TypeScript block is never closed`);
  }
  return snippets;
};

/**
 * Compiler options of the workspace (`tsconfig.base.json`: strict, `moduleResolution: bundler`,
 * `customConditions: ['ordo-source']`, so `@ordo/*` resolves to the packages' `src`), with
 * nothing emitted.
 */
export const workspaceCompilerOptions = (root: string): ts.CompilerOptions => {
  const path = join(root, 'tsconfig.base.json');
  const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, path);
  if (parsed.errors.length > 0) {
    throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  }
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    composite: false,
  };
};

/** What {@link checkSnippets} found. */
export interface CheckResult {
  /** Problems by README (READMEs without problems are absent). */
  readonly problems: ReadonlyMap<string, ReadonlyArray<SnippetProblem>>;
  /** Diagnostics not tied to a snippet (options, global types): they fail every README. */
  readonly global: ReadonlyArray<string>;
  readonly compiled: number;
  readonly ms: number;
}

/** File name of a snippet in the work directory: the README's path, then its fence line. */
const fileNameOf = (snippet: Snippet): string =>
  `${snippet.readme.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '_')}_L${snippet.fenceLine}.ts`;

/** One compiled module: a block and the `continued` blocks after it, with the file line each starts at. */
interface Chain {
  readonly parts: Array<{ readonly snippet: Snippet; readonly firstLine: number }>;
  code: string;
}

/** Groups the compiled snippets into modules: each `continued` block joins the chain before it. */
const chainsOf = (snippets: ReadonlyArray<Snippet>): Chain[] => {
  const chains: Chain[] = [];
  for (const snippet of snippets) {
    if (snippet.fragment) continue;
    const last = chains[chains.length - 1];
    if (snippet.continued && last !== undefined && last.parts[0]?.snippet.readme === snippet.readme) {
      last.parts.push({ snippet, firstLine: last.code.split('\n').length });
      last.code = `${last.code}\n${snippet.code}`;
    } else {
      chains.push({ parts: [{ snippet, firstLine: 0 }], code: snippet.code });
    }
  }
  return chains;
};

/**
 * Typechecks every non-fragment snippet as a module of its own (a `continued` block in the module
 * of the block before it), all in one program. The files are written to a fresh directory under
 * `<root>/node_modules/.cache/readme-snippets/`, so that they resolve packages (the workspace's
 * `@ordo/*` links, `pg`, `io-ts`...) exactly as code in the repository does; the directory is
 * removed afterwards. `export {}` is appended to each file so a snippet without imports is still
 * a module (top-level await, no shared globals).
 */
export const checkSnippets = (root: string, snippets: ReadonlyArray<Snippet>): CheckResult => {
  const started = Date.now();
  const base = join(root, 'node_modules', '.cache', 'readme-snippets');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'run-'));
  try {
    const byFile = new Map<string, Chain>();
    for (const chain of chainsOf(snippets)) {
      const file = join(dir, fileNameOf(chain.parts[0]!.snippet));
      writeFileSync(file, `${chain.code}\nexport {};\n`);
      byFile.set(ts.sys.resolvePath(file), chain);
    }
    const program = ts.createProgram([...byFile.keys()], workspaceCompilerOptions(root));
    const problems = new Map<string, SnippetProblem[]>();
    const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
    for (const [file, chain] of byFile) {
      const source = program.getSourceFile(file);
      if (source === undefined) {
        global.push(`${file} is missing from the program`);
        continue;
      }
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      for (const d of diagnostics) {
        const at = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
        const part = [...chain.parts].reverse().find((p) => p.firstLine <= at) ?? chain.parts[0]!;
        const list = problems.get(part.snippet.readme) ?? [];
        list.push({
          snippet: part.snippet,
          line: part.snippet.fenceLine + 1 + (at - part.firstLine),
          message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        });
        problems.set(part.snippet.readme, list);
      }
    }
    return { problems, global, compiled: snippets.filter((s) => !s.fragment).length, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * Writes a snippet as a runnable ES module (`.mts`: TypeScript through tsx, top-level await) in a
 * fresh directory under `<root>/node_modules/.cache/readme-snippets/`, so it resolves packages as
 * code in the repository does. Answers the file and a function that removes the directory.
 */
export const writeRunnableSnippet = (root: string, snippet: Snippet): { file: string; remove: () => void } => {
  const base = join(root, 'node_modules', '.cache', 'readme-snippets');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'run-'));
  const file = join(dir, fileNameOf(snippet).replace(/\.ts$/, '.mts'));
  writeFileSync(file, `${snippet.code}\nexport {};\n`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** A problem as the test failure shows it: `README:line (snippet at line N): TSxxxx: message`. */
export const formatProblem = (p: SnippetProblem): string =>
  `${p.snippet.readme}:${p.line} (snippet at line ${p.snippet.fenceLine}): ${p.message}`;

/** Reads and extracts the snippets of every README under `root`. */
export const readmeSnippets = (root: string): { readonly readmes: string[]; readonly snippets: Snippet[] } => {
  const readmes = findReadmes(root);
  const snippets = readmes.flatMap((readme) => extractSnippets(readme, readFileSync(join(root, readme), 'utf8')));
  return { readmes, snippets };
};
