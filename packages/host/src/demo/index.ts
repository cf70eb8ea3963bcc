/** The commerce demo that `ordo demo` and `npm run demo` run. */
export { runCommerceDemo } from './commerce-demo';
