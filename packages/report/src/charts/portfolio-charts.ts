import { metricsStartEquity } from '@ensemble/engine';
import { drawdownSeries, rollingSharpe } from '@ensemble/performance';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportInput } from '../report-input';
import { rebaseBenchmark, downsampleIndices } from '../series';
import { heatmapLayers } from './heatmap';
import { BENCHMARK_COLOR, DRAWDOWN_COLOR, MONTH_NAMES, PORTFOLIO_COLOR, axisReserve, base, pick, round } from './theme';
import { formatNumber } from '../format';
import { hoverLayers, multiLine, timeAxis } from './time-series';
import type { Line } from './time-series';
import { vegaLite } from './types';
import type { ChartOptions, ReportChart } from './types';

export function equityChart(input: ReportInput, options: ChartOptions): ReportChart {
  const { time, equity } = input.portfolio.equity;
  const lines: Line[] = [{ key: 'portfolio', label: 'Portfolio', color: PORTFOLIO_COLOR, time, value: equity }];
  let caption = 'Portfolio equity (currency).';
  if (input.benchmark !== undefined) {
    const rebased = rebaseBenchmark(time, equity[0] ?? Number.NaN, input.benchmark.time, input.benchmark.value);
    if (rebased.time.length > 0) {
      lines.push({ key: 'benchmark', label: input.benchmark.name, color: BENCHMARK_COLOR, time: rebased.time, value: rebased.value });
      caption = `Portfolio equity against ${input.benchmark.name}, rebased to the same starting value.`;
    }
  }
  return {
    id: 'equity',
    title: 'Equity',
    caption,
    spec: multiLine(options, lines, 300, { title: 'Equity', format: ',.0f', zero: false }),
  };
}

export function drawdownChart(input: ReportInput, options: ChartOptions): ReportChart {
  const { time, equity } = input.portfolio.equity;
  // From the metrics' starting equity (a close-fill run's cash), so the chart's depth is theirs.
  const drawdown = drawdownSeries(equity, input.portfolio.metrics.metrics.startEquity ?? undefined);
  const indices = downsampleIndices(drawdown, options.maxPoints);
  const values = indices
    .map((i) => ({ t: time[i] ?? Number.NaN, v: drawdown[i] ?? Number.NaN }))
    .filter((row) => Number.isFinite(row.v))
    .map((row) => ({ t: row.t, v: round(row.v, 5) }));
  return {
    id: 'drawdown',
    title: 'Underwater',
    caption: 'Drawdown from the running peak: V_t / max(V_s, s ≤ t) − 1.',
    spec: vegaLite({
      ...base(options, 170, 72),
      data: { values },
      encoding: { x: timeAxis(options) },
      layer: [
        {
          // An area of one point draws nothing: that point is marked.
          mark: { type: 'area', color: DRAWDOWN_COLOR, opacity: 0.28, line: { color: DRAWDOWN_COLOR, strokeWidth: 1 }, ...(values.length === 1 ? { point: { color: DRAWDOWN_COLOR, size: 40 } } : {}) },
          encoding: {
            y: { field: 'v', type: 'quantitative', title: 'Drawdown', axis: { format: '~%', tickCount: 5 }, scale: { domainMax: 0 } },
          },
        },
        ...hoverLayers(options, [{ key: 'v', label: 'Drawdown', format: '.2%', time, value: drawdown }]),
      ],
    } as TopLevelSpec),
  };
}

export function monthlyReturnsChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const { monthlyReturns, yearlyReturns } = input.portfolio.metrics;
  const rows: { year: string; month: string; r: number }[] = [];
  let extreme = 0.01;
  for (const period of monthlyReturns) {
    if (period.return === null || period.month === null) continue;
    rows.push({ year: String(period.year), month: MONTH_NAMES[period.month - 1] ?? '', r: period.return });
    extreme = Math.max(extreme, Math.abs(period.return));
  }
  if (rows.length === 0) return null;
  for (const period of yearlyReturns) {
    if (period.return !== null) rows.push({ year: String(period.year), month: 'Year', r: period.return });
  }
  const years = [...new Set(rows.map((row) => row.year))];
  const columns = new Set(rows.map((row) => row.month)).size;
  return {
    id: 'monthly-returns',
    title: 'Monthly returns',
    caption: 'Compounded return of each calendar month (UTC) and of each year; colours saturate at the largest monthly move.',
    spec: vegaLite({
      ...base(options, Math.max(60, years.length * 20), 48),
      data: { values: rows },
      encoding: {
        // Columns narrower than "Year" is wide are headed by initials (J F M … Y).
        x: {
          field: 'month',
          type: 'ordinal',
          sort: [...MONTH_NAMES, 'Year'],
          title: null,
          axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false, labelExpr: `width / ${String(columns)} >= 30 ? datum.label : slice(datum.label, 0, 1)` },
        },
        y: { field: 'year', type: 'ordinal', sort: years, title: null, axis: { domain: false, ticks: false } },
      },
      layer: heatmapLayers({
        field: 'r',
        scale: { scheme: 'redyellowgreen', domain: [-extreme, extreme], domainMid: 0, clamp: true },
        legend: null,
        tooltip: [
          { field: 'year', type: 'ordinal', title: 'Year' },
          { field: 'month', type: 'ordinal', title: 'Month' },
          { field: 'r', type: 'quantitative', title: 'Return', format: '.2%' },
        ],
        gap: 1.5,
        cornerRadius: 2,
        textFormat: '.1%',
        fontSize: 10,
        // "−10.4%" at 10 pixels is about 34 pixels wide.
        labelFit: { columns, minCellWidth: 38 },
        lightTextAbove: round(extreme * 0.6, 6),
      }),
    } as TopLevelSpec),
  };
}

/** Bars of the rolling window used by the rolling Sharpe chart: half a year, at least 2. */
export function rollingWindow(periodsPerYear: number): number {
  return Math.max(2, Math.round(periodsPerYear / 2));
}

/**
 * The equity the portfolio's metrics measured their first return from when it is not the first
 * point, else undefined. The report input tells it by its configuration, as the runs measure
 * (`metricsStartEquity`): with `close` fills the first point holds the first bar's fills and costs,
 * so the metrics start from the cash — a backtest's engine `options`, a run config's own `fill` and
 * `cash`. It counts only when the metrics did start there (their `startEquity` is that cash): a
 * first point equal to the cash (nothing traded on the first bar) still has its return of 0.
 */
function returnsStart(input: ReportInput): number | undefined {
  const config: unknown = input.config;
  if (typeof config !== 'object' || config === null) return undefined;
  const options: unknown = 'options' in config ? config.options : config;
  if (typeof options !== 'object' || options === null) return undefined;
  const start = metricsStartEquity(options);
  return start !== undefined && start === input.portfolio.metrics.metrics.startEquity ? start : undefined;
}

export function rollingSharpeChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const { time, equity } = input.portfolio.equity;
  const window = rollingWindow(input.periodsPerYear);
  // Yearly bars or sparser: half a year holds under 2 bars, and the window is the 2 a ratio takes.
  const halfYear = Math.round(input.periodsPerYear / 2) >= 2;
  // The returns the metrics read: from the start when they were measured from it.
  const sharpe = rollingSharpe(equity, window, input.periodsPerYear, input.portfolio.metrics.riskFreeRate, returnsStart(input));
  const defined: number[] = [];
  for (let i = 0; i < sharpe.length; i++) if (Number.isFinite(sharpe[i])) defined.push(i);
  if (defined.length < 2) return null;
  const definedValues = pick(sharpe, defined);
  const definedTimes = pick(time, defined);
  const kept = downsampleIndices(definedValues, options.maxPoints).map((j) => defined[j] ?? 0);
  // A stretch where the ratio is undefined (a window of constant returns: flat in cash) breaks the
  // line there, as at the start, rather than being bridged by a straight line: a null point at the
  // stretch's first bar.
  const values: { t: number; v: number | null }[] = [];
  kept.forEach((i, k) => {
    const previous = kept[k - 1];
    if (previous !== undefined) {
      let gap = previous + 1;
      while (gap < i && Number.isFinite(sharpe[gap])) gap++;
      if (gap < i) values.push({ t: time[gap] ?? Number.NaN, v: null });
    }
    values.push({ t: time[i] ?? Number.NaN, v: round(sharpe[i] ?? Number.NaN, 4) });
  });
  // Room for the longest axis label: `−2,500,000.0` for nearly constant returns, `−2.0` usually.
  const largest = values.reduce((max, row) => Math.max(max, Math.abs(row.v ?? 0)), 0);
  return {
    id: 'rolling-sharpe',
    title: halfYear ? 'Rolling Sharpe (6 months)' : `Rolling Sharpe (${String(window)} bars)`,
    // Half a year of monthly bars is 6 returns: a ratio over so few swings far from one window to the next.
    caption: `Annualised Sharpe ratio over the last ${window} bars (${halfYear ? `half a year at ${input.periodsPerYear} periods per year` : `the fewest a ratio takes: half a year holds fewer at ${input.periodsPerYear} ${input.periodsPerYear === 1 ? 'period' : 'periods'} per year`})${window < 20 ? `; over as few as ${window} returns a window it swings widely, so read its level rather than its moves` : ''}.`,
    spec: vegaLite({
      ...base(options, 200, Math.max(64, axisReserve(`-${formatNumber(largest * 1.1, 1)}`))),
      layer: [
        {
          data: { values },
          encoding: { x: timeAxis(options) },
          layer: [
            {
              mark: { type: 'line', color: PORTFOLIO_COLOR, strokeWidth: 1.4 },
              encoding: { y: { field: 'v', type: 'quantitative', title: 'Sharpe', axis: { format: ',.1f', tickCount: 6 } } },
            },
            ...hoverLayers(options, [{ key: 'v', label: 'Sharpe', format: ',.2f', time: definedTimes, value: definedValues }]),
          ],
        },
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#9aa5b1', strokeDash: [4, 3] },
          encoding: { y: { field: 'zero', type: 'quantitative' } },
        },
      ],
    } as TopLevelSpec),
  };
}
