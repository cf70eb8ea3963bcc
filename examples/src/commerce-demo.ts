// The commerce system end to end on the in-memory host: a catalog, limited stock, customers, eight
// orders (some complete, one runs out of stock, one is declined, one meets a silent gateway), then
// the read models and the invariants of docs/architecture.md. Deterministic: fixed ids and a manual clock.
// The demo itself lives in @ordo/host (packages/host/src/demo/commerce-demo.ts), so that `ordo demo`
// runs the same program.
//
//   npm run demo     (or: npx ordo demo)
import { runCommerceDemo } from '@ordo/host';

const held = await runCommerceDemo((line = '') => console.log(line));
if (!held) process.exitCode = 1;
