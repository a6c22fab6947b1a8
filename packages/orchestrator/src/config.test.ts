import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../test/helpers';
import { parseRunConfig, runConfigJsonSchema } from './config';
import { checkRunData, runSymbols } from './run-data';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRunConfig(input, { source: 'run.json', registry: testRegistry });
  } catch (error) {
    if (ConfigError.isInstance(error)) return [...error.issues];
    throw error;
  }
  return [];
}

describe('parseRunConfig', () => {
  it('applies every default', () => {
    const config = parseRunConfig(
      { data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] },
      { registry: testRegistry },
    );
    expect(config).toMatchObject({
      cash: 100_000,
      fill: 'next-open',
      fractional: false,
      mode: 'sleeves',
      crossing: true,
      transfers: 'pro-rata',
      errorPolicy: 'fail',
      commission: { kind: 'percent', rate: 0 },
      slippage: { kind: 'bps', bps: 0 },
      sizing: { kind: 'percent-of-cash', percent: 100 },
      allocation: { scheme: 'equal', lookback: 63, cashBuffer: 0, leverage: 1, minWeight: 0 },
      rebalance: { schedule: 'month' },
      risk: {},
      riskFreeRate: 0,
    });
    expect(config.strategies[0]).toEqual({ id: 'a', strategy: 'buy-and-hold', params: {}, symbols: ['SP500'], priority: 0 });
    expect(config).not.toHaveProperty('conflictPolicy');
    const shared = parseRunConfig(
      { data: { dataset: 'sp500' }, mode: 'shared', strategies: [{ id: 'a', strategy: 'sma-crossover', symbols: ['SP500'] }] },
      { registry: testRegistry },
    );
    expect(shared).toMatchObject({ mode: 'shared', conflictPolicy: 'net', cash: 100_000, fill: 'next-open' });
    expect(shared).not.toHaveProperty('crossing');
    expect(shared).not.toHaveProperty('transfers');
  });

  it('names a field of one capital mode given in the other, with the mode it applies to', () => {
    const base = { data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'sma-crossover', symbols: ['SP500'] }] };
    expect(issuesOf({ ...base, conflictPolicy: 'vote' })).toEqual([
      { path: 'conflictPolicy', message: 'applies to mode "shared" only, and this config\'s mode is "sleeves" (the default): remove "conflictPolicy" or set "mode": "shared"' },
    ]);
    expect(issuesOf({ ...base, mode: 'sleeves', conflictPolicy: 'vote' })).toEqual([
      { path: 'conflictPolicy', message: 'applies to mode "shared" only, and this config\'s mode is "sleeves": remove "conflictPolicy" or set "mode": "shared"' },
    ]);
    const shared = issuesOf({ ...base, mode: 'shared', crossing: false, transfers: 'cash' });
    expect(shared.map((issue) => issue.path)).toEqual(['crossing', 'transfers']);
    expect(shared[0]?.message).toMatch(/^applies to mode "sleeves" only.*remove "crossing" or set "mode": "sleeves"$/);
    let caught: unknown;
    try {
      parseRunConfig({ ...base, conflictPolicy: 'vote' }, { source: 'run.json', registry: testRegistry });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught) ? caught.message : '').toContain('conflictPolicy: applies to mode "shared"');
    expect(issuesOf({ ...base, mode: 'joint' })).toEqual([{ path: 'mode', message: 'must be "sleeves" or "shared", got "joint"' }]);
  });

  it('names what is wrong inside the object form of a schedule, not only the forms it could take', () => {
    const base = { data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] };
    expect(issuesOf({ ...base, rebalance: { schedule: { everyBars: 2.5 } } })).toEqual([{ path: 'rebalance.schedule.everyBars', message: 'expected a whole number, got the number 2.5' }]);
    expect(issuesOf({ ...base, rebalance: { schedule: { every: 3 } } }).map((issue) => issue.path)).toEqual(['rebalance.schedule.everyBars', 'rebalance.schedule.every']);
    // A string still gets the list of forms, with a suggestion.
    expect(issuesOf({ ...base, rebalance: { schedule: 'monthly' } })[0]?.message).toContain('did you mean "month"?');
  });

  it('says where a key given one level too high belongs: a strategy parameter beside "params", an allocation field at the top', () => {
    const entry = { id: 'a', strategy: 'sma-crossover', symbols: ['SP500'] };
    expect(issuesOf({ data: { dataset: 'sp500' }, strategies: [{ ...entry, fast: 5 }] })).toEqual([
      { path: 'strategies.0.fast', message: 'unknown key "fast" — a parameter of "sma-crossover": it belongs in "params" ("strategies.0.params.fast")' },
    ]);
    expect(issuesOf({ data: { dataset: 'sp500' }, lookback: 20, strategies: [entry] })).toEqual([
      { path: 'lookback', message: 'unknown key "lookback" — it belongs in "allocation" ("allocation.lookback")' },
    ]);
    // A top-level typo without "mode" is matched against the fields of both modes.
    expect(issuesOf({ data: { dataset: 'sp500' }, alocation: {}, strategies: [entry] })[0]?.message).toBe('unknown key "alocation" — did you mean "allocation"?');
  });

  it('names the nested fields of one mode too: a strategy priority in sleeves mode, drift bands in shared mode', () => {
    const strategies = [
      { id: 'a', strategy: 'sma-crossover', symbols: ['SP500'], priority: 2 },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['SP500'] },
    ];
    const sleeves = issuesOf({ data: { dataset: 'sp500' }, strategies });
    expect(sleeves.map((issue) => issue.path)).toEqual(['strategies.0.priority']);
    expect(sleeves[0]?.message).toMatch(/^applies to mode "shared" \(conflictPolicy "priority"\) only, and this config's mode is "sleeves" \(the default\).*remove "priority"/);
    const shared = issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', conflictPolicy: 'priority', rebalance: { schedule: 'month', drift: { absolute: 0.1 } }, strategies });
    expect(shared.map((issue) => issue.path)).toEqual(['rebalance.drift']);
    expect(shared[0]?.message).toMatch(/^applies to mode "sleeves" only.*never rebalanced.*remove "drift"/);
    // The schedule's weights are said of the config's own policy: only "net" (the default) votes with them.
    expect(shared[0]?.message).toContain('(its "priority" policy does not use the weights at all)');
    const net = issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', rebalance: { schedule: 'month', drift: { absolute: 0.1 } }, strategies: strategies.map(({ priority: _priority, ...entry }) => entry) });
    expect(net[0]?.message).toContain('(the schedule still recomputes the weights the "net" policy votes with)');
    // Priority 0 is the default, which a parsed config carries: accepted in sleeves mode.
    expect(issuesOf({ data: { dataset: 'sp500' }, strategies: strategies.map((entry) => ({ ...entry, priority: 0 })) })).toEqual([]);
    // Where they belong they are accepted.
    expect(issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', conflictPolicy: 'priority', strategies })).toEqual([]);
    expect(issuesOf({ data: { dataset: 'sp500' }, rebalance: { schedule: 'month', drift: { absolute: 0.1 } }, strategies: strategies.map(({ priority: _, ...entry }) => entry) })).toEqual([]);
  });

  it('refuses in shared mode what its one account would ignore: a priority under another policy, a leverage above 1', () => {
    const strategies = [
      { id: 'a', strategy: 'sma-crossover', symbols: ['SP500'], priority: 2 },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['SP500'] },
    ];
    const byDefault = issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', strategies });
    expect(byDefault.map((issue) => issue.path)).toEqual(['strategies.0.priority']);
    expect(byDefault[0]?.message).toBe('applies to conflictPolicy "priority" only, and this config\'s policy is "net" (the default), which would ignore it; remove "priority" or set "conflictPolicy": "priority"');
    expect(issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', conflictPolicy: 'vote', strategies })[0]?.message).toMatch(/policy is "vote", which would ignore it/);
    const levered = issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', conflictPolicy: 'priority', allocation: { scheme: 'equal', leverage: 2 }, strategies });
    expect(levered.map((issue) => issue.path)).toEqual(['allocation.leverage']);
    expect(levered[0]?.message).toMatch(/^applies to mode "sleeves" only, and this config's mode is "shared": its one account buys only what its cash affords/);
    // Leverage 1 (the default, which a parsed config carries) and leverage in sleeves mode are accepted.
    expect(issuesOf({ data: { dataset: 'sp500' }, mode: 'shared', conflictPolicy: 'priority', allocation: { scheme: 'equal', leverage: 1 }, strategies })).toEqual([]);
    expect(issuesOf({ data: { dataset: 'sp500' }, allocation: { scheme: 'equal', leverage: 2 }, strategies: strategies.map(({ priority: _, ...entry }) => entry) })).toEqual([]);
  });

  it('takes transfers "pro-rata" or "cash" and names anything else by path', () => {
    const base = { data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] };
    const parsed = parseRunConfig({ ...base, transfers: 'cash' }, { registry: testRegistry });
    expect(parsed.mode === 'sleeves' ? parsed.transfers : null).toBe('cash');
    const issues = issuesOf({ ...base, transfers: 'proportional' });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('transfers');
    expect(issues[0]?.message).toMatch(/pro-rata.*cash/);
    const schema = runConfigJsonSchema() as { oneOf: { properties: Record<string, { enum?: unknown; default?: unknown; description?: string }> }[] };
    const sleeves = schema.oneOf[0];
    expect(sleeves?.properties.transfers).toMatchObject({ enum: ['pro-rata', 'cash'], default: 'pro-rata' });
    expect(sleeves?.properties.transfers?.description).toMatch(/exposure-to-equity/);
  });

  it('takes a numeric date bound only as unambiguous epoch milliseconds', () => {
    const config = (from: unknown) => ({ data: { dataset: 'sp500', from }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] });
    // 2005-01-03 as epoch seconds is 1970-01-13 as milliseconds: refused, as is a year.
    for (const from of [1104710400, 2005, 5]) {
      expect(issuesOf(config(from))).toEqual([{ path: 'data.from', message: expect.stringMatching(/^a number is epoch milliseconds, at least 100000000000 \(1973-03-03\)/) }]);
    }
    expect(parseRunConfig(config(1104710400000), { registry: testRegistry }).data.from).toBe(1104710400000);
    expect(parseRunConfig(config('1104710400'), { registry: testRegistry }).data.from).toBe('1104710400');
    expect(issuesOf(config(-1e12))).toEqual([]);
  });

  it('takes the date format of a file, keeps it out when not given, and names an unknown one', () => {
    const config = (data: Record<string, unknown>) => ({ data, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] });
    expect(parseRunConfig(config({ file: 'prices.csv', dateFormat: 'DD/MM/YYYY' }), { registry: testRegistry }).data.dateFormat).toBe('DD/MM/YYYY');
    // Absent stays absent: a parsed config (and so a run or sweep id) is unchanged for a config without it.
    expect(parseRunConfig(config({ file: 'prices.csv' }), { registry: testRegistry }).data).toEqual({ file: 'prices.csv' });
    expect(issuesOf(config({ file: 'prices.csv', dateFormat: 'dd/mm/yyyy' }))).toEqual([
      { path: 'data.dateFormat', message: 'unknown date format "dd/mm/yyyy": write DD/MM/YYYY (upper case; in the file DD and MM may have one or two digits, YYYY has four)' },
    ]);
    expect(issuesOf(config({ dataset: 'sp500', dateFormat: 'DD/MM/YYYY' }))).toEqual([
      { path: 'data.dateFormat', message: '"dateFormat" applies to "file" only; embedded data sets write their dates as YYYY-MM-DD' },
    ]);
  });

  it('lists every problem by path, schema and cross-field checks together, naming the source', () => {
    let caught: unknown;
    try {
      parseRunConfig(
        {
          data: { dataset: 'sp500', file: 'x.csv' },
          cash: -5,
          fill: 'tomorrow',
          allocation: { scheme: 'fixed' },
          strategies: [
            { id: 'a', strategy: 'sma-crossover', params: { fast: 50, slow: 20 }, symbols: ['SP500'], weight: 0.5 },
            { id: 'a', strategy: 'buy-and-hold', symbols: ['SP500', 'SP500'] },
            { id: 'c', strategy: 'no-such-thing', symbols: ['SP500'], weight: 0.2 },
            { id: 'd', strategy: 'sma-crossover', params: { fats: 3 }, symbols: ['SP500'], weight: 0.1, rebalance: 'month' },
          ],
        },
        { source: 'run.json', registry: testRegistry },
      );
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.source).toBe('run.json');
    expect(error.message).toMatch(/^Invalid configuration in run\.json:/);
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'data',
        'cash',
        'fill',
        'strategies.0.params.fast',
        'strategies.1.id',
        'strategies.1.symbols.1',
        'strategies.1.weight',
        'strategies.2.strategy',
        'strategies.3.params.fats',
        'strategies.3.rebalance',
      ]),
    );
    expect(error.issues.find((issue) => issue.path === 'strategies.1.id')?.message).toContain('duplicate id "a" (strategies.0 has it too)');
    expect(error.issues.find((issue) => issue.path === 'strategies.2.strategy')?.message).toMatch(/unknown strategy "no-such-thing"\. Available: buy-and-hold, sma-crossover/);
    expect(issuesOf({ data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'sma-crossovr', symbols: ['SP500'] }] })[0]?.message).toMatch(
      /^unknown strategy "sma-crossovr" — did you mean "sma-crossover"\? Available: /,
    );
    expect(error.issues.find((issue) => issue.path === 'strategies.3.params.fats')?.message).toContain('unknown parameter "fats" — did you mean "fast"?');
  });

  it('takes periodsPerYear from 0.01 to 31,536,000,000 and names anything else by path', () => {
    const base = { data: { dataset: 'test' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['AAA'] }] };
    for (const periodsPerYear of [0.01, 365, 31_536_000_000]) expect(parseRunConfig({ ...base, periodsPerYear }, { registry: testRegistry }).periodsPerYear).toBe(periodsPerYear);
    for (const periodsPerYear of [1e300, 1e-300, 0]) {
      expect(() => parseRunConfig({ ...base, periodsPerYear }, { registry: testRegistry })).toThrow(/periodsPerYear: must be a number from 0\.01 \(a bar a century\) to 31,536,000,000/);
    }
  });

  it('takes allocation.minInvested as a fraction in [0, 1] and names anything else by path', () => {
    const config = (minInvested: unknown) => ({
      data: { dataset: 'sp500' },
      allocation: { scheme: 'inverse-volatility', minInvested },
      strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }],
    });
    expect(parseRunConfig(config(0.25), { registry: testRegistry }).allocation.minInvested).toBe(0.25);
    expect(parseRunConfig({ ...config(0), allocation: { scheme: 'risk-parity' } }, { registry: testRegistry }).allocation.minInvested).toBeUndefined();
    for (const bad of [1.5, -0.1, '0.5']) {
      const issues = issuesOf(config(bad));
      expect(issues.map((issue) => issue.path)).toEqual(['allocation.minInvested']);
    }
    expect(issuesOf(config(1.5))[0]?.message).toBe('must be a fraction of the lookback window in [0, 1] (0.5: a non-zero return on half of its bars)');
  });

  it('refuses a fixed quantity below one whole unit, run-wide or per strategy, unless fractional', () => {
    const config = {
      data: { dataset: 'stocks5' },
      sizing: { kind: 'fixed-quantity', quantity: 0.5 },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'], sizing: { kind: 'fixed-quantity', quantity: 0.25 } },
      ],
    };
    expect(issuesOf(config)).toEqual([
      { path: 'sizing.quantity', message: '0.5 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units' },
      { path: 'strategies.1.sizing.quantity', message: '0.25 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units' },
    ]);
    expect(issuesOf({ ...config, fractional: true })).toEqual([]);
  });

  it('requires fixed weights to sum to at most leverage − cashBuffer, and says so', () => {
    const issues = issuesOf({
      data: { dataset: 'stocks5' },
      allocation: { scheme: 'fixed', cashBuffer: 0.1 },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'], weight: 0.6 },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'], weight: 0.4 },
      ],
    });
    expect(issues).toEqual([
      {
        path: 'strategies',
        message: 'the fixed weights sum to 1, above leverage − cashBuffer = 0.9; lower them (what they leave below 0.9 stays in cash) or raise allocation.leverage',
      },
    ]);
    expect(
      issuesOf({
        data: { dataset: 'stocks5' },
        allocation: { scheme: 'fixed', cashBuffer: 0.1, leverage: 1.5 },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'], weight: 0.6 },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'], weight: 0.4 },
        ],
      }),
    ).toEqual([]);
  });

  it('names a weight that is not a number once, not also as "the fixed weights are all 0"', () => {
    for (const weight of ['NaN', '0.5', null, true]) {
      const issues = issuesOf({
        data: { dataset: 'stocks5' },
        allocation: { scheme: 'fixed' },
        strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'], weight }],
      });
      expect(issues.map((issue) => issue.path), String(weight)).toEqual(['strategies.0.weight']);
    }
  });

  it('names a negative weight once, and a fixed weight outside minWeight or maxWeight by the bound it breaks', () => {
    const config = (weights: number[], allocation: Record<string, number> = {}) => ({
      data: { dataset: 'stocks5' },
      allocation: { scheme: 'fixed', ...allocation },
      strategies: weights.map((weight, i) => ({ id: `s${i}`, strategy: 'buy-and-hold', symbols: ['AAPL'], weight })),
    });
    const negative = { path: 'strategies.0.weight', message: 'must be 0 or more: a fraction of portfolio equity (0.6 = 60%); a sleeve cannot be given negative capital' };
    expect(issuesOf(config([-0.2, 0.5]))).toEqual([negative]);
    // Not also "the fixed weights are all 0" (their sum is), nor "ignored" under the equal scheme.
    expect(issuesOf(config([-0.5, 0.5]))).toEqual([negative]);
    expect(issuesOf(config([-1, 0.5]))).toEqual([negative]);
    expect(issuesOf({ ...config([-1, 0.5]), allocation: { scheme: 'equal' } }).filter((issue) => issue.path === 'strategies.0.weight')).toEqual([negative]);
    expect(issuesOf(config([0.05, 0.5, 0.45], { minWeight: 0.1, maxWeight: 0.4 }))).toEqual([
      { path: 'strategies.0.weight', message: 'weight 0.05 is below allocation.minWeight (0.1)' },
      { path: 'strategies.1.weight', message: 'weight 0.5 is above allocation.maxWeight (0.4)' },
      { path: 'strategies.2.weight', message: 'weight 0.45 is above allocation.maxWeight (0.4)' },
    ]);
  });

  it('refuses weights under the equal scheme, given or by default, which would ignore them; the data-driven schemes take them as warm-up weights', () => {
    const strategies = [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'], weight: 0.7 },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'] },
    ];
    expect(issuesOf({ data: { dataset: 'stocks5' }, strategies })).toEqual([
      {
        path: 'strategies.0.weight',
        message: 'allocation.scheme is "equal" (the default when none is given): every strategy gets the same weight, so this one would be ignored; set allocation.scheme to "fixed" to use the weights, or remove them',
      },
    ]);
    expect(issuesOf({ data: { dataset: 'stocks5' }, allocation: { scheme: 'equal' }, strategies }).map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^allocation\.scheme is "equal": every strategy gets the same weight/) as string,
    ]);
    expect(issuesOf({ data: { dataset: 'stocks5' }, allocation: { scheme: 'inverse-volatility' }, strategies })).toEqual([]);
  });

  it('refuses a setting the scheme or the drawdown action would ignore, and accepts it where it is read or at its default', () => {
    const strategies = [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'] },
    ];
    const data = { dataset: 'stocks5' };
    expect(issuesOf({ data, allocation: { scheme: 'inverse-volatility', metric: 'return', floor: 0.2 }, strategies })).toEqual([
      {
        path: 'allocation.metric',
        message: 'applies to allocation.scheme "performance" only, and this config\'s scheme is "inverse-volatility", which would ignore it; remove "metric" or set allocation.scheme to "performance"',
      },
      {
        path: 'allocation.floor',
        message: 'applies to allocation.scheme "performance" only, and this config\'s scheme is "inverse-volatility", which would ignore it; remove "floor" or set allocation.scheme to "performance"',
      },
    ]);
    // The return score of "performance" has no minInvested rule; its Sharpe score has one.
    expect(issuesOf({ data, allocation: { scheme: 'performance', metric: 'return', minInvested: 0.9 }, strategies })).toEqual([
      {
        path: 'allocation.minInvested',
        message: 'applies to allocation.scheme "inverse-volatility", "risk-parity" and "performance" with metric "sharpe" only, and this config\'s scheme is "performance" with metric "return", which would ignore it; remove "minInvested" or use one of those',
      },
    ]);
    expect(issuesOf({ data, allocation: { scheme: 'fixed', minInvested: 0.9 }, strategies: strategies.map((entry) => ({ ...entry, weight: 0.5 })) }).map((issue) => issue.message)).toEqual([
      expect.stringContaining('this config\'s scheme is "fixed", which would ignore it') as string,
    ]);
    expect(issuesOf({ data, allocation: { scheme: 'performance', minInvested: 0.9 }, strategies })).toEqual([]);
    expect(issuesOf({ data, allocation: { floor: 0.5 }, strategies }).map((issue) => issue.message)).toEqual([
      expect.stringContaining('this config\'s scheme is "equal" (the default when none is given), which would ignore it') as string,
    ]);
    expect(issuesOf({ data, risk: { maxDrawdown: { limit: 0.2, scale: 0.3 } }, strategies })).toEqual([
      {
        path: 'risk.maxDrawdown.scale',
        message: 'applies to action "scale-down" only, and this stop\'s action is "flatten" (the default when none is given), which closes every position whatever the scale; remove "scale" or set "action": "scale-down"',
      },
    ]);
    // Where they are read, and at their defaults anywhere: a resolved config (a result's, a
    // sweep's best-config.json) writes every default and must parse again.
    expect(issuesOf({ data, allocation: { scheme: 'performance', metric: 'return', floor: 0.2 }, strategies })).toEqual([]);
    expect(issuesOf({ data, allocation: { scheme: 'risk-parity', minInvested: 0.2 }, strategies })).toEqual([]);
    expect(issuesOf({ data, risk: { maxDrawdown: { limit: 0.2, action: 'scale-down', scale: 0.3 } }, strategies })).toEqual([]);
    const resolved = parseRunConfig({ data, strategies }, { registry: testRegistry });
    expect(resolved.allocation).toMatchObject({ metric: 'sharpe', floor: 0 });
    expect(issuesOf(JSON.parse(JSON.stringify({ ...resolved, risk: { maxDrawdown: { limit: 0.2, action: 'flatten', scale: 0.5 } } })))).toEqual([]);
  });

  it('refuses lookback and minHistory under "equal" and "fixed", which never estimate from returns, unless a custom allocation function replaces the scheme', () => {
    const strategies = [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'] },
    ];
    const weighted = strategies.map((entry) => ({ ...entry, weight: 0.5 }));
    const data = { dataset: 'stocks5' };
    const readBy = 'applies to the schemes that estimate from the sleeves\' returns ("inverse-volatility", "risk-parity", "performance") and a custom allocation function only';
    expect(issuesOf({ data, allocation: { lookback: 20, minHistory: 10 }, strategies })).toEqual([
      {
        path: 'allocation.lookback',
        message: `${readBy}, and this config's scheme is "equal" (the default when none is given), which would ignore it; remove "lookback" or set allocation.scheme to one of those (from the library, a run given a custom allocation function is parsed with parseRunConfig(input, { customAllocation: true }))`,
      },
      {
        path: 'allocation.minHistory',
        message: `${readBy}, and this config's scheme is "equal" (the default when none is given), which would ignore it; remove "minHistory" or set allocation.scheme to one of those (from the library, a run given a custom allocation function is parsed with parseRunConfig(input, { customAllocation: true }))`,
      },
    ]);
    expect(issuesOf({ data, allocation: { scheme: 'fixed', minHistory: 0 }, strategies: weighted })).toEqual([
      {
        path: 'allocation.minHistory',
        message: `${readBy}, and this config's scheme is "fixed", which would ignore it; remove "minHistory" or set allocation.scheme to one of those (from the library, a run given a custom allocation function is parsed with parseRunConfig(input, { customAllocation: true }))`,
      },
    ]);
    expect(issuesOf({ data, allocation: { scheme: 'equal', lookback: 126 }, strategies }).map((issue) => issue.path)).toEqual(['allocation.lookback']);
    // Read by every scheme that estimates, and accepted at lookback's default (a resolved config writes it).
    for (const scheme of ['inverse-volatility', 'risk-parity', 'performance']) {
      expect(issuesOf({ data, allocation: { scheme, lookback: 20, minHistory: 10 }, strategies })).toEqual([]);
    }
    expect(issuesOf({ data, allocation: { scheme: 'equal', lookback: 63 }, strategies })).toEqual([]);
    const resolved = parseRunConfig({ data, allocation: { scheme: 'fixed' }, strategies: weighted }, { registry: testRegistry });
    expect(resolved.allocation.lookback).toBe(63);
    expect(issuesOf(JSON.parse(JSON.stringify(resolved)))).toEqual([]);
    // A custom allocation function reads its window and warm-up from them, whatever the scheme.
    expect(() => parseRunConfig({ data, allocation: { lookback: 20, minHistory: 10 }, strategies }, { registry: testRegistry, customAllocation: true })).not.toThrow();
    expect(() => parseRunConfig({ data, allocation: { scheme: 'fixed', lookback: 20 }, strategies: weighted }, { registry: testRegistry, customAllocation: true })).not.toThrow();
    // What it does not read stays refused.
    expect(() => parseRunConfig({ data, allocation: { floor: 0.5 }, strategies }, { registry: testRegistry, customAllocation: true })).toThrow(/allocation\.floor/);
  });

  it('refuses a sleeve rebalance schedule beside the strategy\'s rebalance parameter, as a backtest config does', () => {
    // Both were taken, the entry's winning, while the summary printed "rebalance=quarter · own
    // rebalance every 2 bars" and the recorded config held two schedules.
    const entry = { id: 'ew', strategy: 'equal-weight', symbols: ['AAPL', 'MSFT'] };
    const both = { data: { dataset: 'stocks5' }, strategies: [{ ...entry, params: { rebalance: 'quarter' }, rebalance: { everyBars: 2 } }] };
    expect(() => parseRunConfig(both, { registry: testRegistry })).toThrow(
      /strategies\.0\.params\.rebalance: both "params\.rebalance" and "rebalance" set this sleeve's rebalance schedule \("rebalance" replaces the strategy's own\); give one of them/,
    );
    // Either alone is taken.
    expect(parseRunConfig({ ...both, strategies: [{ ...entry, rebalance: { everyBars: 2 } }] }, { registry: testRegistry }).strategies[0]?.rebalance).toEqual({ everyBars: 2 });
    expect(parseRunConfig({ ...both, strategies: [{ ...entry, params: { rebalance: 'quarter' } }] }, { registry: testRegistry }).strategies[0]?.params).toEqual({ rebalance: 'quarter' });
  });

  it('says a drawdown limit, its scale and the exposure caps are positive fractions, with an example', () => {
    const messageOf = (risk: unknown, path: string): string | undefined =>
      issuesOf({ data: { dataset: 'stocks5' }, risk, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['IBM'] }] }).find((issue) => issue.path === path)?.message;
    expect(messageOf({ maxDrawdown: { limit: -0.2 } }, 'risk.maxDrawdown.limit')).toBe('must be above 0: the drawdown that trips the stop as a positive fraction, e.g. 0.2 for a 20% drawdown');
    expect(messageOf({ maxDrawdown: { limit: 20 } }, 'risk.maxDrawdown.limit')).toBe('must be below 1: the drawdown as a fraction of the high-water mark, e.g. 0.2 for 20% (not 20)');
    expect(messageOf({ maxDrawdown: { limit: 0.2, action: 'scale-down', scale: 50 } }, 'risk.maxDrawdown.scale')).toBe(
      'must be below 1: the factor positions are multiplied by, e.g. 0.5 halves them (not 50)',
    );
    expect(messageOf({ maxGrossExposure: -1.5 }, 'risk.maxGrossExposure')).toBe("must be above 0: a fraction of the portfolio's equity, e.g. 1.5 for 150%");
  });

  it('rejects portfolio strategies in shared mode, infeasible minimum weights and unknown keys', () => {
    const issues = issuesOf({
      data: { dataset: 'stocks5' },
      mode: 'shared',
      allocation: { minWeight: 0.6 },
      risk: { maxDrawdown: { limit: 1.5 } },
      extra: true,
      strategies: [
        { id: 'a', strategy: 'equal-weight', symbols: ['AAPL', 'IBM'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['IBM'], sizing: { kind: 'percent-of-cash', percent: 50 } },
      ],
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['extra', 'risk.maxDrawdown.limit', 'strategies.0.strategy', 'allocation.minWeight']));
    expect(issues.find((issue) => issue.path === 'extra')?.message).toBe('unknown key "extra" (check its spelling)');
    expect(issues.find((issue) => issue.path === 'strategies.0.strategy')?.message).toContain('shared mode merges per-symbol signals of signal strategies only');
  });
});

describe('data checks and helpers', () => {
  const config = parseRunConfig(
    {
      data: { dataset: 'dow30' },
      benchmark: 'DIA',
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['IBM', 'KO'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['KO', 'MSFT'] },
      ],
    },
    { registry: testRegistry },
  );

  it('runSymbols lists what to load, in first-use order, benchmark last', () => {
    expect(runSymbols(config)).toEqual(['IBM', 'KO', 'MSFT', 'DIA']);
  });

  it('checkRunData names each missing symbol by path', () => {
    let caught: unknown;
    try {
      checkRunData(config, [walkSeries('IBM', 5, 1), walkSeries('KO', 5, 2)], 'run.json');
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).issues).toEqual([
      { path: 'strategies.1.symbols.1', message: 'symbol "MSFT" is not in the data (available: IBM, KO)' },
      { path: 'benchmark', message: 'benchmark symbol "DIA" is not in the data (available: IBM, KO)' },
    ]);
  });
});

describe('runConfigJsonSchema', () => {
  const schema = runConfigJsonSchema();

  it('is a draft 2020-12 schema: one strict object per capital mode, each with its own fields', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const branches = schema.oneOf as { type: string; required: string[]; additionalProperties: unknown; properties: Record<string, { const?: unknown; default?: unknown }> }[];
    expect(branches).toHaveLength(2);
    const [sleeves, shared] = branches;
    const common = ['data', 'cash', 'commission', 'slippage', 'fill', 'mode', 'allocation', 'rebalance', 'errorPolicy', 'risk', 'strategies'];
    for (const branch of branches) {
      expect(branch.type).toBe('object');
      expect(branch.additionalProperties).toBe(false);
      expect(Object.keys(branch.properties)).toEqual(expect.arrayContaining(common));
    }
    expect(sleeves?.required).toEqual(['data', 'strategies']);
    expect(sleeves?.properties.mode).toMatchObject({ const: 'sleeves', default: 'sleeves' });
    expect(Object.keys(sleeves?.properties ?? {})).toEqual(expect.arrayContaining(['crossing', 'transfers']));
    expect(sleeves?.properties).not.toHaveProperty('conflictPolicy');
    expect(shared?.required).toEqual(['data', 'strategies', 'mode']);
    expect(shared?.properties.mode).toMatchObject({ const: 'shared' });
    expect(Object.keys(shared?.properties ?? {})).toContain('conflictPolicy');
    expect(shared?.properties).not.toHaveProperty('crossing');
  });

  it('describes every property', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
      if (properties !== undefined) {
        for (const [key, child] of Object.entries(properties)) {
          const described = typeof child.description === 'string' || (Array.isArray(child.anyOf) && typeof (child.anyOf[0] as Record<string, unknown> | undefined)?.description === 'string');
          if (!described && key !== 'kind') undocumented.push(`${path}.${key}`);
          visit(child, `${path}.${key}`);
        }
      }
      for (const key of ['items', 'anyOf', 'oneOf', 'allOf']) {
        const value = record[key];
        if (Array.isArray(value)) {
          value.forEach((item, i) => {
            visit(item, `${path}.${key}.${i}`);
          });
        }
        else visit(value, `${path}.${key}`);
      }
    };
    visit(schema, '');
    expect(undocumented).toEqual([]);
  });
});
