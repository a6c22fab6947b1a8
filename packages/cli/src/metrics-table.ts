import { METRIC_DESCRIPTIONS } from '@ensemble/performance';
import type { MetricDescription, MetricGroup, MetricName, PerformanceResult } from '@ensemble/performance';
import { createPalette } from './color';
import type { Palette } from './color';
import { MISSING, formatMetricValue, formatTable, pad, visibleLength } from './format';

/** Section titles of the metric groups of `METRIC_DESCRIPTIONS`. */
export const METRIC_GROUP_TITLES: Readonly<Record<MetricGroup, string>> = {
  returns: 'Returns',
  risk: 'Risk',
  trades: 'Trades',
  exposure: 'Exposure and costs',
  benchmark: 'Benchmark',
};

/** Metrics coloured green when positive and red when negative. */
const SIGNED_METRICS: ReadonlySet<MetricName> = new Set([
  'totalReturn',
  'cagr',
  'expectancy',
  'bestTrade',
  'worstTrade',
  'alpha',
  'informationRatio',
  'sharpe',
  'sortino',
]);

/** Options of {@link renderMetricGroups}. */
export interface MetricGroupsOptions {
  /** Colours (default: none). */
  readonly palette?: Palette;
  /**
   * Groups per output column, left to right; each column lists its groups top to bottom. Default
   * `[['returns', 'risk'], ['trades', 'exposure', 'benchmark']]`: two columns, under 80 characters.
   */
  readonly layout?: readonly (readonly MetricGroup[])[];
  /** Titles instead of {@link METRIC_GROUP_TITLES}, e.g. `{ benchmark: 'Benchmark (SP500)' }`. */
  readonly titles?: Partial<Readonly<Record<MetricGroup, string>>>;
  /** Groups to leave out (e.g. `benchmark` when there is none). */
  readonly omit?: readonly MetricGroup[];
  /** Extra rows (label, text) shown right after a metric, e.g. the dates of the max drawdown. */
  readonly after?: Partial<Readonly<Record<MetricName, readonly (readonly [string, string])[]>>>;
}

/** The default {@link MetricGroupsOptions.layout}. */
export const DEFAULT_METRIC_LAYOUT: readonly (readonly MetricGroup[])[] = [
  ['returns', 'risk'],
  ['trades', 'exposure', 'benchmark'],
];

/** A metric's value formatted by its unit (`—` for null), coloured by sign where that helps reading. */
export function formatMetric(result: PerformanceResult, description: MetricDescription, palette: Palette = createPalette(false)): string {
  const value = result.metrics[description.name];
  const text = formatMetricValue(value, description.unit);
  if (value === null) return palette.dim(MISSING);
  return SIGNED_METRICS.has(description.name) ? palette.signed(value, text) : text;
}

function groupBlock(result: PerformanceResult, group: MetricGroup, title: string, options: MetricGroupsOptions, palette: Palette): string[] {
  const rows: [string, string][] = [];
  for (const description of METRIC_DESCRIPTIONS) {
    if (description.group !== group) continue;
    rows.push([description.label, formatMetric(result, description, palette)]);
    for (const extra of options.after?.[description.name] ?? []) rows.push([extra[0], extra[1]]);
  }
  const labelWidth = rows.reduce((widest, [label]) => Math.max(widest, visibleLength(label)), -Infinity);
  const valueWidth = rows.reduce((widest, [, value]) => Math.max(widest, visibleLength(value)), -Infinity);
  return [palette.bold(title), ...rows.map(([label, value]) => `  ${pad(label, labelWidth)}  ${pad(value, valueWidth, 'right')}`)];
}

/**
 * Every scalar metric of `result`, grouped by the `METRIC_DESCRIPTIONS` groups with their labels
 * and units formatted (percent and ratios with 2 decimals, currency with thousands separators and
 * 2 decimals, null as `—`), laid out in side-by-side columns.
 */
export function renderMetricGroups(result: PerformanceResult, options: MetricGroupsOptions = {}): string {
  const palette = options.palette ?? createPalette(false);
  const omit = new Set(options.omit ?? []);
  const columns = (options.layout ?? DEFAULT_METRIC_LAYOUT).map((groups) => {
    const lines: string[] = [];
    for (const group of groups) {
      if (omit.has(group)) continue;
      if (lines.length > 0) lines.push('');
      lines.push(...groupBlock(result, group, options.titles?.[group] ?? METRIC_GROUP_TITLES[group], options, palette));
    }
    return lines;
  });
  const widths = columns.map((lines) => lines.reduce((widest, line) => Math.max(widest, visibleLength(line)), 0));
  const height = columns.reduce((tallest, lines) => Math.max(tallest, lines.length), 0);
  const out: string[] = [];
  for (let row = 0; row < height; row++) {
    out.push(
      columns
        .map((lines, k) => pad(lines[row] ?? '', k === columns.length - 1 ? 0 : (widths[k] ?? 0)))
        .join('    ')
        .trimEnd(),
    );
  }
  return out.join('\n');
}

/**
 * Several results side by side: one row per metric in `names` (default: every metric), one column
 * per result — e.g. a portfolio and its sleeves.
 */
export function renderMetricComparison(
  results: readonly { readonly name: string; readonly result: PerformanceResult }[],
  names: readonly MetricName[] = METRIC_DESCRIPTIONS.map((description) => description.name),
  palette: Palette = createPalette(false),
): string {
  const descriptions = names.map((name) => METRIC_DESCRIPTIONS.find((description) => description.name === name)).filter((d) => d !== undefined);
  return formatTable(
    [{ header: 'metric' }, ...results.map(({ name }) => ({ header: name, align: 'right' as const }))],
    descriptions.map((description) => [description.label, ...results.map(({ result }) => formatMetric(result, description, palette))]),
  );
}
