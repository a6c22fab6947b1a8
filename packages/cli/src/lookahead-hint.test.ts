import { describe, expect, it } from 'vitest';
import { getStrategy } from '@ensemble/strategies';
import { IMPLAUSIBLE_SHARPE, checkCommand, lookaheadHint } from './lookahead-hint';

describe('lookaheadHint', () => {
  const check = 'ensemble check --dataset sp500 --strategy ./x.ts';
  const sharpe = (value: number | null) => ({ sharpe: value, winRate: 0.55, tradeCount: 200 });

  it('points to ensemble check for a Sharpe ratio above 3 over a year of bars or more', () => {
    expect(IMPLAUSIBLE_SHARPE).toBe(3);
    expect(lookaheadHint(sharpe(3.7), 5_105, 252, check)).toBe(
      'a Sharpe ratio of 3.7 over 20 years is more than markets give for long: a rule that reads later bars (a centred average, a shifted column, a look through a history view) does this — `ensemble check --dataset sp500 --strategy ./x.ts` replays it on cut histories and says where',
    );
    expect(lookaheadHint(sharpe(9), 300, 252, check)).toContain('a Sharpe ratio of 9.0 over a year is');
  });

  it('points to it for 95% of 50 trades or more won, whatever the Sharpe ratio', () => {
    expect(lookaheadHint({ sharpe: 2.26, winRate: 1, tradeCount: 99 }, 5_105, 252, check)).toMatch(/^99 winning trades of 99 over 20 years is more than markets give for long: /);
    expect(lookaheadHint({ sharpe: 1, winRate: 0.95, tradeCount: 60 }, 5_105, 252, check)).toMatch(/^57 winning trades of 60 over 20 years/);
    expect(lookaheadHint({ sharpe: 1, winRate: 0.94, tradeCount: 500 }, 5_105, 252, check)).toBeNull();
    expect(lookaheadHint({ sharpe: 1, winRate: 1, tradeCount: 49 }, 5_105, 252, check)).toBeNull();
  });

  it('says nothing at or below the bound, without a ratio, or over less than a year', () => {
    expect(lookaheadHint(sharpe(3), 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(sharpe(null), 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(sharpe(Number.NaN), 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(sharpe(50), 251, 252, check)).toBeNull();
  });
});

describe('checkCommand', () => {
  it('gives the parameters off their defaults, the symbols and the range, quoted for the shell where needed', () => {
    const definition = getStrategy('sma-crossover');
    expect(checkCommand({ data: ['--dataset', 'sp500'], strategy: './x.ts', definition, params: { fast: 10, slow: 50, allowShort: false } })).toBe('ensemble check --dataset sp500 --strategy ./x.ts --param slow=50');
    expect(checkCommand({ data: ['--data', 'my prices.csv'], strategy: "./it's.ts", params: { weights: [0.6, 0.4], name: 'a b' }, symbols: ['A', 'B'], from: '2001-01-01', to: '2002-01-01' })).toBe(
      "ensemble check --data 'my prices.csv' --strategy './it'\\''s.ts' --param 'weights=[0.6,0.4]' --param 'name=a b' --symbol A,B --from 2001-01-01 --to 2002-01-01",
    );
    // The data read as it was: what was given, not what is detected by default.
    const reading = { format: 'long', dateFormat: 'DD/MM/YYYY', decimal: 'comma', adjust: true, sort: true } as const;
    expect(checkCommand({ data: ['--data', 'eu.csv'], strategy: './x.ts', params: {}, reading })).toBe('ensemble check --data eu.csv --format long --date-format DD/MM/YYYY --decimal comma --adjust --sort --strategy ./x.ts');
    expect(checkCommand({ data: ['--data', 'eu.csv'], strategy: './x.ts', params: {}, reading: { dateFormat: 'auto', decimal: 'auto', adjust: false, sort: false } })).toBe('ensemble check --data eu.csv --strategy ./x.ts');
  });
});
