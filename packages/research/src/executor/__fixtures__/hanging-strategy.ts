import type { StrategyDefinition } from '@ensemble/protocol';
import { z } from 'zod';

const HangSchema = z.strictObject({ from: z.number().default(0) });

/** A strategy that never returns once a bar at or after `from` (epoch ms) is reached: an endless loop. */
export const hangingStrategy: StrategyDefinition<typeof HangSchema> = {
  name: 'hang',
  kind: 'signal',
  description: 'Loops forever on its first decision at or after "from".',
  schema: HangSchema,
  create: (params, id) => ({
    kind: 'signal',
    id,
    warmup: 1,
    shouldEnter: (context) => {
      if (context.time >= params.from) for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      return null;
    },
    shouldExit: () => false,
  }),
};
