import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STRATEGY_TEMPLATE } from '../init/templates';

/** The strategy `ensemble init` writes ("my-strategy": period, margin), logging each import. */
const MINE = STRATEGY_TEMPLATE.replace(
  "import { defineStrategy } from '@ensemble/protocol';",
  "import { appendFileSync } from 'node:fs';\nimport { defineStrategy } from '@ensemble/protocol';\n\nappendFileSync(new URL('./imports.log', import.meta.url), 'imported\\n');",
);

/**
 * A user's research project in `directory`, without `node_modules`: `prices.csv` (one symbol,
 * ABC, 400 weekdays from 2015-01-01 on a smooth deterministic path), `mine.ts` (a TypeScript
 * strategy file: the one `ensemble init` writes, "my-strategy"; each import appends a line to
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

/**
 * The source of a strategy `name` ("long while the close is above `EDGE` times the close
 * `lookback` bars ago") that imports `EDGE` from the local file `helper`.
 */
export function edgyStrategySource(name: string, helper: string): string {
  return `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { EDGE } from '${helper}';

export default defineStrategy({
  name: '${name}',
  kind: 'signal',
  description: 'Long while the close is above EDGE times the close of lookback bars ago.',
  params: z.strictObject({ lookback: z.number().int().min(1).max(100).default(10) }),
  create: ({ lookback }) => ({
    warmup: lookback + 1,
    shouldEnter: (ctx) => (ctx.close() > EDGE * ctx.close(lookback) ? { side: 'long' as const } : null),
    shouldExit: (ctx) => ctx.close() < ctx.close(lookback),
  }),
});
`;
}

/**
 * A strategy file that imports a local helper: `edgy.ts` ({@link edgyStrategySource}) and the
 * `edge.ts` it imports `EDGE` from.
 */
export function writeHelperStrategy(directory: string, edge = '1.0'): void {
  writeFileSync(path.join(directory, 'edgy.ts'), edgyStrategySource('edgy', './edge.ts'));
  writeFileSync(path.join(directory, 'edge.ts'), `export const EDGE = ${edge};\n`);
}

/**
 * A strategy file that throws from a local helper: `thrower/thrower.ts` ("thrower", signal, one
 * parameter `period`) calls `check` of `thrower/strategies/helper.ts`, whose line 2 throws
 * `RangeError('bad bar')` on bar index 99 when `period` is above 3. `thrower/package.json` makes
 * the folder an ES module one, so that the error's frames carry the TypeScript files' lines.
 */
export function writeThrowingStrategy(directory: string): void {
  mkdirSync(path.join(directory, 'thrower', 'strategies'), { recursive: true });
  writeFileSync(path.join(directory, 'thrower', 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(directory, 'thrower', 'strategies', 'helper.ts'), "export function check(index: number, period: number): void {\n  if (index === 99 && period > 3) throw new RangeError('bad bar');\n}\n");
  writeFileSync(
    path.join(directory, 'thrower', 'thrower.ts'),
    `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { check } from './strategies/helper.ts';

export default defineStrategy({
  name: 'thrower',
  kind: 'signal',
  description: 'Never trades; its helper throws on bar 99 when period is above 3.',
  params: z.strictObject({ period: z.number().int().min(1).default(5) }),
  create: ({ period }) => ({
    warmup: 1,
    shouldEnter: (ctx) => {
      check(ctx.index, period);
      return null;
    },
    shouldExit: () => false,
  }),
});
`,
  );
}
