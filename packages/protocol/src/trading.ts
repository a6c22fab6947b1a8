/** Direction of a position or trade. */
export type PositionSide = 'long' | 'short';

/** Direction of an order or fill. */
export type OrderSide = 'buy' | 'sell';

/**
 * Every reason an order is placed or a fill happens, in a fixed order (schemas and compact logs
 * use it; new reasons are appended). `rebalance` is a portfolio strategy's own rebalancing;
 * `transfer` is capital the orchestrator moves into or out of a sleeve (its book scaled pro rata,
 * or cash raised) and `risk` a sale its risk limits make (an exposure cap's trim, the drawdown
 * stop) — the portfolio's decisions, not the sleeve's strategy's: a trade either closes is left
 * out of the trade statistics ({@link PORTFOLIO_EXIT_REASONS}). `margin-call` closes the
 * positions of an account whose equity is at or below zero at a close (the engine's margin call).
 */
export const FILL_REASONS = ['entry', 'exit', 'stop-loss', 'take-profit', 'rebalance', 'close-at-end', 'isolate', 'risk', 'transfer', 'margin-call'] as const;

/** Why an order was placed or a fill happened. */
export type FillReason = (typeof FILL_REASONS)[number];

/**
 * The exit reasons of trades the portfolio closed rather than the strategy: capital moved out of a
 * sleeve (`transfer`) and the orchestrator's risk limits (`risk`). Such trades stay in the trade
 * lists (every unit closes in exactly one trade, so the P&L adds up) and are left out of the trade
 * statistics (count, win rate, profit factor, expectancy, best and worst, SQN), which judge the
 * strategy's own decisions: a buy-and-hold sleeve under an exposure cap trimmed at 40 closes has
 * made no trade.
 */
export const PORTFOLIO_EXIT_REASONS: readonly FillReason[] = ['transfer', 'risk'];

/** Whether a trade that closed for `reason` was closed by the portfolio (see {@link PORTFOLIO_EXIT_REASONS}). */
export function closedByPortfolio(reason: FillReason | undefined): boolean {
  return reason !== undefined && PORTFOLIO_EXIT_REASONS.includes(reason);
}

/** An open position: one per (strategy, symbol). Quantity is positive; `side` gives direction. */
export interface Position {
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly quantity: number;
  /** Average entry price, including slippage. */
  readonly entryPrice: number;
  /** Epoch ms of the entry fill. */
  readonly entryTime: number;
  /** Commission paid on entry so far. */
  readonly entryCommission: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

/** An order as decided by the engine from a signal; filled on a later bar (or the same close). */
export interface Order {
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly reason: FillReason;
  /** Epoch ms of the bar that decided the order. */
  readonly decidedAt: number;
  /** Quantity, when known at decision time; otherwise resolved at the fill from the sizing rule. */
  readonly quantity?: number;
}

/** An executed fill. `price` includes slippage; `commission` is charged on top. */
export interface Fill {
  readonly strategyId: string;
  readonly symbol: string;
  /** Epoch ms of the bar the fill happened on. */
  readonly time: number;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly price: number;
  readonly commission: number;
  /** Slippage cost in currency (|fill price − reference price| × quantity). */
  readonly slippage: number;
  readonly reason: FillReason;
}

/** A closed round trip. `pnl` is net of both commissions; `returnPct` is pnl / entry value. */
export interface Trade {
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly quantity: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  /** Entry plus exit commission. */
  readonly commission: number;
  /** q × (exit − entry) × (+1 long, −1 short) − commission. */
  readonly pnl: number;
  /** pnl / (q × entry price), as a fraction. */
  readonly returnPct: number;
  readonly barsHeld: number;
  readonly exitReason: FillReason;
}

/** One point of an equity curve: total value and cash at the bar's close. */
export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
}

/** What a strategy may read of its account: never a handle that can change it. */
export interface AccountView {
  readonly cash: number;
  readonly equity: number;
}

/**
 * An equity curve in columns, one entry per timeline step: total value, cash and the gross
 * market value of open positions (Σ |quantity × close|) at the close.
 */
export interface EquityCurve {
  readonly time: Float64Array;
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly grossExposure: Float64Array;
}
