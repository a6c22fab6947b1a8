import { ConfigError } from '@ensemble/protocol';
import { DEFAULT_LOOKBACK } from './config';
import { toReturnHistory } from './return-history';
import type { ReturnHistoryInput } from './return-history';
import type { RiskParityOptions } from './risk-parity';
import { customWeights } from './custom-scheme';
import { performanceWeights } from './performance-scheme';
import { DEFAULT_ALLOCATION_PERIODS_PER_YEAR, equalWeights, fixedWeights, inverseVolatilityWeights, riskParityWeights, schemeResult } from './schemes';
import type { AllocationResult, AllocationScheme, CustomAllocation, PerformanceMetric, WindowOptions } from './schemes';

/**
 * The allocation settings {@link computeAllocation} reads: a parsed `AllocationConfigSchema`
 * fits, and `scheme` may also be `custom`.
 */
export interface AllocationSettings {
  readonly scheme: AllocationScheme;
  /** Default 63. */
  readonly lookback?: number | undefined;
  /** Default: lookback. */
  readonly minHistory?: number | undefined;
  /** Default 0.5 (`DEFAULT_MIN_INVESTED`). */
  readonly minInvested?: number | undefined;
  /** Default `sharpe`. */
  readonly metric?: PerformanceMetric | undefined;
  /** Default 0. */
  readonly floor?: number | undefined;
}

/** What {@link computeAllocation} needs besides the config: the run's facts and functions. */
export interface AllocationContext {
  /**
   * The strategies' configured weights, in sleeve order: the weights of `fixed`, and the warm-up
   * weights of the data-driven schemes when given (equal weights otherwise).
   */
  readonly fixedWeights?: ArrayLike<number> | undefined;
  /** The function of the `custom` scheme. */
  readonly custom?: CustomAllocation | undefined;
  /** Periods per year of the run, for the Sharpe score. Default 252. */
  readonly periodsPerYear?: number | undefined;
  /** Solver options of `risk-parity`. */
  readonly riskParity?: RiskParityOptions | undefined;
  /** Passed to a custom function. */
  readonly sleeveIds?: readonly string[] | undefined;
  /** Passed to a custom function: epoch ms of the bar being allocated. */
  readonly time?: number | undefined;
}

/**
 * Raw target weights for the configured scheme from the sleeves' returns up to the previous bar
 * (one dispatcher over {@link equalWeights}, {@link fixedWeights}, {@link inverseVolatilityWeights},
 * {@link riskParityWeights}, {@link performanceWeights} and {@link customWeights}). Throws
 * `ConfigError` when `fixed` lacks `context.fixedWeights` or `custom` lacks `context.custom`.
 */
export function computeAllocation(
  input: ReturnHistoryInput,
  settings: AllocationSettings,
  context: AllocationContext = {},
): AllocationResult {
  const history = toReturnHistory(input);
  const n = history.returns.length;
  const window: WindowOptions = {
    lookback: settings.lookback ?? DEFAULT_LOOKBACK,
    minHistory: settings.minHistory,
    minInvested: settings.minInvested,
    warmupWeights: context.fixedWeights,
  };
  switch (settings.scheme) {
    case 'equal':
      return schemeResult('equal', equalWeights(n));
    case 'fixed': {
      if (context.fixedWeights === undefined) {
        throw new ConfigError(
          [{ path: 'strategies', message: 'allocation scheme "fixed" needs a weight for every strategy; set "weight" on each one' }],
          { source: 'allocation' },
        );
      }
      return schemeResult('fixed', fixedWeights(context.fixedWeights, n));
    }
    case 'inverse-volatility':
      return inverseVolatilityWeights(history, window);
    case 'risk-parity':
      return riskParityWeights(history, { ...window, ...context.riskParity });
    case 'performance':
      return performanceWeights(history, {
        ...window,
        metric: settings.metric ?? 'sharpe',
        floor: settings.floor ?? 0,
        periodsPerYear: context.periodsPerYear ?? DEFAULT_ALLOCATION_PERIODS_PER_YEAR,
      });
    case 'custom': {
      if (context.custom === undefined) {
        throw new ConfigError([{ path: 'scheme', message: 'scheme "custom" needs a function: pass context.custom' }], { source: 'allocation' });
      }
      return customWeights(context.custom, history, { ...window, sleeveIds: context.sleeveIds, time: context.time });
    }
  }
}
