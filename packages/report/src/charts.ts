import { drawdownSeries, rollingSharpe } from '@ensemble/performance';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportInput } from './report-input';
import { formatNumber } from './format';
import { downsampleIndices, rebaseBenchmark } from './series';
import type { TimeFormat } from './time';

/** Colour of the portfolio in every chart. */
export const PORTFOLIO_COLOR = '#1d3557';
/** Colour of the benchmark. */
export const BENCHMARK_COLOR = '#9aa5b1';
/** Colour of unallocated capital in the allocation chart. */
export const UNALLOCATED_COLOR = '#d9dee4';
/** Colour of drawdowns. */
export const DRAWDOWN_COLOR = '#c2410c';

/**
 * Sleeve colours, in sleeve order (Tableau 10, then 10 lighter tones); a sleeve keeps its colour
 * in every chart and table. More than 20 sleeves reuse them from the start.
 */
export const SLEEVE_COLORS: readonly string[] = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#8cd17d', '#ff9d9a', '#86bcb6', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
];

/** The colour of the sleeve at `index`. */
export function sleeveColor(index: number): string {
  return SLEEVE_COLORS[index % SLEEVE_COLORS.length] ?? '#4e79a7';
}

/** System font stack: charts and page use the reader's own fonts, nothing is downloaded. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Identifiers of the charts a report can hold. */
export type ChartId =
  | 'equity'
  | 'drawdown'
  | 'sleeve-equity'
  | 'weights'
  | 'monthly-returns'
  | 'rolling-sharpe'
  | 'correlation'
  | 'contribution'
  | 'attribution';

/** A chart of a report: its id, a title, a caption and a vega-lite spec with its data inlined. */
export interface ReportChart {
  readonly id: ChartId;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** Options of {@link buildCharts}. */
export interface ChartOptions {
  /**
   * Overall width in pixels, axes included. In the HTML report the page recomputes it from the
   * width of the chart's element (each spec's `usermeta.reserve` is the room kept for its axes).
   */
  readonly width: number;
  /** Curves longer than this are downsampled for drawing (see `downsampleIndices`). */
  readonly maxPoints: number;
  readonly timeFormat: TimeFormat;
  /** Draw a white background (for stand-alone SVG); transparent otherwise. */
  readonly background?: boolean;
  /** Add hover rules and tooltips (for the browser); static charts leave them out. Default true. */
  readonly interactive?: boolean;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function chartConfig(background: boolean) {
  return {
    background: background ? '#ffffff' : null,
    font: FONT_STACK,
    padding: 4,
    view: { stroke: null },
    axis: {
      labelColor: '#52606d',
      titleColor: '#323f4b',
      gridColor: '#e4e7eb',
      domainColor: '#cbd2d9',
      tickColor: '#cbd2d9',
      labelFontSize: 11,
      titleFontSize: 11,
      titleFontWeight: 500,
    },
    legend: { labelColor: '#323f4b', titleColor: '#323f4b', labelFontSize: 11, orient: 'top', title: null, symbolStrokeWidth: 3 },
    text: { font: FONT_STACK },
  } as const;
}

/**
 * The top of every spec. The plot is `options.width − reserve` wide and padded for its axes
 * (`autosize: pad`): vega's `fit` sizing would lay every chart out several times, which costs
 * more than drawing it. `usermeta.reserve` tells the page how much room the axes need.
 */
function base(options: ChartOptions, height: number, reserve: number, fixed = false) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: fixed ? options.width : Math.max(120, options.width - reserve),
    height,
    autosize: { type: 'pad' },
    usermeta: { reserve, fixed },
    config: chartConfig(options.background ?? false),
  } as const;
}

/** Room for a y axis whose longest label is `label`, with its title: about 6.5 pixels a character. */
function axisReserve(label: string): number {
  return Math.round(40 + 6.5 * label.length);
}

function timeAxis(options: ChartOptions) {
  return {
    field: 't',
    type: 'temporal',
    title: null,
    scale: { type: 'utc' },
    axis: { labelOverlap: true, tickCount: 8, grid: false, format: options.timeFormat === 'date' ? undefined : '%Y-%m-%d %H:%M' },
  } as const;
}

function timeTooltip(options: ChartOptions) {
  return {
    field: 't',
    type: 'temporal',
    title: 'Time',
    timeUnit: options.timeFormat === 'date' ? 'utcyearmonthdate' : 'utcyearmonthdatehoursminutes',
  } as const;
}

interface Line {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

function pick(values: ArrayLike<number>, indices: readonly number[]): number[] {
  return indices.map((i) => values[i] ?? Number.NaN);
}

/** `value` rounded to `digits` significant digits: chart data needs no more, and the page gets smaller. */
function round(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

/** A series shown in a hover tooltip: a key (a safe field name), a label, a d3 format and its points. */
interface HoverSeries {
  readonly key: string;
  readonly label: string;
  readonly format: string;
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

/** Times a hover layer can snap to: about 3 pixels apart on a laptop screen, and cheap to draw. */
const HOVER_POINTS = 400;

/** The value of a series at `time`: its last point at or before it (NaN before the first). */
function valueAt(series: HoverSeries, time: number): number {
  let low = 0;
  let high = series.time.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((series.time[middle] ?? Number.POSITIVE_INFINITY) <= time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found < 0 ? Number.NaN : (series.value[found] ?? Number.NaN);
}

/**
 * A hover layer: a rule that appears at the time nearest the pointer with a tooltip of every
 * series there. It snaps to at most {@link HOVER_POINTS} evenly spaced times of the first series,
 * with its own small data set, so large curves stay fast to draw. Empty when the chart is static.
 */
function hoverLayers(options: ChartOptions, series: readonly HoverSeries[]): object[] {
  const first = series[0];
  if (options.interactive === false || first === undefined || first.time.length === 0) return [];
  const length = first.time.length;
  const count = Math.min(length, HOVER_POINTS);
  const indices = new Set<number>();
  for (let j = 0; j < count; j++) indices.add(count === 1 ? 0 : Math.round((j * (length - 1)) / (count - 1)));
  const rows = [...indices].map((i) => {
    const t = first.time[i] ?? Number.NaN;
    const row: Record<string, number | null> = { t };
    for (const entry of series) {
      const value = entry === first ? (first.value[i] ?? Number.NaN) : valueAt(entry, t);
      row[entry.key] = Number.isFinite(value) ? round(value, 6) : null;
    }
    return row;
  });
  return [
    {
      data: { values: rows },
      mark: { type: 'rule', color: '#7b8794', strokeWidth: 1 },
      params: [{ name: 'hover', select: { type: 'point', fields: ['t'], nearest: true, on: 'pointerover', clear: 'pointerout' } }],
      encoding: {
        x: timeAxis(options),
        opacity: { condition: { param: 'hover', empty: false, value: 0.6 }, value: 0 },
        tooltip: [timeTooltip(options), ...series.map((entry) => ({ field: entry.key, type: 'quantitative', title: entry.label, format: entry.format }))],
      },
    },
  ];
}

/** Long-format rows `{ t, v, k }` of several lines, each downsampled on its own. */
function lineRows(lines: readonly Line[], maxPoints: number): { t: number; v: number; k: string }[] {
  const rows: { t: number; v: number; k: string }[] = [];
  for (const line of lines) {
    const indices = downsampleIndices(line.value, maxPoints);
    for (const i of indices) {
      const v = line.value[i];
      const t = line.time[i];
      if (v !== undefined && t !== undefined && Number.isFinite(v)) rows.push({ t, v: round(v, 7), k: line.key });
    }
  }
  return rows;
}

/**
 * Several lines over time with one hover rule that shows every line's value at the nearest time.
 * The y scale of the first layer can be switched between linear and log by the page.
 */
function multiLine(
  options: ChartOptions,
  lines: readonly Line[],
  height: number,
  y: { title: string; format: string; zero: boolean },
  extraLayers: readonly object[] = [],
): TopLevelSpec {
  const rows = lineRows(lines, options.maxPoints);
  const keys = lines.map((line) => line.key);
  const largest = rows.reduce((max, row) => Math.max(max, Math.abs(row.v)), 0);
  return {
    ...base(options, height, axisReserve(formatNumber(largest * 1.1, 0))),
    data: { values: rows },
    encoding: { x: timeAxis(options) },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.6, interpolate: 'linear', strokeJoin: 'round' },
        encoding: {
          y: { field: 'v', type: 'quantitative', title: y.title, scale: { type: 'linear', zero: y.zero }, axis: { format: y.format, tickCount: 6 } },
          color: {
            field: 'k',
            type: 'nominal',
            scale: { domain: keys, range: lines.map((line) => line.color) },
            legend: lines.length > 1 ? { labelExpr: labelExpression(lines) } : null,
          },
        },
      },
      ...extraLayers,
      ...hoverLayers(
        options,
        lines.map((line) => ({ key: line.key, label: line.label, format: y.format, time: line.time, value: line.value })),
      ),
    ],
  } as TopLevelSpec;
}

/** A vega expression mapping keys to display labels (keys are safe identifiers, labels are free text). */
function labelExpression(lines: readonly Line[]): string {
  const map = Object.fromEntries(lines.map((line) => [line.key, line.label]));
  return `${JSON.stringify(map)}[datum.label]`;
}

function equityChart(input: ReportInput, options: ChartOptions): ReportChart {
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

function drawdownChart(input: ReportInput, options: ChartOptions): ReportChart {
  const { time, equity } = input.portfolio.equity;
  const drawdown = drawdownSeries(equity);
  const indices = downsampleIndices(drawdown, options.maxPoints);
  const values = indices
    .map((i) => ({ t: time[i] ?? Number.NaN, v: drawdown[i] ?? Number.NaN }))
    .filter((row) => Number.isFinite(row.v))
    .map((row) => ({ t: row.t, v: round(row.v, 5) }));
  return {
    id: 'drawdown',
    title: 'Underwater',
    caption: 'Drawdown from the running peak: V_t / max(V_s, s ≤ t) − 1.',
    spec: {
      ...base(options, 170, 72),
      data: { values },
      encoding: { x: timeAxis(options) },
      layer: [
        {
          mark: { type: 'area', color: DRAWDOWN_COLOR, opacity: 0.28, line: { color: DRAWDOWN_COLOR, strokeWidth: 1 } },
          encoding: {
            y: { field: 'v', type: 'quantitative', title: 'Drawdown', axis: { format: '.0%', tickCount: 5 }, scale: { domainMax: 0 } },
          },
        },
        ...hoverLayers(options, [{ key: 'v', label: 'Drawdown', format: '.2%', time, value: drawdown }]),
      ],
    } as TopLevelSpec,
  };
}

function sleeveKey(index: number): string {
  return `s${index}`;
}

function sleeveEquityChart(input: ReportInput, options: ChartOptions): ReportChart {
  const lines: Line[] = input.sleeves.map((sleeve, index) => ({
    key: sleeveKey(index),
    label: sleeve.id,
    color: sleeveColor(index),
    time: sleeve.equity.time,
    value: sleeve.equity.equity,
  }));
  return {
    id: 'sleeve-equity',
    title: 'Sleeve equity',
    caption: 'Equity of each sleeve (currency), including the capital moved by rebalancing.',
    spec: multiLine(options, lines, 260, { title: 'Equity', format: ',.0f', zero: false }),
  };
}

function weightsChart(input: ReportInput, options: ChartOptions): ReportChart {
  const { time, equity } = input.portfolio.equity;
  // Weights move slowly between rebalances: a fifth of the point budget draws them faithfully.
  const indices = downsampleIndices(equity, Math.max(10, Math.floor(options.maxPoints / 5)));
  const unallocated = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    let sum = 0;
    for (const sleeve of input.sleeves) sum += sleeve.weight[i] ?? 0;
    unallocated[i] = Math.max(0, 1 - sum);
  }
  const unallocatedShown = indices.some((i) => (unallocated[i] ?? 0) > 1e-4);
  const rows = indices.map((i) => {
    const row: Record<string, number> = { t: time[i] ?? Number.NaN };
    input.sleeves.forEach((sleeve, index) => {
      row[sleeveKey(index)] = round(sleeve.weight[i] ?? 0, 5);
    });
    if (unallocatedShown) row.unallocated = round(unallocated[i] ?? 0, 5);
    return row;
  });
  const keys = input.sleeves.map((_, index) => sleeveKey(index));
  const labels = input.sleeves.map((sleeve) => sleeve.id);
  const colors = input.sleeves.map((_, index) => sleeveColor(index));
  if (unallocatedShown) {
    keys.push('unallocated');
    labels.push('Unallocated');
    colors.push(UNALLOCATED_COLOR);
  }
  const lines = keys.map((key, index) => ({ key, label: labels[index] ?? key, color: colors[index] ?? '#999', time: [], value: [] }));
  return {
    id: 'weights',
    title: 'Allocation',
    caption: 'Weight of each sleeve in the portfolio (sleeve equity / portfolio equity), stacked.',
    spec: {
      ...base(options, 240, 72),
      data: { values: rows },
      encoding: { x: timeAxis(options) },
      layer: [
        {
          transform: [
            { fold: keys, as: ['k', 'w'] },
            { calculate: `indexof(${JSON.stringify(keys)}, datum.k)`, as: 'o' },
          ],
          mark: { type: 'area', interpolate: 'linear', opacity: 0.9 },
          encoding: {
            y: { field: 'w', type: 'quantitative', stack: 'zero', title: 'Weight', axis: { format: '.0%', tickCount: 5 } },
            color: { field: 'k', type: 'nominal', scale: { domain: keys, range: colors }, legend: { labelExpr: labelExpression(lines) } },
            order: { field: 'o', type: 'quantitative' },
          },
        },
        ...hoverLayers(options, [
          ...input.sleeves.map((sleeve, index) => ({ key: sleeveKey(index), label: sleeve.id, format: '.1%', time, value: sleeve.weight })),
          ...(unallocatedShown ? [{ key: 'unallocated', label: 'Unallocated', format: '.1%', time, value: unallocated }] : []),
        ]),
      ],
    } as TopLevelSpec,
  };
}

function monthlyReturnsChart(input: ReportInput, options: ChartOptions): ReportChart | null {
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
  return {
    id: 'monthly-returns',
    title: 'Monthly returns',
    caption: 'Compounded return of each calendar month (UTC) and of each year; colours saturate at the largest monthly move.',
    spec: {
      ...base(options, Math.max(60, years.length * 20), 48),
      data: { values: rows },
      encoding: {
        x: { field: 'month', type: 'ordinal', sort: [...MONTH_NAMES, 'Year'], title: null, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } },
        y: { field: 'year', type: 'ordinal', sort: years, title: null, axis: { domain: false, ticks: false } },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1.5, cornerRadius: 2 },
          encoding: {
            color: {
              field: 'r',
              type: 'quantitative',
              scale: { scheme: 'redyellowgreen', domain: [-extreme, extreme], domainMid: 0, clamp: true },
              legend: null,
            },
            tooltip: [
              { field: 'year', type: 'ordinal', title: 'Year' },
              { field: 'month', type: 'ordinal', title: 'Month' },
              { field: 'r', type: 'quantitative', title: 'Return', format: '.2%' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'r', type: 'quantitative', format: '.1%' },
            color: { condition: { test: `abs(datum.r) > ${round(extreme * 0.6, 6)}`, value: '#ffffff' }, value: '#1f2933' },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

/** Bars of the rolling window used by the rolling Sharpe chart: half a year, at least 2. */
export function rollingWindow(periodsPerYear: number): number {
  return Math.max(2, Math.round(periodsPerYear / 2));
}

function rollingSharpeChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const { time, equity } = input.portfolio.equity;
  const window = rollingWindow(input.periodsPerYear);
  const sharpe = rollingSharpe(equity, window, input.periodsPerYear, input.portfolio.metrics.riskFreeRate);
  const defined: number[] = [];
  for (let i = 0; i < sharpe.length; i++) if (Number.isFinite(sharpe[i])) defined.push(i);
  if (defined.length < 2) return null;
  const definedValues = pick(sharpe, defined);
  const definedTimes = pick(time, defined);
  const kept = downsampleIndices(definedValues, options.maxPoints).map((j) => defined[j] ?? 0);
  const values = kept.map((i) => ({ t: time[i] ?? Number.NaN, v: round(sharpe[i] ?? Number.NaN, 4) }));
  return {
    id: 'rolling-sharpe',
    title: 'Rolling Sharpe (6 months)',
    caption: `Annualised Sharpe ratio over the last ${window} bars (half a year at ${input.periodsPerYear} periods per year).`,
    spec: {
      ...base(options, 200, 64),
      layer: [
        {
          data: { values },
          encoding: { x: timeAxis(options) },
          layer: [
            {
              mark: { type: 'line', color: PORTFOLIO_COLOR, strokeWidth: 1.4 },
              encoding: { y: { field: 'v', type: 'quantitative', title: 'Sharpe', axis: { format: '.1f', tickCount: 6 } } },
            },
            ...hoverLayers(options, [{ key: 'v', label: 'Sharpe', format: '.2f', time: definedTimes, value: definedValues }]),
          ],
        },
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#9aa5b1', strokeDash: [4, 3] },
          encoding: { y: { field: 'zero', type: 'quantitative' } },
        },
      ],
    } as TopLevelSpec,
  };
}

function correlationChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const correlation = input.correlation;
  if (correlation === undefined || correlation.ids.length < 2) return null;
  const rows: { a: string; b: string; c: number | null }[] = [];
  correlation.ids.forEach((a, i) => {
    correlation.ids.forEach((b, j) => {
      rows.push({ a, b, c: correlation.matrix[i]?.[j] ?? null });
    });
  });
  const size = Math.min(420, Math.max(160, correlation.ids.length * 56));
  return {
    id: 'correlation',
    title: 'Sleeve correlation',
    caption: 'Pearson correlation of sleeve returns.',
    spec: {
      ...base({ ...options, width: size }, size, 0, true),
      data: { values: rows },
      encoding: {
        x: { field: 'b', type: 'nominal', sort: [...correlation.ids], title: null, axis: { labelAngle: -30, domain: false, ticks: false } },
        y: { field: 'a', type: 'nominal', sort: [...correlation.ids], title: null, axis: { domain: false, ticks: false } },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2, cornerRadius: 3 },
          encoding: {
            color: {
              field: 'c',
              type: 'quantitative',
              scale: { scheme: 'blueorange', domain: [-1, 1] },
              legend: { orient: 'right', title: null, gradientLength: Math.max(80, size - 40), format: '.1f' },
            },
            tooltip: [
              { field: 'a', type: 'nominal', title: 'Sleeve' },
              { field: 'b', type: 'nominal', title: 'Sleeve' },
              { field: 'c', type: 'quantitative', title: 'Correlation', format: '.3f' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            text: { field: 'c', type: 'quantitative', format: '.2f' },
            color: { condition: { test: 'abs(datum.c) > 0.6', value: '#ffffff' }, value: '#1f2933' },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

function contributionChart(input: ReportInput, options: ChartOptions): ReportChart {
  const rows = input.sleeves.map((sleeve, index) => ({ id: sleeve.id, c: sleeve.contribution, k: sleeveKey(index) }));
  const ids = input.sleeves.map((sleeve) => sleeve.id);
  // Room on both sides for the value labels.
  const low = Math.min(0, ...rows.map((row) => row.c));
  const high = Math.max(0, ...rows.map((row) => row.c));
  const pad = Math.max(high - low, 1e-4) * 0.22;
  const domain = [low < 0 ? low - pad : 0, high > 0 ? high + pad : 0];
  return {
    id: 'contribution',
    title: 'Return contribution',
    caption: 'Each sleeve’s contribution to the portfolio’s total return (percentage points).',
    spec: {
      ...base(options, Math.max(150, rows.length * 34), Math.min(200, axisReserve(ids.reduce((a, b) => (b.length > a.length ? b : a), '')) - 10)),
      data: { values: rows },
      encoding: {
        y: { field: 'id', type: 'nominal', sort: ids, title: null, axis: { domain: false, ticks: false, labelLimit: 160 } },
        x: { field: 'c', type: 'quantitative', title: 'Contribution', scale: { domain, nice: false }, axis: { format: '.0%', tickCount: 6 } },
      },
      layer: [
        {
          mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
          encoding: {
            color: { field: 'k', type: 'nominal', scale: { domain: rows.map((row) => row.k), range: rows.map((_, index) => sleeveColor(index)) }, legend: null },
            tooltip: [
              { field: 'id', type: 'nominal', title: 'Sleeve' },
              { field: 'c', type: 'quantitative', title: 'Contribution', format: '.2%' },
            ],
          },
        },
        {
          mark: { type: 'text', align: { expr: "datum.c < 0 ? 'right' : 'left'" }, dx: { expr: 'datum.c < 0 ? -4 : 4' }, fontSize: 11, color: '#323f4b' },
          encoding: { text: { field: 'c', type: 'quantitative', format: '.2%' } },
        },
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', color: '#7b8794' },
          encoding: { x: { field: 'zero', type: 'quantitative' }, y: null },
        },
      ],
    } as TopLevelSpec,
  };
}

function attributionChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const periods = input.attribution?.periods ?? [];
  if (periods.length === 0) return null;
  const index = new Map(input.sleeves.map((sleeve, i) => [sleeve.id, i]));
  const rows: { p: string; k: string; id: string; c: number; o: number }[] = [];
  for (const period of periods) {
    for (const [id, c] of Object.entries(period.bySleeve)) {
      if (c === null) continue;
      const i = index.get(id) ?? 0;
      rows.push({ p: period.label, k: sleeveKey(i), id, c, o: i });
    }
  }
  const keys = input.sleeves.map((_, i) => sleeveKey(i));
  const lines = input.sleeves.map((sleeve, i) => ({ key: sleeveKey(i), label: sleeve.id, color: sleeveColor(i), time: [], value: [] }));
  return {
    id: 'attribution',
    title: 'Contribution by period',
    caption: 'Each sleeve’s contribution to the portfolio return of each period, stacked (negative below zero).',
    spec: {
      ...base(options, 240, 72),
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'p', type: 'ordinal', sort: periods.map((period) => period.label), title: null, axis: { labelAngle: periods.length > 12 ? -45 : 0, labelOverlap: true } },
        y: { field: 'c', type: 'quantitative', stack: 'zero', title: 'Contribution', axis: { format: '.0%', tickCount: 6 } },
        color: { field: 'k', type: 'nominal', scale: { domain: keys, range: keys.map((_, i) => sleeveColor(i)) }, legend: { labelExpr: labelExpression(lines) } },
        order: { field: 'o', type: 'quantitative' },
        tooltip: [
          { field: 'p', type: 'ordinal', title: 'Period' },
          { field: 'id', type: 'nominal', title: 'Sleeve' },
          { field: 'c', type: 'quantitative', title: 'Contribution', format: '.2%' },
        ],
      },
    } as TopLevelSpec,
  };
}

/**
 * Every chart the input has data for, in report order: equity (with the benchmark), underwater
 * drawdown, monthly returns, rolling Sharpe, and with two or more sleeves their equity curves,
 * allocation, contribution, contribution by period and correlation. Each spec carries its data.
 */
export function buildCharts(input: ReportInput, options: ChartOptions): ReportChart[] {
  const charts: (ReportChart | null)[] = [equityChart(input, options), drawdownChart(input, options)];
  const multi = input.sleeves.length >= 2;
  if (multi) {
    charts.push(sleeveEquityChart(input, options), weightsChart(input, options));
  }
  charts.push(monthlyReturnsChart(input, options), rollingSharpeChart(input, options));
  if (multi) {
    charts.push(contributionChart(input, options), attributionChart(input, options), correlationChart(input, options));
  }
  return charts.filter((chart): chart is ReportChart => chart !== null);
}
