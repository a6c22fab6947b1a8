import { readFileSync } from 'node:fs';
import { loadDataset } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { beforeAll, describe, expect, it } from 'vitest';
import { day } from '../test/helpers';
import { runOrchestrator } from './orchestrator';
import type { OrchestratorResult } from './result';

// Prices from the raw /work/shared/data/stocks.csv (monthly closes, first trading month = the 1st):
//            Jan 1 2000  Feb 1 2000  Mar 1 2000  Apr 1 2000
//   AAPL        25.94       28.66       33.95       31.01
//   MSFT        39.81       36.35       43.22       28.37
//   IBM        100.52       92.11      106.11       99.95
//   AMZN        64.56       68.87       67.00       55.19
//   GOOG: first price Aug 1 2004 = 102.37 (none before).

let series: readonly BarSeries[] = [];

/** An example config of the repository's `examples/` directory, with the invariant audit switched on. */
function example(name: string): Record<string, unknown> {
  const text = readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
  return { ...(JSON.parse(text) as Record<string, unknown>), checkInvariants: true };
}

beforeAll(async () => {
  series = (await loadDataset('stocks5')).series;
});

function quantities(result: OrchestratorResult, sleeve: number, time: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const fill of result.sleeves[sleeve]?.fills ?? []) {
    if (fill.time > time) continue;
    out[fill.symbol] = (out[fill.symbol] ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
  }
  return out;
}

describe('bt-style equal weight of the five stocks5 names, monthly, at the close, fractional', () => {
  let result: OrchestratorResult;
  beforeAll(() => {
    // examples/stocks5-equal-weight.json: one equal-weight sleeve of all five names at weight 1.
    result = runOrchestrator(example('stocks5-equal-weight.json'), series, { registry: strategyRegistry });
  });

  it('buys a quarter of the cash in each of the four names with prices on the first bar', () => {
    // GOOG has no price in Jan 2000, so 4 names share 100,000: 25,000 each at the Jan close.
    //   AAPL 25000 / 25.94  = 963.7625289…   MSFT 25000 / 39.81 = 627.9829188…
    //   IBM  25000 / 100.52 = 248.7067250…   AMZN 25000 / 64.56 = 387.2366790…
    const q = quantities(result, 0, day('2000-01-01'));
    expect(q.AAPL).toBeCloseTo(963.7625289, 6);
    expect(q.MSFT).toBeCloseTo(627.9829188, 6);
    expect(q.IBM).toBeCloseTo(248.706725, 6);
    expect(q.AMZN).toBeCloseTo(387.236679, 6);
    expect(q.GOOG).toBeUndefined();
    expect(result.sleeves[0]?.equity.cash[0]).toBeCloseTo(0, 6);
    expect(result.portfolio.equity.equity[0]).toBeCloseTo(100_000, 6);
  });

  it('rebalances to equal values at the February close', () => {
    // Equity at the Feb close = 25000 × (28.66/25.94 + 36.35/39.81 + 92.11/100.52 + 68.87/64.56)
    //                         = 100,025.9797086…; each name then holds 25,006.4949…:
    //   AAPL 25006.4949 / 28.66 = 872.5225027   MSFT / 36.35 = 687.9365867
    //   IBM  / 92.11 = 271.4851257              AMZN / 68.87 = 363.0970659
    expect(result.portfolio.equity.equity[1]).toBeCloseTo(100_025.9797086, 5);
    const q = quantities(result, 0, day('2000-02-01'));
    expect(q.AAPL).toBeCloseTo(872.5225027, 5);
    expect(q.MSFT).toBeCloseTo(687.9365867, 5);
    expect(q.IBM).toBeCloseTo(271.4851257, 5);
    expect(q.AMZN).toBeCloseTo(363.0970659, 5);
    expect(result.sleeves[0]?.equity.cash[1]).toBeCloseTo(0, 6);
  });

  it('GOOG enters only once it has prices (Aug 2004), with a fifth of the equity', () => {
    const googFills = result.sleeves[0]?.fills.filter((fill) => fill.symbol === 'GOOG') ?? [];
    expect(googFills[0]?.time).toBe(day('2004-08-01'));
    const step = result.portfolio.equity.time.indexOf(day('2004-08-01'));
    const equity = result.portfolio.equity.equity[step] ?? Number.NaN;
    // After the Aug 2004 rebalance GOOG holds equity / 5 at 102.37.
    expect(googFills[0]?.quantity).toBeCloseTo(equity / 5 / 102.37, 6);
    expect(result.sleeves[0]?.fills.every((fill) => fill.symbol !== 'GOOG' || fill.time >= day('2004-08-01'))).toBe(true);
  });

  it('holds the invariants: portfolio = the single sleeve, attribution exact', () => {
    const sleeve = result.sleeves[0];
    for (let t = 0; t < result.bars; t++) expect(sleeve?.equity.equity[t]).toBe(result.portfolio.equity.equity[t]);
    expect(result.attribution.total.residual).toBeCloseTo(0, 12);
    // The orchestrator never rebalances ("never": the initial allocation only); the sleeve does, monthly.
    expect(result.rebalances).toHaveLength(1);
    expect(result.sleeves[0]?.rebalances).toHaveLength(result.bars);
  });
});

describe('bt-style 60/40 of two equal-weight sleeves (children monthly, parent quarterly)', () => {
  let result: OrchestratorResult;
  beforeAll(() => {
    // examples/stocks5-60-40.json: tech (AAPL, MSFT) at 0.6 and value (IBM, AMZN, GOOG) at 0.4.
    result = runOrchestrator(example('stocks5-60-40.json'), series, { registry: strategyRegistry });
  });

  it('splits 60/40 on the first bar and each child buys equal values', () => {
    // tech: 60,000 → AAPL 30000 / 25.94 = 1156.515035, MSFT 30000 / 39.81 = 753.579503
    // value: 40,000, GOOG not tradable → IBM 20000 / 100.52 = 198.965380, AMZN 20000 / 64.56 = 309.789343
    expect(result.sleeves[0]?.initialCash).toBe(60_000);
    expect(result.sleeves[1]?.initialCash).toBe(40_000);
    const tech = quantities(result, 0, day('2000-01-01'));
    const value = quantities(result, 1, day('2000-01-01'));
    expect(tech.AAPL).toBeCloseTo(1156.515035, 5);
    expect(tech.MSFT).toBeCloseTo(753.579503, 5);
    expect(value.IBM).toBeCloseTo(198.96538, 5);
    expect(value.AMZN).toBeCloseTo(309.789343, 5);
    expect(result.rebalances[0]?.reason).toBe('initial');
  });

  it('moves cash only on the first bar of each quarter, then each child rebalances with its new equity', () => {
    // Children rebalance in Feb and Mar; sleeve equity at the Apr 1 close (each child equal-weight
    // since the Mar close): tech 56,392.404034, value 37,200.707166, total 93,593.111200.
    // Targets: tech 0.6 × 93,593.111200 = 56,155.866720 (gives 236.537314), value 37,437.244480.
    const april = result.rebalances[1];
    expect(april?.time).toBe(day('2000-04-01'));
    expect(april?.reason).toBe('schedule');
    expect(april?.weightsBefore.tech).toBeCloseTo(0.6025272941, 9);
    expect(april?.targetWeights).toEqual({ tech: 0.6, value: 0.4 });
    expect(april?.transfers.tech).toBeCloseTo(-236.537314, 5);
    expect(april?.transfers.value).toBeCloseTo(236.537314, 5);
    expect(april?.weightsAfter.tech).toBeCloseTo(0.6, 12);
    // tech rebalances on the same close with 56,155.866720: AAPL 28077.93336 / 31.01 = 905.447706,
    // MSFT / 28.37 = 989.705088; value: IBM 18718.62224 / 99.95 = 187.279862, AMZN / 55.19 = 339.166919.
    const tech = quantities(result, 0, day('2000-04-01'));
    const value = quantities(result, 1, day('2000-04-01'));
    expect(tech.AAPL).toBeCloseTo(905.447706, 5);
    expect(tech.MSFT).toBeCloseTo(989.705088, 5);
    expect(value.IBM).toBeCloseTo(187.279862, 5);
    expect(value.AMZN).toBeCloseTo(339.166919, 5);
    const step = result.portfolio.equity.time.indexOf(day('2000-04-01'));
    expect(result.sleeves[0]?.equity.cash[step]).toBeCloseTo(0, 6);
    expect(result.sleeves[0]?.weight[step]).toBeCloseTo(0.6, 12);
    const times = result.rebalances.slice(1).map((event) => new Date(event.time).getUTCMonth());
    expect(times.every((month) => month % 3 === 0)).toBe(true);
  });

  it('counts no floating-point dust as a shrunk order', () => {
    // Each child sizes its buys to exactly its cash; 104 of them cost an ulp or so more than the
    // cash (e.g. 26.512020587291147 AMZN at 67 against 1776.3053793485053) and were reported as
    // shrunk to 26.512020587291126. Every buy here is affordable in exact arithmetic.
    expect(result.portfolio.orders).toMatchObject({ shrunk: 0, rejected: 0 });
  });

  it('lets GOOG into the second sleeve only from Aug 2004', () => {
    const goog = result.sleeves[1]?.fills.filter((fill) => fill.symbol === 'GOOG') ?? [];
    expect(goog[0]?.time).toBe(day('2004-08-01'));
    const step = result.portfolio.equity.time.indexOf(day('2004-08-01'));
    const equity = result.sleeves[1]?.equity.equity[step] ?? Number.NaN;
    expect(goog[0]?.quantity).toBeCloseTo(equity / 3 / 102.37, 6);
  });

  it('keeps Σ sleeves = portfolio and an exact attribution', () => {
    for (let t = 0; t < result.bars; t++) {
      const sum = (result.sleeves[0]?.equity.equity[t] ?? 0) + (result.sleeves[1]?.equity.equity[t] ?? 0);
      expect(sum).toBeCloseTo(result.portfolio.equity.equity[t] ?? Number.NaN, 6);
    }
    const { total } = result.attribution;
    expect((total.bySleeve.tech ?? 0) + (total.bySleeve.value ?? 0)).toBeCloseTo(total.portfolioReturn ?? Number.NaN, 12);
    expect(result.attribution.monthly).toHaveLength(result.bars);
  });
});
