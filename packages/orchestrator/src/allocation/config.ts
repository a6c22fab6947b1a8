import { z } from 'zod';

/** The allocation schemes a run config can name (`custom` exists only in the API: it takes a function). */
export const ALLOCATION_SCHEMES = ['fixed', 'equal', 'inverse-volatility', 'risk-parity', 'performance'] as const;

/** Calendar periods of a rebalance schedule (UTC; weeks start on Monday, as ISO 8601). */
export const CALENDAR_PERIODS = ['week', 'month', 'quarter', 'year'] as const;

/** Default `lookback` in bars: about one quarter of daily bars. */
export const DEFAULT_LOOKBACK = 63;

interface ConstraintFields {
  readonly minWeight: number;
  readonly maxWeight?: number | undefined;
  readonly cashBuffer: number;
  readonly leverage: number;
}

const MIN_INVESTED_RANGE = 'must be a fraction of the lookback window in [0, 1] (0.5: a non-zero return on half of its bars)';

/** Largest `leverage` (sum of sleeve weights) a config may ask for: 100. */
export const MAX_LEVERAGE = 100;

const constraintShape = {
  minWeight: z
    .number()
    .min(0)
    .default(0)
    .describe('Smallest weight of any sleeve, as a fraction of portfolio equity (0.05 = 5%). Default 0'),
  maxWeight: z
    .number()
    .positive()
    .optional()
    .describe(
      'Largest weight of any sleeve, as a fraction of portfolio equity. Default: no cap besides leverage − cashBuffer. If sleeves × maxWeight is below that, the rest stays in cash',
    ),
  cashBuffer: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe('Fraction of portfolio equity kept out of all sleeves (in shared mode, out of the shared account\'s positions), in [0, 1). Default 0'),
  leverage: z
    .number()
    .min(1)
    .max(MAX_LEVERAGE, { message: `must be at most ${MAX_LEVERAGE} (${MAX_LEVERAGE}× the equity): more takes sleeve amounts beyond what is counted to the cent` })
    .default(1)
    .describe(
      'Cap on the sum of sleeve weights (1 = fully invested, no leverage; at most 100; sleeves mode only above 1). Weights are scaled to sum to leverage − cashBuffer. Default 1',
    ),
};

function refineConstraints(value: ConstraintFields, context: z.RefinementCtx): void {
  const target = value.leverage - value.cashBuffer;
  if (value.maxWeight !== undefined && value.minWeight > value.maxWeight) {
    context.addIssue({
      code: 'custom',
      path: ['minWeight'],
      message: `minWeight (${value.minWeight}) is above maxWeight (${value.maxWeight}); lower minWeight or raise maxWeight`,
    });
  }
  if (value.minWeight > target) {
    context.addIssue({
      code: 'custom',
      path: ['minWeight'],
      message: `minWeight (${value.minWeight}) is above leverage − cashBuffer (${target}); no sleeve could get it`,
    });
  }
}

/**
 * Constraints on sleeve weights: `minWeight`, `maxWeight`, `cashBuffer`, `leverage` (see
 * `applyWeightConstraints`). Every field is described and defaulted; `minWeight ≤ maxWeight`.
 */
export const WeightConstraintsSchema = z
  .strictObject(constraintShape)
  .superRefine(refineConstraints)
  .describe('Constraints applied to every set of target weights');

/** Weight constraints as written in a config (defaults not yet applied). */
export type WeightConstraintsConfig = z.input<typeof WeightConstraintsSchema>;

/**
 * The allocation part of a run config: how weights across sleeves are computed from the sleeves'
 * returns up to the previous bar, and the constraints applied to them. Every field is described
 * and defaulted, so `{}` parses to equal weights, fully invested, no leverage.
 */
export const AllocationConfigSchema = z
  .strictObject({
    scheme: z
      .enum(ALLOCATION_SCHEMES)
      .default('equal')
      .describe(
        'How capital is split between sleeves: "fixed" (each strategy\'s weight), "equal", "inverse-volatility" (∝ 1/σ), "risk-parity" (equal risk contribution) or "performance" (∝ trailing Sharpe or return, floored). Default "equal"',
      ),
    lookback: z
      .number()
      .int()
      .min(2)
      .default(DEFAULT_LOOKBACK)
      .describe(
        `Bars of sleeve returns (up to the previous bar) used by the data-driven schemes ("inverse-volatility", "risk-parity", "performance"); under "equal" or "fixed" a value other than the default is an error. Default ${DEFAULT_LOOKBACK}`,
      ),
    minHistory: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'Warm-up: until this many sleeve returns exist, data-driven schemes give equal weights (or the fixed weights when every strategy has one); an error under "equal" or "fixed". Default: lookback',
      ),
    minInvested: z
      .number()
      .min(0, { message: MIN_INVESTED_RANGE })
      .max(1, { message: MIN_INVESTED_RANGE })
      .optional()
      .describe(
        '"inverse-volatility", "risk-parity" and "performance" with the Sharpe score: smallest fraction of the lookback window on which a sleeve must have had a non-zero return (held a position) for its volatility or Sharpe ratio to be estimated; a sleeve in cash for more of the window gets the neutral share 1/n. In [0, 1]; 0 turns the rule off. Default 0.5',
      ),
    metric: z
      .enum(['sharpe', 'return'])
      .default('sharpe')
      .describe(
        'Score of the "performance" scheme: "sharpe" (mean/std·√P of per-bar returns, ddof 1, no risk-free rate) or "return" (compounded return) over the lookback. Default "sharpe"',
      ),
    floor: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'Scores below this count as this in the "performance" scheme (weights ∝ max(score, floor)); if every score is at the floor, weights are equal. A sleeve without a score (its window holds a non-finite return, e.g. it was emptied; for Sharpe also too few non-zero returns, see minInvested) gets the neutral share 1/n. Default 0',
      ),
    ...constraintShape,
  })
  .superRefine(refineConstraints)
  .describe('Allocation of capital across strategies (sleeves)');

/** Allocation config as written in a run config (defaults not yet applied). */
export type AllocationConfig = z.input<typeof AllocationConfigSchema>;

/** Allocation config after parsing: every default applied (`maxWeight`, `minHistory`, `minInvested` stay optional). */
export type ParsedAllocationConfig = z.output<typeof AllocationConfigSchema>;

/** Drift bands that trigger a rebalance between scheduled dates. */
export const DriftBandsSchema = z
  .strictObject({
    absolute: z
      .number()
      .positive()
      .optional()
      .describe('Rebalance when any sleeve\'s weight is more than this away from its target: |w − target| > absolute (0.05 = 5 points)'),
    relative: z
      .number()
      .positive()
      .optional()
      .describe('Rebalance when any sleeve\'s weight is off its target by more than this fraction of it: |w / target − 1| > relative (0.25 = 25%)'),
  })
  .refine((value) => value.absolute !== undefined || value.relative !== undefined, {
    message: 'give at least one of "absolute" and "relative", or leave "drift" out',
  })
  .describe('Drift bands, checked on every bar; either band firing triggers a rebalance');

/**
 * When the orchestrator rebalances capital between sleeves: a schedule, optionally combined with
 * drift bands. Every field is described; `{}` parses to monthly without drift bands.
 */
export const RebalanceConfigSchema = z
  .strictObject({
    schedule: z
      .union([
        z.enum(['never', ...CALENDAR_PERIODS]),
        z.strictObject({
          everyBars: z.number().int().min(1).describe('Rebalance every this many bars, counted from the first bar'),
        }),
      ])
      .default('month')
      .describe(
        'Scheduled rebalancing: "never", "week", "month", "quarter", "year" (the first bar, then the first bar of each new UTC period) or { "everyBars": N }. The first bar always allocates. Default "month"',
      ),
    drift: DriftBandsSchema.optional().describe(
      'Drift bands checked on every bar, combined with the schedule (either fires a rebalance). Default: none',
    ),
  })
  .describe('Rebalancing of capital between sleeves');

/** Rebalance config as written in a run config (defaults not yet applied). */
export type RebalanceConfig = z.input<typeof RebalanceConfigSchema>;

/** Rebalance config after parsing. */
export type ParsedRebalanceConfig = z.output<typeof RebalanceConfigSchema>;
