import { arrayIssue, checkArguments, objectIssue } from '@ensemble/protocol';
import { columnIssue, numberIssue } from './internal/arguments';
import { mean } from './internal/stats';
import type { FillLike } from './types';

/**
 * A time-weighted index: starts at `start` and moves by each step's return, `Iₜ = Iₜ₋₁ · (1 + rₜ)`
 * (a return that is not finite — e.g. NaN on the first step or where the previous value was not
 * positive — leaves the index unchanged). For a book that receives or gives capital, `rₜ` are its
 * returns excluding those flows, so the index measures performance, not deposits.
 */
export function timeWeightedIndex(returns: ArrayLike<number>, start: number): Float64Array {
  checkArguments('timeWeightedIndex', [columnIssue(returns, 'returns', 'returns per step'), numberIssue(start, 'start', "the index's first level")]);
  const index = new Float64Array(returns.length);
  let level = start;
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t] ?? Number.NaN;
    if (Number.isFinite(r)) level *= 1 + r;
    index[t] = level;
  }
  return index;
}

/** Turnover of a book: traded value against its mean equity, over the period and per year. */
export interface Turnover {
  /** `Σ |quantity × price|` of the fills / mean equity; null when mean equity ≤ 0 (or no points). */
  readonly turnover: number | null;
  /** `turnover · P / (points − 1)`; null without turnover or with fewer than 2 points. */
  readonly annualTurnover: number | null;
}

/**
 * {@link Turnover} of `fills` against the equity curve `equity` (one value per point, the mean
 * taken over every point), annualised with `periodsPerYear` periods per year — the convention of
 * the `turnover` and `annualTurnover` metrics, for a curve (e.g. a time-weighted index) whose
 * level is not the book's actual equity.
 */
export function turnoverOf(fills: readonly FillLike[], equity: ArrayLike<number>, periodsPerYear: number): Turnover {
  checkArguments('turnoverOf', [
    arrayIssue(fills, 'fills', 'an array of fills (each with quantity and price)'),
    columnIssue(equity, 'equity', 'an equity curve'),
    numberIssue(periodsPerYear, 'periodsPerYear', 'return periods per year'),
  ]);
  let traded = 0;
  for (const fill of fills) traded += Math.abs(fill.quantity * fill.price);
  const points = equity.length;
  const meanEquity = points > 0 ? mean(equity) : 0;
  const turnover = meanEquity > 0 ? traded / meanEquity : null;
  const annualTurnover = turnover !== null && points > 1 ? (turnover * periodsPerYear) / (points - 1) : null;
  return { turnover, annualTurnover };
}

/**
 * One-way turnover of a change of weights: `½ · Σ |afterᵢ − beforeᵢ|` over every key of either
 * (a key missing on one side weighs 0 there). Moving 10% of a book from one sleeve to another is
 * 0.1; selling everything to buy something else is 1.
 */
export function weightTurnover(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): number {
  checkArguments('weightTurnover', [objectIssue(before, 'before', 'weights by name (an object)'), objectIssue(after, 'after', 'weights by name (an object)')]);
  let sum = 0;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) sum += Math.abs((after[key] ?? 0) - (before[key] ?? 0));
  return sum / 2;
}
