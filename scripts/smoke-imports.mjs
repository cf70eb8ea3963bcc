#!/usr/bin/env node
// Proves the built packages load in both module systems, as a user's project would load them
// (no `ordo-source` condition, so every import goes through the `exports` map to dist/).
// Also runs publint on each package for exports-map mistakes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const packages = [
  'packages/kernel',
  'packages/adapters/memory',
  'packages/adapters/postgres',
  'packages/adapters/eventstoredb',
  'packages/adapters/kafka',
  'packages/domains',
  'packages/host',
];

let failures = 0;
for (const dir of packages) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter((p) => p !== './package.json');
  for (const sub of subpaths) {
    const specifier = sub === '.' ? manifest.name : `${manifest.name}/${sub.slice(2)}`;
    try {
      const cjs = require(specifier);
      const esm = await import(specifier);
      const cjsKeys = Object.keys(cjs).length;
      const esmKeys = Object.keys(esm).filter((k) => k !== 'default').length;
      if (cjsKeys === 0 || esmKeys === 0) throw new Error(`no exports (cjs ${cjsKeys}, esm ${esmKeys})`);
      console.log(`ok   ${specifier}: require ${cjsKeys} exports, import ${esmKeys} exports`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${specifier}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/publint/src/cli.js'), '--strict', join(root, dir)], {
      stdio: 'pipe',
    });
    console.log(`ok   publint ${manifest.name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL publint ${manifest.name}:\n${error.stdout?.toString() ?? ''}${error.stderr?.toString() ?? ''}`);
  }
}
if (failures > 0) {
  console.log(`${failures} smoke check(s) failed`);
  process.exit(1);
}
console.log('all built packages import under require and import');
