import { z } from 'zod';
import { SweepSpecSchema } from '../sweep/sweep-spec';

// The JSON Schema says what `parseWindowLength` accepts (the parser keeps its own messages).
const lengthSchema = z.union([z.number().meta({ type: 'integer', minimum: 1 }), z.string().meta({ pattern: '^[1-9][0-9]{0,3}(d|w|m|y)$' })]);

/**
 * A walk-forward analysis: the grid of a sweep spec (base config, parameters, constraints,
 * sampling, objective) and the windows — on each train window the grid's best combination by the
 * objective is chosen and then run on the test window that follows.
 */
export const WalkForwardSpecSchema = SweepSpecSchema.omit({ pboBlocks: true })
  .extend({
    windows: z
      .strictObject({
        mode: z
          .enum(['rolling', 'anchored'])
          .default('rolling')
          .describe('"rolling": the train window slides by the test length; "anchored": it starts at the first bar and grows. Default "rolling"'),
        train: lengthSchema.describe('Train window: bars (e.g. 750), calendar days or weeks ("10d", "2w") or calendar months or years ("36m", "3y")'),
        test: lengthSchema.describe('Test window, in the same unit as "train" (e.g. 250, "1y")'),
      })
      .describe('The walk-forward windows over the base config\'s data'),
  })
  .describe('Ensemble walk-forward analysis');

/** A walk-forward spec as written. */
export type WalkForwardSpecInput = z.input<typeof WalkForwardSpecSchema>;

/** A walk-forward spec after parsing. */
export type WalkForwardSpec = z.output<typeof WalkForwardSpecSchema>;

/** The JSON Schema (draft 2020-12) of a walk-forward spec as written. */
export function walkForwardSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(WalkForwardSpecSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}
