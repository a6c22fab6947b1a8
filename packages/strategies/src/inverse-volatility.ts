import type { PortfolioContext, PortfolioStrategy, RebalanceRule, TargetWeights } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { MAX_PERIOD } from './internal/constants';
import { heldWithoutBar, waitingForBar } from './internal/held-without-bar';
import { parseStrategyParams } from './internal/params';
import { rebalanceParameter, toRebalanceRule } from './internal/rebalance';
import { setWeight } from './internal/set-weight';

/** Parameters of {@link InverseVolatilityStrategy}. */
export const InverseVolatilitySchema = z.strictObject({
  lookback: z
    .number()
    .int()
    .min(2)
    .max(MAX_PERIOD)
    .default(60)
    .describe('Number of daily (per-bar) returns in the volatility estimate, ending at the current bar'),
  rebalance: rebalanceParameter,
});

/** Input accepted by {@link InverseVolatilityStrategy}; every field has a default. */
export type InverseVolatilityConfig = z.input<typeof InverseVolatilitySchema>;

/**
 * Sample standard deviation (ddof = 1) of the `count` simple returns ending at the last element
 * of `closes` (two-pass), or NaN when fewer than `count + 1` closes are given.
 */
function returnVolatility(closes: Float64Array, count: number): number {
  const end = closes.length - 1;
  const start = end - count + 1;
  if (start < 1) return Number.NaN;
  let sum = 0;
  for (let j = start; j <= end; j++) sum += (closes[j] ?? Number.NaN) / (closes[j - 1] ?? Number.NaN) - 1;
  const mean = sum / count;
  let squares = 0;
  for (let j = start; j <= end; j++) {
    const deviation = (closes[j] ?? Number.NaN) / (closes[j - 1] ?? Number.NaN) - 1 - mean;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / (count - 1));
}

/**
 * Inverse volatility (portfolio kind): on each rebalance, weights proportional to `1 / σ` of each
 * tradable symbol's last `lookback` simple returns (sample std, ddof = 1, ending at the current
 * bar), normalised to sum to 1. A symbol with fewer than `lookback + 1` bars gets no weight; if no
 * tradable symbol has enough history, the weights are equal across the tradable symbols; if some
 * have σ = 0 (a flat price), they share the weight equally (the limit of 1/σ). A symbol whose
 * market is closed that day (no bar now, but a bar at the last step the tradable symbols traded
 * before this one) is weighed with them, σ ending at its last bar; its order waits for its next
 * bar. A position in a symbol with no bar at the step (its exchange closed that day, a gap in its
 * data, its data ended) keeps its value, which cannot trade now, and these weights share the rest.
 * Monthly by default; warm-up `lookback + 1` steps.
 */
export class InverseVolatilityStrategy implements PortfolioStrategy {
  readonly kind = 'portfolio';
  /** `lookback + 1` steps: `lookback` returns. */
  readonly warmup: number;
  /** The default schedule, from the `rebalance` parameter. */
  readonly rebalance: RebalanceRule;
  /** The parsed parameters, defaults applied. */
  readonly params: z.output<typeof InverseVolatilitySchema>;

  constructor(
    config: InverseVolatilityConfig = {},
    readonly id = 'inverse-volatility',
  ) {
    this.params = parseStrategyParams('inverse-volatility', InverseVolatilitySchema, config);
    this.warmup = this.params.lookback + 1;
    this.rebalance = toRebalanceRule(this.params.rebalance);
  }

  /** Weights ∝ 1/σ over the tradable symbols and those closed today with enough history, beside what positions without a bar now keep (see the class notes). */
  targetWeights(context: PortfolioContext): TargetWeights {
    const eligible: string[] = [];
    const inverse: number[] = [];
    const flat: string[] = [];
    const waiting = waitingForBar(context);
    const candidates = waiting.length === 0 ? context.tradable : [...context.tradable, ...waiting];
    for (const symbol of candidates) {
      const bars = context.bars(symbol);
      if (bars === null) continue;
      const sigma = returnVolatility(bars.history('close'), this.params.lookback);
      if (Number.isNaN(sigma)) continue;
      if (sigma === 0) flat.push(symbol);
      eligible.push(symbol);
      inverse.push(1 / sigma);
    }
    const held = heldWithoutBar(context);
    const weights: Record<string, number> = { ...held.weights };
    const rest = held.total === 0 ? 1 : Math.max(0, 1 - held.total);
    if (flat.length > 0 || eligible.length === 0) {
      const chosen = flat.length > 0 ? flat : candidates;
      for (const symbol of chosen) setWeight(weights, symbol, rest / chosen.length);
      return weights;
    }
    let total = 0;
    for (const value of inverse) total += value;
    eligible.forEach((symbol, k) => {
      setWeight(weights, symbol, (rest * (inverse[k] ?? 0)) / total);
    });
    return weights;
  }
}

/** Registry entry of {@link InverseVolatilityStrategy}: what `ensemble strategies` lists and run configs name. */
export const inverseVolatilityDefinition = defineStrategy({
  name: 'inverse-volatility',
  kind: 'portfolio',
  description: 'Allocation: weights proportional to 1/volatility of each symbol\'s recent daily returns (monthly by default).',
  params: InverseVolatilitySchema,
  create: (params, id) => new InverseVolatilityStrategy(params, id),
});
