import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProgress, eta, formatDuration } from './progress';

const ESC = String.fromCharCode(27);

const recorder = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (t: string) => chunks.push(t) } };
};

test('plain lines: one per tenth of the work, one at the end, no escape codes', () => {
  const { chunks, stream } = recorder(false);
  let t = 0;
  const p = createProgress({ label: 'sim', total: 20, unit: 'seeds', stream, now: () => t });
  for (let i = 1; i <= 20; i++) {
    t += 100;
    p.update(i, `${i} done`);
  }
  p.finish();
  assert.is(chunks.length, 10, chunks.join(''));
  assert.is(chunks[0], 'sim: 2/20 seeds (10%), 0.2 s, ETA 1.8 s, 2 done\n');
  assert.is(chunks[9], 'sim: 20/20 seeds (100%), 2.0 s, 20 done\n');
  assert.not.ok(/\r/.test(chunks.join('')) || chunks.join('').includes(ESC));
});

test('a terminal gets one bar redrawn in place, lines logged above it, and a final line', () => {
  const { chunks, stream } = recorder(true);
  let t = 0;
  const p = createProgress({ label: 'sim', total: 4, unit: 'seeds', stream, now: () => t });
  t = 1000;
  p.update(1);
  p.log('SEED 1 failed');
  t = 2000;
  p.update(2);
  p.finish();
  const text = chunks.join('').replaceAll(ESC, '<ESC>');
  assert.match(text, /\r<ESC>\[2Ksim \[######------------------\] {2}25% 1\/4 seeds {2}1\.0 s, ETA 3\.0 s/);
  assert.match(text, /\r<ESC>\[2KSEED 1 failed\n/);
  assert.ok(text.endsWith('\n'));
});

test('durations and ETA', () => {
  assert.is(formatDuration(3200), '3.2 s');
  assert.is(formatDuration(125_000), '2 min 5 s');
  assert.is(formatDuration(3_780_000), '1 h 3 min');
  assert.is(eta(1000, 0, 10), undefined);
  assert.is(eta(1000, 1, 10), 9000);
});

test.run();
