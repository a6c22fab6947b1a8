import { loadDataset } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';

// Two sleeves on IBM — one holding it, one trading it long and short — beside KO and GE, at 1.5×
// leverage, rebalanced quarterly at the close, with a 45 % cap on a symbol and 90 % on the net.
// At a rebalance the trend sleeve's short is scaled down when it gives capital, so the IBM net
// rises above its cap through the transfers alone (1994-10-03: 44.08 % before them, 46.18 % after).
const CONFIG: RunConfigInput = {
  data: { dataset: 'dow30', from: '1994-01-01', to: '1998-12-31' },
  cash: 1_000_000,
  commission: { kind: 'percent', rate: 0.001 },
  fill: 'close',
  fractional: true,
  rebalance: { schedule: 'quarter' },
  allocation: { scheme: 'equal', leverage: 1.5 },
  risk: { maxSymbolExposure: 0.45, maxGrossExposure: 1.2, maxNetExposure: 0.9 },
  strategies: [
    { id: 'hold-ibm', strategy: 'buy-and-hold', symbols: ['IBM'] },
    { id: 'trend-ibm', strategy: 'sma-crossover', params: { fast: 5, slow: 20, allowShort: true }, symbols: ['IBM'] },
    { id: 'hold-ko', strategy: 'buy-and-hold', symbols: ['KO'] },
    { id: 'hold-ge', strategy: 'buy-and-hold', symbols: ['GE'] },
  ],
};

let series: readonly BarSeries[] = [];
beforeAll(async () => {
  series = (await loadDataset('dow30', { from: '1994-01-01', to: '1998-12-31' })).series;
});

describe('exposure caps at a rebalance close', () => {
  it('measure the book after the transfers of that close, so the caps hold once they fill', () => {
    const result = runOrchestrator(CONFIG, series, { registry: strategyRegistry });
    const { equity, netExposure, time } = result.portfolio.equity;
    const sleeve = (id: string) => result.sleeves.find((entry) => entry.id === id);
    const ko = sleeve('hold-ko')?.equity.grossExposure;
    const ge = sleeve('hold-ge')?.equity.grossExposure;
    // IBM's net exposure after the close: the portfolio's net less the two long-only sleeves' books.
    const shares = Array.from(time, (_, t) => ({
      ibm: ((netExposure[t] ?? 0) - (ko?.[t] ?? 0) - (ge?.[t] ?? 0)) / (equity[t] ?? 1),
      net: (netExposure[t] ?? 0) / (equity[t] ?? 1),
    }));
    const rebalances = result.rebalances.filter((event) => event.reason !== 'initial');
    expect(rebalances.length).toBe(19);
    // After every rebalance close, both caps hold, up to the costs of that close's orders (0.1 % of
    // what they trade comes out of the equity the caps were measured on). Measured before the
    // transfers, six closes ended above a cap (IBM at up to 46.5 %, the net at up to 94.4 %).
    for (const event of rebalances) {
      const t = Array.from(time).indexOf(event.time);
      expect(shares[t]?.ibm, new Date(event.time).toISOString()).toBeLessThanOrEqual(0.45 * (1 + 1e-3));
      expect(shares[t]?.net, new Date(event.time).toISOString()).toBeLessThanOrEqual(0.9 * (1 + 1e-3));
    }
    // The trim of 1994-10-03 says what it measured: the share after the transfers, above the cap.
    const october = Date.UTC(1994, 9, 3);
    const trims = result.risk.filter((event) => event.time === october);
    expect(trims.map((event) => event.kind)).toEqual(['symbol-exposure', 'net-exposure']);
    expect(trims[0]?.value).toBeGreaterThan(0.46);
    expect(trims[0]?.detail).toContain("(after this close's transfers)");
  });
});
