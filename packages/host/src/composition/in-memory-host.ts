import { createHost } from './create-host';
import type { Host } from './host';
import type { InMemoryHostOptions } from './host-options';

/**
 * The in-memory preset of `createHost`: memory store and messaging, every role in this process,
 * and by default nothing in the background (`runUntilIdle` pumps the workers). Pass `run: 'auto'`
 * (with the real clock) to have it run by itself.
 *
 * @example
 * const clock = createManualClock('2024-05-01T09:00:00.000Z');
 * const host = await createInMemoryHost({ clock, gatewayRules: { declineKeys: [/o-13$/] } });
 * await host.execute({ type: 'AddProduct', sku: 'mug', name: 'Mug', price: 1200, currency: 'EUR', at });
 * await host.runUntilIdle();
 */
export const createInMemoryHost = async (options: InMemoryHostOptions = {}): Promise<Host> => {
  const { clock, run, ...services } = options;
  return createHost({
    ...services,
    store: 'memory',
    messaging: 'memory',
    clock: clock ?? 'real',
    run: run ?? 'manual',
  });
};
