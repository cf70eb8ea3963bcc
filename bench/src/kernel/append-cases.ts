import { type ExpectedStreamVersion, NO_CONCURRENCY_CHECK, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import type { ExpectedVersion } from '@ordo/kernel';
import { type AccountEvent, accountEvent } from './bank-account';
import { type CaseResult, type CaseSettings, scaled, twiceEmmett } from './case-result';
import { createCopyingLog } from './copying-log';
import { type RunResult, measurePeers } from './measure';
import { accountStream, newEmmettStore, newOrdoStore, ordoMetadata, toNewEvents } from './peers';
import { short } from './fold-cases';

/** The i-th append of a round-robin over `streams` streams: which stream, and the event there. */
const roundRobin = (appends: number, streams: number) => {
  const names = Array.from({ length: streams }, (_, s) => accountStream(s));
  const events = Array.from({ length: appends }, (_, i) => accountEvent(names[i % streams]!, Math.floor(i / streams)));
  return { names, events };
};

/**
 * Case 2: single-event appends, awaited one after the other, round-robin over the streams. With
 * expected versions the caller tracks each stream's version from the previous answer (Ordo: the
 * exact bigint revision, `'no_stream'` first; Emmett: its `expectedStreamVersion`, which counts
 * events). Every run starts from an empty store. Each append's latency is the time between two
 * consecutive completions.
 */
export const singleAppendCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const appends = scaled(settings, 100_000, 1000);
  const streams = scaled(settings, 1000, 10);
  const { names, events } = roundRobin(appends, streams);
  const { repetitions } = settings;

  const ordoRun = (checked: boolean) => async (): Promise<RunResult> => {
    const store = newOrdoStore();
    const versions = new Array<ExpectedVersion>(streams).fill(checked ? 'no_stream' : 'any');
    const latencies = new Float64Array(appends);
    const t0 = process.hrtime.bigint();
    let previous = t0;
    for (let i = 0; i < appends; i++) {
      const s = i % streams;
      const result = await store.appendToStream(names[s]!, [{ event: events[i]!, metadata: ordoMetadata() }], {
        expectedVersion: versions[s]!,
      });
      if (checked) versions[s] = result.nextExpectedVersion;
      const now = process.hrtime.bigint();
      latencies[i] = Number(now - previous);
      previous = now;
    }
    return { ops: appends, events: appends, ns: Number(previous - t0), latencies };
  };

  const emmettRun = (checked: boolean) => async (): Promise<RunResult> => {
    const store = newEmmettStore();
    const versions = new Array<ExpectedStreamVersion>(streams).fill(
      checked ? STREAM_DOES_NOT_EXIST : NO_CONCURRENCY_CHECK,
    );
    const latencies = new Float64Array(appends);
    const t0 = process.hrtime.bigint();
    let previous = t0;
    for (let i = 0; i < appends; i++) {
      const s = i % streams;
      const result = await store.appendToStream<AccountEvent>(names[s]!, [events[i]!], {
        expectedStreamVersion: versions[s]!,
      });
      if (checked) versions[s] = result.nextExpectedStreamVersion;
      const now = process.hrtime.bigint();
      latencies[i] = Number(now - previous);
      previous = now;
    }
    return { ops: appends, events: appends, ns: Number(previous - t0), latencies };
  };

  const label = `${short(appends)} x 1 event, ${short(streams)} streams`;
  const op = `append of 1 event (${appends.toLocaleString('en')} appends over ${streams} streams)`;
  const results: CaseResult[] = [];
  for (const checked of [true, false]) {
    const { ordo, emmett } = await measurePeers(repetitions, { ordo: ordoRun(checked), emmett: emmettRun(checked) });
    results.push({
      id: checked ? 'append.single.expected' : 'append.single.any',
      name: `append ${label}, ${checked ? 'expected ver.' : "'any'"}`,
      metric: 'events',
      op,
      ordo,
      emmett,
      targets: [twiceEmmett],
      notes: checked
        ? 'ordo: exact bigint expectedVersion from the previous answer; emmett: expectedStreamVersion likewise'
        : "ordo: expectedVersion 'any'; emmett: NO_CONCURRENCY_CHECK",
    });
  }
  return results;
};

/** Fails the benchmark unless a peer stored every event: the peers must do the same work. */
const checkStored = (peer: string, stored: number, expected: number): void => {
  if (stored !== expected) throw new Error(`${peer} stored ${stored} events, expected ${expected}`);
};

/**
 * Case 3: batched appends of 100 events, round-robin over 100 streams, with expected versions
 * (10 batches per stream at full size). Every run starts from an empty store.
 *
 * What is timed is the same per event as in case 2, for both peers: Ordo's caller wraps each event
 * with its metadata (a fresh UUID as event id) in the timed loop, exactly as a single append does;
 * Emmett draws a UUID per event inside its append. The domain events themselves are built before
 * the clock starts, for both. Per event, a batch saves each peer the per-append work (promise,
 * stream lookup, expected-version check), so both are faster per event than with single appends.
 *
 * The ceiling is {@link createCopyingLog}: frozen deep copies and records, nothing checked. It
 * bounds what Ordo could reach while it keeps frozen copies; its gap to Ordo is the price of the
 * checks (validation, id uniqueness, expected version).
 */
export const batchAppendCases = async (settings: CaseSettings): Promise<CaseResult[]> => {
  const batchSize = 100;
  const totalEvents = scaled(settings, 100_000, batchSize * 10);
  const batches = Math.floor(totalEvents / batchSize);
  const streams = Math.min(100, batches);
  const names = Array.from({ length: streams }, (_, s) => accountStream(s));
  const contents = Array.from({ length: batches }, (_, b) => {
    const stream = names[b % streams]!;
    const first = Math.floor(b / streams) * batchSize;
    return Array.from({ length: batchSize }, (_, k) => accountEvent(stream, first + k));
  });
  const { repetitions } = settings;
  const expected = batches * batchSize;

  const { ordo, emmett, ceiling } = await measurePeers(repetitions, {
    ordo: async () => {
      const store = newOrdoStore();
      const versions = new Array<ExpectedVersion>(streams).fill('no_stream');
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) {
        const s = b % streams;
        const result = await store.appendToStream(names[s]!, toNewEvents(contents[b]!), {
          expectedVersion: versions[s]!,
        });
        versions[s] = result.nextExpectedVersion;
      }
      const ns = Number(process.hrtime.bigint() - t0);
      checkStored('ordo', Number(store.lastPosition()), expected);
      return { ops: batches, events: expected, ns };
    },
    emmett: async () => {
      const store = newEmmettStore();
      const versions = new Array<ExpectedStreamVersion>(streams).fill(STREAM_DOES_NOT_EXIST);
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) {
        const s = b % streams;
        const result = await store.appendToStream<AccountEvent>(names[s]!, contents[b]!, {
          expectedStreamVersion: versions[s]!,
        });
        versions[s] = result.nextExpectedStreamVersion;
      }
      const ns = Number(process.hrtime.bigint() - t0);
      // Emmett's stream version counts the stream's events.
      checkStored('emmett', Number(versions.reduce((sum, v) => sum + (v as bigint), 0n)), expected);
      return { ops: batches, events: expected, ns };
    },
    ceiling: async () => {
      const log = createCopyingLog<AccountEvent>();
      const lengths = new Array<number>(streams).fill(0);
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) {
        const s = b % streams;
        lengths[s] = await log.append(names[s]!, toNewEvents(contents[b]!));
      }
      const ns = Number(process.hrtime.bigint() - t0);
      checkStored(
        'ceiling',
        lengths.reduce((sum, n) => sum + n, 0),
        expected,
      );
      return { ops: batches, events: expected, ns };
    },
  });
  return [
    {
      id: 'append.batch',
      name: `append ${short(batches)} x ${batchSize} events, ${streams} streams`,
      metric: 'events',
      op: `append of ${batchSize} events (${batches} appends over ${streams} streams, expected versions)`,
      ordo,
      emmett,
      ceiling,
      targets: [twiceEmmett],
      notes:
        'ordo builds each event metadata (a UUID event id) inside the timed loop; emmett draws a UUID per event inside its append; ' +
        'ceiling: frozen deep copies and records only, no validation, id index or version check (copying-log.ts)',
    },
  ];
};
