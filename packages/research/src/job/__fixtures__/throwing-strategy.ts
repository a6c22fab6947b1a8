import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

/** A strategy file that throws on the bar given as `at` (a sweep of it under errorPolicy "isolate"). */
export const throwing = defineStrategy({
  name: 'throws-at',
  kind: 'signal',
  description: 'Throws on bar `at`.',
  params: z.strictObject({ at: z.number().int().min(0).default(100) }),
  create: ({ at }) => ({
    warmup: 1,
    shouldEnter: (ctx) => {
      if (ctx.index === at) throw new Error(`boom at bar ${String(at)}`);
      return null;
    },
    shouldExit: () => false,
  }),
});
