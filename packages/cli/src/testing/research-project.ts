import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A user's research project in `directory`, without `node_modules`: `prices.csv` (one symbol,
 * ABC, 400 weekdays from 2015-01-01 on a smooth deterministic path), `mine.ts` (a TypeScript
 * strategy file, "mine", long above its moving average; each import appends a line to
 * `imports.log` beside it) and `run.json` (mine and buy-and-hold on ABC).
 */
export function writeResearchProject(directory: string): void {
  const rows = ['symbol,date,open,high,low,close,volume'];
  const day = new Date(Date.UTC(2015, 0, 1));
  for (let n = 0; n < 400; day.setUTCDate(day.getUTCDate() + 1)) {
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const price = 100 + 10 * Math.sin(n / 17) + n * 0.03 + 3 * Math.sin(n / 5.3);
    rows.push(`ABC,${day.toISOString().slice(0, 10)},${price.toFixed(2)},${(price + 1).toFixed(2)},${(price - 1).toFixed(2)},${(price + 0.2).toFixed(2)},1000`);
    n++;
  }
  writeFileSync(path.join(directory, 'prices.csv'), `${rows.join('\n')}\n`);
  writeFileSync(path.join(directory, 'mine.ts'), MINE);
  writeFileSync(
    path.join(directory, 'run.json'),
    JSON.stringify({
      data: { file: 'prices.csv' },
      strategies: [
        { id: 'mine', strategy: './mine.ts', params: { period: 10 }, symbols: ['ABC'] },
        { id: 'hold', strategy: 'buy-and-hold', symbols: ['ABC'] },
      ],
    }),
  );
}

const MINE = `import { appendFileSync } from 'node:fs';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

appendFileSync(new URL('./imports.log', import.meta.url), 'imported\\n');

function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (values[i] ?? 0) - (i >= period ? (values[i - period] ?? 0) : 0);
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

export default defineStrategy({
  name: 'mine',
  kind: 'signal',
  description: 'Long while the close is above its moving average by a margin; out below it.',
  params: z.strictObject({ period: z.number().int().min(2).default(20), margin: z.number().min(0).default(0) }),
  create: ({ period, margin }) => ({
    warmup: period,
    indicators: (series) => ({ sma: sma(series.close, period) }),
    shouldEnter: (ctx) => (ctx.close() > ctx.indicator('sma') * (1 + margin) ? { side: 'long' } : null),
    shouldExit: (ctx) => ctx.close() < ctx.indicator('sma'),
  }),
});
`;
