import type { CaseResult, Target } from './case-result';
import type { PeerResult } from './measure';

/** The figure a case compares: events/s or ops/s. */
export const figure = (c: CaseResult, peer: PeerResult | undefined): number | undefined =>
  peer === undefined ? undefined : c.metric === 'events' ? peer.eventsPerSecond : peer.opsPerSecond;

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

/** The peer a target or a ratio column compares Ordo with. */
const peerOf = (c: CaseResult, against: Target['against']): PeerResult | undefined =>
  against === 'emmett' ? c.emmett : c.ceiling;

/**
 * The lowest and highest of Ordo's per-round ratios over a peer. The peers take turns within
 * each round (measurePeers), so run i of one peer and run i of the other share round i. The runs
 * hold events/s; the peers of a case do the same work per run, so the ratio is the same in ops/s.
 */
const roundRange = (ordo: PeerResult, peer: PeerResult | undefined): readonly [number, number] | undefined => {
  if (peer === undefined || peer.runs.length !== ordo.runs.length || ordo.runs.length === 0) return undefined;
  const each = ordo.runs.map((r, i) => r / Math.max(peer.runs[i]!, 1e-9));
  return [Math.min(...each), Math.max(...each)];
};

/** Whether Ordo met one target (on the median ratio): undefined when the peer is N/A. */
const met = (c: CaseResult, target: Target): boolean | undefined => {
  const r = ratio(figure(c, c.ordo), figure(c, peerOf(c, target.against)));
  return r === undefined ? undefined : r >= target.ratio;
};

/** Whether Ordo met every target of the case: undefined when it has none or a peer is N/A. */
export const targetMet = (c: CaseResult): boolean | undefined => {
  const each = (c.targets ?? []).map((t) => met(c, t));
  return each.length === 0 || each.includes(undefined) ? undefined : each.every(Boolean);
};

/** The ratios of a case for the JSON: medians, each with its lowest and highest round, and each target's verdict. */
export const ratios = (c: CaseResult) => ({
  ordoOverEmmett: ratio(figure(c, c.ordo), figure(c, c.emmett)),
  ordoOverEmmettRange: roundRange(c.ordo, c.emmett),
  ordoOverCeiling: ratio(figure(c, c.ordo), figure(c, c.ceiling)),
  ordoOverCeilingRange: roundRange(c.ordo, c.ceiling),
  targets: c.targets?.map((t) => ({ ...t, met: met(c, t) })),
});

const rate = (n: number | undefined): string => {
  if (n === undefined) return 'N/A';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}k`;
  return n.toFixed(0);
};

const num = (r: number): string => r.toFixed(r >= 10 ? 1 : 2);

/** The median ratio, then in brackets the lowest and highest round: `2.43x (2.31-2.60)`. */
const times = (r: number | undefined, range: readonly [number, number] | undefined): string =>
  r === undefined ? '-' : range === undefined ? `${num(r)}x` : `${num(r)}x (${num(range[0])}-${num(range[1])})`;

/** The results as a fixed-width table, one row per case. */
export const formatTable = (cases: ReadonlyArray<CaseResult>): string => {
  const header = ['case', 'unit', 'ordo', 'emmett', 'ceiling', 'ordo/emmett', 'ordo/ceiling', 'target', 'met?'];
  const rows = cases.map((c) => {
    const r = ratios(c);
    return [
      c.name,
      c.metric === 'events' ? 'events/s' : 'cmds/s',
      rate(figure(c, c.ordo)),
      c.emmett === undefined ? 'N/A' : rate(figure(c, c.emmett)),
      c.ceiling === undefined ? '-' : rate(figure(c, c.ceiling)),
      times(r.ordoOverEmmett, r.ordoOverEmmettRange),
      times(r.ordoOverCeiling, r.ordoOverCeilingRange),
      r.targets === undefined ? '-' : r.targets.map((t) => `>= ${t.ratio}x ${t.against}`).join(', '),
      r.targets === undefined
        ? '-'
        : r.targets.map((t) => (t.met === undefined ? '-' : t.met ? 'yes' : 'NO')).join(', '),
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
