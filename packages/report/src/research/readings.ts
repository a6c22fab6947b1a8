import { formatCount, formatNumber, formatPercent } from '../format';
import { checkArguments } from '@ensemble/protocol';
import { researchInputIssue } from '../argument-checks';
import type { ResearchReportInput } from './research-input';

/** One overfitting statistic as the report shows it: a value, a tone and a one-line reading. */
export interface StatisticReading {
  readonly label: string;
  readonly value: string;
  readonly tone: 'positive' | 'negative' | 'neutral';
  readonly reading: string;
}

/** Deflated Sharpe ratio at or above this is read as skill (the paper's 95% confidence). */
export const DSR_CONFIDENCE = 0.95;
/** PBO at or below this is read as low, above {@link PBO_HIGH} as likely overfit. */
export const PBO_LOW = 0.2;
export const PBO_HIGH = 0.5;
/** Parameter stability at or above this is a plateau, below {@link STABILITY_SPIKE} a spike. */
export const STABILITY_PLATEAU = 0.8;
export const STABILITY_SPIKE = 0.5;
/** Walk-forward efficiency at or above this is conventionally read as robust. */
export const EFFICIENCY_ROBUST = 0.5;

/**
 * What the PBO's in-sample best was chosen by, for its reading: the objective (" by volatility"),
 * or the Sharpe ratio when the objective could not be scored on half the periods, which then is not
 * the sweep's own selection. Nothing when the input does not say (an older input).
 */
function pboScoring(scoredBy: string | undefined, objective: string): string {
  if (scoredBy === undefined) return '';
  if (scoredBy === objective) return ` by ${objective}`;
  return ` by ${scoredBy} (not by ${objective}, the objective, which half the periods do not give: this judges a selection by ${scoredBy})`;
}

/**
 * The overfitting statistics with a one-line reading each: the deflated Sharpe ratio, the
 * probability of backtest overfitting, the parameter stability and, after a walk-forward, its
 * efficiency. A statistic that could not be computed says so.
 */
export function statisticReadings(input: ResearchReportInput): StatisticReading[] {
  checkArguments('statisticReadings', [researchInputIssue(input)]);
  const { deflatedSharpe, pbo, stability } = input.statistics;
  const readings: StatisticReading[] = [];
  // A walk-forward is judged by its efficiency; the sweep statistics are shown only when given.
  const sweepStatistics = input.walkForward === undefined || deflatedSharpe !== null || pbo !== null || stability !== null;
  if (!sweepStatistics) {
    /* only the efficiency below */
  } else if (deflatedSharpe?.dsr === null || deflatedSharpe === null) {
    readings.push({ label: 'Deflated Sharpe', value: '—', tone: 'neutral', reading: 'Not computed: the selected trial has no Sharpe ratio (too few or flat returns).' });
  } else {
    const skill = deflatedSharpe.dsr >= DSR_CONFIDENCE;
    readings.push({
      label: 'Deflated Sharpe',
      value: formatNumber(deflatedSharpe.dsr, 3),
      tone: skill ? 'positive' : 'negative',
      reading: skill
        ? `The selected Sharpe beats the best of ${formatCount(deflatedSharpe.trials)} skill-less trials with ${formatPercent(deflatedSharpe.dsr)} probability: likely more than luck.`
        : `Only ${formatPercent(deflatedSharpe.dsr)} probability that the selected Sharpe beats the best of ${formatCount(deflatedSharpe.trials)} skill-less trials (needs ${formatPercent(DSR_CONFIDENCE)}): it may be luck.`,
    });
  }
  if (!sweepStatistics) {
    /* only the efficiency below */
  } else if (pbo === null) {
    readings.push({ label: 'PBO', value: '—', tone: 'neutral', reading: 'Not computed: it needs at least two finished trials with returns over the same periods.' });
  } else {
    const level = pbo.pbo <= PBO_LOW ? 'low' : pbo.pbo > PBO_HIGH ? 'high: the selection is likely overfit' : 'moderate';
    readings.push({
      label: 'PBO',
      // A probability as the deflated Sharpe ratio's value, the CLI and the JSON give it (0.755); the reading says it in percent.
      value: formatNumber(pbo.pbo, 3),
      tone: pbo.pbo <= PBO_LOW ? 'positive' : pbo.pbo > PBO_HIGH ? 'negative' : 'neutral',
      reading: `In ${formatPercent(pbo.pbo)} of ${formatCount(pbo.splits)} splits the in-sample best${pboScoring(pbo.scoredBy, input.objective.metric)} ranked at or below the median out of sample — ${level}.`,
    });
  }
  if (!sweepStatistics) {
    /* only the efficiency below */
  } else if (stability?.stability === null || stability === null) {
    readings.push({ label: 'Stability', value: '—', tone: 'neutral', reading: 'Not computed: the best trial has no evaluated neighbour on the grid.' });
  } else {
    const score = stability.stability;
    readings.push({
      label: 'Stability',
      value: formatNumber(score, 2),
      tone: score >= STABILITY_PLATEAU ? 'positive' : score < STABILITY_SPIKE ? 'negative' : 'neutral',
      reading:
        score >= STABILITY_PLATEAU
          ? `The best point's ${stability.evaluatedNeighbours} neighbours score almost as well: a plateau, not a spike.`
          : score < STABILITY_SPIKE
            ? `The best point's ${stability.evaluatedNeighbours} neighbours score far worse: a spike that small changes of the parameters lose.`
            : `The best point's ${stability.evaluatedNeighbours} neighbours keep part of its score: a moderate slope.`,
    });
  }
  const efficiency = input.walkForward?.efficiency;
  if (efficiency !== undefined) {
    readings.push(
      efficiency === null
        ? { label: 'WF efficiency', value: '—', tone: 'neutral', reading: 'Not computed: the in-sample annualised return was not positive.' }
        : {
            label: 'WF efficiency',
            value: formatNumber(efficiency, 2),
            tone: efficiency >= EFFICIENCY_ROBUST ? 'positive' : 'negative',
            reading: `Out of sample kept ${formatPercent(efficiency)} of the in-sample annualised return (${formatPercent(EFFICIENCY_ROBUST)} or more is conventionally robust).`,
          },
    );
  }
  return readings;
}
