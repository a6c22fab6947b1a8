import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../../test/helpers';
import { runOrchestrator } from '../orchestrator';
import type { TransferOrder } from '../result';

describe('rebalance decision', () => {
  it('in shared mode lists only the schedule as a reason: drift bands do not apply to shadow sleeves (and are refused by the config)', () => {
    const series = [walkSeries('AAA', 300, 1, 0.03), walkSeries('BBB', 300, 2, 0.03)];
    const strategies = [
      { id: 'fast', strategy: 'random-signal', params: { seed: 1 }, symbols: ['AAA', 'BBB'] },
      { id: 'slow', strategy: 'random-signal', params: { seed: 2 }, symbols: ['AAA', 'BBB'] },
    ];
    expect(() => runOrchestrator({ data: { dataset: 'sp500' }, mode: 'shared', rebalance: { schedule: 'month', drift: { absolute: 0.0001 } }, strategies }, series, { registry: testRegistry })).toThrow(
      /rebalance\.drift: applies to mode "sleeves" only/,
    );
    const result = runOrchestrator(
      {
        data: { dataset: 'sp500' },
        mode: 'shared',
        rebalance: { schedule: 'month' },
        strategies: [
          { id: 'fast', strategy: 'random-signal', params: { seed: 1 }, symbols: ['AAA', 'BBB'] },
          { id: 'slow', strategy: 'random-signal', params: { seed: 2 }, symbols: ['AAA', 'BBB'] },
        ],
      },
      series,
      { registry: testRegistry },
    );
    const later = result.rebalances.slice(1);
    // About 300 daily bars: a dozen month starts, each a rebalance for the schedule only.
    expect(later.length).toBeGreaterThan(8);
    for (const event of later) expect(event.reasons).toEqual(['schedule']);
  });
});

describe('rebalance events', () => {
  const series = [walkSeries('AAA', 400, 3, 0.02), walkSeries('BBB', 400, 4, 0.02)];
  const config = {
    data: { dataset: 'sp500' as const },
    allocation: { scheme: 'inverse-volatility' as const, lookback: 20 },
    rebalance: { schedule: 'month' as const },
    strategies: [
      { id: 'a', strategy: 'random-signal', params: { seed: 5 }, symbols: ['AAA'] },
      { id: 'b', strategy: 'random-signal', params: { seed: 6 }, symbols: ['BBB'] },
      { id: 'c', strategy: 'random-signal', params: { seed: 7 }, symbols: ['AAA', 'BBB'] },
    ],
  };

  it("carry each sleeve's weights and transfer as plain, enumerable data: JSON, spread and structuredClone see them", () => {
    const result = runOrchestrator(config, series, { registry: testRegistry });
    // The third rebalance both buys and sells (read here only through the event's own fields).
    const event = result.rebalances[2];
    if (event === undefined) throw new Error('expected at least three rebalances');
    const fields = ['weightsBefore', 'targetWeights', 'weightsAfter', 'transfers'];
    // In the order the result's JSON has always had (`unestimated` and `onPaper`, added later, last).
    expect(Object.keys(event)).toEqual([
      'time',
      'reason',
      'reasons',
      'weightsBefore',
      'targetWeights',
      'weightsAfter',
      'transfers',
      'orders',
      'sales',
      'deferred',
      'belowCosts',
      'scheme',
      'warmup',
      'constraintStatus',
      'convergence',
      'unestimated',
      'onPaper',
    ]);
    const json = JSON.parse(JSON.stringify(event)) as Record<string, Record<string, number>>;
    const clone = structuredClone(event) as unknown as Record<string, Record<string, number>>;
    const spread = { ...event } as unknown as Record<string, Record<string, number>>;
    for (const field of fields) {
      expect(Object.keys(json[field] ?? {})).toEqual(['a', 'b', 'c']);
      expect(clone[field]).toEqual(json[field]);
      expect(spread[field]).toEqual(json[field]);
    }
    // The transfer orders too, built from their columns on first read.
    const lists = JSON.parse(JSON.stringify(event)) as { orders: TransferOrder[]; sales: TransferOrder[] };
    expect(lists.orders.length).toBeGreaterThan(0);
    expect(lists.sales.length).toBeGreaterThan(0);
    for (const field of ['orders', 'sales'] as const) {
      expect((clone as unknown as typeof lists)[field]).toEqual(lists[field]);
      expect((spread as unknown as typeof lists)[field]).toEqual(lists[field]);
    }
    // A sale is the reducing part of an order: the same sleeve and symbol, units of the opposite sign.
    for (const sale of lists.sales) {
      expect(lists.orders).toContainEqual({ strategyId: sale.strategyId, symbol: sale.symbol, quantity: -sale.quantity });
    }
    // The same record on every read, and writable like any plain property.
    expect(event.orders).toBe(event.orders);
    expect(event.weightsAfter).toBe(event.weightsAfter);
    const replacement = { a: 1 };
    (event as { transfers: Record<string, number> }).transfers = replacement;
    expect(event.transfers).toBe(replacement);
  });

  it("say what the run recorded: weights after = each sleeve's equity over the portfolio's at the rebalance close, transfers = the change of the sleeve's net transfers", () => {
    const result = runOrchestrator({ ...config, fill: 'close' }, series, { registry: testRegistry });
    const time = result.portfolio.equity.time;
    expect(result.rebalances.length).toBeGreaterThan(10);
    for (const event of result.rebalances.slice(1)) {
      const t = time.indexOf(event.time);
      expect(t).toBeGreaterThan(0);
      const total = result.portfolio.equity.equity[t] ?? Number.NaN;
      let targets = 0;
      for (const sleeve of result.sleeves) {
        const equity = sleeve.equity.equity[t] ?? Number.NaN;
        expect(event.weightsAfter[sleeve.id]).toBeCloseTo(equity / total, 12);
        targets += event.targetWeights[sleeve.id] ?? Number.NaN;
      }
      expect(targets).toBeCloseTo(1, 12);
    }
    // The initial event's transfers are the funding; the later ones add up to each sleeve's net transfers.
    for (const sleeve of result.sleeves) {
      let moved = 0;
      for (const event of result.rebalances.slice(1)) moved += event.transfers[sleeve.id] ?? Number.NaN;
      expect(moved).toBeCloseTo(sleeve.netTransfers, 6);
    }
  });

  it("with next-open fills, say when the capital moved: weights after = each sleeve's equity over the portfolio's at the next open, where its transfer lands", () => {
    const result = runOrchestrator({ ...config, fractional: true }, series, { registry: testRegistry });
    const time = result.portfolio.equity.time;
    const open = (symbol: string, t: number): number => series.find((s) => s.symbol === symbol)?.open[t] ?? Number.NaN;
    const later = result.rebalances.slice(1, -1);
    expect(later.length).toBeGreaterThan(10);
    for (const event of later) {
      const t = time.indexOf(event.time);
      // The sleeves' books at the close of the rebalance, valued at the next open (the orders of
      // that close fill first: a sleeve's units at the open are its units after its fills then).
      let total = 0;
      const atOpen = new Map<string, number>();
      for (const sleeve of result.sleeves) {
        const units = new Map<string, number>();
        for (const fill of sleeve.fills) {
          if (fill.time > (time[t + 1] ?? Number.NaN) || (fill.time === time[t + 1] && fill.reason === 'transfer')) continue;
          units.set(fill.symbol, (units.get(fill.symbol) ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity));
        }
        let value = sleeve.equity.cash[t] ?? Number.NaN;
        for (const fill of sleeve.fills) {
          if (fill.time !== time[t + 1] || fill.reason === 'transfer') continue;
          value += (fill.side === 'buy' ? -1 : 1) * fill.quantity * fill.price - fill.commission;
        }
        for (const [symbol, quantity] of units) value += quantity * open(symbol, t + 1);
        atOpen.set(sleeve.id, value + (event.transfers[sleeve.id] ?? 0));
        total += value;
      }
      total += (result.portfolio.equity.equity[t] ?? Number.NaN) - result.sleeves.reduce((sum, sleeve) => sum + (sleeve.equity.equity[t] ?? Number.NaN), 0);
      for (const sleeve of result.sleeves) {
        expect(event.weightsAfter[sleeve.id]).toBeCloseTo((atOpen.get(sleeve.id) ?? Number.NaN) / total, 12);
        expect(event.weightsAfter[sleeve.id]).toBeCloseTo(event.targetWeights[sleeve.id] ?? Number.NaN, 12);
      }
    }
    for (const sleeve of result.sleeves) {
      let moved = 0;
      for (const event of result.rebalances.slice(1)) moved += event.transfers[sleeve.id] ?? Number.NaN;
      expect(moved).toBeCloseTo(sleeve.netTransfers, 6);
    }
  });
});

describe('returns the built-in schemes read', () => {
  it('are the trailing window of the whole history: inverse volatility gives what a custom function computing it from every return gives', () => {
    const series = [walkSeries('AAA', 500, 11, 0.02), walkSeries('BBB', 500, 12, 0.03), walkSeries('CCC', 500, 13, 0.01)];
    const base = {
      data: { dataset: 'sp500' as const },
      cash: 250_000,
      commission: { kind: 'percent' as const, rate: 0.001 },
      rebalance: { schedule: { everyBars: 9 } },
      strategies: [
        { id: 'a', strategy: 'random-signal', params: { seed: 21 }, symbols: ['AAA'] },
        { id: 'b', strategy: 'random-signal', params: { seed: 22 }, symbols: ['BBB', 'CCC'] },
        { id: 'c', strategy: 'random-signal', params: { seed: 23 }, symbols: ['CCC'] },
      ],
    };
    const lookback = 17;
    const builtIn = runOrchestrator({ ...base, allocation: { scheme: 'inverse-volatility', lookback, minHistory: 25 } }, series, { registry: testRegistry });
    // The same rule over the whole columns the recorder keeps for a custom scheme, written out here.
    let calls = 0;
    const custom = runOrchestrator({ ...base, allocation: { scheme: 'inverse-volatility', lookback, minHistory: 25 } }, series, {
      registry: testRegistry,
      allocate: ({ history }) => {
        calls++;
        const end = history.length;
        const start = Math.max(0, end - lookback);
        const inverse = history.returns.map((column) => {
          let sum = 0;
          let invested = 0;
          for (let t = start; t < end; t++) {
            sum += column[t] ?? Number.NaN;
            if (Math.abs(column[t] ?? 0) > 1e-13) invested++;
          }
          const mean = sum / (end - start);
          let squares = 0;
          for (let t = start; t < end; t++) squares += ((column[t] ?? 0) - mean) ** 2;
          const sigma = Math.sqrt(squares / (end - start - 1));
          // No estimate for a sleeve in cash on more than half of the window (minInvested 0.5).
          return sigma > 1e-13 && invested >= (end - start) / 2 ? 1 / sigma : Number.NaN;
        });
        const usable = inverse.filter((value) => Number.isFinite(value));
        const total = usable.reduce((a, b) => a + b, 0);
        const share = usable.length / inverse.length;
        return inverse.map((value) => (Number.isFinite(value) ? (share * value) / total : 1 / inverse.length));
      },
    });
    expect(calls).toBeGreaterThan(30);
    expect(builtIn.rebalances.length).toBe(custom.rebalances.length);
    builtIn.rebalances.forEach((event, i) => {
      const other = custom.rebalances[i];
      expect(event.warmup).toBe(other?.warmup);
      for (const id of ['a', 'b', 'c']) expect(event.targetWeights[id]).toBeCloseTo(other?.targetWeights[id] ?? Number.NaN, 12);
    });
    expect(builtIn.finalEquity).toBeCloseTo(custom.finalEquity, 6);
  });
});
