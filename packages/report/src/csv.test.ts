import { describe, expect, it } from 'vitest';
import { runExample } from './__fixtures__/example-run';
import { buildSmallRun } from './__fixtures__/small-run';
import { orchestratorReportInput } from './from-orchestrator';
import { parseResultJson } from './read-result';
import { serializeOrchestratorResult } from '@ensemble/orchestrator';
import { runBacktest, serializeBacktestResult } from '@ensemble/engine';
import { loadDataset } from '@ensemble/data';
import { createStrategy } from '@ensemble/strategies';
import { backtestReportInput } from './from-backtest';
import { csvField, renderCsv, toCsvText } from './csv';

/** A small RFC 4180 reader, to check that what we write reads back cell for cell. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('CSV', () => {
  it('quotes fields that need it and leaves the rest alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvField(-0)).toBe('0');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('round-trips awkward text through a CSV reader', () => {
    const cells = ['a,b', 'say "hi"', 'two\r\nlines', '', 'x'];
    const text = toCsvText(['one', 'two', 'three', 'four', 'five'], [cells]);
    expect(readCsv(text)).toEqual([['one', 'two', 'three', 'four', 'five'], cells]);
  });

  it('exports equity with sleeve columns, trades, fills and weights', () => {
    const files = renderCsv(buildSmallRun());
    expect(Object.keys(files)).toEqual(['equity.csv', 'trades.csv', 'fills.csv', 'weights.csv']);
    const equity = readCsv(files['equity.csv']);
    expect(equity[0]).toEqual(['time', 'equity', 'cash', 'equity_momentum', 'equity_carry']);
    expect(equity[1]).toEqual(['2024-01-29', '10000', '10000', '5000', '5000']);
    expect(equity).toHaveLength(9);
    const trades = readCsv(files['trades.csv']);
    expect(trades[0]?.[0]).toBe('strategy_id');
    expect(trades[1]?.slice(0, 3)).toEqual(['carry', 'TLT, "long bond"', 'short']);
    expect(files['trades.csv']).toContain('"TLT, ""long bond"""');
    expect(readCsv(files['fills.csv'])).toHaveLength(5);
    const weights = readCsv(files['weights.csv'] ?? '');
    expect(weights[0]).toEqual(['time', 'momentum', 'carry']);
    expect(Number(weights[8]?.[1]) + Number(weights[8]?.[2])).toBeCloseTo(1, 12);
  });

  it('an orchestrated run\'s equity.csv has the reserve, so its sleeves and reserve add up to the portfolio on every row', async () => {
    // 50/30 of the 60/40 example: a fifth of the capital stays in the reserve.
    const { result } = await runExample('stocks5-60-40.json', (config) => ({
      ...config,
      strategies: (config.strategies as Record<string, unknown>[]).map((entry, k) => ({ ...entry, weight: k === 0 ? 0.5 : 0.3 })),
    }));
    const rows = readCsv(renderCsv(orchestratorReportInput(result, { title: '60/40' }))['equity.csv']);
    const header = rows[0] ?? [];
    expect(header.slice(0, 5)).toEqual(['time', 'equity', 'cash', 'reserve', 'gross_exposure']);
    const sleeveColumns = header.flatMap((name, column) => (name.startsWith('equity_') ? [column] : []));
    expect(sleeveColumns).toHaveLength(result.sleeves.length);
    expect(rows).toHaveLength(result.bars + 1);
    let positiveReserve = 0;
    for (const row of rows.slice(1)) {
      const equity = Number(row[1]);
      const reserve = Number(row[3]);
      if (reserve > 1) positiveReserve += 1;
      const sum = sleeveColumns.reduce((total, column) => total + Number(row[column]), reserve);
      expect(Math.abs(sum - equity)).toBeLessThanOrEqual(1e-9 * Math.abs(equity));
      // Long only: what is not cash is the value of the positions held.
      expect(Math.abs(Number(row[4]) - (equity - Number(row[2])))).toBeLessThanOrEqual(1e-9 * Math.abs(equity));
    }
    expect(positiveReserve).toBe(result.bars);
  });

  it('shared mode has no reserve column (its sleeves are shadows, they do not add up to the portfolio), from the run or its JSON', async () => {
    const { result } = await runExample('dow30-shared-vote.json', (config) => ({ ...config, data: { dataset: 'dow30', to: '1992-12-31' } }));
    const direct = renderCsv(orchestratorReportInput(result, { title: 'Vote' }))['equity.csv'];
    expect(readCsv(direct)[0]?.slice(0, 5)).toEqual(['time', 'equity', 'cash', 'gross_exposure', 'equity_trend']);
    const input = parseResultJson(JSON.stringify(serializeOrchestratorResult(result)), 'run.json');
    expect(renderCsv(input)['equity.csv']).toBe(direct);
    // The shared note under the rebalance table comes through the JSON too (its config names the policy).
    expect(input.rebalanceNote).toContain('the "vote" policy does not use these weights');
  });

  it("a backtest's equity.csv has its gross exposure, a short's value counted as positive, from the run or its JSON", async () => {
    const [series] = (await loadDataset('sp500')).series;
    if (series === undefined) throw new Error('sp500 has a series');
    const result = runBacktest({ series: [series], strategy: createStrategy('sma-crossover', { allowShort: true }, 'sma'), fill: 'close' });
    const direct = renderCsv(backtestReportInput(result))['equity.csv'];
    const rows = readCsv(direct);
    expect(rows[0]).toEqual(['time', 'equity', 'cash', 'gross_exposure']);
    let short = 0;
    for (const row of rows.slice(1)) {
      const [equity, cash, gross] = row.slice(1).map(Number) as [number, number, number];
      if (equity - cash < -1) short += 1;
      // One symbol: the gross exposure is the size of its position's value, long or short.
      expect(Math.abs(gross - Math.abs(equity - cash))).toBeLessThanOrEqual(1e-9 * Math.abs(equity));
    }
    expect(short).toBeGreaterThan(100);
    expect(renderCsv(parseResultJson(JSON.stringify(serializeBacktestResult(result)), 'bt.json'))['equity.csv']).toBe(direct);
  });

  it('leaves a sleeve cell empty where the sleeve has no bar, and writes no weights without sleeves', () => {
    const input = buildSmallRun();
    const [first, second] = input.sleeves;
    if (first === undefined || second === undefined) throw new Error('fixture has two sleeves');
    const late = { ...second, equity: { time: second.equity.time.slice(2), equity: second.equity.equity.slice(2), cash: second.equity.cash.slice(2) } };
    const equity = readCsv(renderCsv({ ...input, sleeves: [first, late] })['equity.csv']);
    expect(equity[1]?.[4]).toBe('');
    expect(equity[3]?.[4]).toBe('5040');
    const single = renderCsv({ ...input, sleeves: [], attribution: undefined });
    expect(single['weights.csv']).toBeUndefined();
  });
});
