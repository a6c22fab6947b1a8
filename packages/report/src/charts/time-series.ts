import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../format';
import { downsampleIndices } from '../series';
import { axisReserve, base, round } from './theme';
import type { ChartOptions } from './types';

/**
 * Tick labels of a time axis over intraday data, by the unit each tick falls on (Vega's
 * multi-format object): a tick at midnight is a date, one within the day its time. Over weeks the
 * ticks fall on days and read `2024-01-08` (one format for all read `2024-01-08 00:00`); over a
 * session they read `10:00`, `12:00`, with the date at a midnight between them.
 */
const INTRADAY_TICK_FORMAT = {
  year: '%Y-%m-%d',
  quarter: '%Y-%m-%d',
  month: '%Y-%m-%d',
  week: '%Y-%m-%d',
  date: '%Y-%m-%d',
  hours: '%H:%M',
  minutes: '%H:%M',
  seconds: '%H:%M:%S',
  milliseconds: '%H:%M:%S.%L',
} as const;

/** The x encoding of a chart over time (field `t`, UTC). */
export function timeAxis(options: ChartOptions) {
  return {
    field: 't',
    type: 'temporal',
    title: null,
    scale: { type: 'utc' },
    axis:
      options.tickTimes === undefined
        ? { labelOverlap: true, tickCount: 8, grid: false, format: options.timeFormat === 'date' ? undefined : INTRADAY_TICK_FORMAT }
        : { labelOverlap: true, values: [...options.tickTimes], grid: false, format: '%Y-%m-%d' },
  } as const;
}

/** The tooltip entry of a time, at the resolution of the data. */
export function timeTooltip(options: ChartOptions) {
  return {
    field: 't',
    type: 'temporal',
    title: 'Time',
    timeUnit: options.timeFormat === 'date' ? 'utcyearmonthdate' : 'utcyearmonthdatehoursminutes',
  } as const;
}

/** One line of a chart over time. */
export interface Line {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

/** A series shown in a hover tooltip: a key (a safe field name), a label, a d3 format and its points (null: none there). */
export interface HoverSeries {
  readonly key: string;
  readonly label: string;
  readonly format: string;
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number | null>;
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
export function hoverLayers(options: ChartOptions, series: readonly HoverSeries[]): object[] {
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
 * The y scale the page's log switch gives the equity chart: its domain the data's extent, plus a
 * few pixels. Not `nice`: vega would round a log domain out to powers of ten (100k–10M for data
 * between 0.6M and 2.4M), flattening the curves.
 */
export const LOG_SCALE = { type: 'log', nice: false, padding: 6 } as const;

/**
 * Several lines over time with one hover rule that shows every line's value at the nearest time.
 * The y scale of the first layer can be switched between linear and log ({@link LOG_SCALE}) by the page.
 */
export function multiLine(
  options: ChartOptions,
  lines: readonly Line[],
  height: number,
  y: { title: string; format: string; zero: boolean },
  extraLayers: readonly object[] = [],
): TopLevelSpec {
  const rows = lineRows(lines, options.maxPoints);
  const keys = lines.map((line) => line.key);
  const largest = rows.reduce((max, row) => Math.max(max, Math.abs(row.v)), 0);
  // A line of one point draws nothing: mark the points when some line has no segment.
  const lonePoint = keys.some((key) => rows.filter((row) => row.k === key).length === 1);
  return {
    ...base(options, height, axisReserve(formatNumber(largest * 1.1, 0))),
    data: { values: rows },
    encoding: { x: timeAxis(options) },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.6, interpolate: 'linear', strokeJoin: 'round', ...(lonePoint ? { point: { size: 40 } } : {}) },
        encoding: {
          y: { field: 'v', type: 'quantitative', title: y.title, scale: { type: 'linear', zero: y.zero }, axis: { format: y.format, tickCount: 6 } },
          color: {
            field: 'k',
            type: 'nominal',
            scale: { domain: keys, range: lines.map((line) => line.color) },
            legend: lines.length > 1 ? seriesLegend(lines, options.width) : null,
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

/**
 * A vega expression mapping keys to display labels (keys are safe identifiers, labels are free
 * text). Each label is written with a leading `~` that the expression strips: vega cannot compile
 * an expression holding a string literal such as `"constructor"` or `"toString"` (a member of
 * every object; "Operator not defined"), which a sleeve id or a parameter value may be.
 */
export function labelExpression(lines: readonly Pick<Line, 'key' | 'label'>[]): string {
  const map = Object.fromEntries(lines.map((line) => [line.key, `~${line.label}`]));
  return `slice(${JSON.stringify(map)}[datum.label], 1)`;
}

/**
 * The legend of a chart's series: their labels (see {@link labelExpression}) in as many columns as
 * fit the chart's width, every series listed. In one row, as vega lays a top legend out by
 * default, twenty sleeves made the chart half as wide and fifty a thumbnail; past 30 entries vega
 * also left series out.
 */
export function seriesLegend(lines: readonly Pick<Line, 'key' | 'label'>[], width: number): Record<string, unknown> {
  const longest = lines.reduce((max, line) => Math.max(max, line.label.length), 0);
  // A symbol, its gap and about 6.5 pixels a character at the legend's 11-pixel font, capped at its label limit.
  const entry = 24 + Math.min(160, Math.ceil(longest * 6.5)) + 12;
  return { labelExpr: labelExpression(lines), columns: Math.max(1, Math.min(lines.length, Math.floor(width / entry))), symbolLimit: 0 };
}

/**
 * Category values for a nominal or ordinal scale: each free-text label (a sleeve id, a parameter
 * value) gets a safe key (`prefix` + its index), and `labelExpr` shows the label on an axis.
 * Vega keeps a scale's categories in plain objects, where a label such as `constructor` or
 * `toString` names a built-in member and breaks the chart ("Operator not defined").
 */
export function categoryKeys(labels: readonly string[], prefix: string): { readonly keys: string[]; readonly keyOf: (label: string) => string; readonly labelExpr: string } {
  const keys = labels.map((_, index) => `${prefix}${String(index)}`);
  const byLabel = new Map(labels.map((label, index) => [label, keys[index] ?? '']));
  return {
    keys,
    keyOf: (label) => byLabel.get(label) ?? '',
    labelExpr: labelExpression(labels.map((label, index) => ({ key: keys[index] ?? '', label }))),
  };
}
