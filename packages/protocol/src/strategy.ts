import type { BarColumn, BarSeries, PriceField } from './bars';
import type { AccountView, Position, PositionSide } from './trading';
import { refusedValue } from './errors';
import { formatValue, isThenable, thenableProblem } from './format-value';

/** A request to open a position. Sizing is resolved by the engine at the fill. */
export interface EntrySignal {
  readonly side: PositionSide;
  /** Scales the position size, 0..1 (default 1); 0 asks for no entry (the engine places no order). */
  readonly strength?: number;
  /** Absolute stop-loss price. */
  readonly stopLoss?: number;
  /** Absolute take-profit price. */
  readonly takeProfit?: number;
}

/** A request to close a position, with an optional reason for logs. */
export interface ExitSignal {
  readonly exit: boolean;
  readonly reason?: string;
}

/** Precomputed indicator columns, aligned with the series' bars. */
export type IndicatorColumns = Readonly<Record<string, Float64Array>>;

/**
 * What a signal strategy sees when deciding on bar `index` of `symbol`. Accessors take `ago`
 * (0 = the current bar, 1 = the previous one, …) and return `NaN` before the first bar; a
 * negative `ago` — the future — throws. History views end at the current bar. Read-only: the
 * engine's context has getters only, `account` cannot be written and `position` is frozen.
 */
export interface StrategyContext {
  readonly symbol: string;
  /** Index of the current bar in the symbol's series. */
  readonly index: number;
  /** Epoch ms of the current bar. */
  readonly time: number;
  /** Number of bars visible (index + 1). */
  readonly length: number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  /** A precomputed indicator `ago` bars back; throws if the strategy declared no such indicator. */
  indicator(name: string, ago?: number): number;
  /**
   * Zero-copy view of a column from the first bar up to and including the current one. Its
   * `buffer` spans the whole column: reading past the view is look-ahead (`checkLookahead` reports
   * it) and writing through it changes the data (`checkInvariants` and `checkLookahead` fail).
   */
  history(column: BarColumn): Float64Array;
  /** Zero-copy view of an indicator up to and including the current bar. */
  indicatorHistory(name: string): Float64Array;
  /** The account (sleeve) the strategy trades in, as of the previous mark. */
  readonly account: AccountView;
  /** This strategy's open position on the symbol, or null. */
  readonly position: Position | null;
}

/**
 * A signal strategy: asked on every bar's close, per symbol, whether to enter or exit.
 * Stateless: the same context gives the same answer.
 */
export interface Strategy {
  readonly kind?: 'signal';
  /** Unique within a run. */
  readonly id: string;
  /** Bars of history needed: the engine first asks when `warmup` bars are visible. */
  readonly warmup: number;
  /**
   * Optional indicators, computed once per series on the full history: an object of
   * `Float64Array` columns with one value per bar (`{}` for none). `series` is a copy, so writing
   * it changes nothing. The engine and the look-ahead checker only ever show them up to the
   * current bar; an indicator at bar i must depend on bars 0..i alone (`checkLookahead` verifies
   * this).
   */
  indicators?(series: BarSeries): IndicatorColumns;
  /** Open a position on this bar's close? Called only when the strategy is flat on the symbol. */
  shouldEnter(context: StrategyContext): EntrySignal | null;
  /** Close `position` on this bar's close? */
  shouldExit(context: StrategyContext, position: Position): boolean | ExitSignal;
}

/** When a portfolio strategy (or the orchestrator) rebalances. */
export type RebalanceRule =
  | { readonly kind: 'never' }
  | { readonly kind: 'bars'; readonly every: number }
  | { readonly kind: 'calendar'; readonly period: 'week' | 'month' | 'quarter' | 'year' };

/** What a portfolio strategy sees on a rebalance bar. */
export interface PortfolioContext {
  /** Epoch ms of the current timeline step. */
  readonly time: number;
  /** Index of the current step in the merged timeline. */
  readonly step: number;
  /** Every symbol the strategy trades. */
  readonly symbols: readonly string[];
  /** Symbols with a bar at this step: only these can be traded now. */
  readonly tradable: readonly string[];
  /** A symbol's history up to this step, or null if it has no bar yet. */
  bars(symbol: string): StrategyContext | null;
  readonly account: AccountView;
  /** Open positions of this strategy by symbol. */
  readonly positions: ReadonlyMap<string, Position>;
}

/** Target weights of the sleeve's equity per symbol (negative = short). Missing symbols = 0. */
export type TargetWeights = Readonly<Record<string, number>>;

/** A bt-style allocation strategy: answers target weights on its rebalance schedule. */
export interface PortfolioStrategy {
  readonly kind: 'portfolio';
  readonly id: string;
  /** Steps of history needed before the first rebalance. */
  readonly warmup: number;
  /** The schedule used when the run does not set one. */
  readonly rebalance: RebalanceRule;
  targetWeights(context: PortfolioContext): TargetWeights;
}

/** Either kind of strategy. */
export type AnyStrategy = Strategy | PortfolioStrategy;

/** True for a {@link PortfolioStrategy}. */
export function isPortfolioStrategy(strategy: AnyStrategy): strategy is PortfolioStrategy {
  return strategy.kind === 'portfolio';
}

/**
 * Normalises the return of `shouldExit`: `true`/`false` or `{ exit }`. Anything else (a strategy
 * written without the types) throws a `TypeError` saying what was returned and what is allowed,
 * marked as a refused value ({@link refusedValue}).
 */
export function exitRequested(decision: boolean | ExitSignal): boolean {
  if (decision === true) return true;
  if (decision === false) return false;
  if (isThenable(decision)) throw refusedValue(new TypeError(thenableProblem('shouldExit')));
  if (typeof decision === 'object' && (decision as ExitSignal | null) !== null && typeof decision.exit === 'boolean') return decision.exit;
  throw refusedValue(new TypeError(`shouldExit returned ${formatValue(decision)}; it must be a boolean or { exit: boolean }`));
}

/** A strategy's price fields, for iteration. */
export const PRICE_FIELDS: readonly PriceField[] = ['open', 'high', 'low', 'close', 'volume'];
