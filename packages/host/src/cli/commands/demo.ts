/** `ordo demo`: the commerce demo on the in-memory host. */
import { runCommerceDemo } from '../../demo/commerce-demo';
import type { CliCommand } from '../command';
import { EXIT } from '../errors';

/** `ordo demo`. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the commerce demo: eight orders on the in-memory host, read models, invariants',
  usage: '',
  description: [
    'Deterministic (fixed ids, a manual clock): orders complete, run out of stock, are declined or meet a silent gateway; then stock, revenue, the funnel, notifications, money and the invariants. Exit code 1 when an invariant is broken.',
  ],
  flags: [],
  run: async (_args, context) => ((await runCommerceDemo((line) => context.print(line))) ? EXIT.ok : EXIT.failed),
};
