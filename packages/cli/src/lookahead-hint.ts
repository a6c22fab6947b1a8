import { echoValue } from '@ensemble/protocol';
import { formatCount } from './format';

/** An annualised Sharpe ratio above this, over a year of bars or more, is one no market gives for long. */
export const IMPLAUSIBLE_SHARPE = 3;

/**
 * A note for a strategy file whose results are too good to be true — an annualised Sharpe ratio
 * above {@link IMPLAUSIBLE_SHARPE} over at least a year of bars, what a rule that reads later bars
 * gives — pointing to `ensemble check`, which replays it on cut histories; null otherwise (and for
 * the built-in strategies, which are checked). `check` is the command to run, as typed.
 */
export function lookaheadHint(sharpe: number | null, bars: number, periodsPerYear: number, check: string): string | null {
  if (sharpe === null || !(sharpe > IMPLAUSIBLE_SHARPE) || !(bars >= periodsPerYear)) return null;
  const years = bars / periodsPerYear;
  return `a Sharpe ratio of ${sharpe.toFixed(1)} over ${years >= 2 ? `${formatCount(Math.floor(years))} years` : 'a year'} is more than markets give for long: a rule that reads later bars (a centred average, a shifted column, a look through a history view) does this — \`${echoValue(check, 200)}\` replays it on cut histories and says where`;
}
