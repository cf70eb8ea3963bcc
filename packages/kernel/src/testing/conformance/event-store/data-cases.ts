import type { EventMetadata } from '../../../model/event-metadata';
import type { RecordedEvent } from '../../../event-store/recorded-event';
import { check, equal, equalDeep } from '../shared/assert';
import { type CaseContext, collect, readAllPages, within } from './fixtures';
import { withStore } from './fixtures';
import type { ConformanceCase } from './types';

const c = (name: string, body: (ctx: CaseContext) => Promise<void>): ConformanceCase => ({
  name,
  run: (factory) => withStore(factory, body),
});

/** Reads one stream back through readStream, readAll and a subscription; all three must agree. */
const readThreeWays = async (ctx: CaseContext, streamId: string, count: number): Promise<RecordedEvent[]> => {
  const fromStream = await ctx.store.readStream(streamId);
  const fromAll = (await ctx.ownAll()).filter((e) => e.streamId === streamId);
  const sub = collect(ctx, { after: ctx.start, keep: (e) => e.streamId === streamId });
  try {
    await sub.until(count, `subscription delivery of ${streamId}`);
  } finally {
    await sub.subscription.stop();
  }
  equal(fromStream.length, count, `events read from ${streamId}`);
  equalDeep(fromAll, fromStream, `${streamId} through readAll and readStream`);
  equalDeep(sub.events, fromStream, `${streamId} through a subscription and readStream`);
  return [...fromStream];
};

/** A deep copy of plain JSON data (the suite may not rely on any runtime's structuredClone). */
const structuredCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every kind of JSON value, nested. */
const jsonSample = {
  text: 'plain',
  empty: '',
  integer: 42,
  negative: -17,
  float: 3.141592653589793,
  tiny: 5e-324,
  big: 9007199254740991,
  exponent: 1.5e300,
  zero: 0,
  yes: true,
  no: false,
  nothing: null,
  list: [1, 'two', { three: 3 }, [4, [5]], null, false],
  emptyList: [],
  emptyObject: {},
  nested: { a: { b: { c: { d: { e: { f: 'deep' } } } } } },
  'key with spaces': 1,
  'key.with.dots': 2,
  $dollar: 3,
};

const unicodeSample = {
  emoji: '😀 👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇫🇷',
  cjk: '漢字 かな カナ 한국어 中文',
  rtl: 'مرحبا بالعالم — שלום עולם',
  combining: 'e\u0301 a\u0308 n\u0303 Z\u0351\u0300\u0317',
  precomposed: '\u00e9 \u00e4 \u00f1',
  astral: '𝕏 𝄞 𐍈 🜁',
  invisible: 'zero\u200bwidth\u200djoiner\ufeffbom',
  separators: 'line\u2028paragraph\u2029end',
  controls: 'tab\there\nnew line\r\nbell\u0007esc\u001b',
  quoting: 'quote " backslash \\ slash / apostrophe \'',
  escapes: '\\u0041 is not A, \\n is not a newline',
  keys: { clé: 1, 键: 2, '🔑': 3, مفتاح: 4 },
};

/** Metadata, payload fidelity and tenant filtering. */
export const dataCases: ReadonlyArray<ConformanceCase> = [
  c('metadata: every field round-trips exactly', async (ctx) => {
    const s = ctx.stream('meta');
    const full: EventMetadata = {
      eventId: ctx.id('full'),
      correlationId: ctx.id('correlation'),
      causationId: ctx.id('causation'),
      occurredAt: '2024-02-29T23:59:59.999Z',
      tenantId: ctx.tenant('acme'),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      schemaVersion: 3,
      commandId: ctx.id('command'),
      headers: { 'x-origin': 'conformance', 'x-unicode': 'héllo 世界 🙂', 'x-empty': '' },
    };
    const minimal: EventMetadata = {
      eventId: ctx.id('minimal'),
      correlationId: ctx.id('correlation'),
      causationId: ctx.id('full'),
      occurredAt: '2024-03-01T00:00:00.000Z',
    };
    await ctx.store.appendToStream(s, [
      { event: { type: 'Full' }, metadata: full },
      { event: { type: 'Minimal' }, metadata: minimal },
    ]);
    const [a, b] = await readThreeWays(ctx, s, 2);
    equalDeep(a!.metadata, full, 'metadata with every field');
    equalDeep(b!.metadata, minimal, 'metadata with the required fields only');
    check(b!.metadata.tenantId === undefined, 'an absent tenantId stays absent');
    check(b!.metadata.schemaVersion === undefined || b!.metadata.schemaVersion === 1, 'schemaVersion is absent or 1');
  }),

  c('data: every kind of JSON value round-trips exactly', async (ctx) => {
    const s = ctx.stream('json');
    await ctx.store.appendToStream(s, [
      ctx.event('Sample', jsonSample),
      ctx.event('WithUndefined', { kept: 1, dropped: undefined }),
    ]);
    const [a, b] = await readThreeWays(ctx, s, 2);
    equalDeep(a!.event, { ...jsonSample, type: 'Sample' }, 'JSON sample');
    equalDeep(b!.event, { type: 'WithUndefined', kept: 1 }, 'an undefined property is dropped, as JSON does');
  }),

  c('data: a payload of about 1 MB round-trips exactly', async (ctx) => {
    const s = ctx.stream('large');
    const chunk = 'The quick brown fox jumps over the lazy dog. Ünïcödé ✓ 漢字 🙂\n';
    const text = chunk.repeat(Math.ceil(700_000 / chunk.length));
    const items = Array.from({ length: 5000 }, (_, i) => ({ i, sku: `sku-${i}`, price: i * 1.25, tags: ['a', 'b'] }));
    const large = ctx.event('Large', { text, items });
    await ctx.store.appendToStream(s, [large, ctx.event('After')]);
    const [a, b] = await readThreeWays(ctx, s, 2);
    equal((a!.event as unknown as { text: string }).text.length, text.length, 'length of the large text');
    equalDeep(a!.event, large.event, 'the large event');
    equal(b!.event.type, 'After', 'the event after the large one');
  }),

  c('data: unicode text round-trips exactly, in data, metadata and stream ids', async (ctx) => {
    const s = ctx.stream('ünïcødé流🙂');
    const nfc = ctx.stream('caf\u00e9');
    const nfd = ctx.stream('cafe\u0301');
    const event = ctx.event('Unicode', unicodeSample, {
      correlationId: ctx.id('corrélation-相关-🔗'),
      headers: { 'x-note': 'שלום 👋 e\u0301' },
    });
    await ctx.store.appendToStream(s, [event]);
    await ctx.store.appendToStream(nfc, [ctx.event('Precomposed')], { expectedVersion: 'no_stream' });
    await ctx.store.appendToStream(nfd, [ctx.event('Decomposed')], { expectedVersion: 'no_stream' });
    const [read] = await readThreeWays(ctx, s, 1);
    equalDeep(read!.event, event.event, 'unicode event data');
    equalDeep(read!.metadata, event.metadata, 'unicode metadata');
    equal(read!.streamId, s, 'unicode stream id');
    const combining = (read!.event as unknown as { combining: string }).combining;
    equal(combining, unicodeSample.combining, 'combining characters are not normalised');
    equalDeep(
      (await ctx.store.readStream(nfc)).map((e) => e.event.type),
      ['Precomposed'],
      'NFC and NFD stream ids are different streams (NFC)',
    );
    equalDeep(
      (await ctx.store.readStream(nfd)).map((e) => e.event.type),
      ['Decomposed'],
      'NFC and NFD stream ids are different streams (NFD)',
    );
  }),

  c('data: stored events do not change when the caller mutates what it appended or read', async (ctx) => {
    const s = ctx.stream('isolated');
    const original = { lines: [{ sku: 'a', quantity: 1 }], note: 'first' };
    const appended = ctx.event('Isolated', structuredCopy(original), { headers: { h: 'v' } });
    await ctx.store.appendToStream(s, [appended]);
    const expected = { event: structuredCopy(appended.event), metadata: structuredCopy(appended.metadata) };
    const data = appended.event as unknown as typeof original;
    data.lines[0]!.quantity = 99;
    data.lines.push({ sku: 'b', quantity: 2 });
    data.note = 'changed';
    (appended.metadata.headers as Record<string, string>)['h'] = 'changed';
    const [read] = await ctx.store.readStream(s);
    equalDeep(read!.event, expected.event, 'event data after the caller changed its object');
    equalDeep(read!.metadata, expected.metadata, 'metadata after the caller changed its object');
    // Changing what was read must not change the store either (a frozen object may refuse).
    try {
      const readData = read!.event as unknown as typeof original;
      readData.lines[0]!.quantity = 7;
      readData.note = 'changed after read';
    } catch {
      // A store handing out frozen objects refuses the change: that is fine.
    }
    const [again] = await ctx.store.readStream(s);
    equalDeep(again!.event, expected.event, 'event data after the reader changed its copy');
  }),

  c('tenant: readStream, readAll and subscribeToAll return only the given tenant', async (ctx) => {
    const t1 = ctx.tenant('one');
    const t2 = ctx.tenant('two');
    const s1 = ctx.stream('tenantOne');
    const s2 = ctx.stream('tenantTwo');
    const mixed = ctx.stream('mixed');
    const none = ctx.stream('noTenant');
    const live = collect(ctx, { after: ctx.start, tenantId: t2, keep: () => true });
    try {
      await ctx.store.appendToStream(s1, [ctx.event('A', {}, { tenantId: t1 }), ctx.event('B', {}, { tenantId: t1 })]);
      await ctx.store.appendToStream(s2, [ctx.event('C', {}, { tenantId: t2 })]);
      await ctx.store.appendToStream(none, [ctx.event('D')]);
      await ctx.store.appendToStream(mixed, [
        ctx.event('E', {}, { tenantId: t1 }),
        ctx.event('F', {}, { tenantId: t2 }),
        ctx.event('G', {}, { tenantId: t1 }),
      ]);
      const types = (events: ReadonlyArray<RecordedEvent>) => events.map((e) => e.event.type);
      equalDeep(types(await ctx.store.readStream(mixed, { tenantId: t1 })), ['E', 'G'], 'readStream for tenant one');
      equalDeep(types(await ctx.store.readStream(mixed, { tenantId: t2 })), ['F'], 'readStream for tenant two');
      equalDeep(
        types(await ctx.store.readStream(mixed, { tenantId: t1, direction: 'backwards' })),
        ['G', 'E'],
        'readStream backwards for tenant one',
      );
      equalDeep(types(await ctx.store.readStream(s1, { tenantId: t2 })), [], "readStream of another tenant's stream");
      equalDeep(types(await ctx.store.readStream(none, { tenantId: t1 })), [], 'readStream of a stream without tenant');
      // readAll with a tenant: unfiltered by stream, so every result must carry the tenant.
      for (const pageSize of [1, 2, 100]) {
        const one = await readAllPages(ctx.store, { after: ctx.start, pageSize, tenantId: t1 });
        equalDeep(types(one), ['A', 'B', 'E', 'G'], `readAll for tenant one, pages of ${pageSize}`);
        check(
          one.every((e) => e.metadata.tenantId === t1),
          'readAll with a tenant returns only that tenant',
        );
      }
      await live.until(2, 'subscription for tenant two');
      await ctx.store.appendToStream(s2, [ctx.event('H', {}, { tenantId: t2 }), ctx.event('I', {}, { tenantId: t1 })]);
      await live.until(3, 'live event for tenant two');
      await ctx.store.appendToStream(s2, [ctx.event('J', {}, { tenantId: t2 })]);
      await live.until(4, 'second live event for tenant two');
      equalDeep(types(live.events), ['C', 'F', 'H', 'J'], 'subscription for tenant two');
      check(
        live.events.every((e) => e.metadata.tenantId === t2),
        'a tenant subscription delivers only that tenant',
      );
    } finally {
      await within(live.subscription.stop(), ctx.timeoutMs, 'stop()');
    }
  }),
];
