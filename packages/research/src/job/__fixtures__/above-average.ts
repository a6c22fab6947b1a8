import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

/** Simple moving average of `values` over `period` bars: NaN until the window is full. */
function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (values[i] ?? 0) - (i >= period ? (values[i - period] ?? 0) : 0);
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** A user's strategy file: long while the close is above its moving average, out below it. */
export const aboveAverage = defineStrategy({
  name: 'above-average',
  kind: 'signal',
  description: 'Long while the close is above its moving average; out below it.',
  params: z.strictObject({ period: z.number().int().min(2).default(20) }),
  create: ({ period }) => ({
    warmup: period,
    indicators: (series) => ({ sma: sma(series.close, period) }),
    shouldEnter: (ctx) => (ctx.close() > ctx.indicator('sma') ? { side: 'long' } : null),
    shouldExit: (ctx) => ctx.close() < ctx.indicator('sma'),
  }),
});
