import type { Snapshot, SnapshotStore } from '../../../snapshots/snapshot-store';
import { equal, equalDeep, expectInvalidInput, rejection, show } from '../shared/assert';
import { uniqueName } from '../shared/unique';
import type { SnapshotStoreConformanceCase, SnapshotStoreConformanceFactory } from './types';

/** What a case works with: a store, and stream ids no other case or run uses. */
interface SnapshotContext {
  readonly store: SnapshotStore;
  readonly stream: (name: string) => string;
}

const c = (name: string, body: (ctx: SnapshotContext) => Promise<void>): SnapshotStoreConformanceCase => ({
  name,
  run: async (factory: SnapshotStoreConformanceFactory) => {
    const store = await factory.create();
    const prefix = uniqueName('snapshot');
    try {
      await body({ store, stream: (n) => `${n}-${prefix}` });
    } finally {
      await factory.dispose?.(store);
    }
  },
});

const snapshot = (streamId: string, version: bigint, deciderVersion = 'v1', state: unknown = { at: `${version}` }) =>
  ({ streamId, version, deciderVersion, state }) as Snapshot;

/** Loads and asserts the stored version (or that nothing is stored). */
const expectVersion = async (
  store: SnapshotStore,
  streamId: string,
  deciderVersion: string,
  version: bigint | undefined,
  what: string,
) => {
  const loaded = await store.load(streamId, deciderVersion);
  equal(loaded?.version, version, `${what}: version loaded for ${streamId} / ${deciderVersion}`);
  if (loaded !== undefined) {
    equal(loaded.streamId, streamId, `${what}: streamId of the loaded snapshot`);
    equal(loaded.deciderVersion, deciderVersion, `${what}: deciderVersion of the loaded snapshot`);
    equalDeep(loaded.state, { at: `${version}` }, `${what}: state of the loaded snapshot`);
  }
};

/**
 * What the `SnapshotStore` port promises: `load` answers the latest snapshot of a stream taken by
 * that decider version (others are ignored); a save older than the stored one is ignored; the
 * state is stored as JSON; bad input is refused with one code per problem on every adapter.
 * Two saves of the same version are not compared: a deterministic `evolve` gives the same state.
 */
export const snapshotStoreConformanceCases: ReadonlyArray<SnapshotStoreConformanceCase> = [
  c('snapshot store: load answers undefined before any save', async ({ store, stream }) => {
    equal(await store.load(stream('never'), 'v1'), undefined, 'load of a stream never snapshotted');
  }),

  c('snapshot store: save then load round-trips the snapshot and its JSON state', async ({ store, stream }) => {
    const states: ReadonlyArray<unknown> = [
      {
        lines: [
          { sku: 'a-1', quantity: 2, price: 19.99 },
          { sku: 'b', quantity: 1, price: 0 },
        ],
        customer: { name: 'Zoë 😀 漢字', tags: [], notes: null },
        open: true,
        total: 9007199254740991,
      },
      null,
      0,
      'plain text',
      [],
    ];
    for (const [i, state] of states.entries()) {
      const s = stream(`round-trip${i}`);
      await store.save({ streamId: s, version: 41n, deciderVersion: 'orders@3', state });
      equalDeep(
        await store.load(s, 'orders@3'),
        { streamId: s, version: 41n, deciderVersion: 'orders@3', state },
        `the loaded snapshot of state ${show(state)}`,
      );
    }
    const big = stream('big-version');
    await store.save(snapshot(big, 2n ** 53n + 1n));
    await expectVersion(store, big, 'v1', 2n ** 53n + 1n, 'a version beyond 2^53');
  }),

  c('snapshot store: the newest version wins; an older save is ignored', async ({ store, stream }) => {
    const s = stream('order');
    await store.save(snapshot(s, 5n));
    await expectVersion(store, s, 'v1', 5n, 'after saving 5n');
    await store.save(snapshot(s, 3n));
    await expectVersion(store, s, 'v1', 5n, 'after saving an older 3n');
    await store.save(snapshot(s, 0n));
    await expectVersion(store, s, 'v1', 5n, 'after saving an older 0n');
    await store.save(snapshot(s, 9n));
    await expectVersion(store, s, 'v1', 9n, 'after saving a newer 9n');
  }),

  c('snapshot store: another decider version is ignored; each decider version keeps its own', async (ctx) => {
    const s = ctx.stream('order');
    await ctx.store.save(snapshot(s, 5n, 'v1'));
    equal(await ctx.store.load(s, 'v2'), undefined, 'load with a decider version never saved');
    await ctx.store.save(snapshot(s, 2n, 'v2'));
    await expectVersion(ctx.store, s, 'v1', 5n, 'v1 after an older v2 save');
    await expectVersion(ctx.store, s, 'v2', 2n, 'v2 beside a newer v1');
    await ctx.store.save(snapshot(s, 8n, 'v2'));
    await expectVersion(ctx.store, s, 'v1', 5n, 'v1 after a newer v2 save');
    await expectVersion(ctx.store, s, 'v2', 8n, 'v2 after its newer save');
    equal(await ctx.store.load(s, 'v1 '), undefined, 'a decider version is compared exactly');
  }),

  c('snapshot store: streams are independent', async ({ store, stream }) => {
    const a = stream('a');
    const b = stream('b');
    await store.save(snapshot(a, 7n));
    equal(await store.load(b, 'v1'), undefined, 'a stream without a snapshot beside one with');
    equal(await store.load(`${a}x`, 'v1'), undefined, 'a stream whose id extends a snapshotted one');
    await store.save(snapshot(b, 1n));
    await expectVersion(store, a, 'v1', 7n, 'the first stream after saving the second');
    await expectVersion(store, b, 'v1', 1n, 'the second stream');
  }),

  c('snapshot store: concurrent saves keep the newest version', async ({ store, stream }) => {
    const s = stream('contended');
    await Promise.all([3n, 7n, 1n, 5n, 2n, 6n, 4n].map((v) => store.save(snapshot(s, v))));
    await expectVersion(store, s, 'v1', 7n, 'after concurrent saves of 1n..7n');
  }),

  c(
    'snapshot store: the stored state is a copy: changing the saved or the loaded object changes nothing',
    async (ctx) => {
      const s = ctx.stream('copied');
      const state = { items: ['a'], nested: { n: 1 } };
      await ctx.store.save({ streamId: s, version: 1n, deciderVersion: 'v1', state });
      state.items.push('changed after save');
      state.nested.n = 99;
      const loaded = await ctx.store.load(s, 'v1');
      equalDeep(loaded?.state, { items: ['a'], nested: { n: 1 } }, 'state after changing the saved object');
      try {
        (loaded!.state as { items: string[] }).items.push('changed after load');
      } catch {
        // A store may hand out frozen state; refusing the change is just as good.
      }
      equalDeep(
        (await ctx.store.load(s, 'v1'))?.state,
        { items: ['a'], nested: { n: 1 } },
        'state after changing a loaded object',
      );
    },
  ),

  c('snapshot store: a bad snapshot is refused with one code per problem and nothing is stored', async (ctx) => {
    const s = ctx.stream('bad');
    const attempts: ReadonlyArray<readonly [string, Record<string, unknown>, string, string]> = [
      ['a negative version', { version: -1n }, 'invalid_snapshot', 'version'],
      ['a numeric version', { version: 1 }, 'invalid_snapshot', 'version'],
      ['no version', { version: undefined }, 'invalid_snapshot', 'version'],
      ['an empty deciderVersion', { deciderVersion: '' }, 'invalid_snapshot', 'deciderVersion'],
      ['a numeric deciderVersion', { deciderVersion: 3 }, 'invalid_snapshot', 'deciderVersion'],
      ['an empty stream id', { streamId: '' }, 'empty_stream_id', 'streamId'],
      ['a numeric stream id', { streamId: 42 }, 'invalid_stream_id', 'streamId'],
      ['no state', { state: undefined }, 'not_serialisable', 'state'],
      ['a bigint in the state', { state: { total: 10n } }, 'not_serialisable', 'state.total'],
      ['a Date in the state', { state: { at: new Date(0) } }, 'not_serialisable', 'state.at'],
      ['NaN in the state', { state: { ratio: Number.NaN } }, 'not_serialisable', 'state.ratio'],
    ];
    for (const [what, fields, code, path] of attempts) {
      const bad = { ...snapshot(s, 4n), ...fields } as Snapshot;
      const error = await rejection(() => ctx.store.save(bad), `save of a snapshot with ${what}`);
      expectInvalidInput(error, code, `save of a snapshot with ${what}`, path);
    }
    equal(await ctx.store.load(s, 'v1'), undefined, 'nothing stored by the refused saves');
  }),

  c('snapshot store: load with a bad stream id or decider version is refused', async ({ store, stream }) => {
    const s = stream('loaded');
    const attempts: ReadonlyArray<readonly [string, () => Promise<unknown>, string, string]> = [
      ['an empty stream id', () => store.load('', 'v1'), 'empty_stream_id', 'streamId'],
      ['a numeric stream id', () => store.load(42 as unknown as string, 'v1'), 'invalid_stream_id', 'streamId'],
      ['an empty decider version', () => store.load(s, ''), 'invalid_decider_version', 'deciderVersion'],
      [
        'a numeric decider version',
        () => store.load(s, 7 as unknown as string),
        'invalid_decider_version',
        'deciderVersion',
      ],
    ];
    for (const [what, attempt, code, path] of attempts) {
      expectInvalidInput(await rejection(attempt, `load with ${what}`), code, `load with ${what}`, path);
    }
  }),
];
