import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';

export default defineConfig(
  preset({
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'adapter-kit/index': 'src/adapter-kit/index.ts',
  }),
);
