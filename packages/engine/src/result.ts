import type { EquityCurve, Fill, Trade } from '@ensemble/protocol';
import type { OpenPosition } from './account';
import type { ResolvedBacktestOptions } from './options';
import { jsonArrays, jsonRows } from './json-text';
import type { JsonArrayMaker, JsonListMaker, WithJsonRows } from './json-text';

/** Counts of what happened to the orders of a run. */
export interface OrderStats {
  /** Orders that produced a fill (stops, take-profits and close-at-end included). */
  readonly filled: number;
  /** Buys filled smaller than asked because cash could not pay for them (each logged). */
  readonly shrunk: number;
  /** Orders that filled nothing: zero size, no cash at all, a position that could not pay for its own closing, or costs of at least what they trade (each logged). */
  readonly rejected: number;
  /**
   * Orders that never reached a fill: decided on a symbol's last bar with `next-open` fills,
   * still pending at the end, or replaced by a newer rebalance before their symbol had a bar.
   */
  readonly dropped: number;
  /**
   * Of the rejected orders, those refused because the position they would leave could not pay
   * for its own closing (`below-closing-costs`: a long worth no more at half its price
   * than selling it there costs, a short worth no more than buying it back; a fixed or minimum
   * commission against a sliver of cash). Absent when there were none (and from results written
   * before it was counted).
   */
  readonly belowClosingCosts?: number;
  /**
   * Of the rejected orders, a portfolio strategy's orders whose commission and slippage were at
   * least the value they traded (`below-costs`: a small adjustment against a fixed or minimum
   * commission). Absent when there were none (and from results written before it was counted).
   */
  readonly belowCosts?: number;
  /**
   * Of the filled orders, the entries and portfolio strategies' orders that filled at the quantity
   * cap, `MAX_QUANTITY` (2^53 − 1) units, opening or adding to a position: whole units are not
   * sized above it, so such an order may have traded less than its sizing asked (100 % of
   * 1,000,000 at a price of 1e-12 asks for 1e18 units and spends 9,007.20). Never with fractional
   * units, which are not capped. Absent when there were none (and from results written before it
   * was counted).
   */
  readonly capped?: number;
  /**
   * Of the filled orders, the entries whose stop-loss or take-profit was already reached at their
   * fill price (a long's stop-loss at or above it, or its take-profit at or below it; the reverse
   * for a short): each such position exits at the first check of its levels, paying costs both
   * ways — usually a level written on the wrong side of the price. Absent when there were none
   * (and from results written before it was counted).
   */
  readonly levelsCrossed?: number;
  /**
   * The rebalances of a portfolio strategy whose weights summed to more than 1 (by more than
   * 1e-9): more than the equity, which the account cannot pay for without margin, so their buys
   * are shrunk or rejected symbol by symbol — the usual reason for the counts above. Absent when
   * there were none (and from results written before it was counted). Such weights are not
   * refused: leverage by weights may be meant.
   */
  readonly weightsOverEquity?: WeightsOverEquity;
}

/** How many rebalances had weights summing to more than the equity (1), and the largest such sum. */
export interface WeightsOverEquity {
  /** Rebalances whose weights summed to more than 1. */
  readonly rebalances: number;
  /** The largest sum of weights among them (signed: a short's weight counts against the longs). */
  readonly maxSum: number;
}

/** Which strategy a result belongs to. */
export interface StrategySummary {
  readonly id: string;
  readonly kind: 'signal' | 'portfolio';
  readonly warmup: number;
}

/**
 * The outcome of one backtest. Plain data and deterministic: the same inputs give the same
 * result, and `JSON.stringify(result)` gives the documented JSON form of
 * {@link serializeBacktestResult} (the result carries a non-enumerable `toJSON`). Times are epoch
 * ms UTC; money is in the account currency.
 */
export interface BacktestResult {
  readonly strategy: StrategySummary;
  /** Symbols in the order the series were given. */
  readonly symbols: readonly string[];
  /** The options the run used, defaults applied. */
  readonly options: ResolvedBacktestOptions;
  /** Number of steps of the merged timeline (= entries of the equity curve). */
  readonly bars: number;
  /** Epoch ms of the first and last timeline step, or null for an empty timeline. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly initialCash: number;
  readonly finalCash: number;
  /** Equity after the last step: cash + open positions marked at their last close. */
  readonly finalEquity: number;
  /**
   * One entry per timeline step, recorded after everything that happened on the step. With a
   * single series, `equity.time` is that series' own `time` column (shared, not copied).
   */
  readonly equity: EquityCurve;
  readonly fills: readonly Fill[];
  /** Closed round trips, in order of closing. */
  readonly trades: readonly Trade[];
  /** Positions still open at the end, marked at their symbol's last close. */
  readonly openPositions: readonly OpenPosition[];
  /** Σ commission of every fill. */
  readonly totalCommission: number;
  /** Σ slippage cost (|fill price − reference price| × quantity) of every fill. */
  readonly totalSlippage: number;
  readonly orders: OrderStats;
  /** Epoch ms of each rebalance decision of a portfolio strategy (empty for signal strategies). */
  readonly rebalances: readonly number[];
}

/** One equity curve point in the JSON form. */
export interface EquityPointJson {
  /** ISO 8601: `YYYY-MM-DD` when every timeline time is a UTC midnight, the full instant otherwise. */
  readonly time: string;
  readonly equity: number;
  readonly cash: number;
  readonly grossExposure: number;
}

/** A fill in the JSON form: `time` as an ISO string. */
export type FillJson = Omit<Fill, 'time'> & { readonly time: string };

/** A trade in the JSON form: entry and exit times as ISO strings. */
export type TradeJson = Omit<Trade, 'entryTime' | 'exitTime'> & { readonly entryTime: string; readonly exitTime: string };

/** An open position in the JSON form: `entryTime` as an ISO string. */
export type OpenPositionJson = Omit<OpenPosition, 'entryTime'> & { readonly entryTime: string };

/** The documented, versioned JSON form of a {@link BacktestResult}. */
export interface BacktestResultJson {
  /** Format version of this JSON form. */
  readonly version: 1;
  readonly strategy: StrategySummary;
  readonly symbols: readonly string[];
  readonly options: ResolvedBacktestOptions;
  readonly bars: number;
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly initialCash: number;
  readonly finalCash: number;
  readonly finalEquity: number;
  readonly totalCommission: number;
  readonly totalSlippage: number;
  readonly orders: OrderStats;
  readonly rebalances: readonly string[];
  readonly equity: readonly EquityPointJson[];
  readonly fills: readonly FillJson[];
  readonly trades: readonly TradeJson[];
  readonly openPositions: readonly OpenPositionJson[];
}

const DAY_MS = 86_400_000;

/**
 * A formatter of epoch-ms times for the JSON form: `YYYY-MM-DD` when every time in `times` is a
 * UTC midnight (daily data), the full ISO instant otherwise.
 */
export function isoTimeFormatter(times: ArrayLike<number>): (time: number) => string {
  let daily = true;
  for (let i = 0; i < times.length && daily; i++) daily = (times[i] ?? 0) % DAY_MS === 0;
  return (time) => {
    if (!Number.isFinite(time)) return String(time);
    const iso = new Date(time).toISOString();
    return daily ? iso.slice(0, 10) : iso;
  };
}

/** {@link BacktestResultJson} with its long arrays (equity, rebalances, fills, trades, open positions) as lazy `JsonRows`. */
export type BacktestResultJsonRows = WithJsonRows<BacktestResultJson>;

/** A fill in its JSON form, times written by `format`. */
export function fillJson(fill: Fill, format: (time: number) => string): FillJson {
  return { ...fill, time: format(fill.time) };
}

/** A trade in its JSON form, times written by `format`. */
export function tradeJson(trade: Trade, format: (time: number) => string): TradeJson {
  return { ...trade, entryTime: format(trade.entryTime), exitTime: format(trade.exitTime) };
}

/** An open position in its JSON form, times written by `format`. */
export function openPositionJson(position: OpenPosition, format: (time: number) => string): OpenPositionJson {
  return { ...position, entryTime: format(position.entryTime) };
}

// With plain arrays (`jsonArrays`) the form has no JsonRows: the first signature says so.
function backtestJsonForm(result: BacktestResult, list: JsonArrayMaker): BacktestResultJson;
function backtestJsonForm(result: BacktestResult, list: JsonListMaker): BacktestResultJsonRows;
function backtestJsonForm(result: BacktestResult, list: JsonListMaker): BacktestResultJsonRows {
  const curve = result.equity;
  const format = isoTimeFormatter(curve.time);
  return {
    version: 1,
    strategy: result.strategy,
    symbols: result.symbols,
    options: result.options,
    bars: result.bars,
    startTime: result.startTime === null ? null : format(result.startTime),
    endTime: result.endTime === null ? null : format(result.endTime),
    initialCash: result.initialCash,
    finalCash: result.finalCash,
    finalEquity: result.finalEquity,
    totalCommission: result.totalCommission,
    totalSlippage: result.totalSlippage,
    orders: result.orders,
    rebalances: list(result.rebalances, format),
    equity: list(curve.time, (time, i): EquityPointJson => ({
      time: format(time),
      equity: curve.equity[i] ?? Number.NaN,
      cash: curve.cash[i] ?? Number.NaN,
      grossExposure: curve.grossExposure[i] ?? Number.NaN,
    })),
    fills: list(result.fills, (fill) => fillJson(fill, format)),
    trades: list(result.trades, (trade) => tradeJson(trade, format)),
    openPositions: list(result.openPositions, (position) => openPositionJson(position, format)),
  };
}

/**
 * The JSON form of a result: the equity columns become an array of
 * `{ time, equity, cash, grossExposure }` and every time an ISO string (see
 * {@link isoTimeFormatter}). Deterministic: equal results give byte-identical `JSON.stringify`.
 */
export function serializeBacktestResult(result: BacktestResult): BacktestResultJson {
  return backtestJsonForm(result, jsonArrays);
}

/**
 * {@link serializeBacktestResult} with the long arrays as `JsonRows`, each element made when
 * it is written: `jsonTextChunks(backtestResultJsonRows(result))` writes the same text as
 * `JSON.stringify(serializeBacktestResult(result))` (so does `JSON.stringify` of this form) without
 * holding the points, fills and trades of a long run as objects, or the text as one string.
 */
export function backtestResultJsonRows(result: BacktestResult): BacktestResultJsonRows {
  return backtestJsonForm(result, jsonRows);
}
