/** The text `ordo load` prints after a run, and the JSON it writes with `--json`. */
import type { Histogram } from './histogram';
import type { LoadReport } from './run-load';

/** Upper bounds (ms) of the rows of the printed latency histogram. */
export const HISTOGRAM_BOUNDS_MS: ReadonlyArray<number> = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/** `0.42`, `3.1`, `12`, `1,234`. */
export const formatMs = (ms: number): string =>
  ms >= 100 ? Math.round(ms).toLocaleString('en-US') : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, indent = '  '): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    `${indent}${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
};

const boundLabel = (ms: number, previous: number | undefined): string =>
  ms === Infinity ? `> ${formatMs(previous ?? 0)}` : `<= ${formatMs(ms)}`;

/**
 * Rows of latency ranges, one column per operation, and a bar of the share of all requests in
 * the range. Leading and trailing empty rows are left out.
 */
export const histogramLines = (histograms: ReadonlyArray<readonly [string, Histogram]>): string[] => {
  const columns = histograms.filter(([, h]) => h.count > 0);
  if (columns.length === 0) return ['  (no successful requests)'];
  const distributions = columns.map(([, h]) => h.distribution(HISTOGRAM_BOUNDS_MS));
  const rowCount = HISTOGRAM_BOUNDS_MS.length + 1;
  const totals = Array.from({ length: rowCount }, (_, r) => distributions.reduce((n, d) => n + (d[r]?.count ?? 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const first = totals.findIndex((n) => n > 0);
  const last = rowCount - 1 - [...totals].reverse().findIndex((n) => n > 0);
  const rows: string[][] = [];
  for (let r = first; r <= last; r++) {
    const bound = r < HISTOGRAM_BOUNDS_MS.length ? HISTOGRAM_BOUNDS_MS[r]! : Infinity;
    const share = all === 0 ? 0 : totals[r]! / all;
    rows.push([
      boundLabel(bound, HISTOGRAM_BOUNDS_MS[HISTOGRAM_BOUNDS_MS.length - 1]),
      ...distributions.map((d) => String(d[r]?.count ?? 0)),
      `${'#'.repeat(Math.round(share * 30)).padEnd(30)} ${(share * 100).toFixed(1).padStart(5)}%`,
    ]);
  }
  return table(['ms', ...columns.map(([name]) => name), 'all requests'], rows);
};

const count = (n: number) => n.toLocaleString('en-US');

/** The summary `ordo load` prints: throughput, latencies per operation, histogram, outcomes, invariants. */
export const describeLoad = (report: LoadReport): string => {
  const lines: string[] = [];
  lines.push(
    `ordo load: ${count(report.sessions)} sessions in ${report.loadSeconds.toFixed(1)} s against ${report.url} (${report.mode}, ${report.customers} customers, seed ${report.randomSeed})`,
  );
  lines.push(
    `throughput  ${report.ordersPerSecond.toFixed(1)} orders placed/s, ${report.requestsPerSecond.toFixed(1)} requests/s` +
      (report.maxLagMs > 100 ? ` (behind the rate by up to ${formatMs(report.maxLagMs)} ms)` : ''),
  );
  lines.push('');
  lines.push('latency (ms, successful requests)');
  lines.push(
    ...table(
      ['operation', 'ok', 'failed', 'p50', 'p90', 'p99', 'max'],
      report.operations.map((o) => [
        o.operation,
        count(o.ok),
        count(o.failed),
        formatMs(o.p50Ms),
        formatMs(o.p90Ms),
        formatMs(o.p99Ms),
        formatMs(o.maxMs),
      ]),
    ),
  );
  lines.push('');
  lines.push('latency histogram (requests per range)');
  const stats = report.client.stats();
  lines.push(
    ...histogramLines(
      report.operations.flatMap((o) => {
        const s = stats.get(o.operation);
        return s === undefined ? [] : [[o.operation, s.histogram] as const];
      }),
    ),
  );
  lines.push('');
  const { placed, completed, cancelled, open, failures } = report.outcomes;
  const cancelledTotal = Object.values(cancelled).reduce((a, b) => a + b, 0);
  const failedTotal = Object.values(failures).reduce((a, b) => a + b, 0);
  const list = (record: Readonly<Record<string, number>>) =>
    Object.entries(record)
      .sort(([, a], [, b]) => b - a)
      .map(([k, n]) => `${k}: ${count(n)}`)
      .join(', ');
  lines.push('outcomes');
  lines.push(`  placed           ${count(placed)}`);
  lines.push(`  completed        ${count(completed)}`);
  lines.push(`  cancelled        ${count(cancelledTotal)}${cancelledTotal === 0 ? '' : ` (${list(cancelled)})`}`);
  if (open > 0) lines.push(`  still open       ${count(open)}`);
  lines.push(`  failed requests  ${count(failedTotal)}${failedTotal === 0 ? '' : ` (${list(failures)})`}`);
  if (Object.keys(failures).some((k) => k.includes(' 429'))) {
    lines.push(
      "  (429: the server's rate limits; run 'ordo serve' with larger --rate-limit / --auth-rate-limit for load tests)",
    );
  }
  lines.push('');
  lines.push('invariants');
  for (const i of report.invariants) {
    lines.push(`  ${i.ok === undefined ? 'skip' : i.ok ? 'ok  ' : 'FAIL'}  ${i.name}: ${i.detail}`);
  }
  lines.push(report.ok ? 'all invariants hold' : 'INVARIANTS BROKEN');
  return lines.join('\n');
};

/** The report as JSON (`--json FILE`): figures only, no tokens, no passwords. */
export const loadJson = (report: LoadReport): unknown => ({
  url: report.url,
  runId: report.runId,
  randomSeed: report.randomSeed,
  mode: report.mode,
  customers: report.customers,
  products: report.products,
  sessions: report.sessions,
  loadSeconds: Math.round(report.loadSeconds * 1000) / 1000,
  ordersPerSecond: Math.round(report.ordersPerSecond * 10) / 10,
  requestsPerSecond: Math.round(report.requestsPerSecond * 10) / 10,
  operations: report.operations.map((o) => ({
    ...o,
    p50Ms: Math.round(o.p50Ms * 100) / 100,
    p90Ms: Math.round(o.p90Ms * 100) / 100,
    p99Ms: Math.round(o.p99Ms * 100) / 100,
    maxMs: Math.round(o.maxMs * 100) / 100,
    meanMs: Math.round(o.meanMs * 100) / 100,
  })),
  outcomes: report.outcomes,
  settleSeconds: Math.round(report.settleSeconds * 10) / 10,
  invariants: report.invariants,
  ok: report.ok,
});
