// Shared tsup settings of every publishable package: ESM + CJS + .d.ts, dependencies external.
import type { Options } from 'tsup';

type TsupPlugin = NonNullable<Options['plugins']>[number];

/**
 * fp-ts 2.x has no `exports` map: `fp-ts/Either` is a folder, which Node's ESM loader refuses to
 * import. Rewrite those subpath imports in the emitted code to the CommonJS files
 * (`fp-ts/lib/Either.js`), which both `import` and `require` load with named exports.
 */
const fpTsSubpaths: TsupPlugin = {
  name: 'fp-ts-subpaths',
  renderChunk(code) {
    return {
      code: code.replace(
        /(["'])fp-ts\/([A-Za-z]+)\1/g,
        (_m, q: string, name: string) => `${q}fp-ts/lib/${name}.js${q}`,
      ),
    };
  },
};

/** The preset; `entry` names the package's entry points. */
export const preset = (entry: Record<string, string>): Options => ({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // One copy of each class (errors!) shared between a package's entries, in CJS too.
  splitting: true,
  target: 'es2022',
  external: [/^@ordo\//, /^[a-z@][^:]*$/],
  plugins: [fpTsSubpaths],
});
