import { barSeriesFromCloses, createMemoryLogger } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../test/helpers';
import { correlationMatrix, sampleCovariance, sampleVolatilities } from './allocation/statistics';
import { sleeveStatistics } from './internal/analytics';
import { runOrchestrator } from './orchestrator';

const UP = walkSeries('UP', 120, 3, 0.01, 50);
const DOWN = walkSeries('DN', 120, 4, 0.03, 80);
/** Falls 0.5% a bar (open = previous close): a short on it makes money every bar. */
const FALL = barSeriesFromCloses(
  'FALL',
  Array.from({ length: 120 }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000),
  Array.from({ length: 120 }, (_, i) => 100 * 0.995 ** i),
);

describe('cash transfers between sleeves', () => {
  it('transfers: "cash", next-open fills: the capital moves at the open after the rebalance, where a fully invested giver sells just enough', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        transfers: 'cash',
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: 'month' },
        checkInvariants: true,
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'], weight: 0.5 },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'], weight: 0.5 },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry, logger },
    );
    const time = result.portfolio.equity.time;
    const withSales = result.rebalances.filter((event) => event.sales.length > 0);
    expect(withSales.length).toBeGreaterThan(0);
    for (const event of withSales) {
      const step = time.indexOf(event.time);
      for (const sale of event.sales) {
        const sleeve = result.sleeves.find((candidate) => candidate.id === sale.strategyId);
        const symbol = sale.symbol === 'UP' ? UP : DOWN;
        expect(event.transfers[sale.strategyId]).toBeLessThan(0);
        // Nothing moves at the rebalance close: the giver ends the bar with its own book…
        expect(sleeve?.fills.some((fill) => fill.time === time[step] && fill.reason === 'transfer')).toBe(false);
        // …then at the next open it sells, at the open, the whole units that fund its transfer…
        const fill = sleeve?.fills.find((candidate) => candidate.time === time[step + 1] && candidate.reason === 'transfer');
        expect(fill).toMatchObject({ side: 'sell', quantity: sale.quantity, symbol: sale.symbol, price: symbol.open[step + 1] });
        // …rounded up, so its cash ends the bar at or above zero, and by less than a unit.
        const cash = sleeve?.equity.cash[step + 1] ?? Number.NaN;
        expect(cash).toBeGreaterThanOrEqual(0);
        expect(cash).toBeLessThan(symbol.open[step + 1] ?? Number.NaN);
      }
    }
    expect(logger.records.some((record) => record.fields.event === 'transfer-sale')).toBe(true);
    // Transfers are not performance, and the receiver earned its overnight move on the capital it
    // had: its return on the bar of the transfer splits at the open.
    const event = withSales[0];
    const step = time.indexOf(event?.time ?? 0);
    const r = result.sleeves.findIndex((sleeve) => (event?.transfers[sleeve.id] ?? 0) > 0);
    const b = result.sleeves[r];
    const transfer = event?.transfers[b?.id ?? '?'] ?? Number.NaN;
    expect(transfer).toBeGreaterThan(0);
    const units = (b?.fills ?? []).filter((fill) => fill.time <= (time[step] ?? 0)).reduce((sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity), 0);
    const base = (b?.equity.cash[step] ?? Number.NaN) + units * ((r === 0 ? UP : DOWN).open[step + 1] ?? Number.NaN);
    const previous = b?.equity.equity[step] ?? Number.NaN;
    const value = b?.equity.equity[step + 1] ?? Number.NaN;
    expect(b?.returns[step + 1]).toBeCloseTo((base / previous) * (value / (base + transfer)) - 1, 12);
  });

  it('transfers: "cash" with fixed or minimum commissions: a giver sells what covers its shortfall after each sale\'s own costs, and one sent to 0 ends at 0, not below', () => {
    // UP rises and DN falls: the "return" score sends DN's sleeve to 0 after the warm-up, and
    // weekly rebalancing keeps taking from whichever sleeve is above its target. A fixed commission
    // of 2 (or a 0.1% one of at least 5) is paid per sale: a sale sized as if it were proportional
    // left the giver 1–6 short, and a sleeve sent to 0 at minus its last commission.
    for (const fill of ['close', 'next-open'] as const) {
      for (const commission of [{ kind: 'fixed' as const, amount: 2 }, { kind: 'percent' as const, rate: 0.001, minimum: 5 }]) {
        const logger = createMemoryLogger();
        const result = runOrchestrator(
          {
            data: { dataset: 'test' },
            transfers: 'cash',
            fill,
            commission,
            allocation: { scheme: 'performance', metric: 'return', lookback: 10 },
            rebalance: { schedule: 'week' },
            checkInvariants: true,
            strategies: [
              { id: 'up', strategy: 'buy-and-hold', symbols: ['UP'] },
              { id: 'dn', strategy: 'buy-and-hold', symbols: ['DN'] },
              { id: 'fall', strategy: 'buy-and-hold', symbols: ['FALL'] },
            ],
          },
          [UP, DOWN, FALL],
          { registry: testRegistry, logger },
        );
        const label = `${fill} ${commission.kind}`;
        expect(result.rebalances.some((event) => event.sales.length > 0), label).toBe(true);
        for (const sleeve of result.sleeves) {
          const lowest = Math.min(...sleeve.equity.cash);
          expect(lowest, `${label} ${sleeve.id}`).toBeGreaterThanOrEqual(-1e-9);
        }
        // FALL's sleeve was sent to 0 and sold out: it holds nothing, worth exactly 0.
        const emptied = result.rebalances.find((event) => event.targetWeights.fall === 0 && (event.transfers.fall ?? 0) < 0);
        expect(emptied, label).toBeDefined();
        const fall = result.sleeves.find((sleeve) => sleeve.id === 'fall');
        const after = result.portfolio.equity.time.indexOf(emptied?.time ?? 0) + (fill === 'close' ? 0 : 1);
        expect(fall?.equity.equity[after], label).toBe(0);
        expect(logger.records.some((record) => record.fields.event === 'transfer-kept'), label).toBe(true);
      }
    }
  });

  it('transfers: "cash": a giver whose position has no bar now keeps back what it cannot sell, instead of running negative cash until the bar comes', () => {
    // B has no bars on days 10–19 and rises 3% a day around them; A falls 3% a day. Fixed weights of 0.5,
    // rebalanced every bar: B's sleeve gives at every close, and in the hole it cannot sell.
    const days = Array.from({ length: 30 }, (_, i) => Date.UTC(2020, 0, 6) + i * 86_400_000);
    const a = barSeriesFromCloses('A', days, days.map((_, i) => 100 * 0.97 ** i));
    const kept = days.map((_, i) => i).filter((i) => i < 10 || i >= 20);
    const b = barSeriesFromCloses('B', kept.map((i) => days[i] ?? 0), kept.map((i) => 50 * 1.03 ** i));
    for (const fill of ['close', 'next-open'] as const) {
      const logger = createMemoryLogger();
      const result = runOrchestrator(
        {
          data: { dataset: 'test' },
          transfers: 'cash',
          fill,
          commission: { kind: 'percent', rate: 0.001 },
          allocation: { scheme: 'fixed' },
          rebalance: { schedule: { everyBars: 1 } },
          checkInvariants: true,
          strategies: [
            { id: 'b', strategy: 'buy-and-hold', symbols: ['B'], weight: 0.5 },
            { id: 'a', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.5 },
          ],
        },
        [a, b],
        { registry: testRegistry, logger },
      );
      for (const sleeve of result.sleeves) expect(Math.min(...sleeve.equity.cash), `${fill} ${sleeve.id}`).toBeGreaterThanOrEqual(-1e-9);
      expect(Math.min(...result.portfolio.equity.cash), fill).toBeGreaterThanOrEqual(-1e-9);
      expect(logger.records.some((record) => record.fields.event === 'transfer-kept'), fill).toBe(true);
    }
  });

  it('transfers: "cash": a giver does not sell a position whose sale would raise less than its commission; it keeps back the shortfall', () => {
    // A 0.1% commission of at least 30. After the warm-up's equal halves, sleeve b is cut to
    // 0.0007 (about 70: it sells all of its DN but about 23, the sale's 50 of commission paid, and
    // keeps back about 19 of cash: what closing that rest at half its price would cost beyond what
    // it would raise), then sent to 0 at the next rebalance: selling that rest would pay 30 to
    // raise about 20, so it keeps the position, and the cash that pays for closing it.
    let calls = 0;
    const allocate = (): number[] => (calls++ === 0 ? [0.9993, 0.0007] : [1, 0]);
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        transfers: 'cash',
        fill: 'close',
        fractional: true,
        commission: { kind: 'percent', rate: 0.001, minimum: 30 },
        allocation: { scheme: 'equal' },
        rebalance: { schedule: { everyBars: 10 } },
        checkInvariants: true,
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry, allocate },
    );
    const b = result.sleeves[1];
    const cut = result.rebalances.find((event) => Math.abs((event.targetWeights.b ?? 0) - 0.0007) < 1e-12);
    const emptied = result.rebalances.find((event) => event.time > (cut?.time ?? Number.POSITIVE_INFINITY) && (event.targetWeights.b ?? 1) < 1e-12);
    expect(cut).toBeDefined();
    expect(emptied).toBeDefined();
    // The cut sells; nothing after it: the rest is worth less than its commission.
    expect(b?.fills.some((fill) => fill.side === 'sell' && fill.time === cut?.time)).toBe(true);
    expect(b?.fills.some((fill) => fill.time > (cut?.time ?? Number.POSITIVE_INFINITY))).toBe(false);
    const held = (b?.fills ?? []).reduce((sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity), 0);
    expect(held).toBeGreaterThan(0);
    const at = result.portfolio.equity.time.indexOf(emptied?.time ?? 0);
    expect(held * (DOWN.close[at] ?? Number.NaN)).toBeLessThan(30);
    expect(Math.min(...(b?.equity.cash ?? []))).toBeGreaterThanOrEqual(-1e-9);
  });

  it('transfers: "cash": a giver cut down to crumbs keeps back the cash that closes them even at half their price, so its own exit cannot take it below 0 (by hand)', () => {
    // Found by test:fuzz (seed 1829618548): a fixed commission of 2.79, a signal sleeve cut to a
    // weight of 1e-6 and left holding 2.789 of BBB with no cash; its exit paid 2.7896 and it ended
    // at −0.0001. Here X closes 100, 100, 100, 95 and the commission is 2.5 an order. "sig" buys X
    // with all of its 50,000 at the first close: (50,000 − 2.5) / 100 = 499.975 units. At the third
    // close (the second rebalance, every 2 bars) it is cut to 4: it sells (50,000 − 4) / 100 =
    // 499.96 units for 49,996 − 2.5 = 49,993.5, what it gives, and keeps 0.015 units worth 1.5.
    // Closing those costs 2.5; at half their price they would raise 0.75 − 2.5 = −1.75, so it
    // keeps back 1.75 of cash and gives 49,991.75 (it gave 49,993.5 and held 1.5 with no cash).
    // At the fourth close X is at 95 and "sig" exits: 1.75 + 0.015 × 95 − 2.5 = 0.675 (it ended
    // at −1.075; keeping back only what closing costs at the marks, 1, would end at −0.075).
    const X = barSeriesFromCloses('X', [0, 1, 2, 3].map((i) => Date.UTC(2020, 0, 1) + i * 86_400_000), [100, 100, 100, 95]);
    const weight = 4 / 99_997.5;
    let calls = 0;
    const logger = createMemoryLogger();
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 100_000,
        fill: 'close',
        fractional: true,
        transfers: 'cash',
        commission: { kind: 'fixed', amount: 2.5 },
        allocation: { lookback: 5, minHistory: 0 },
        rebalance: { schedule: { everyBars: 2 } },
        checkInvariants: true,
        strategies: [
          { id: 'sig', strategy: 'scripted', params: { enterAt: [0], exitAt: [3] }, symbols: ['X'], sizing: { kind: 'percent-of-cash', percent: 100 } },
          { id: 'idle', strategy: 'scripted', params: {}, symbols: ['X'] },
        ],
      },
      [X],
      { registry: testRegistry, logger, allocate: () => (calls++ === 0 ? [0.5, 0.5] : [weight, 1 - weight]) },
    );
    const [sig, idle] = result.sleeves;
    const cut = result.rebalances[1];
    expect(cut?.time).toBe(X.time[2]);
    expect(cut?.transfers.sig).toBeCloseTo(-49_991.75, 6);
    expect(cut?.transfers.idle).toBeCloseTo(49_991.75, 6);
    expect(cut?.belowCosts).toEqual([]);
    const sale = sig?.fills.find((fill) => fill.reason === 'transfer');
    expect(sale?.quantity).toBeCloseTo(499.96, 6);
    expect(sig?.equity.cash[2]).toBeCloseTo(1.75, 6);
    expect(sig?.equity.equity[2]).toBeCloseTo(3.25, 6);
    expect(idle?.equity.equity[2]).toBeCloseTo(99_991.75, 6);
    const exit = sig?.fills.find((fill) => fill.reason === 'exit');
    expect(exit).toMatchObject({ time: X.time[3], side: 'sell', price: 95, commission: 2.5 });
    expect(exit?.quantity).toBeCloseTo(0.015, 6);
    expect(sig?.equity.equity[3]).toBeCloseTo(0.675, 6);
    expect(sig?.equity.cash[3]).toBeCloseTo(0.675, 6);
    for (let t = 0; t < result.bars; t++) expect(result.portfolio.equity.reserve[t] ?? Number.NaN).toBeGreaterThanOrEqual(-1e-9);
    const kept = logger.records.find((record) => record.fields.event === 'transfer-kept');
    expect(kept?.fields.closing).toBeCloseTo(1.75, 6);
  });

  it('close fills: a portfolio sleeve that rebalances on the transfer bar funds it with its own orders: no sale is queued, nothing is dropped', () => {
    // Both sleeves rebalance monthly, on the same bars as the portfolio; equal-weight over UP and
    // DN is always invested, so every transfer out leaves it with negative cash until it trades.
    const logger = createMemoryLogger();
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fill: 'close',
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: 'month' },
        checkInvariants: true,
        strategies: [
          { id: 'ew', strategy: 'equal-weight', params: { rebalance: 'month' }, symbols: ['UP', 'DN'], weight: 0.5 },
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['UP'], weight: 0.5 },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry, logger },
    );
    const gives = result.rebalances.filter((event) => (event.transfers.ew ?? 0) < 0);
    expect(gives.length).toBeGreaterThan(0);
    const times = result.portfolio.equity.time;
    const ew = result.sleeves[0];
    for (const event of gives) {
      expect(event.sales.filter((sale) => sale.strategyId === 'ew')).toEqual([]);
      const step = times.indexOf(event.time);
      // Its own rebalance orders, sized to its new equity, fill at this close and leave its cash about zero.
      const fills = (ew?.fills ?? []).filter((fill) => fill.time === times[step] && fill.reason === 'rebalance');
      expect(fills.length).toBeGreaterThan(0);
      expect(Math.abs(ew?.equity.cash[step] ?? Number.NaN)).toBeLessThan(0.02 * (ew?.equity.equity[step] ?? 0));
    }
    const replaced = logger.records.filter((record) => record.fields.event === 'order-dropped' && record.fields.why === 'replaced');
    expect(replaced).toEqual([]);
    expect(logger.records.some((record) => record.fields.event === 'transfer-funded-by-rebalance' && record.fields.strategy === 'ew')).toBe(true);
  });

  it('next-open fills: a portfolio sleeve rebalancing on the transfer bar trades its own orders first, then is scaled at the open like any sleeve', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: 'month' },
        checkInvariants: true,
        strategies: [
          { id: 'ew', strategy: 'equal-weight', params: { rebalance: 'month' }, symbols: ['UP', 'DN'], weight: 0.5 },
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['UP'], weight: 0.5 },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry, logger },
    );
    const gives = result.rebalances.filter((event) => (event.transfers.ew ?? 0) < 0);
    expect(gives.length).toBeGreaterThan(0);
    const times = result.portfolio.equity.time;
    const ew = result.sleeves[0];
    for (const event of gives) {
      const step = times.indexOf(event.time);
      // Its sales scale both positions; at the next open, after its own orders of the close.
      expect(event.sales.filter((sale) => sale.strategyId === 'ew').map((sale) => sale.symbol).sort()).toEqual(['DN', 'UP']);
      const next = (ew?.fills ?? []).filter((fill) => fill.time === times[step + 1] && fill.reason === 'transfer');
      expect(next.length).toBeGreaterThanOrEqual(2);
      // Scaled, not levered: its cash stays what its own orders, sized at the close and filled at
      // the open, left of its equity (a sliver; the giver is never left holding what it gave).
      expect(Math.abs(ew?.equity.cash[step + 1] ?? Number.NaN)).toBeLessThan(0.02 * (ew?.equity.equity[step + 1] ?? 0));
    }
    const replaced = logger.records.filter((record) => record.fields.event === 'order-dropped' && record.fields.why === 'replaced');
    expect(replaced).toEqual([]);
    expect(logger.records.some((record) => record.fields.event === 'transfer-funded-by-rebalance')).toBe(false);
  });

  it('a giver holding a short scales every position down instead of levering up', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: 'month' },
        checkInvariants: true,
        strategies: [
          { id: 'short', strategy: 'scripted', params: { enterAt: [0], side: 'short' }, symbols: ['FALL'], weight: 0.5 },
          { id: 'long', strategy: 'buy-and-hold', symbols: ['UP'], weight: 0.5 },
        ],
      },
      [UP, FALL],
      { registry: testRegistry },
    );
    const short = result.sleeves[0];
    const gives = result.rebalances.filter((event) => (event.transfers.short ?? 0) < 0);
    expect(gives.length).toBeGreaterThan(0);
    for (const event of gives) {
      const step = result.portfolio.equity.time.indexOf(event.time);
      const before = short?.equity.equity[step - 1] ?? Number.NaN;
      const sale = event.sales.find((candidate) => candidate.strategyId === 'short');
      expect(sale?.quantity).toBeLessThan(0); // a cover
      const next = step + 1;
      // Exposure over equity stays what it was before the transfer (up to one bar's move).
      const ratioBefore = (short?.equity.grossExposure[step - 1] ?? 0) / before;
      const ratioAfter = (short?.equity.grossExposure[next] ?? 0) / (short?.equity.equity[next] ?? 1);
      expect(ratioAfter).toBeCloseTo(ratioBefore, 1);
    }
    expect(Math.min(...Array.from(short?.equity.equity ?? []))).toBeGreaterThan(0);
  });

  it('drift bands trigger rebalances between scheduled dates, and say so', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        rebalance: { schedule: 'never', drift: { absolute: 0.02 } },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry },
    );
    const drifts = result.rebalances.slice(1);
    expect(drifts.length).toBeGreaterThan(0);
    for (const event of drifts) {
      expect(event.reason).toBe('drift-absolute');
      expect(Math.abs((event.weightsBefore.a ?? 0) - 0.5)).toBeGreaterThan(0.02);
    }
  });

  it('shared mode isolates a failing voter and takes it out of the votes', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        mode: 'shared',
        conflictPolicy: 'veto',
        errorPolicy: 'isolate',
        fractional: true,
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'steady', strategy: 'buy-and-hold', symbols: ['UP'] },
          { id: 'fragile', strategy: 'throwing', params: { at: 10 }, symbols: ['UP'] },
        ],
      },
      [UP],
      { registry: testRegistry },
    );
    expect(result.isolated.map((event) => [event.strategyId, event.symbol, event.time])).toEqual([['fragile', 'UP', UP.time[10]]]);
    // Both long from bar 0: the shared account holds UP; after the isolation "steady" alone decides.
    expect(result.portfolio.openPositions.map((position) => position.symbol)).toEqual(['UP']);
    expect(result.sleeves[1]?.fills.at(-1)?.reason).toBe('isolate');
  });
});

describe('allocation hooks', () => {
  it('a custom allocation function replaces the scheme and sees returns up to the previous bar only', () => {
    const seen: { length: number; time: number | undefined; ids: readonly string[] | undefined }[] = [];
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        allocation: { lookback: 5, minHistory: 0, cashBuffer: 0.2 },
        rebalance: { schedule: { everyBars: 30 } },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
        ],
      },
      [UP, DOWN],
      {
        registry: testRegistry,
        allocate: ({ history, time, sleeveIds }) => {
          seen.push({ length: history.length, time, ids: sleeveIds });
          for (const column of history.returns) expect(column.length).toBe(history.length);
          return [3, 1];
        },
      },
    );
    expect(result.allocationScheme).toBe('custom');
    // Bar 0 (initial) sees no returns; bar 30 sees returns of bars 0..29, etc.
    expect(seen.map((call) => call.length)).toEqual([0, 30, 60, 90]);
    expect(seen[1]?.time).toBe(UP.time[30]);
    expect(seen[1]?.ids).toEqual(['a', 'b']);
    // 3 : 1 scaled to 1 − cashBuffer = 0.8: 0.6 and 0.2; the reserve holds the rest.
    for (const event of result.rebalances) {
      expect(event.targetWeights.a).toBeCloseTo(0.6, 15);
      expect(event.targetWeights.b).toBeCloseTo(0.2, 15);
    }
    expect(result.portfolio.equity.reserve[0]).toBeCloseTo(20_000, 6);
  });

  it("a sleeve's own rebalance schedule overrides its portfolio strategy's", () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        fill: 'close',
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'monthly', strategy: 'equal-weight', params: { rebalance: 'month' }, symbols: ['UP', 'DN'] },
          { id: 'weekly', strategy: 'equal-weight', symbols: ['UP', 'DN'], rebalance: 'week' },
        ],
      },
      [UP, DOWN],
      { registry: testRegistry },
    );
    const months = new Set(result.sleeves[0]?.rebalances.map((time) => new Date(time).getUTCMonth()));
    expect(result.sleeves[0]?.rebalances).toHaveLength(months.size);
    expect(result.sleeves[1]?.rebalances.length).toBeGreaterThan(3 * months.size);
    for (const time of result.sleeves[1]?.rebalances.slice(1) ?? []) expect(new Date(time).getUTCDay()).toBe(1);
  });
});

describe('sleeve statistics', () => {
  it('match the allocation layer exactly when every return is finite', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        (n, length, seed) => {
          const columns = Array.from({ length: n }, (_, i) => {
            const series = walkSeries(`R${i}`, length + 1, seed + i);
            return Float64Array.from({ length }, (_, t) => (series.close[t + 1] ?? 0) / (series.close[t] ?? 1) - 1);
          });
          const history = { returns: columns, length };
          const statistics = sleeveStatistics(columns);
          expect(statistics.covariance).toEqual(sampleCovariance(history));
          expect(statistics.correlation).toEqual(correlationMatrix(history));
          expect(statistics.volatilities).toEqual(sampleVolatilities(history));
          // Every return finite: the diversification ratio reads the sample covariance as it is.
          expect(statistics.ratioCovariance).toBe(statistics.covariance);
        },
      ),
      { numRuns: 50 },
    );
    const withGap = [Float64Array.of(0.01, Number.NaN, 0.02, -0.01), Float64Array.of(0.02, 0.01, -0.01, 0)];
    expect(sleeveStatistics(withGap).correlation).toEqual(correlationMatrix({ returns: withGap, length: 4 }));
  });
});
