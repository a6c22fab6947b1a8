import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseResultJson, ReportGenerator } from '@ensemble/report';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-wiped-out-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  for (const file of readdirSync(scratch)) rmSync(path.join(scratch, file), { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** An OHLCV file of daily bars from 2020-01-01, each opening at the previous close. */
function writePrices(file: string, closes: readonly number[]): void {
  const lines = ['date,open,high,low,close,volume'];
  closes.forEach((close, i) => {
    const open = closes[i - 1] ?? close;
    lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${open},${Math.max(open, close)},${Math.min(open, close)},${close},1000`);
  });
  writeFileSync(path.join(scratch, file), `${lines.join('\n')}\n`);
}

const outputs = ['--json', 'result.json', '--md', 'report.md', '--html', 'report.html'];

/** Every file the run wrote, as text, with no NaN or Infinity in it; and the JSON read back into every report format. */
async function expectWellFormed(): Promise<void> {
  expect(readdirSync(scratch).filter((file) => file.startsWith('report') || file === 'result.json').sort()).toEqual(['report.html', 'report.md', 'result.json']);
  for (const file of ['result.json', 'report.md']) expect(readFileSync(path.join(scratch, file), 'utf8')).not.toMatch(/NaN|Infinity/);
  const report = new ReportGenerator(parseResultJson(readFileSync(path.join(scratch, 'result.json'), 'utf8'), 'result.json'));
  expect(await report.markdown()).not.toMatch(/NaN|Infinity/);
  for (const text of Object.values(report.csv())) expect(text).not.toMatch(/NaN|Infinity/);
}

describe('ensemble run: a portfolio whose equity reaches zero or below', () => {
  // Two buy-and-hold sleeves at leverage 2 on 1,000 of cash (1,000 each, the reserve −1,000),
  // filled at the close: 10 units each at 100; the price falls to 40, then 30. The portfolio is
  // 2 × 10 × close − 1,000: 1,000, 1,000, −200 — worth less than nothing on the third bar, where
  // it is margin-called as a whole (both sold at 40) and trading halts: −200 from then on.
  const config = {
    name: 'Borrowed and lost',
    data: { file: 'falling.csv' },
    cash: 1000,
    fill: 'close',
    allocation: { scheme: 'equal', leverage: 2 },
    rebalance: { schedule: { everyBars: 3 } },
    strategies: [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['falling'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['falling'] },
    ],
  };

  it('finishes (exit 0) and writes every file: the weights of the bars it was worth nothing are null, shown as a dash', async () => {
    writePrices('falling.csv', [100, 100, 40, 30]);
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config));
    const { code, out, err } = await run(['run', '--config', 'run.json', ...outputs]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('warning: equity fell to -200.00 on 2020-01-03');
    expect(out).toContain(
      '  trading halted on 2020-01-03 by a margin call: the portfolio as a whole (its sleeves and reserve together) was worth less than nothing; every position was closed at that close',
    );
    expect(out).toContain('Final equity -200.00 (-120.00%)');
    // Each sleeve was worth 400 at 40: the portfolio's debt is the reserve's, and no sleeve is named.
    expect(out).not.toContain('fell below zero');
    expect(out).toMatch(/^ {2}Final weight +— +— +—$/m);
    // The rebalance due on the fourth bar, the run halted at −200, moved nothing and is not listed.
    expect(out).not.toMatch(/^ {2}2020-01-04 +every 3 bars/m);
    expect(out).toMatch(/1 rebalance\b/);
    expect(out).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(readFileSync(path.join(scratch, 'result.json'), 'utf8')) as { sleeves: { equity: { weight: number | null }[] }[] };
    expect(json.sleeves[0]?.equity.map((point) => point.weight)).toEqual([1, 1, null, null]);
    await expectWellFormed();
  });

  // By hand: 2,000 of cash, equal weights, fills at the close. The crossover (2/3) shorts 100 units
  // at 10 on 2020-01-06 with its 1,000; buy and hold holds 100 bought at 10. At 40 on 2020-01-09
  // the short's sleeve is worth 2,000 − 4,000 = −2,000 and is margin-called, while the portfolio,
  // with the other sleeve's 4,000, is worth 2,000: only the sleeve's line says so.
  it('names a sleeve that fell below zero while the portfolio did not', async () => {
    writePrices('sq.csv', [10, 11, 12, 13, 12, 10, 9, 9, 40, 40]);
    const squeezed = { name: 'A sleeve in debt', data: { file: 'sq.csv' }, cash: 2000, fill: 'close', rebalance: { schedule: 'never' }, strategies: [
      { id: 'short', strategy: 'sma-crossover', params: { fast: 2, slow: 3, allowShort: true }, symbols: ['sq'] },
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['sq'] },
    ] };
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(squeezed));
    const { code, out } = await run(['run', '--config', 'run.json']);
    expect(code).toBe(0);
    expect(out).toContain("warning: a sleeve fell below zero: short (-2,000.00 on 2020-01-09) — it lost more than its capital (shorts or leverage can), was margin-called, and its strategy is not asked until a rebalance funds it above zero again; its figures from then on are a debt's");
    expect(out).not.toContain('warning: equity fell to');
    expect(out).toContain('Final equity 2,000.00 (0.00%)');
  });

  it('a short squeezed by a jump from 1e-8 to 1e12 in sleeves and in shared mode', async () => {
    // Between 1e-8 and 1e12 every four bars: the crossover's short, entered at 1e-8, is bought
    // back at 1e12.
    writePrices('jumps.csv', Array.from({ length: 40 }, (_, i) => (Math.floor(i / 4) % 2 === 0 ? 1e-8 : 1e12)));
    for (const mode of ['sleeves', 'shared']) {
      writeFileSync(
        path.join(scratch, 'run.json'),
        JSON.stringify({
          name: `Squeezed, ${mode} mode`,
          data: { file: 'jumps.csv' },
          mode,
          rebalance: { schedule: 'month' },
          strategies: [
            { id: 'short', strategy: 'sma-crossover', params: { fast: 2, slow: 3, allowShort: true }, symbols: ['jumps'] },
            { id: 'hold', strategy: 'buy-and-hold', symbols: ['jumps'] },
          ],
        }),
      );
      const { code, out, err } = await run(['run', '--config', 'run.json', ...outputs]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).not.toMatch(/NaN|Infinity/);
      await expectWellFormed();
    }
  });
});

describe('ensemble backtest of a data file whose equity goes below zero', () => {
  it('finishes (exit 0), and its JSON reads back into every report format', async () => {
    writePrices('jumps.csv', Array.from({ length: 40 }, (_, i) => (Math.floor(i / 4) % 2 === 0 ? 1e-8 : 1e12)));
    const { code, out, err } = await run(['backtest', '--data', 'jumps.csv', '--strategy', 'sma-crossover', '--param', 'fast=2', '--param', 'slow=3', '--param', 'allowShort=true', ...outputs]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('warning: equity fell to');
    expect(out).not.toMatch(/NaN|Infinity/);
    await expectWellFormed();
  });
});
