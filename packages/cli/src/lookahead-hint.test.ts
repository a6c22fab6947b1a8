import { describe, expect, it } from 'vitest';
import { IMPLAUSIBLE_SHARPE, lookaheadHint } from './lookahead-hint';

describe('lookaheadHint', () => {
  const check = 'ensemble check --dataset sp500 --strategy ./x.ts';

  it('points to ensemble check for a Sharpe ratio above 3 over a year of bars or more', () => {
    expect(IMPLAUSIBLE_SHARPE).toBe(3);
    expect(lookaheadHint(3.7, 5_105, 252, check)).toBe(
      'a Sharpe ratio of 3.7 over 20 years is more than markets give for long: a rule that reads later bars (a centred average, a shifted column, a look through a history view) does this — `ensemble check --dataset sp500 --strategy ./x.ts` replays it on cut histories and says where',
    );
    expect(lookaheadHint(9, 300, 252, check)).toContain('a Sharpe ratio of 9.0 over a year is');
  });

  it('says nothing at or below the bound, without a ratio, or over less than a year', () => {
    expect(lookaheadHint(3, 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(null, 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(Number.NaN, 5_105, 252, check)).toBeNull();
    expect(lookaheadHint(50, 251, 252, check)).toBeNull();
  });
});
