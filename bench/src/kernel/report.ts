import type { CaseResult } from './case-result';
import type { PeerResult } from './measure';

/** The figure a case compares: events/s or ops/s. */
export const figure = (c: CaseResult, peer: PeerResult | undefined): number | undefined =>
  peer === undefined ? undefined : c.metric === 'events' ? peer.eventsPerSecond : peer.opsPerSecond;

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

/** Whether Ordo met the case's target: undefined when it has none or the peer is N/A. */
export const targetMet = (c: CaseResult): boolean | undefined => {
  if (c.target === undefined) return undefined;
  const against = c.target.against === 'emmett' ? c.emmett : c.ceiling;
  const r = ratio(figure(c, c.ordo), figure(c, against));
  return r === undefined ? undefined : r >= c.target.ratio;
};

/** The ratios of a case, for the JSON. */
export const ratios = (c: CaseResult) => ({
  ordoOverEmmett: ratio(figure(c, c.ordo), figure(c, c.emmett)),
  ordoOverCeiling: ratio(figure(c, c.ordo), figure(c, c.ceiling)),
});

const rate = (n: number | undefined): string => {
  if (n === undefined) return 'N/A';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return n.toFixed(0);
};

const times = (r: number | undefined): string => (r === undefined ? '-' : `${r.toFixed(r >= 10 ? 1 : 2)}x`);

/** The results as a fixed-width table, one row per case. */
export const formatTable = (cases: ReadonlyArray<CaseResult>): string => {
  const header = ['case', 'unit', 'ordo', 'emmett', 'ceiling', 'ordo/emmett', 'ordo/ceiling', 'target', 'met?'];
  const rows = cases.map((c) => {
    const { ordoOverEmmett, ordoOverCeiling } = ratios(c);
    const met = targetMet(c);
    return [
      c.name,
      c.metric === 'events' ? 'events/s' : 'cmds/s',
      rate(figure(c, c.ordo)),
      c.emmett === undefined ? 'N/A' : rate(figure(c, c.emmett)),
      c.ceiling === undefined ? '-' : rate(figure(c, c.ceiling)),
      times(ordoOverEmmett),
      times(ordoOverCeiling),
      c.target === undefined ? '-' : `>= ${c.target.ratio}x ${c.target.against}`,
      met === undefined ? '-' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

/** Latency lines for the cases that recorded per-operation latencies. */
export const formatLatencies = (cases: ReadonlyArray<CaseResult>): string =>
  cases
    .flatMap((c) =>
      (
        [
          ['ordo', c.ordo],
          ['emmett', c.emmett],
        ] as const
      ).flatMap(([peer, r]) =>
        r?.p50Micros === undefined
          ? []
          : [`${c.name} [${peer}]: p50 ${r.p50Micros.toFixed(2)} us, p99 ${r.p99Micros!.toFixed(2)} us`],
      ),
    )
    .join('\n');
