import { closedByPortfolio } from '@ensemble/protocol';
import { centralSums } from './internal/stats';
import { turnoverOf } from './time-weighted';
import type { FillLike, PerformanceMetrics, TradeLike } from './types';

/** The metrics record while it is filled in. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A P&L standard deviation at most this fraction of the largest |P&L| counts as zero (SQN null). */
const PNL_STD_NOISE = 1e-12;

/**
 * Trade statistics: win rate, profit factor, expectancy, best and worst, SQN — over the trades the
 * strategy closed: a trade the portfolio closed (a `transfer`, an orchestrator moving capital out
 * of a sleeve, or a `risk` limit's sale) is left out.
 */
export function tradeMetrics(m: Writable<PerformanceMetrics>, all: readonly TradeLike[]): void {
  const trades = all.some((trade) => closedByPortfolio(trade.exitReason)) ? all.filter((trade) => !closedByPortfolio(trade.exitReason)) : all;
  const count = trades.length;
  m.tradeCount = count;
  if (count === 0) return;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let barsHeld = 0;
  let largest = 0;
  const pnls = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const trade = trades[i];
    if (trade === undefined) continue;
    const pnl = trade.pnl;
    pnls[i] = pnl;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
    if (pnl > best) best = pnl;
    if (pnl < worst) worst = pnl;
    if (Math.abs(pnl) > largest) largest = Math.abs(pnl);
    barsHeld += trade.barsHeld;
  }
  const sums = centralSums(pnls);
  m.winRate = wins / count;
  m.profitFactor = losses > 0 ? grossProfit / grossLoss : null;
  m.expectancy = sums.mean;
  m.averageWin = wins > 0 ? grossProfit / wins : null;
  m.averageLoss = losses > 0 ? -grossLoss / losses : null;
  m.bestTrade = best;
  m.worstTrade = worst;
  m.averageBarsHeld = barsHeld / count;
  if (count >= 2) {
    const std = Math.sqrt(sums.s2 / (count - 1));
    m.sqn = std > PNL_STD_NOISE * largest ? (Math.sqrt(count) * sums.mean) / std : null;
  }
}

/** Mean gross exposure over equity (points with positive equity) and the share of bars invested. */
export function exposureMetrics(m: Writable<PerformanceMetrics>, equity: ArrayLike<number>, gross: ArrayLike<number>): void {
  const bars = equity.length;
  let ratioSum = 0;
  let counted = 0;
  let invested = 0;
  for (let t = 0; t < bars; t++) {
    const g = gross[t] ?? 0;
    const v = equity[t] ?? 0;
    if (g > 0) invested++;
    if (v > 0) {
      ratioSum += Math.abs(g) / v;
      counted++;
    }
  }
  m.exposure = counted > 0 ? ratioSum / counted : null;
  m.timeInMarket = invested / bars;
}

/** Costs of the fills, and turnover against the curve's mean equity (see `turnoverOf`). */
export function fillMetrics(m: Writable<PerformanceMetrics>, fills: readonly FillLike[], equity: ArrayLike<number>, P: number): void {
  let commission = 0;
  let slippage = 0;
  for (const fill of fills) {
    commission += fill.commission;
    slippage += fill.slippage;
  }
  m.totalCommission = commission;
  m.totalSlippage = slippage;
  m.totalCosts = commission + slippage;
  const { turnover, annualTurnover } = turnoverOf(fills, equity, P);
  m.turnover = turnover;
  m.annualTurnover = annualTurnover;
}
