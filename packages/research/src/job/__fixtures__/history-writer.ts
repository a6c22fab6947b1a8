import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

/** A misbehaving strategy file: it raises the close it reads by 1 % through its history view, then goes long. */
export const historyWriter = defineStrategy({
  name: 'history-writer',
  kind: 'signal',
  description: 'Writes to its bars through ctx.history().',
  params: z.strictObject({ period: z.number().int().min(1).default(5) }),
  create: () => ({
    warmup: 2,
    shouldEnter: (ctx) => {
      const closes = ctx.history('close');
      closes[closes.length - 1] = (closes[closes.length - 1] ?? 0) * 1.01;
      return { side: 'long' };
    },
    shouldExit: () => false,
  }),
});
