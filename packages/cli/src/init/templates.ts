/**
 * The files `ensemble init` writes: a strategy, its test, an orchestrated run that uses it next to
 * a built-in strategy, a package.json and a README with the next steps.
 */

/** Versions the generated package.json asks for. */
export interface TemplateVersions {
  /** Version of the `@ensemble/*` packages (the CLI's own). */
  readonly ensemble: string;
  readonly zod: string;
  readonly vitest: string;
}

/** Versions of zod and vitest the generated project depends on: those this repository is built and tested with. */
export const TEMPLATE_DEPENDENCY_VERSIONS = { zod: '4.6.7', vitest: '4.1.12' } as const;

/** The strategy: a trend follower with a margin, declared with defineStrategy. */
export const STRATEGY_TEMPLATE = `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

/** Simple moving average of \`values\` over \`period\` bars: NaN until the window is full. */
function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (values[i] ?? 0) - (i >= period ? (values[i - period] ?? 0) : 0);
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/**
 * Trend: long while the close is above its moving average by at least \`margin\`; out when it
 * closes below the average. Edit it, then \`npm test\` and \`npm run run\`.
 */
export default defineStrategy({
  name: 'my-strategy',
  kind: 'signal',
  description: 'Trend: long while the close is above its moving average by a margin; out below the average.',
  params: z.strictObject({
    period: z.number().int().min(2).max(500).default(100).describe('Moving-average window of closes, in bars'),
    margin: z.number().min(0).max(0.2).default(0.01).describe('How far above the average the close must be to enter, a fraction (0.01 = 1%)'),
  }),
  create: ({ period, margin }) => ({
    warmup: period,
    // Computed once per series, before the first bar; the decisions read it bar by bar.
    indicators: (series) => ({ sma: sma(series.close, period) }),
    // An entry may carry a strength (0 to 1, scales its size) and exit levels as absolute prices,
    // checked on every bar it is open: { side: 'long', stopLoss: ctx.close() * 0.95, takeProfit: ctx.close() * 1.1 }.
    shouldEnter: (ctx) => (ctx.close() > ctx.indicator('sma') * (1 + margin) ? { side: 'long' } : null),
    shouldExit: (ctx) => ctx.close() < ctx.indicator('sma'),
  }),
});
`;

/** The strategy's test: the protocol's contract checks on real data, and its parameters' bounds. */
export const STRATEGY_TEST_TEMPLATE = `import { loadDataset } from '@ensemble/data';
import { buildStrategy } from '@ensemble/protocol';
import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import myStrategy from './my-strategy';

// Real data: the S&P 500 index, 2015–2019, embedded in @ensemble/data.
const { series } = await loadDataset('sp500', { from: '2015-01-01', to: '2019-12-31' });

// One test per rule every strategy must keep: warm-up, determinism, valid decisions, no input
// mutation, no look-ahead.
testStrategyContract({ name: 'my-strategy', create: () => buildStrategy(myStrategy), series });

describe('my-strategy', () => {
  it('decides without looking ahead with other parameters too', () => {
    expect(() => {
      for (const sp500 of series) checkLookahead(buildStrategy(myStrategy, { period: 20, margin: 0 }), sp500);
    }).not.toThrow();
  });

  it('refuses a period below 2, naming the parameter', () => {
    expect(() => buildStrategy(myStrategy, { period: 1 })).toThrow(/params\\.period/);
  });
});
`;

/** The orchestrated run: the strategy as one sleeve next to a built-in trend follower on the S&P 500. */
export const RUN_CONFIG_TEMPLATE = `${JSON.stringify(
  {
    name: 'My strategy next to a built-in trend follower',
    data: { dataset: 'sp500', from: '2005-01-01' },
    cash: 100000,
    commission: { kind: 'percent', rate: 0.0005 },
    allocation: { scheme: 'equal' },
    rebalance: { schedule: 'quarter' },
    benchmark: 'SP500',
    strategies: [
      { id: 'mine', strategy: './strategies/my-strategy.ts', params: { period: 100, margin: 0.01 }, symbols: ['SP500'] },
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 50, slow: 200 }, symbols: ['SP500'] },
    ],
  },
  null,
  2,
)}
`;

/** The project's package.json. */
export function packageJsonTemplate(versions: TemplateVersions): string {
  const ensemble = `^${versions.ensemble}`;
  return `${JSON.stringify(
    {
      name: 'my-ensemble-strategies',
      private: true,
      type: 'module',
      scripts: {
        test: 'vitest run',
        run: 'ensemble run --config run.json --html report.html',
        strategies: 'ensemble strategies ./strategies/my-strategy.ts',
        check: 'ensemble check --dataset sp500 --strategy ./strategies/my-strategy.ts',
      },
      dependencies: {
        '@ensemble/cli': ensemble,
        '@ensemble/data': ensemble,
        '@ensemble/protocol': ensemble,
        zod: `^${versions.zod}`,
      },
      devDependencies: { vitest: `^${versions.vitest}` },
    },
    null,
    2,
  )}
`;
}

/** The README: what the files are and the next steps. */
export const README_TEMPLATE = `# My Ensemble strategies

Made by \`ensemble init\`:

| file | what |
| --- | --- |
| \`strategies/my-strategy.ts\` | a signal strategy declared with \`defineStrategy\`: name, kind, description, zod parameters, factory |
| \`strategies/my-strategy.test.ts\` | its tests: the protocol's contract checks on real S&P 500 data, and a parameter bound |
| \`run.json\` | an orchestrated run: the strategy as one sleeve next to the built-in \`sma-crossover\` on the S&P 500 |

## Next steps

\`\`\`sh
npm install                                  # @ensemble/cli, @ensemble/protocol, @ensemble/data, zod, vitest
npm test                                     # the contract checks
npx ensemble strategies ./strategies/my-strategy.ts
npm run check                                # the same checks on the whole S&P 500, from the command line
npx ensemble backtest --dataset sp500 --strategy ./strategies/my-strategy.ts --param period=50
npm run run                                  # run.json, and report.html to open in a browser
\`\`\`

Then make the strategy yours: change \`create\` (entries in \`shouldEnter\`, exits in
\`shouldExit\`, bar-by-bar series in \`indicators\`), give every parameter a \`.default()\`,
a \`.describe()\` and bounds, and rename it (\`name\` is what results and reports call it). A
strategy reads only the current bar and earlier ones (\`ctx.close(1)\` is the previous close); the
contract tests fail if it looks ahead.

In \`run.json\`, \`"strategy"\` is a built-in name or a file relative to \`run.json\`; add sleeves,
change the allocation (\`equal\`, \`fixed\`, \`inverse-volatility\`, \`risk-parity\`) or the data.
\`npx ensemble schema\` describes every field. Every result records the strategy file it ran and its
SHA-256, which covers the local files it imports too.
`;
