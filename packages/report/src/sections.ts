import { METRIC_DESCRIPTIONS, weightTurnover } from '@ensemble/performance';
import { closedByPortfolio } from '@ensemble/protocol';
import type { FillReason } from '@ensemble/protocol';
import type { MetricDescription, MetricGroup, PerformanceResult } from '@ensemble/performance';
import { formatMetric, formatNumber, formatPercent } from './format';
import type { ReportInput, ReportRebalance } from './report-input';

/**
 * A sleeve's trades as its metrics count them: its `tradeCount`, or when the metrics have none,
 * the trades its strategy closed (those the portfolio closed — a `transfer` of capital, a `risk`
 * limit's sale — are left out, as `@ensemble/performance` does).
 */
export function strategyTradeCount(sleeve: { readonly trades: readonly { readonly exitReason: FillReason }[]; readonly metrics: PerformanceResult }): number {
  return sleeve.metrics.metrics.tradeCount ?? sleeve.trades.filter((trade) => !closedByPortfolio(trade.exitReason)).length;
}

/** Titles of the metric groups, in display order. */
export const GROUP_TITLES: Readonly<Record<MetricGroup, string>> = {
  returns: 'Returns',
  risk: 'Risk',
  trades: 'Trades',
  exposure: 'Exposure and costs',
  benchmark: 'Benchmark',
};

/** A column of the metrics table: a label and a performance result. */
export interface MetricsColumn {
  readonly label: string;
  readonly result: PerformanceResult;
  /** Index of the sleeve (for its colour), or null for the portfolio. */
  readonly sleeveIndex: number | null;
  /**
   * Net capital the rebalances moved in (negative: out), currency: a sleeve's `netTransfers`, 0 for
   * the portfolio (its capital only moves between its sleeves and its reserve) when a sleeve
   * column has one; null when unknown.
   */
  readonly netTransfers: number | null;
}

/** A row of the metrics table: a label, its definition and one formatted cell per column. */
export interface MetricRow {
  readonly label: string;
  readonly description: string;
  readonly cells: string[];
}

/** The columns of the side-by-side metrics table: the portfolio, then each sleeve when there are two or more. */
export function metricsColumns(input: ReportInput): MetricsColumn[] {
  const withSleeves = input.sleeves.length >= 2;
  const transfersKnown = withSleeves && input.sleeves.some((sleeve) => sleeve.netTransfers !== undefined);
  const columns: MetricsColumn[] = [{ label: 'Portfolio', result: input.portfolio.metrics, sleeveIndex: null, netTransfers: transfersKnown ? 0 : null }];
  if (withSleeves) {
    input.sleeves.forEach((sleeve, index) => {
      // A sleeve that gave or received capital is measured on its time-weighted index, whose last
      // value is not what the sleeve holds: its end equity is its own curve's last value.
      const end = lastValue(sleeve.equity.equity);
      const result = end === null ? sleeve.metrics : { ...sleeve.metrics, metrics: { ...sleeve.metrics.metrics, endEquity: end } };
      columns.push({ label: sleeve.id, result, sleeveIndex: index, netTransfers: sleeve.netTransfers ?? null });
    });
  }
  return columns;
}

/**
 * The note under a metrics table with sleeve columns: a sleeve's returns are time-weighted, so
 * its start and end equity (which include the capital moved in and out) do not give its total
 * return; or the input's `sleevesNote` when it has one (a shared run's shadow sleeves). Empty
 * without sleeve columns.
 */
export function sleeveReturnsNote(input: ReportInput): string {
  if (input.sleeves.length < 2) return '';
  if (input.sleevesNote !== undefined) return input.sleevesNote;
  const note =
    'Sleeve returns are time-weighted: the capital a rebalance moves into or out of a sleeve is not return, so a sleeve’s end equity (which holds it) can be below its start equity while its return is positive, and the other way round.';
  return input.sleeves.some((sleeve) => sleeve.netTransfers !== undefined)
    ? `${note} Net transfers is that capital, in (positive) or out (negative): start equity + net transfers + the sleeve’s profit = end equity.`
    : note;
}

/**
 * From this size (either sign) of the mean excess return of a period over its standard deviation,
 * `Sharpe / √P`, a Sharpe ratio is explained under the metrics (79 for daily bars): returns whose
 * mean is five standard deviations from zero barely vary. A short run's large Sharpe ratio (11
 * over eight daily bars with a volatility of 16 %) is not one.
 */
export const STEADY_RETURNS_RATIO = 5;

/**
 * A note for the columns whose returns barely vary against their mean (see
 * {@link STEADY_RETURNS_RATIO}): their Sharpe ratio comes from the standard deviation it divides
 * by, not from a large gain (a curve rising 0.01 % a bar with nothing else has one in the
 * millions beside a volatility of 0.00 %). Empty when no column has such returns.
 */
export function steadyReturnsNote(columns: readonly MetricsColumn[]): string {
  const steady = columns.flatMap((column) => {
    const { sharpe, volatility } = column.result.metrics;
    const perPeriod = sharpe === null ? 0 : Math.abs(sharpe) / Math.sqrt(column.result.periodsPerYear);
    return perPeriod >= STEADY_RETURNS_RATIO ? [`${column.label} ${formatMetric(sharpe, 'ratio')}, volatility ${formatPercent(volatility)}`] : [];
  });
  if (steady.length === 0) return '';
  return `A Sharpe ratio this large (${steady.join('; ')}) comes from returns that barely vary: it divides their mean by their standard deviation, so a tiny deviation makes it large whatever the gain. Read it beside Total return and Volatility.`;
}

/** The definition of the "Net transfers" row. */
const NET_TRANSFERS_DESCRIPTION =
  'Net capital the rebalances moved in (negative: out); start equity + net transfers + profit = end equity. 0 for the portfolio: its capital only moves between its sleeves and its reserve.';

/**
 * Metric rows grouped by section, without the rows where every column is null. With sleeve
 * columns whose net transfers are known, a "Net transfers" row follows "Start equity".
 */
export function metricRows(columns: readonly MetricsColumn[]): { group: MetricGroup; rows: MetricRow[] }[] {
  const groups = Object.keys(GROUP_TITLES) as MetricGroup[];
  const transfers = columns.some((column) => column.sleeveIndex !== null && column.netTransfers !== null);
  const rowsOf = (metric: MetricDescription): MetricRow[] => {
    const row = { label: metric.label, description: metric.description, cells: columns.map((column) => formatMetric(column.result.metrics[metric.name], metric.unit, metric.name)) };
    if (!transfers || metric.name !== 'startEquity') return [row];
    return [row, { label: 'Net transfers', description: NET_TRANSFERS_DESCRIPTION, cells: columns.map((column) => formatMetric(column.netTransfers, 'currency')) }];
  };
  return groups
    .map((group) => ({
      group,
      rows: METRIC_DESCRIPTIONS.filter((metric) => metric.group === group)
        .filter((metric) => columns.some((column) => column.result.metrics[metric.name] !== null))
        .flatMap(rowsOf),
    }))
    .filter((group) => group.rows.length > 0);
}

/** The headline numbers of the report header, formatted. */
export function headline(result: PerformanceResult): HeadlineCard[] {
  const m = result.metrics;
  const tone = (value: number | null) => (value === null || value === 0 ? 'neutral' : value > 0 ? 'positive' : 'negative');
  return [
    { label: 'Total return', value: formatPercent(m.totalReturn), tone: tone(m.totalReturn) },
    { label: 'CAGR', value: formatPercent(m.cagr), tone: tone(m.cagr) },
    { label: 'Sharpe', value: formatMetric(m.sharpe, 'ratio'), tone: tone(m.sharpe) },
    { label: 'Max drawdown', value: formatPercent(m.maxDrawdown), tone: m.maxDrawdown === null || m.maxDrawdown === 0 ? 'neutral' : 'negative' },
    { label: 'Volatility', value: formatPercent(m.volatility), tone: 'neutral' },
    endEquityCard(m.endEquity),
  ];
}

/** A headline figure: `short`, when given, is the form for a narrow card (the value in full beside it). */
export interface HeadlineCard {
  readonly label: string;
  readonly value: string;
  readonly short?: string;
  readonly tone: 'positive' | 'negative' | 'neutral';
}

/** Magnitude from which the End equity card is written in short form (`14.12T`), so that it fits one line. */
const SHORT_EQUITY_FROM = 1e9;

/** The End equity card: whole units from 10,000, and from a billion a short form beside the full value. */
function endEquityCard(endEquity: number | null): HeadlineCard {
  if (endEquity === null) return { label: 'End equity', value: formatMetric(null, 'currency'), tone: 'neutral' };
  const value = formatNumber(endEquity, Math.abs(endEquity) >= 10_000 ? 0 : 2);
  return Math.abs(endEquity) >= SHORT_EQUITY_FROM && Number.isFinite(endEquity)
    ? { label: 'End equity', value, short: formatShort(endEquity), tone: 'neutral' }
    : { label: 'End equity', value, tone: 'neutral' };
}

/**
 * A large amount in short form with two decimals: `1.63B`, `14.12T`; from a thousand trillion
 * in exponent form (`1.41e+16`). Used from a billion on.
 */
export function formatShort(value: number): string {
  const size = Math.abs(value);
  if (size >= 1e15) return value.toExponential(2);
  const [scale, suffix] = size >= 1e12 ? [1e12, 'T'] : size >= 1e9 ? [1e9, 'B'] : size >= 1e6 ? [1e6, 'M'] : [1, ''];
  const scaled = (value / scale).toFixed(2);
  // 999.996B rounds to 1000.00B: one unit up instead (999.996T to 1.00e+15).
  if (suffix !== '' && Math.abs(Number(scaled)) >= 1000) return formatShort(Math.sign(value) * scale * 1000);
  return `${scaled}${suffix}`;
}

/** `name 25.0% · other 75.0%`: weights by sleeve id, in the order given (`—` for a null weight). */
export function formatWeights(weights: Readonly<Record<string, number | null>>): string {
  const entries = Object.entries(weights);
  if (entries.length === 0) return '—';
  return entries.map(([id, weight]) => `${id} ${formatPercent(weight, 1)}`).join(' · ');
}

/** A record of weights with none null, or null when one is. */
function definedWeights(weights: Readonly<Record<string, number | null>>): Readonly<Record<string, number>> | null {
  for (const weight of Object.values(weights)) if (weight === null) return null;
  return weights as Readonly<Record<string, number>>;
}

/**
 * One-way turnover of a rebalance (`weightTurnover` of `@ensemble/performance`); null when a
 * weight before or after is null (the portfolio was worth zero or less).
 */
export function rebalanceTurnover(event: Pick<ReportRebalance, 'weightsBefore' | 'weightsAfter'>): number | null {
  const before = definedWeights(event.weightsBefore);
  const after = definedWeights(event.weightsAfter);
  return before === null || after === null ? null : weightTurnover(before, after);
}

/** `a: long · b: exit`: the inputs of a conflict. */
export function formatConflictInputs(inputs: readonly { strategyId: string; signal: string }[]): string {
  return inputs.map((entry) => `${entry.strategyId}: ${entry.signal}`).join(' · ');
}

/** Months of the monthly-returns table. */
export const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The monthly returns as a years × months grid plus the year's compounded return; cells formatted. */
export function monthlyGrid(result: PerformanceResult): { year: number; months: string[]; total: string }[] {
  const years = new Map<number, { months: string[]; total: string }>();
  const row = (year: number) => {
    let entry = years.get(year);
    if (entry === undefined) {
      entry = { months: MONTH_LABELS.map(() => ''), total: '' };
      years.set(year, entry);
    }
    return entry;
  };
  for (const period of result.monthlyReturns) {
    if (period.month !== null) row(period.year).months[period.month - 1] = formatPercent(period.return);
  }
  for (const period of result.yearlyReturns) row(period.year).total = formatPercent(period.return);
  return [...years.entries()].sort(([a], [b]) => a - b).map(([year, entry]) => ({ year, ...entry }));
}

/** The last value of a column, or null when empty (or null there). */
export function lastValue(column: ArrayLike<number | null>): number | null {
  return column.length === 0 ? null : (column[column.length - 1] ?? null);
}

/**
 * A sleeve's weight averaged over the bars where it is defined (each bar alike), or null when
 * none is: beside the last bar's weight, which a rebalance just before the end can leave far from
 * what the sleeve held over the run.
 */
export function averageWeight(column: Iterable<number | null>): number | null {
  let sum = 0;
  let count = 0;
  for (const value of column) {
    if (value === null || !Number.isFinite(value)) continue;
    sum += value;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** The span between two epoch-ms times: `12.5 years`, or `9 days` under 90 days. */
export function formatSpan(start: number, end: number): string {
  const days = (end - start) / 86_400_000;
  if (days < 90) return `${formatNumber(days, Number.isInteger(days) ? 0 : 1)} ${days === 1 ? 'day' : 'days'}`;
  return `${formatNumber(days / 365.25, 1)} years`;
}
