/** `ordo projections rebuild NAME`: resets one read model on a store and folds the whole log again. */
import type { AnyEvent, EventStore } from '@ordo/kernel';
import { projectionRunners } from '../../composition/host-projections';
import { HostTokens as T, resolveService } from '../../composition/tokens';
import type { ProjectionRunner } from '../../workers/projection-runner';
import { storeConfigFrom, storeFlags } from '../backend-flags';
import type { CliCommand } from '../command';
import { EXIT, UsageError } from '../errors';
import { createProgress, formatDuration } from '../progress';
import { describeStoreError, openStoreHost } from '../store-host';

/** The host's read models by name, and the short names `ordo` also takes. */
export const PROJECTION_ALIASES: Readonly<Record<string, string>> = {
  revenue: 'analytics.revenue',
  funnel: 'analytics.order-funnel',
  'stock-levels': 'analytics.stock-levels',
  catalog: 'catalog.products',
  'customer-orders': 'order.customer-orders',
};

const countEvents = async (store: EventStore): Promise<number> => {
  let count = 0;
  let after: bigint | undefined;
  for (;;) {
    const batch = await store.readAll(after === undefined ? { maxCount: 1000 } : { after, maxCount: 1000 });
    count += batch.length;
    if (batch.length < 1000) return count;
    after = batch[batch.length - 1]!.globalPosition;
  }
};

/** `ordo projections rebuild`. */
export const projectionsRebuildCommand: CliCommand = {
  name: 'projections rebuild',
  summary: 'reset a read model on a store and fold the whole log into it again',
  usage: `NAME|all --database-url URL [flags]`,
  description: [
    `NAME is a read model of the host: ${Object.entries(PROJECTION_ALIASES)
      .map(([alias, name]) => `${name} (or ${alias})`)
      .join(', ')}; all rebuilds every one.`,
    'The model is forgotten, then folded batch by batch from the start of the log, each batch saved with its position, so an interrupted rebuild goes on from where it stopped when a host (or this command) runs again. A running host keeps serving meanwhile: its projection loop takes up the rebuilt model (the compare-and-set decides who saves a batch).',
  ],
  flags: storeFlags,
  takesArguments: true,
  examples: [
    'ordo projections rebuild revenue --database-url postgres://ordo@localhost/shop',
    'ordo projections rebuild all',
  ],
  run: async (args, context) => {
    const [wanted, ...extra] = args.positionals;
    if (wanted === undefined) {
      throw new UsageError(`a read model is needed: ${Object.keys(PROJECTION_ALIASES).join(', ')} or all`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const name = PROJECTION_ALIASES[wanted] ?? wanted;
    const store = storeConfigFrom(args, { persistent: true });

    let host;
    try {
      host = await openStoreHost(store);
    } catch (error) {
      context.warn(`ordo projections rebuild: cannot open the store: ${describeStoreError(error)}`);
      return EXIT.failed;
    }
    try {
      const eventStore = resolveService(host.container, T.EventStore);
      const all = projectionRunners(resolveService(host.container, T.Projections));
      const runners = all.filter((r) => name === 'all' || r.name === name);
      if (runners.length === 0) {
        context.warn(
          `ordo projections rebuild: unknown read model '${wanted}': one of ${[...Object.keys(PROJECTION_ALIASES), ...all.map((r) => r.name)].join(', ')}, all`,
        );
        return EXIT.usage;
      }
      const total = await countEvents(eventStore);
      for (const runner of runners) await rebuild(runner, total, context);
      return EXIT.ok;
    } catch (error) {
      context.warn(`ordo projections rebuild: ${describeStoreError(error)}`);
      return EXIT.failed;
    } finally {
      await host.stop({ deadlineMs: 5_000 });
    }
  },
};

const rebuild = async (
  runner: ProjectionRunner<AnyEvent, unknown>,
  total: number,
  context: Parameters<CliCommand['run']>[1],
): Promise<void> => {
  const started = performance.now();
  await runner.rebuild();
  const progress = createProgress({ label: `rebuild ${runner.name}`, total, unit: 'events', stream: context.stdout });
  let done = 0;
  for (;;) {
    const n = await runner.step();
    if (n === 0) break;
    done += n;
    progress.update(done);
  }
  progress.finish();
  const position = (await runner.stored()).position;
  context.print(
    `rebuilt ${runner.name}: ${done} events folded in ${formatDuration(performance.now() - started)}, now at position ${position ?? 'none'}`,
  );
};
