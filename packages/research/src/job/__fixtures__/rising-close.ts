import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

/** A user's strategy file: long after a close `threshold` above the previous one, out after a close below it. */
export const risingClose = defineStrategy({
  name: 'rising-close',
  kind: 'signal',
  description: 'Long after a rising close; out after a falling one.',
  params: z.strictObject({ threshold: z.number().min(0).default(0) }),
  create: ({ threshold }) => ({
    warmup: 2,
    shouldEnter: (ctx) => (ctx.close() > ctx.close(1) * (1 + threshold) ? { side: 'long' } : null),
    shouldExit: (ctx) => ctx.close() < ctx.close(1),
  }),
});
