import type { AnyStrategy, BarSeries, IndicatorColumns, Logger, RebalanceRule } from '@ensemble/protocol';
import type { Account } from './account';
import type { OrderExecutor } from './execution';
import type { FillMode } from './options';
import type { SizingRule } from './sizing';

/** Options of a {@link StrategyRunner}. */
export interface StrategyRunnerOptions {
  readonly strategy: AnyStrategy;
  /** The strategy's symbols' bars, in the order of `account.symbols`. */
  readonly series: readonly BarSeries[];
  /** Epoch ms of every step of the (shared) timeline. */
  readonly time: Float64Array;
  /**
   * Per series, its bar index at every timeline step (-1: no bar then), e.g. rows of a protocol
   * `Timeline.barIndex`; null when there is a single series whose bars are the steps.
   */
  readonly barIndex: readonly Int32Array[] | null;
  /** The ledger the runner trades in; its symbols must be the series' symbols, in order. */
  readonly account: Account;
  readonly executor: OrderExecutor;
  /** Default `next-open`. */
  readonly fill?: FillMode;
  /** Entry sizing of signal strategies; default `percent-of-cash` 100. */
  readonly sizing?: SizingRule;
  /** Default false: whole units. */
  readonly fractional?: boolean;
  /** Close each position at its symbol's last close (default false). */
  readonly closeAtEnd?: boolean;
  /** Rebalance schedule of a portfolio strategy; default (null or absent) its own. */
  readonly rebalance?: RebalanceRule | null;
  /**
   * A signal strategy's indicator columns on each series, as `computeIndicators` gives them
   * (default, or null: computed here). Strategies only read them, so runners of the same strategy and
   * parameters on the same series may share one set.
   */
  readonly indicators?: readonly IndicatorColumns[] | null;
  /**
   * Receives the runner's events (`order-dropped`, `rebalance`, `weight-ignored`, `weights-over-equity`), which do not
   * repeat the strategy: bind it, `logger.child({ strategy: id })`, as the engine and orchestrator do.
   */
  readonly logger?: Logger;
}
