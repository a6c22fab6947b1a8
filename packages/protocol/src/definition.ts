import type { z } from 'zod';
import type { AnyStrategy } from './strategy';

/**
 * A named, parameterised strategy factory: what registries hold, so that CLIs and run configs can
 * name strategies and list their parameters. `schema` parses and defaults the parameters.
 */
export interface StrategyDefinition<TSchema extends z.ZodType = z.ZodType> {
  /** Registry name, kebab-case (`sma-crossover`). */
  readonly name: string;
  readonly kind: 'signal' | 'portfolio';
  /** One sentence for `ensemble strategies`. */
  readonly description: string;
  readonly schema: TSchema;
  /** Builds an instance from parsed parameters. */
  create(params: z.output<TSchema>, id: string): AnyStrategy;
}
