import { z } from 'zod';
import { ParameterValueSchema } from '../job/research-job';

const pathSchema = z
  .string()
  .min(1)
  .describe('Where the value goes in the base config, dot-separated; strategies by id: "strategies.trend.params.fast", "allocation.scheme", "commission.rate"; a backtest\'s parameters: "params.fast"');

const nameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be letters, digits and "_", starting with a letter or "_"' })
  .optional()
  .describe('The name constraints and the outputs use (default: the last segment of "path")');

/** One varied parameter: a path in the base config and its values (a list or a range). */
export const SweepParameterSchema = z.union([
  z.strictObject({
    path: pathSchema,
    name: nameSchema,
    values: z.array(ParameterValueSchema).min(1).meta({ uniqueItems: true }).describe('The values to try, in order, each once'),
  }),
  z.strictObject({
    path: pathSchema,
    name: nameSchema,
    range: z
      .strictObject({
        start: z.number().describe('First value'),
        stop: z.number().describe('Last value, included when the steps land on it'),
        // The JSON Schema's bound; the planner checks it with its own message.
        step: z.number().meta({ exclusiveMinimum: 0 }).describe('Increment, > 0; steps are exact decimals (0.1 + 0.2 gives 0.3)'),
      })
      .describe('Values start, start + step, … ≤ stop'),
  }),
]);

/** Seeded random sampling of the grid's admissible combinations. */
export const SweepSamplingSchema = z
  .strictObject({
    random: z
      .strictObject({
        count: z.number().int().min(1).describe('How many combinations to draw (all of them when the grid has fewer)'),
        seed: z.number().int().default(1).describe('Seed of the mulberry32 generator; the same seed draws the same combinations. Default 1'),
      })
      .describe('Draw this many distinct combinations of the grid, uniformly, after the constraints'),
  })
  .describe('Sample the grid instead of running every combination');

/**
 * A parameter sweep: a base config (inline, or a path relative to the spec file), the parameters
 * to vary, constraints that skip combinations, optional random sampling, and the objective.
 */
export const SweepSpecSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Optional URL or path of this JSON Schema, for editors'),
    kind: z.enum(['backtest', 'run']).default('run').describe('"run": an orchestrator run config (`ensemble run`); "backtest": one strategy. Default "run"'),
    config: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .describe('The base config: an object, or the path of a JSON file relative to this spec'),
    parameters: z.array(SweepParameterSchema).min(1).describe('The parameters to vary; the grid is their cartesian product (the last varies fastest)'),
    constraints: z
      .array(z.string().min(1))
      .default([])
      .describe('Expressions every combination must satisfy, e.g. "fast < slow": names, numbers, quoted strings, true/false, < <= > >= == != ! && || and parentheses'),
    sampling: SweepSamplingSchema.optional(),
    objective: z.string().min(1).default('sharpe').describe('The metric to rank by (a metric name of @ensemble/performance). Default "sharpe"'),
    direction: z
      .enum(['max', 'min'])
      .optional()
      .describe('"max" or "min" (default: by metric — volatility, drawdown lengths, costs, turnover, kurtosis and tracking error are minimised)'),
    pboBlocks: z.number().int().min(2).max(20).meta({ multipleOf: 2 }).default(16).describe('Blocks of the PBO\'s CSCV, even, 2–20. Default 16'),
  })
  .describe('Ensemble parameter sweep');

/** A sweep spec as written. */
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** A sweep spec after parsing (defaults applied). */
export type SweepSpec = z.output<typeof SweepSpecSchema>;

/** One varied parameter as written. */
export type SweepParameter = z.output<typeof SweepParameterSchema>;

/** The JSON Schema (draft 2020-12) of a sweep spec as written (what `ensemble schema sweep` prints). */
export function sweepSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SweepSpecSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}
