import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

// `cli` is the `ordo` executable (dist/cli.js, run by bin/ordo.mjs); it shares chunks with `index`.
export default defineConfig(preset({ index: 'src/index.ts', cli: 'src/cli/main.ts' }));
