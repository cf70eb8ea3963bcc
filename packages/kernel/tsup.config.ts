import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // One copy of each class (errors!) shared by the main and testing entries, in CJS too, so
  // `instanceof` works across `@ordo/kernel` and `@ordo/kernel/testing`.
  splitting: true,
  target: 'es2022',
  external: ['fast-check', 'uvu', 'fp-ts', 'io-ts'],
});
