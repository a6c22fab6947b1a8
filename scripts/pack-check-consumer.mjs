// The consumer script of scripts/pack-check.mjs: copied into a fresh npm project where the
// packed @ensemble/* tarballs (and zod, nothing else) are installed, then run with node. It uses
// only public entry points, as a user would. Any failed check throws, and node exits non-zero.
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadDataset, listDatasets } from '@ensemble/data';
import { dow30Dataset } from '@ensemble/data-dow30';
import { runBacktest } from '@ensemble/engine';
import { StrategyOrchestrator, parseRunConfig } from '@ensemble/orchestrator';
import { computeMetrics } from '@ensemble/performance';
import { buildStrategy, defineStrategy } from '@ensemble/protocol';
import { checkLookahead, checkStrategyContract } from '@ensemble/protocol/testing';
import { writeReport } from '@ensemble/report';
import { probabilisticSharpeRatio } from '@ensemble/research';
import { describeParameters, strategyRegistry } from '@ensemble/strategies';
import { z } from 'zod';

function step(text) {
  console.log(`  ✓ ${text}`);
}

function sma(values, period) {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] - (i >= period ? values[i - period] : 0);
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

// 1. A strategy of one's own, declared like the built-ins.
const closeOverSma = defineStrategy({
  name: 'close-over-sma',
  kind: 'signal',
  description: 'Trend: long while the close is above its simple moving average.',
  params: z.strictObject({ period: z.number().int().min(2).max(1000).default(50).describe('SMA window of closes, in bars') }),
  create: ({ period }) => ({
    warmup: period,
    indicators: (series) => ({ sma: sma(series.close, period) }),
    shouldEnter: (ctx) => (ctx.close() > ctx.indicator('sma') ? { side: 'long' } : null),
    shouldExit: (ctx) => ctx.close() < ctx.indicator('sma'),
  }),
});
const [period] = describeParameters(closeOverSma);
assert.equal(period?.default, 50);
assert.equal(period?.bounds, '>= 2 and <= 1000');
step('defineStrategy: a custom strategy, described like a built-in (period: default 50, >= 2 and <= 1000)');

// 2. A backtest of it on a built-in data set; the test kit without a test runner.
const spx = await loadDataset('sp500');
assert.ok(spx.notes?.some((note) => note.includes('"adjclose" ignored')), 'sp500 notes say that adjclose is ignored');
const series = spx.series[0];
const strategy = buildStrategy(closeOverSma, { period: 100 }, 'mine');
const backtest = runBacktest({ series, strategy, cash: 100_000 });
assert.ok(Number.isFinite(backtest.finalEquity) && backtest.finalEquity > 0, 'final equity is a positive number');
assert.ok(backtest.trades.length > 10, `trades: ${backtest.trades.length}`);
const metrics = computeMetrics({ equity: backtest.equity, trades: backtest.trades, fills: backtest.fills });
assert.ok(Number.isFinite(metrics.metrics.sharpe), 'the backtest has a Sharpe ratio');
step(`backtest on sp500: ${series.length} bars, ${backtest.trades.length} trades, final equity ${backtest.finalEquity.toFixed(2)}, Sharpe ${metrics.metrics.sharpe?.toFixed(2) ?? 'n/a'}`);
const contract = checkStrategyContract({ create: () => buildStrategy(closeOverSma, { period: 20 }), series: [series] });
assert.deepEqual(contract.failures, []);
assert.equal(checkLookahead(strategy, series, { checkpoints: 10 }).ok, true);
await assert.rejects(import('@ensemble/protocol/testing/vitest'), /vitest/, 'the vitest entry needs vitest, which is not installed');
step(`@ensemble/protocol/testing without vitest installed: ${contract.checks} contract checks pass, no look-ahead`);
assert.ok(probabilisticSharpeRatio !== undefined);

// 3. An orchestrated run: the custom strategy as a sleeve beside a built-in one.
const registry = { ...strategyRegistry, [closeOverSma.name]: closeOverSma };
const config = parseRunConfig(
  {
    name: 'pack check: a custom sleeve beside a built-in',
    data: { dataset: 'sp500' },
    cash: 100_000,
    mode: 'sleeves',
    allocation: { scheme: 'equal' },
    rebalance: { schedule: 'quarter' },
    strategies: [
      { id: 'mine', strategy: 'close-over-sma', params: { period: 100 }, symbols: ['SP500'] },
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 20, slow: 100 }, symbols: ['SP500'] },
    ],
  },
  { source: 'pack-check', registry },
);
const result = new StrategyOrchestrator(config, { registry }).run(spx.series);
assert.deepEqual(result.sleeves.map((sleeve) => sleeve.id), ['mine', 'trend']);
assert.ok(result.sleeves.every((sleeve) => sleeve.trades.length > 0), 'both sleeves traded');
assert.ok(Number.isFinite(result.finalEquity) && result.finalEquity > 0);
step(`orchestrated run: sleeves ${result.sleeves.map((sleeve) => `${sleeve.id} (${sleeve.trades.length} trades)`).join(', ')}, final equity ${result.finalEquity.toFixed(2)}`);

// 4. An HTML report of it.
const html = 'out/report.html';
await writeReport(
  { html },
  {
    title: config.name ?? 'pack check',
    config,
    periodsPerYear: result.periodsPerYear,
    portfolio: {
      equity: { time: result.portfolio.equity.time, equity: result.portfolio.equity.equity, cash: result.portfolio.equity.cash },
      metrics: result.portfolio.metrics,
      trades: result.portfolio.trades,
      fills: result.portfolio.fills,
    },
    sleeves: [],
    rebalances: [],
    conflicts: [],
    risk: [],
  },
  { createDirectories: true },
);
const bytes = statSync(html).size;
assert.ok(bytes > 200_000, `report.html has ${bytes} bytes`);
assert.ok(readFileSync(html, 'utf8').includes('pack check: a custom sleeve beside a built-in'), 'the report shows its title');
step(`HTML report written: ${html} (${bytes.toLocaleString('en-US')} bytes)`);

// 5. The Dow 30 data set from its own package, by name and by entry.
assert.equal(listDatasets().find((info) => info.name === 'dow30')?.package, '@ensemble/data-dow30');
const dow = await loadDataset('dow30', { symbols: ['IBM', 'KO'] });
const dowByEntry = await loadDataset(dow30Dataset, { symbols: ['IBM', 'KO'] });
assert.deepEqual(dowByEntry.series, dow.series);
step(`dow30 from @ensemble/data-dow30: ${dow.series.map((s) => `${s.symbol} ${s.length} bars`).join(', ')}`);

// 6. What the READMEs say about require(): the report cannot be required (top-level await).
const require = createRequire(import.meta.url);
assert.throws(() => require('@ensemble/report'), (error) => error.code === 'ERR_REQUIRE_ASYNC_MODULE');
step("require('@ensemble/report') fails with ERR_REQUIRE_ASYNC_MODULE, as its README says");
