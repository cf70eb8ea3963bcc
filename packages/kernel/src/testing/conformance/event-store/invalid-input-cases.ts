import type { AppendOptions } from '../../../event-store/event-store';
import type { NewEvent } from '../../../event-store/recorded-event';
import { equal, equalDeep, expectInvalidInput, rejection } from '../shared/assert';
import { type CaseContext, readAllPages, withStore } from './fixtures';
import type { ConformanceCase } from './types';

/** Every event of this case anywhere in `$all` (not only on its streams), by id. */
const writtenByCase = async (ctx: CaseContext): Promise<string[]> =>
  (await readAllPages(ctx.store, { after: ctx.start }))
    .filter((e) => e.metadata.eventId.startsWith(`${ctx.ns}:`))
    .map((e) => `${e.streamId}:${e.metadata.eventId}`);

/**
 * Runs each bad append against a missing stream and against an existing one, and checks the
 * InvalidInputError code and that nothing at all was written.
 */
const rejectsAll = async (
  ctx: CaseContext,
  code: string,
  attempts: ReadonlyArray<readonly [string, (streamId: string) => Promise<unknown>]>,
) => {
  const existing = ctx.stream('existing');
  if ((await ctx.store.readStream(existing)).length === 0) {
    await ctx.store.appendToStream(existing, [ctx.event('Valid')], { expectedVersion: 'no_stream' });
  }
  const before = await writtenByCase(ctx);
  for (const [index, [label, attempt]] of attempts.entries()) {
    const missing = ctx.stream(`missing${index}`);
    for (const streamId of [missing, existing]) {
      const error = await rejection(() => attempt(streamId), `${label} on ${streamId}`);
      expectInvalidInput(error, code, `${label} on ${streamId === missing ? 'a missing' : 'an existing'} stream`);
    }
    equalDeep(await ctx.store.readStream(missing), [], `${label}: the missing stream still does not exist`);
  }
  equal((await ctx.store.readStream(existing)).length, 1, 'events of the existing stream');
  equalDeep(await writtenByCase(ctx), before, 'nothing was written by the rejected appends');
};

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Appends a batch as it is, bypassing the static types (the suite checks runtime validation). */
const appendRaw = (ctx: CaseContext, streamId: string, events: unknown, options?: unknown) =>
  ctx.store.appendToStream(streamId, events as ReadonlyArray<NewEvent>, options as AppendOptions);

/** Bad input: a clear `InvalidInputError` and nothing written. */
export const invalidInputCases: ReadonlyArray<ConformanceCase> = [
  c('invalid input: an empty or blank stream id is rejected and nothing is written', async (ctx) => {
    const before = await writtenByCase(ctx);
    for (const streamId of ['', ' ', '   \t  ', '\n']) {
      const error = await rejection(
        () => ctx.store.appendToStream(streamId, [ctx.event('A')]),
        `stream id ${JSON.stringify(streamId)}`,
      );
      expectInvalidInput(error, 'empty_stream_id', `stream id ${JSON.stringify(streamId)}`);
    }
    for (const streamId of [42, null, undefined, `a\u0000b`, `line\nbreak-${ctx.ns}`, 'x'.repeat(513)]) {
      const error = await rejection(
        () => ctx.store.appendToStream(streamId as string, [ctx.event('A')]),
        `stream id ${String(streamId).slice(0, 20)}`,
      );
      expectInvalidInput(error, 'invalid_stream_id', `stream id ${JSON.stringify(String(streamId).slice(0, 20))}`);
    }
    equalDeep(await writtenByCase(ctx), before, 'nothing was written');
  }),

  c('invalid input: data JSON cannot carry is rejected and nothing is written', async (ctx) => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const cyclicArray: unknown[] = [1];
    cyclicArray.push(cyclicArray);
    const values: ReadonlyArray<readonly [string, unknown]> = [
      ['a bigint', 10n],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a cyclic object', cyclic],
      ['a cyclic array', cyclicArray],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['a Date instance', new Date(0)],
      ['a Map', new Map([['a', 1]])],
      [
        'a class instance',
        new (class Point {
          x = 1;
        })(),
      ],
      ['undefined inside an array', [1, undefined, 3]],
      [
        'a bigint deep inside',
        {
          lines: [
            { sku: 'a', quantity: 1 },
            { sku: 'b', quantity: 2n },
          ],
        },
      ],
    ];
    await rejectsAll(
      ctx,
      'not_serialisable',
      values.flatMap(([label, value]) => [
        [`event data holding ${label}`, (s: string) => appendRaw(ctx, s, [ctx.event('Bad', { value })])] as const,
        [
          `the second event of a batch holding ${label}`,
          (s: string) => appendRaw(ctx, s, [ctx.event('Good'), ctx.event('Bad', { nested: { value } })]),
        ] as const,
      ]),
    );
    await rejectsAll(ctx, 'not_serialisable', [
      [
        'metadata holding a Date',
        (s) =>
          appendRaw(ctx, s, [{ ...ctx.event('Bad'), metadata: { ...ctx.event('Bad').metadata, at: new Date(0) } }]),
      ],
    ]);
  }),

  c(
    'invalid input: missing metadata ids or mistyped metadata fields are rejected and nothing is written',
    async (ctx) => {
      const without = (field: string) => {
        const e = ctx.event('Bad');
        const metadata: Record<string, unknown> = { ...e.metadata };
        delete metadata[field];
        return { event: e.event, metadata };
      };
      const blank = (field: string) => {
        const e = ctx.event('Bad');
        return { event: e.event, metadata: { ...e.metadata, [field]: '' } };
      };
      const attempts: Array<readonly [string, (s: string) => Promise<unknown>]> = [];
      for (const field of ['eventId', 'correlationId', 'causationId', 'occurredAt']) {
        attempts.push([`metadata without ${field}`, (s) => appendRaw(ctx, s, [ctx.event('Good'), without(field)])]);
        attempts.push([`metadata with an empty ${field}`, (s) => appendRaw(ctx, s, [blank(field)])]);
        attempts.push([
          `metadata with a numeric ${field}`,
          (s) => appendRaw(ctx, s, [{ ...blank(field), metadata: { ...blank(field).metadata, [field]: 7 } }]),
        ]);
      }
      const optional = (fields: Record<string, unknown>) => {
        const e = ctx.event('Bad');
        return { event: e.event, metadata: { ...e.metadata, ...fields } };
      };
      attempts.push(['a header that is not a string', (s) => appendRaw(ctx, s, [optional({ headers: { n: 1n } })])]);
      attempts.push(['headers that are not a record', (s) => appendRaw(ctx, s, [optional({ headers: ['a'] })])]);
      attempts.push(['a numeric tenantId', (s) => appendRaw(ctx, s, [optional({ tenantId: 7 })])]);
      attempts.push(['a schemaVersion of 0', (s) => appendRaw(ctx, s, [optional({ schemaVersion: 0 })])]);
      attempts.push(['a fractional schemaVersion', (s) => appendRaw(ctx, s, [optional({ schemaVersion: 1.5 })])]);
      attempts.push(['an event without metadata', (s) => appendRaw(ctx, s, [{ event: { type: 'Bad' } }])]);
      attempts.push([
        'an event with null metadata',
        (s) => appendRaw(ctx, s, [{ event: { type: 'Bad' }, metadata: null }]),
      ]);
      await rejectsAll(ctx, 'invalid_metadata', attempts);
    },
  ),

  c('invalid input: an event without a string type is rejected and nothing is written', async (ctx) => {
    const meta = () => ctx.event('x').metadata;
    await rejectsAll(ctx, 'invalid_event', [
      ['an event without type', (s) => appendRaw(ctx, s, [{ event: { name: 'x' }, metadata: meta() }])],
      ['an event with an empty type', (s) => appendRaw(ctx, s, [{ event: { type: '' }, metadata: meta() }])],
      ['an event with a numeric type', (s) => appendRaw(ctx, s, [{ event: { type: 3 }, metadata: meta() }])],
      ['a null event', (s) => appendRaw(ctx, s, [ctx.event('Good'), { event: null, metadata: meta() }])],
      ['a batch entry that is not an object', (s) => appendRaw(ctx, s, [ctx.event('Good'), 'event'])],
    ]);
  }),

  c('invalid input: duplicate event ids inside one batch are rejected and nothing is written', async (ctx) => {
    await rejectsAll(ctx, 'duplicate_event_id', [
      [
        'the same event twice',
        (s) => {
          const e = ctx.event('Twice');
          return appendRaw(ctx, s, [e, e]);
        },
      ],
      [
        'two different events with one id',
        (s) => {
          const id = ctx.id(`dup-${s}`);
          return appendRaw(ctx, s, [ctx.event('First', {}, { eventId: id }), ctx.event('Second', {}, { eventId: id })]);
        },
      ],
      [
        'a repeated id at the end of a batch',
        (s) => {
          const first = ctx.event('A');
          return appendRaw(ctx, s, [
            first,
            ctx.event('B'),
            ctx.event('C'),
            { ...ctx.event('D'), metadata: first.metadata },
          ]);
        },
      ],
    ]);
  }),

  c('invalid input: an empty batch is rejected and nothing is written', async (ctx) => {
    await rejectsAll(ctx, 'empty_append', [
      ['an empty batch', (s) => appendRaw(ctx, s, [])],
      ['an empty batch with no_stream', (s) => appendRaw(ctx, s, [], { expectedVersion: 'no_stream' })],
      ['a batch that is not an array', (s) => appendRaw(ctx, s, null)],
    ]);
  }),

  c('invalid input: an invalid expectedVersion is rejected and nothing is written', async (ctx) => {
    await rejectsAll(
      ctx,
      'invalid_expected_version',
      ([-1n, -2n, 'latest', 'NO_STREAM', 1, 0, 1.5, null, {}] as const).map(
        (expectedVersion) =>
          [
            `expectedVersion ${typeof expectedVersion === 'bigint' ? `${expectedVersion}n` : JSON.stringify(expectedVersion)}`,
            (s: string) => appendRaw(ctx, s, [ctx.event('A')], { expectedVersion }),
          ] as const,
      ),
    );
  }),
];
