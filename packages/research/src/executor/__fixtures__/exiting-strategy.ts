import type { StrategyDefinition } from '@ensemble/protocol';
import { z } from 'zod';

/** A strategy that calls `process.exit(3)` on its first decision. */
export const exitingStrategy: StrategyDefinition<z.ZodObject> = {
  name: 'exit',
  kind: 'signal',
  description: 'Calls process.exit on its first decision.',
  schema: z.strictObject({}),
  create: (_params, id) => ({
    kind: 'signal',
    id,
    warmup: 1,
    shouldEnter: () => process.exit(3),
    shouldExit: () => false,
  }),
};
