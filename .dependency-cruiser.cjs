// The dependency rule of docs/architecture.md, checked in CI:
//   kernel <- domains; kernel <- adapters/*; kernel, adapters/*, domains <- host; everything <- examples, bench
// The kernel imports only fp-ts and io-ts (its testing module may also use fast-check).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-only-fp-ts-io-ts',
      comment:
        'The kernel is pure: no I/O, only fp-ts and io-ts (and fast-check in its testing module, node:assert nowhere).',
      severity: 'error',
      from: { path: '^packages/kernel/src/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^packages/kernel/src/', 'node_modules/(fp-ts|io-ts)/', 'node_modules/fast-check/'],
      },
    },
    {
      name: 'kernel-core-does-not-use-fast-check',
      severity: 'error',
      from: { path: '^packages/kernel/src/', pathNot: ['^packages/kernel/src/testing/', '\\.spec\\.ts$'] },
      to: { path: 'node_modules/fast-check/' },
    },
    {
      name: 'domains-depend-only-on-kernel',
      comment: 'Domains are written only against @ordo/kernel: no adapter, no host, no I/O.',
      severity: 'error',
      from: { path: '^packages/domains/src/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^packages/domains/src/', '^packages/kernel/', 'node_modules/(fp-ts|io-ts)/'],
      },
    },
    {
      name: 'adapters-never-import-domains-or-host',
      severity: 'error',
      from: { path: '^packages/adapters/' },
      to: { path: ['^packages/domains/', '^packages/host/', 'node_modules/@ordo/(domains|host)'] },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment: 'Each adapter stands alone on the kernel (tests may use the memory adapter).',
      severity: 'error',
      from: { path: '^packages/adapters/([^/]+)/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^packages/adapters/([^/]+)/', pathNot: '^packages/adapters/$1/' },
    },
    {
      name: 'packages-never-import-examples-or-bench',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: ['^examples/', '^bench/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['/dist/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['ordo-source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
