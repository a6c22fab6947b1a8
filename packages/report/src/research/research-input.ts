import { ConfigError, toConfigIssues } from '@ensemble/protocol';
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const nullableFinite = finite.nullable();
const time = finite.describe('Epoch milliseconds, UTC');
const parameterValue = z.union([finite, z.string(), z.boolean()]);

/** One parameter a research run varied, with the values it took. */
const ParameterSchema = z.strictObject({
  name: z.string().min(1).describe('The parameter\'s name or config path, e.g. "strategies.trend.params.fast"'),
  values: z.array(parameterValue).min(1).describe('The values tried, in grid order'),
});

/** One trial (a combination of parameters) of a sweep. */
const TrialSchema = z.strictObject({
  index: z.number().int().min(0).describe('The combination\'s index in the plan'),
  rank: z.number().int().min(1).nullable().describe('1 = best by the objective; null without an objective value'),
  parameters: z.record(z.string(), parameterValue),
  status: z.enum(['ok', 'failed', 'timed-out']),
  objective: nullableFinite.describe('The objective\'s value; null when it could not be computed or the trial failed'),
  unbounded: z
    .boolean()
    .optional()
    .describe('True when the objective is unboundedly good (+∞: a Calmar ratio without a drawdown), held as a null objective; shown as "∞ (no drawdown)"'),
  metrics: z.record(z.string(), z.number().nullable()).nullable().describe('Headline metrics of the trial (name → value)'),
  error: z.string().optional().describe('Why the trial failed'),
});

/** The overfitting statistics of the selection. */
const StatisticsSchema = z.strictObject({
  deflatedSharpe: z
    .strictObject({
      dsr: nullableFinite.describe('Deflated Sharpe ratio: probability that the true Sharpe exceeds the best of N skill-less trials'),
      psr: nullableFinite.describe('Probabilistic Sharpe ratio against 0'),
      sharpe: nullableFinite.describe('Per-period Sharpe ratio of the selected trial'),
      expectedMaxSharpe: finite.describe('Expected maximum per-period Sharpe ratio of N skill-less trials'),
      trials: z.number().int().min(1),
      observations: z.number().int().min(0),
    })
    .nullable(),
  pbo: z
    .strictObject({
      pbo: z.number().min(0).max(1).describe('Probability of backtest overfitting (CSCV)'),
      probabilityOfLoss: z.number().min(0).max(1).nullable().describe('Share of splits whose in-sample best loses out of sample; null when the score has no sign of a loss (volatility)'),
      scoredBy: z
        .string()
        .min(1)
        .optional()
        .describe('The metric each half was scored by: the objective\'s own, or "sharpe" when the objective cannot be scored on half the periods (default: the objective\'s)'),
      blocks: z.number().int().min(2),
      splits: z.number().int().min(1),
      logitDistribution: z.array(z.strictObject({ logit: finite, count: z.number().int().min(0) })),
    })
    .nullable(),
  stability: z
    .strictObject({
      stability: nullableFinite.describe('1 − mean neighbour drop / spread of the objective, in [0, 1]'),
      meanNeighbourObjective: nullableFinite,
      evaluatedNeighbours: z.number().int().min(0),
    })
    .nullable(),
  notes: z.array(z.string()).describe('Why a statistic is missing, and other caveats'),
});

/** One walk-forward window: where it trained and tested, what it chose and how that did. */
const WindowSchema = z.strictObject({
  index: z.number().int().min(0),
  trainStart: time,
  trainEnd: time,
  testStart: time,
  testEnd: time,
  parameters: z.record(z.string(), parameterValue).nullable().describe('The combination chosen on the train window; null when none could be'),
  inSample: nullableFinite.describe('The chosen combination\'s objective on the train window'),
  inSampleUnbounded: z.boolean().optional().describe('True when the in-sample objective is unboundedly good (+∞), held as a null inSample; shown as "∞ (no drawdown)"'),
  outOfSample: nullableFinite.describe('Its objective on the test window'),
  outOfSampleUnbounded: z.boolean().optional().describe('True when the out-of-sample objective is unboundedly good (+∞), held as a null outOfSample; shown as "∞ (no drawdown)"'),
  efficiency: nullableFinite.describe('Walk-forward efficiency of the window'),
});

/** The walk-forward part: windows and the stitched out-of-sample equity curve. */
const WalkForwardSchema = z.strictObject({
  windows: z.array(WindowSchema).min(1),
  equity: z
    .strictObject({ time: z.array(time), equity: z.array(finite) })
    .refine((curve) => curve.time.length === curve.equity.length, { message: 'time and equity must have the same length' })
    .describe('The out-of-sample equity curve, test windows stitched with capital carried over'),
  efficiency: nullableFinite.describe('Walk-forward efficiency of the whole run'),
  metrics: z.record(z.string(), z.number().nullable()).describe('Metrics of the out-of-sample curve'),
});

/** What the research report shows: a sweep's trials and statistics, and optionally a walk-forward. */
export const ResearchReportInputSchema = z.strictObject({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  generatedAt: z.string().optional(),
  objective: z.strictObject({
    metric: z.string().min(1).describe('The metric ranked on, e.g. "sharpe"'),
    direction: z.enum(['maximize', 'minimize']),
  }),
  parameters: z.array(ParameterSchema),
  trials: z.array(TrialSchema),
  counts: z
    .strictObject({ planned: z.number().int().min(0), skipped: z.number().int().min(0), failed: z.number().int().min(0), timedOut: z.number().int().min(0) })
    .optional()
    .describe('How many combinations were planned, skipped by a constraint, failed and timed out'),
  statistics: StatisticsSchema,
  walkForward: WalkForwardSchema.optional(),
  config: z.unknown().optional().describe('The research spec, shown as JSON'),
});

/** What the research report shows; see {@link ResearchReportInputSchema}. */
export type ResearchReportInput = z.output<typeof ResearchReportInputSchema>;
/** A trial of {@link ResearchReportInput}. */
export type ResearchTrial = ResearchReportInput['trials'][number];
/** A walk-forward window of {@link ResearchReportInput}. */
export type ResearchWindow = NonNullable<ResearchReportInput['walkForward']>['windows'][number];

/**
 * Validates a research report input (an object built by the research package, or parsed from its
 * JSON), throwing a `ConfigError` that lists every problem by path (`trials.3.objective`).
 */
export function parseResearchReportInput(input: unknown, source = 'research report input'): ResearchReportInput {
  const result = ResearchReportInputSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(toConfigIssues(result.error, { input, schema: ResearchReportInputSchema }), { source });
}
