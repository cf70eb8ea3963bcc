/**
 * Progress of a long command: on a terminal one bar redrawn in place, with the rate and an ETA;
 * elsewhere (CI, a pipe, a file) plain lines, one per tenth of the work and one at the end, so a
 * log stays short and readable.
 */

/** Where progress goes: a stream with `write`, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being done (`sim`, `rebuild analytics.revenue`). */
  readonly label: string;
  /** Units of work in all (seeds, events); 0 when there is nothing to do. */
  readonly total: number;
  /** What a unit is, plural (`seeds`, `events`). */
  readonly unit: string;
  readonly stream: ProgressStream;
  /** Draw a bar (a terminal) or print plain lines; defaults to `stream.isTTY`. */
  readonly tty?: boolean;
  /** Milliseconds now; defaults to `performance.now`. */
  readonly now?: () => number;
}

/** A running progress display. */
export interface Progress {
  /** `done` units of `total` are done; `note` says more (`2 failed`). */
  update(done: number, note?: string): void;
  /** Prints a line of its own above the bar (a failing seed), without breaking the bar. */
  log(line: string): void;
  /** The last state, on a line that stays. */
  finish(note?: string): void;
}

/** `3.2 s`, `2 min 5 s`, `1 h 3 min`. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** The time left at the rate so far; `undefined` before anything is done. */
export const eta = (elapsedMs: number, done: number, total: number): number | undefined =>
  done <= 0 ? undefined : (elapsedMs / done) * Math.max(0, total - done);

const BAR_WIDTH = 24;
const REDRAW_MS = 80;

/** Starts a progress display (see the module's comment for the two forms). */
export const createProgress = (options: ProgressOptions): Progress => {
  const { label, total, unit, stream } = options;
  const tty = options.tty ?? stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  let note: string | undefined;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  let drawn = false;

  const percent = () => (total === 0 ? 100 : Math.floor((done / total) * 100));
  const timing = (final: boolean) => {
    const elapsed = now() - started;
    if (final) return `${formatDuration(elapsed)}`;
    const left = eta(elapsed, done, total);
    return left === undefined
      ? `${formatDuration(elapsed)}`
      : `${formatDuration(elapsed)}, ETA ${formatDuration(left)}`;
  };
  const plainLine = (final: boolean) =>
    `${label}: ${done}/${total} ${unit} (${percent()}%), ${timing(final)}${note === undefined ? '' : `, ${note}`}\n`;
  const barLine = (final: boolean) => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const text = `${label} [${bar}] ${String(percent()).padStart(3)}% ${done}/${total} ${unit}  ${timing(final)}${note === undefined ? '' : `  ${note}`}`;
    const width = stream.columns ?? 120;
    return text.length >= width ? `${text.slice(0, width - 1)}` : text;
  };
  const draw = (final: boolean) => {
    stream.write(`\r\u001b[2K${barLine(final)}${final ? '\n' : ''}`);
    drawn = !final;
    lastDraw = now();
  };

  return {
    update: (n, text) => {
      done = Math.min(n, total);
      note = text;
      if (tty) {
        if (now() - lastDraw >= REDRAW_MS) draw(false);
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth > lastTenth && done < total) {
        lastTenth = tenth;
        stream.write(plainLine(false));
      }
    },
    log: (line) => {
      if (tty && drawn) {
        stream.write(`\r\u001b[2K${line}\n`);
        draw(false);
      } else stream.write(`${line}\n`);
    },
    finish: (text) => {
      if (text !== undefined) note = text;
      if (tty) draw(true);
      else stream.write(plainLine(true));
    },
  };
};
