import type { OpenPosition, WeightsOverEquity } from '@ensemble/engine';
import type { PerformanceResult } from '@ensemble/performance';
import type { EquityCurve, Fill, Trade } from '@ensemble/protocol';
import type { RebalanceReason } from './allocation/rebalance';
import type { ConstraintStatus } from './allocation/constraints';
import type { RiskParityConvergence } from './allocation/risk-parity';
import type { AllocationScheme, UnestimatedReason } from './allocation/schemes';
import type { CapitalMode, ConflictPolicy, RunConfig } from './config';
import type { Attribution } from './attribution';

/** The portfolio's equity curve: the protocol columns plus the reserve and the net exposure, one entry per step. */
export interface PortfolioCurve extends EquityCurve {
  /**
   * Cash held by the orchestrator outside every sleeve (cash buffer, weight left unallocated,
   * negative when leverage lends the sleeves more than the portfolio holds), currency. Always 0
   * in shared mode.
   */
  readonly reserve: Float64Array;
  /** Σ over symbols of the net position value across sleeves (signed), currency. */
  readonly netExposure: Float64Array;
}

/** Counts of what happened to orders over the whole run. */
export interface OrchestratorOrderStats {
  readonly filled: number;
  readonly shrunk: number;
  readonly rejected: number;
  readonly dropped: number;
  /**
   * Of the rejected orders, over every sleeve, those refused because the position they would
   * leave could not pay for its own closing (the engine's `below-closing-costs`). Absent when
   * there were none (and from results written before it was counted).
   */
  readonly belowClosingCosts?: number;
  /**
   * Of the rejected orders, over every sleeve, the portfolio strategies' orders whose commission
   * and slippage were at least the value they traded (the engine's `below-costs`). Absent when
   * there were none.
   */
  readonly belowCosts?: number;
  /**
   * Of the filled orders, over every sleeve, the entries and portfolio strategies' orders that
   * filled at the quantity cap (the engine's `capped`: 2^53 − 1 whole units, opening or adding to
   * a position), which may have traded less than their sizing asked. Absent when there were none
   * (and from results written before it was counted); never with fractional units.
   */
  readonly capped?: number;
  /**
   * Over every sleeve (shared mode: the strategies' own entries, on their shadow accounts), the
   * entries whose stop-loss or take-profit was already reached at their fill price (the engine's
   * `levelsCrossed`): each exits at the first check of its levels, paying costs both ways. Absent
   * when there were none (and from results written before it was counted).
   */
  readonly levelsCrossed?: number;
  /**
   * The rebalances of portfolio-strategy sleeves whose weights summed to more than 1 (more than
   * the sleeve's equity, which its account cannot pay for: the buys beyond its cash are shrunk or
   * rejected), over every sleeve, with the largest sum and the sleeves. Absent when there were
   * none (and from results written before it was counted). Such weights are not refused.
   */
  readonly weightsOverEquity?: SleevesWeightsOverEquity;
}

/** {@link OrchestratorOrderStats.weightsOverEquity}: the engine's count over every sleeve, and which sleeves. */
export interface SleevesWeightsOverEquity extends WeightsOverEquity {
  /** The ids of the sleeves whose weights summed to more than 1, in the config's order. */
  readonly sleeves: readonly string[];
}

/**
 * One strategy instance's outcome: its sleeve (sleeves mode) or its shadow sleeve (shared mode,
 * `shadow: true`: the strategy trading its own signals on its share of capital, alone, so that
 * per-strategy figures exist; the portfolio did not hold these positions).
 */
export interface SleeveResult {
  readonly id: string;
  /** Registry name of the strategy. */
  readonly strategy: string;
  readonly kind: 'signal' | 'portfolio';
  /**
   * The parameters the strategy ran with: the config's `params` after the strategy's schema, its
   * defaults applied (what reproduces the run if a default changes); null when it could not be built.
   */
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly symbols: readonly string[];
  /** True in shared mode: the figures are those of a shadow sleeve. */
  readonly shadow: boolean;
  /** Capital at the start, currency (0 for a sleeve none of whose symbols had a bar then: it is funded at its first bar). */
  readonly initialCash: number;
  readonly finalCash: number;
  readonly finalEquity: number;
  /** Net cash moved into the sleeve by rebalances (negative: out), currency. */
  readonly netTransfers: number;
  /** The sleeve's equity, cash and gross exposure at every step. */
  readonly equity: EquityCurve;
  /**
   * Sleeve equity / portfolio equity at every step (in shared mode, / the sum of the shadow
   * sleeves); NaN where that whole is zero or below: a share of it is undefined.
   */
  readonly weight: Float64Array;
  /** Per-step return excluding transfers: `(E_t − transfers_t) / E_{t−1} − 1`; NaN when `E_{t−1} ≤ 0`. */
  readonly returns: Float64Array;
  /** Per-step contribution to the portfolio return: sleeve P&L of the step / portfolio equity before it; NaN when that equity is zero or below. */
  readonly contribution: Float64Array;
  readonly fills: readonly Fill[];
  readonly trades: readonly Trade[];
  readonly openPositions: readonly OpenPosition[];
  readonly totalCommission: number;
  readonly totalSlippage: number;
  /** Orders of the sleeve's runner that never reached a fill. */
  readonly droppedOrders: number;
  /**
   * Orders of the sleeve (its strategy's and its transfers', in shared mode its shadow's) that
   * filled less than they asked: a purchase shrunk to what the cash affords. Of the run's
   * `orders.shrunk` in sleeves mode.
   */
  readonly shrunkOrders: number;
  /** Orders of the sleeve (as {@link SleeveResult.shrunkOrders}) that could not fill at all, for the reasons the engine gives. */
  readonly rejectedOrders: number;
  /** Epoch ms of the sleeve's own portfolio-strategy rebalances (empty for signal strategies). */
  readonly rebalances: readonly number[];
  readonly metrics: PerformanceResult;
  /** True when the strategy failed and the sleeve was isolated. */
  readonly isolated: boolean;
  /** The failure message when isolated, else null. */
  readonly error: string | null;
}

/** An order queued by a capital transfer: units of one symbol in one sleeve. */
export interface TransferOrder {
  readonly strategyId: string;
  readonly symbol: string;
  /** Signed units: in `orders` + buy, − sell; in `sales` units reduced, + a long sold, − a short covered. */
  readonly quantity: number;
}

/** How a rebalance between sleeves went. Weights are fractions of portfolio equity, by sleeve id. */
export interface RebalanceEvent {
  /** Epoch ms of the bar. */
  readonly time: number;
  /** The first rule that fired: `initial`, `schedule`, `drift-absolute`, `drift-relative`, `sleeve-started` (a sleeve's first bar) or `sleeve-finished` (a sleeve whose symbols have all ended holds no position). */
  readonly reason: RebalanceReason;
  /** Every rule that fired. */
  readonly reasons: readonly RebalanceReason[];
  /** Actual weights before the move; null while the portfolio is worth zero or less (a share of it is undefined). */
  readonly weightsBefore: Readonly<Record<string, number | null>>;
  /** Target weights (after constraints). */
  readonly targetWeights: Readonly<Record<string, number>>;
  /**
   * Actual weights after the move (= targets in sleeves mode; unchanged in shared mode, where no
   * cash moves); null when the portfolio is worth zero or less.
   */
  readonly weightsAfter: Readonly<Record<string, number | null>>;
  /** Cash moved into each sleeve (negative: out), currency. */
  readonly transfers: Readonly<Record<string, number>>;
  /**
   * Every order the transfers queued, per sleeve and symbol (+ buy, − sell), sized at the
   * rebalance close and filled under the run's fill rule: with `transfers: "pro-rata"` the
   * scaling of each sleeve's positions; with `"cash"` the sales that fund a transfer out.
   */
  readonly orders: readonly TransferOrder[];
  /** The orders of `orders` that reduce a position, in units reduced (+ a long sold, − a short covered). */
  readonly sales: readonly TransferOrder[];
  /**
   * Sleeves (ids) whose capital stayed as it was: each held a position that could not trade at the
   * move (its symbol had no bar, or an order of its strategy was waiting on it), so it could not be
   * scaled pro rata. The other sleeves shared what was left in proportion to their targets.
   */
  readonly deferred: readonly string[];
  /**
   * Sleeves (ids) whose transfer was not made because scaling their book would have cost at least
   * the amount it moved (a fixed or minimum commission against a small transfer): they kept their
   * capital; what a giver would have given the receivers did not get, and what a receiver would
   * have taken stayed in the reserve, until a rebalance where moving it is worth its costs.
   */
  readonly belowCosts: readonly string[];
  /** The allocation scheme and what it reported. */
  readonly scheme: AllocationScheme;
  /** True when the scheme's warm-up rule gave the weights. */
  readonly warmup: boolean;
  /** How the weight constraints resolved (`ok`, `capped`, `min-infeasible`); `ok` for fixed weights. */
  readonly constraintStatus: ConstraintStatus;
  /** Risk-parity convergence, or null. */
  readonly convergence: RiskParityConvergence | null;
  /**
   * Sleeves (ids) the data-driven scheme could not estimate at this rebalance, with why
   * (`rarely-invested`: in cash on most of the window; `no-risk`, `non-finite`,
   * `too-few-returns`): they got the neutral share 1/n (`inverse-volatility`, `risk-parity`,
   * `performance`), before constraints. Empty when every sleeve had an estimate,
   * during warm-up and for the other schemes.
   */
  readonly unestimated: Readonly<Record<string, UnestimatedReason>>;
  /**
   * Sleeves (ids) the `performance` scheme scored partly on paper at this rebalance: they held no
   * capital on some bars of the window, which read their strategy's returns run alone there
   * (sleeves mode). Empty otherwise.
   */
  readonly onPaper: readonly string[];
}

/** One strategy's wish in a conflict. */
export interface ConflictEventInput {
  readonly strategyId: string;
  readonly direction: 'long' | 'short' | 'flat';
  readonly strength: number;
}

/** Signals of several strategies on one symbol and bar that disagreed, and how the policy resolved them (shared mode). */
export interface ConflictEvent {
  /** Epoch ms of the bar. */
  readonly time: number;
  readonly symbol: string;
  readonly policy: ConflictPolicy;
  readonly inputs: readonly ConflictEventInput[];
  readonly outcome: {
    readonly direction: 'long' | 'short' | 'flat';
    /** Signed target exposure of the symbol's slot, −1..1. */
    readonly target: number;
    /** The winning strategy (`priority`, `first`), or null. */
    readonly winner: string | null;
  };
}

/** Kinds of risk events. */
export type RiskEventKind = 'gross-exposure' | 'net-exposure' | 'symbol-exposure' | 'drawdown';

/** A risk-limit breach and what was done about it. */
export interface RiskEvent {
  /** Epoch ms of the bar. */
  readonly time: number;
  readonly kind: RiskEventKind;
  /** The symbol, for `symbol-exposure`; null otherwise. */
  readonly symbol: string | null;
  /** The measured value: exposure / equity, or the drawdown as a positive fraction. */
  readonly value: number;
  readonly limit: number;
  /**
   * `trim` (positions cut pro rata), `skip` (a cap's trim left undone because its orders would
   * cost, in commission and slippage at the marks, at least what they sell), `flatten`
   * (everything closed, trading halted) or `scale-down`.
   */
  readonly action: 'trim' | 'skip' | 'flatten' | 'scale-down';
  /** Fraction of the positions kept (0 when flattened, 1 when skipped). */
  readonly factor: number;
  /** A sentence for humans. */
  readonly detail: string;
}

/** A strategy that failed under `errorPolicy: 'isolate'`. */
export interface IsolatedEvent {
  readonly strategyId: string;
  /** The symbol being decided, or null (portfolio strategies, failures at start). */
  readonly symbol: string | null;
  /** Epoch ms of the bar being decided. */
  readonly time: number;
  readonly message: string;
  /**
   * The `StrategyError` itself (its `cause` is what the strategy threw, with its stack), for a
   * caller that wants to say where: not enumerable, so no JSON form holds it, and absent from a
   * result read back from JSON.
   */
  readonly error?: Error;
}

/** What internal crossing of opposite sleeve orders saved (sleeves mode). */
export interface CrossingSummary {
  readonly enabled: boolean;
  /** Units matched between sleeves instead of going to the market. */
  readonly crossedQuantity: number;
  /** Traded value kept off the market, currency. */
  readonly savedTurnover: number;
  /** Commission not paid, currency. */
  readonly savedCommission: number;
  /** Slippage not paid, currency. */
  readonly savedSlippage: number;
  /** Symbol-bars with a crossing. */
  readonly crossings: number;
}

/** The sleeve return correlation matrix: `matrix[i][j]` for `ids[i]` and `ids[j]`, null where undefined. */
export interface SleeveCorrelation {
  readonly ids: readonly string[];
  readonly matrix: readonly (readonly (number | null)[])[];
}

/**
 * The outcome of an orchestrator run: plain data, deterministic (same inputs, byte-identical
 * `JSON.stringify`), times in epoch ms UTC, money in the run's currency, fractions as fractions.
 * `JSON.stringify(result)` gives {@link serializeOrchestratorResult}'s form (ISO dates).
 */
export interface OrchestratorResult {
  /** The run config with every default applied. */
  readonly config: RunConfig;
  readonly runId: string;
  readonly mode: CapitalMode;
  /** The allocation scheme used (`custom` when a function was passed). */
  readonly allocationScheme: AllocationScheme;
  /** Symbols of the merged timeline, in first-use order. */
  readonly symbols: readonly string[];
  /** Steps of the merged timeline. */
  readonly bars: number;
  readonly startTime: number | null;
  readonly endTime: number | null;
  /** Return periods per year used for every metric. */
  readonly periodsPerYear: number;
  readonly initialCash: number;
  readonly finalCash: number;
  readonly finalEquity: number;
  readonly portfolio: {
    readonly equity: PortfolioCurve;
    readonly metrics: PerformanceResult;
    /** Every sleeve's fills (shared mode: the shared account's), by time then sleeve order. */
    readonly fills: readonly Fill[];
    readonly trades: readonly Trade[];
    readonly openPositions: readonly OpenPosition[];
    readonly totalCommission: number;
    readonly totalSlippage: number;
    readonly orders: OrchestratorOrderStats;
  };
  readonly sleeves: readonly SleeveResult[];
  readonly attribution: Attribution;
  readonly correlation: SleeveCorrelation;
  /** `Σ w̄ᵢσᵢ / √(w̄ᵀΣw̄)` with the sleeves' mean weights over the run; null when it cannot be computed. */
  readonly diversificationRatio: number | null;
  readonly rebalances: readonly RebalanceEvent[];
  readonly conflicts: readonly ConflictEvent[];
  readonly risk: readonly RiskEvent[];
  readonly isolated: readonly IsolatedEvent[];
  readonly crossing: CrossingSummary;
  /** When and why trading stopped before the end (the drawdown stop, or in shared mode a margin call of the shared account), or null. */
  readonly halted: { readonly time: number; readonly reason: 'drawdown' | 'margin-call' } | null;
}
