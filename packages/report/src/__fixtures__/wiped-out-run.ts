import { runOrchestrator } from '@ensemble/orchestrator';
import type { OrchestratorResult } from '@ensemble/orchestrator';
import { barSeriesFromBars } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';

/** Closes of `S`, daily from 2021-01-04 (open = high = low = close). */
export const WIPED_OUT_CLOSES = [100, 100, 40, 30, 30] as const;

/**
 * A portfolio that borrows and is wiped out: 1,000 of cash, two buy-and-hold sleeves on `S` at
 * leverage 2 (1,000 each, the reserve −1,000), fills at the close. Each buys 10 units at 100 and
 * is worth 1,000, 1,000, 400; the portfolio, twice that less 1,000, is −200 at 40, where it is
 * margin-called as a whole (both sold at 40) and trading halts: 1,000, 1,000, −200, −200, −200,
 * each sleeve 400 from then on. `rebalance`: the run's schedule (default never).
 */
export function runWipedOut(rebalance: unknown = { schedule: 'never' }): { result: OrchestratorResult; series: BarSeries } {
  const series = barSeriesFromBars(
    'S',
    WIPED_OUT_CLOSES.map((close, i) => ({ time: Date.UTC(2021, 0, 4) + i * 86_400_000, open: close, high: close, low: close, close, volume: 0 })),
  );
  const result = runOrchestrator(
    {
      name: 'Wiped out',
      data: { dataset: 'test' },
      cash: 1000,
      fill: 'close',
      allocation: { scheme: 'equal', leverage: 2 },
      rebalance,
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['S'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['S'] },
      ],
    },
    [series],
    { registry: strategyRegistry },
  );
  return { result, series };
}
