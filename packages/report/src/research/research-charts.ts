import { METRIC_DESCRIPTIONS, unboundedMetricText } from '@ensemble/performance';
import type { TopLevelSpec } from 'vega-lite';
import { heatmapLayers } from '../charts/heatmap';
import { PORTFOLIO_COLOR, axisReserve, base, round } from '../charts/theme';
import { categoryKeys, multiLine, timeAxis } from '../charts/time-series';
import { vegaLite } from '../charts/types';
import type { ChartOptions, VegaLiteSpec } from '../charts/types';
import { formatCount, formatNumber } from '../format';
import type { ResearchReportInput, ResearchTrial } from './research-input';

/** A chart of the research report: an id (a safe identifier), a title, a caption and its spec. */
export interface ResearchChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: VegaLiteSpec;
}

/** Most parameter pairs drawn as heatmaps (the first parameters' pairs, in spec order): 6. */
export const MAX_HEATMAPS = 6;

type ParameterValue = ResearchTrial['parameters'][string];

/** `a` better than `b` under the objective's direction. */
function better(a: number, b: number, direction: ResearchReportInput['objective']['direction']): boolean {
  return direction === 'maximize' ? a > b : a < b;
}

/**
 * Trials with an objective value: a number, or +∞ for an unboundedly good one (`unbounded`, held
 * as a null objective: a Calmar ratio without a drawdown).
 */
function scored(input: ResearchReportInput): (ResearchTrial & { objective: number })[] {
  return input.trials.flatMap((trial) =>
    trial.objective !== null ? [{ ...trial, objective: trial.objective }] : trial.unbounded === true ? [{ ...trial, objective: Number.POSITIVE_INFINITY }] : [],
  );
}

/** Most trials or windows a chart's note on unbounded objectives names: 10. */
const MAX_NAMED_UNBOUNDED = 10;

/**
 * The sentence a chart's caption ends with when some of its trials (`#3`) or windows (`window 2`)
 * have an unbounded objective, naming them (the first {@link MAX_NAMED_UNBOUNDED}) and where the
 * chart draws them; '' when none has.
 */
function unboundedNote(metric: string, names: readonly string[], noun: 'trial' | 'window', where: string): string {
  if (names.length === 0) return '';
  const listed = names.slice(0, MAX_NAMED_UNBOUNDED).join(', ') + (names.length > MAX_NAMED_UNBOUNDED ? ', …' : '');
  const count = `${formatCount(names.length)} ${noun}${names.length === 1 ? '' : 's'}`;
  return ` ${count} with ${metric} ${unboundedMetricText(metric)} (${listed}) ${names.length === 1 ? 'is' : 'are'} ${where}.`;
}

/**
 * A vega expression of an objective's tooltip text: `∞ (no drawdown)` where `flag` is true, else
 * the value of `field` in the tooltip's format.
 */
function tooltipText(metric: string, flag: string, field: string): string {
  return `datum.${flag} ? ${JSON.stringify(unboundedMetricText(metric))} : format(datum.${field}, ${JSON.stringify(objectiveTooltipFormat(metric))})`;
}

/** The label of a parameter value on an axis. */
function label(value: ParameterValue | undefined): string {
  return value === undefined ? '' : String(value);
}

/** A colour scale for objective values from `low` to `high`: red is worse, green better, yellow between (at 0 when the range spans it). */
function objectiveScale(low: number, high: number, direction: ResearchReportInput['objective']['direction']) {
  const center = low < 0 && high > 0 ? 0 : (low + high) / 2;
  const half = Math.max(high - center, center - low, 1e-12);
  return {
    scale: { scheme: 'redyellowgreen', domain: [center - half, center + half], domainMid: center, reverse: direction === 'minimize', clamp: true },
    center,
    lightTextAbove: round(half * 0.6, 6),
  };
}

/** True when the objective is a metric in percent (`cagr`, `totalReturn`, `maxDrawdown`, …): its values are fractions shown as percentages. */
export function objectiveInPercent(metric: string): boolean {
  return METRIC_DESCRIPTIONS.find((entry) => entry.name === metric)?.unit === 'percent';
}

/** The d3 format of objective values of this magnitude: a percentage for a metric in percent (0.17 → 17.0%). */
function objectiveFormat(values: readonly number[], metric: string): string {
  const largest = values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  if (objectiveInPercent(metric)) return largest >= 10 ? ',.0%' : largest >= 1 ? '.0%' : '.1%';
  return largest >= 100 ? ',.0f' : largest >= 1 ? '.2f' : '.3f';
}

/** The d3 format of one objective value in a tooltip: `.2%` for a metric in percent, else 4 decimals. */
function objectiveTooltipFormat(metric: string): string {
  return objectiveInPercent(metric) ? '.2%' : '.4f';
}

/**
 * A heatmap of the objective over two parameters: each cell holds the best objective among the
 * trials with those two values (the other parameters free), as backtesting.py's heatmap does.
 */
function pairHeatmap(input: ResearchReportInput, options: ChartOptions, x: ResearchReportInput['parameters'][number], y: ResearchReportInput['parameters'][number], id: string): ResearchChart {
  const best = new Map<string, { x: string; y: string; v: number; n: number }>();
  for (const trial of scored(input)) {
    const cx = label(trial.parameters[x.name]);
    const cy = label(trial.parameters[y.name]);
    const key = JSON.stringify([cx, cy]);
    const cell = best.get(key);
    if (cell === undefined) best.set(key, { x: cx, y: cy, v: trial.objective, n: 1 });
    else best.set(key, { ...cell, v: better(trial.objective, cell.v, input.objective.direction) ? trial.objective : cell.v, n: cell.n + 1 });
  }
  const xs = x.values.map(label);
  const ys = [...y.values.map(label)].reverse();
  // The scales see safe keys; the axes and tooltips show the values (see `categoryKeys`).
  const xCategories = categoryKeys(xs, 'x');
  const yCategories = categoryKeys(ys, 'y');
  const cells = [...best.values()];
  const values = cells.filter((entry) => Number.isFinite(entry.v)).map((entry) => round(entry.v, 6));
  // One colour scale for every heatmap, over every trial's objective: a colour means the same value
  // in each (a cell's best lies within it), so the panels can be compared.
  const all = scored(input).flatMap((trial) => (Number.isFinite(trial.objective) ? [round(trial.objective, 6)] : []));
  const { scale, center, lightTextAbove } = objectiveScale(all.length === 0 ? 0 : all.reduce((low, v) => Math.min(low, v), Infinity), all.length === 0 ? 0 : all.reduce((high, v) => Math.max(high, v), -Infinity), input.objective.direction);
  // A cell whose best is +∞ takes the colour of the scale's upper end (the better one when
  // maximised) and prints ∞; its tooltip says why.
  const upper = scale.domain[1] ?? 0;
  const unbounded = cells.filter((entry) => entry.v === Number.POSITIVE_INFINITY);
  const rows = cells.map((entry) => ({
    x: xCategories.keyOf(entry.x),
    y: yCategories.keyOf(entry.y),
    xl: entry.x,
    yl: entry.y,
    n: entry.n,
    v: Number.isFinite(entry.v) ? round(entry.v, 6) : upper,
    ...(unbounded.length === 0 ? {} : { u: !Number.isFinite(entry.v) }),
  }));
  const cell = Math.max(14, Math.min(44, Math.floor((options.width - 120) / Math.max(1, xs.length))));
  const format = objectiveFormat(values, input.objective.metric);
  const metric = input.objective.metric;
  const note =
    unbounded.length === 0
      ? ''
      : ` Cells marked ∞ ${input.objective.direction === 'maximize' ? 'have a trial' : 'have only trials'} with ${metric} ${unboundedMetricText(metric)}, drawn in the colour of the scale's ${input.objective.direction === 'maximize' ? 'better' : 'worse'} end (${unbounded.map((entry) => `${x.name}=${entry.x} and ${y.name}=${entry.y}`).slice(0, MAX_NAMED_UNBOUNDED).join('; ')}${unbounded.length > MAX_NAMED_UNBOUNDED ? '; …' : ''}).`;
  return {
    id,
    title: `${input.objective.metric} by ${x.name} and ${y.name}`,
    caption: `Best ${input.objective.metric} (${input.objective.direction === 'maximize' ? 'highest' : 'lowest'}) over the other parameters for each pair of values; green is better, on one colour scale for every heatmap (from the worst trial to the best).${note}`,
    spec: vegaLite({
      ...base({ ...options, width: cell * xs.length + 120 }, Math.max(60, cell * ys.length), 0, true),
      data: { values: rows },
      ...(unbounded.length === 0 ? {} : { transform: [{ calculate: tooltipText(metric, 'u', 'v'), as: 'vt' }] }),
      encoding: {
        x: { field: 'x', type: 'ordinal', sort: xCategories.keys, title: x.name, axis: { labelAngle: 0, domain: false, ticks: false, labelOverlap: true, labelExpr: xCategories.labelExpr } },
        y: { field: 'y', type: 'ordinal', sort: yCategories.keys, title: y.name, axis: { domain: false, ticks: false, labelExpr: yCategories.labelExpr } },
      },
      layer: heatmapLayers({
        field: 'v',
        scale,
        legend: { orient: 'right', title: null, format },
        tooltip: [
          { field: 'xl', type: 'ordinal', title: x.name },
          { field: 'yl', type: 'ordinal', title: y.name },
          unbounded.length === 0
            ? { field: 'v', type: 'quantitative', title: input.objective.metric, format: objectiveTooltipFormat(input.objective.metric) }
            : { field: 'vt', type: 'nominal', title: input.objective.metric },
          { field: 'n', type: 'quantitative', title: 'Trials' },
        ],
        gap: 1,
        cornerRadius: 2,
        textFormat: format,
        fontSize: cell >= 36 ? 10 : 0,
        lightTextAbove,
        center,
        ...(unbounded.length === 0 ? {} : { unbounded: { field: 'u', text: '∞' } }),
      }),
    } as TopLevelSpec),
  };
}

/** The objective against the one parameter that varies: the best objective at each value. */
function profileChart(input: ResearchReportInput, options: ChartOptions, parameter: ResearchReportInput['parameters'][number]): ResearchChart {
  const best = new Map<string, number>();
  for (const trial of scored(input)) {
    const key = label(trial.parameters[parameter.name]);
    const current = best.get(key);
    if (current === undefined || better(trial.objective, current, input.objective.direction)) best.set(key, trial.objective);
  }
  const order = parameter.values.map(label);
  const categories = categoryKeys(order, 'x');
  const kept = order.filter((key) => best.has(key));
  const rows = kept.filter((key) => Number.isFinite(best.get(key))).map((key) => ({ x: categories.keyOf(key), xl: key, v: round(best.get(key) ?? Number.NaN, 6) }));
  // Values whose best is +∞ are drawn at the top edge, a triangle pointing up marked ∞.
  const unbounded = kept.filter((key) => best.get(key) === Number.POSITIVE_INFINITY).map((key) => ({ x: categories.keyOf(key), xl: key, vt: unboundedMetricText(input.objective.metric) }));
  const format = objectiveFormat(rows.map((row) => row.v), input.objective.metric);
  const x = { field: 'x', type: 'ordinal', sort: categories.keys, title: parameter.name, axis: { labelAngle: 0, labelOverlap: true, labelExpr: categories.labelExpr } };
  // Every value's best unbounded: no point on the line, and a scale of no value had an infinite
  // extent (vega warned "Infinite extent for field v"); a plain unit domain carries the ∞ marks.
  const y =
    rows.length === 0
      ? { field: 'v', type: 'quantitative', title: input.objective.metric, scale: { domain: [0, 1] }, axis: { labels: false, ticks: false, grid: false } }
      : { field: 'v', type: 'quantitative', title: input.objective.metric, axis: { format } };
  const line = {
    mark: { type: 'line', point: true, color: PORTFOLIO_COLOR },
    encoding: {
      x,
      y,
      tooltip: [
        { field: 'xl', type: 'ordinal', title: parameter.name },
        { field: 'v', type: 'quantitative', title: input.objective.metric, format: objectiveTooltipFormat(input.objective.metric) },
      ],
    },
  };
  const edge = [
    { field: 'xl', type: 'ordinal', title: parameter.name },
    { field: 'vt', type: 'nominal', title: input.objective.metric },
  ];
  const metric = input.objective.metric;
  const named = unbounded.slice(0, MAX_NAMED_UNBOUNDED).map((row) => row.xl).join(', ') + (unbounded.length > MAX_NAMED_UNBOUNDED ? ', …' : '');
  const note = unbounded.length === 0 ? '' : ` Where the best ${metric} is ${unboundedMetricText(metric)} (${parameter.name} ${named}) it is drawn at the top edge, marked ∞.`;
  return {
    id: 'profile',
    title: `${input.objective.metric} by ${parameter.name}`,
    caption: `Best ${input.objective.metric} at each value of ${parameter.name}.${note}`,
    spec: vegaLite({
      ...base(options, 220, axisReserve(formatNumber(rows.reduce((widest, row) => Math.max(widest, Math.abs(row.v)), -Infinity), 2))),
      ...(unbounded.length === 0
        ? { data: { values: rows }, ...line }
        : {
            layer: [
              { data: { values: rows }, ...line },
              { data: { values: unbounded }, mark: { type: 'point', shape: 'triangle-up', filled: true, size: 80, color: PORTFOLIO_COLOR }, encoding: { x, y: { value: 0 }, tooltip: edge } },
              { data: { values: unbounded }, mark: { type: 'text', text: '∞', align: 'left', dx: 7, dy: 4, fontSize: 13, color: PORTFOLIO_COLOR }, encoding: { x, y: { value: 0 }, tooltip: edge } },
            ],
          }),
    } as TopLevelSpec),
  };
}

/** Heatmaps of the objective over pairs of varied parameters, or its profile when one parameter varies. */
export function objectiveCharts(input: ResearchReportInput, options: ChartOptions): ResearchChart[] {
  if (scored(input).length === 0) return [];
  const varied = input.parameters.filter((parameter) => new Set(parameter.values.map(label)).size >= 2);
  const first = varied[0];
  if (first === undefined) return [];
  if (varied.length === 1) return [profileChart(input, options, first)];
  const charts: ResearchChart[] = [];
  for (let i = 0; i < varied.length && charts.length < MAX_HEATMAPS; i++) {
    for (let j = i + 1; j < varied.length && charts.length < MAX_HEATMAPS; j++) {
      const x = varied[j];
      const y = varied[i];
      if (x !== undefined && y !== undefined) charts.push(pairHeatmap(input, options, x, y, `heatmap-${charts.length}`));
    }
  }
  return charts;
}

/**
 * A count axis: whole-number ticks and labels only (vega would otherwise put ticks at 0.5, 1.5, …
 * when the largest count is small).
 */
const COUNT_AXIS = { tickMinStep: 1, format: 'd' } as const;

/**
 * The distribution chart's caption: a sweep's selected trial (rank 1) is marked by a line; a
 * walk-forward's trials are its windows' choices, none ranked, so there is no line to speak of.
 */
function distributionCaption(input: ResearchReportInput, count: number, selected: boolean): string {
  const { metric } = input.objective;
  if (selected) {
    return `${metric} across ${formatNumber(count, 0)} trials; the line marks the selected trial. A selected value far out in the tail of a wide distribution is what luck looks like.`;
  }
  return input.walkForward === undefined
    ? `${metric} across ${formatNumber(count, 0)} trials; none is ranked first, so no trial is marked.`
    : `${metric} out of sample across ${formatNumber(count, 0)} ${count === 1 ? 'window' : 'windows'}, each run with the parameters chosen on its train window; every window chose its own, so no single trial is marked.`;
}

/** Whether the trials are a walk-forward's windows' choices (none ranked), not a sweep's combinations. */
export function windowChoices(input: ResearchReportInput): boolean {
  return input.walkForward !== undefined && input.trials.every((trial) => trial.rank === null);
}

/** How the objective spreads over the trials, with the selected trial (rank 1), if any, marked by a line. */
export function distributionChart(input: ResearchReportInput, options: ChartOptions): ResearchChart | null {
  const all = scored(input);
  const trials = all.filter((trial) => Number.isFinite(trial.objective));
  if (all.length < 2 || trials.length === 0) return null;
  const rows = trials.map((trial) => ({ v: round(trial.objective, 6) }));
  const selected = all.find((trial) => trial.rank === 1);
  const format = objectiveFormat(rows.map((row) => row.v), input.objective.metric);
  // Trials at +∞ have no bin: they are counted at the right edge (∞ × n), the selected one's line drawn there.
  const unbounded = all.filter((trial) => trial.objective === Number.POSITIVE_INFINITY);
  const selectedThere = selected !== undefined && !Number.isFinite(selected.objective) ? ` (${unbounded.length === 1 ? 'the selected trial' : 'the selected one among them'}, its line on the edge)` : '';
  const where = `beyond the right edge, where ∞ × ${formatCount(unbounded.length)} counts ${unbounded.length === 1 ? 'it' : 'them'}${selectedThere}`;
  const edge = { value: { expr: 'width' } };
  return {
    id: 'distribution',
    title: `Distribution of ${input.objective.metric}`,
    caption: distributionCaption(input, all.length, selected !== undefined) + unboundedNote(input.objective.metric, unbounded.map((trial) => `#${String(trial.index)}`), 'trial', where),
    spec: vegaLite({
      ...base(options, 200, 56),
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar', color: '#9aa5b1', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
          encoding: {
            // Bin edges as labels would sit 30 to an axis: vega drops those that would overlap.
            x: { field: 'v', type: 'quantitative', bin: { maxbins: 30 }, title: input.objective.metric, axis: { format, labelOverlap: true, labelFlush: true } },
            // A walk-forward's trials are its windows' choices: windows are what it counts.
            y: { aggregate: 'count', type: 'quantitative', title: windowChoices(input) ? 'Windows' : 'Trials', axis: COUNT_AXIS },
          },
        },
        ...(selected === undefined
          ? []
          : Number.isFinite(selected.objective)
            ? [
                {
                  data: { values: [{ v: round(selected.objective, 6) }] },
                  mark: { type: 'rule', color: PORTFOLIO_COLOR, strokeWidth: 2 },
                  encoding: { x: { field: 'v', type: 'quantitative' }, tooltip: [{ field: 'v', type: 'quantitative', title: 'Selected', format: objectiveTooltipFormat(input.objective.metric) }] },
                },
              ]
            : [
                {
                  data: { values: [{ vt: unboundedMetricText(input.objective.metric) }] },
                  mark: { type: 'rule', color: PORTFOLIO_COLOR, strokeWidth: 2 },
                  encoding: { x: edge, y: { value: 0 }, y2: { value: { expr: 'height' } }, tooltip: [{ field: 'vt', type: 'nominal', title: 'Selected' }] },
                },
              ]),
        ...(unbounded.length === 0
          ? []
          : [
              {
                data: { values: [{ vt: unboundedMetricText(input.objective.metric), n: unbounded.length }] },
                mark: { type: 'text', text: `∞ × ${formatCount(unbounded.length)}`, align: 'right', baseline: 'top', dx: -4, dy: 4, fontSize: 12, color: PORTFOLIO_COLOR },
                encoding: {
                  x: edge,
                  y: { value: 0 },
                  tooltip: [
                    { field: 'vt', type: 'nominal', title: input.objective.metric },
                    { field: 'n', type: 'quantitative', title: 'Trials' },
                  ],
                },
              },
            ]),
      ],
    } as TopLevelSpec),
  };
}

/** The PBO's logit distribution: splits whose in-sample best ranked below the median out of sample fall left of 0. */
export function logitChart(input: ResearchReportInput, options: ChartOptions): ResearchChart | null {
  const pbo = input.statistics.pbo;
  if (pbo === null || pbo.logitDistribution.length === 0) return null;
  const rows = pbo.logitDistribution.map((entry) => ({ l: round(entry.logit, 6), c: entry.count, overfit: entry.logit <= 0 ? 'yes' : 'no' }));
  return {
    id: 'logits',
    title: 'Out-of-sample rank of the in-sample best',
    caption: `Logit of the in-sample best trial's relative rank out of sample, over ${formatCount(pbo.splits)} CSCV splits of ${formatCount(pbo.blocks)} blocks. Mass at or left of 0 (red) is the probability of backtest overfitting.`,
    spec: vegaLite({
      ...base(options, 200, 56),
      data: { values: rows },
      mark: { type: 'bar', width: { band: 0.9 } },
      encoding: {
        x: { field: 'l', type: 'quantitative', bin: { maxbins: 30 }, title: 'logit(relative rank)' },
        y: { field: 'c', aggregate: 'sum', type: 'quantitative', title: 'Splits', axis: COUNT_AXIS },
        color: { field: 'overfit', type: 'nominal', scale: { domain: ['yes', 'no'], range: ['#c2410c', '#59a14f'] }, legend: null },
      },
    } as TopLevelSpec),
  };
}

/** The stitched out-of-sample equity of a walk-forward, test windows shaded in turn. */
export function walkForwardEquityChart(input: ResearchReportInput, options: ChartOptions): ResearchChart | null {
  const walk = input.walkForward;
  if (walk === undefined || walk.equity.time.length < 2) return null;
  const windows = walk.windows.map((window) => ({ s: window.testStart, e: window.testEnd, w: window.index, shade: window.index % 2 }));
  const shading = {
    data: { values: windows },
    mark: { type: 'rect', opacity: 0.08, color: PORTFOLIO_COLOR },
    encoding: {
      x: { ...timeAxis(options), field: 's' },
      x2: { field: 'e' },
      opacity: { field: 'shade', type: 'quantitative', scale: { domain: [0, 1], range: [0.03, 0.1] }, legend: null },
      tooltip: [{ field: 'w', type: 'quantitative', title: 'Window' }],
    },
  };
  return {
    id: 'walk-forward-equity',
    title: 'Out-of-sample equity',
    caption: 'Equity of the test windows stitched together, each window run with the parameters chosen on the train window before it and the capital carried over; shaded bands are the test windows.',
    spec: multiLine(
      options,
      [{ key: 'oos', label: 'Out of sample', color: PORTFOLIO_COLOR, time: walk.equity.time, value: walk.equity.equity }],
      280,
      { title: 'Equity', format: ',.0f', zero: false },
      [shading],
    ),
  };
}

/** In-sample against out-of-sample objective, one point per walk-forward window, with the diagonal. */
export function inOutScatterChart(input: ResearchReportInput, options: ChartOptions): ResearchChart | null {
  const walk = input.walkForward;
  if (walk === undefined) return null;
  // A window whose objective is +∞ in or out of sample is drawn on the right or the top edge.
  const plotted = walk.windows.filter((window) => (window.inSample !== null || window.inSampleUnbounded === true) && (window.outOfSample !== null || window.outOfSampleUnbounded === true));
  const finite = plotted.filter((window) => window.inSample !== null && window.outOfSample !== null);
  const rows = finite.map((window) => ({ w: window.index, is: round(window.inSample ?? 0, 6), oos: round(window.outOfSample ?? 0, 6), p: JSON.stringify(window.parameters ?? {}) }));
  const edges = plotted
    .filter((window) => window.inSample === null || window.outOfSample === null)
    .map((window) => ({ w: window.index, is: round(window.inSample ?? 0, 6), oos: round(window.outOfSample ?? 0, 6), iu: window.inSample === null, ou: window.outOfSample === null, p: JSON.stringify(window.parameters ?? {}) }));
  if (plotted.length === 0) return null;
  const all = [...rows.flatMap((row) => [row.is, row.oos]), ...edges.flatMap((row) => [...(row.iu ? [] : [row.is]), ...(row.ou ? [] : [row.oos])])];
  const low = all.length === 0 ? 0 : all.reduce((least, v) => Math.min(least, v), Infinity);
  const high = all.length === 0 ? 0 : all.reduce((most, v) => Math.max(most, v), -Infinity);
  const format = objectiveFormat(all, input.objective.metric);
  const metric = input.objective.metric;
  const edgeTooltip = [
    { field: 'w', type: 'quantitative', title: 'Window' },
    { field: 'ist', type: 'nominal', title: 'In sample' },
    { field: 'oost', type: 'nominal', title: 'Out of sample' },
    { field: 'p', type: 'nominal', title: 'Parameters' },
  ];
  const edgeLayer = (filter: (row: (typeof edges)[number]) => boolean, shape: string, x: object, y: object) => {
    const values = edges.filter(filter);
    return values.length === 0
      ? []
      : [
          {
            data: { values },
            transform: [
              { calculate: tooltipText(metric, 'iu', 'is'), as: 'ist' },
              { calculate: tooltipText(metric, 'ou', 'oos'), as: 'oost' },
            ],
            mark: { type: 'point', shape, filled: true, size: 90, color: PORTFOLIO_COLOR, opacity: 0.85 },
            encoding: { x, y, tooltip: edgeTooltip },
          },
        ];
  };
  const right = { value: { expr: 'width' } };
  const top = { value: 0 };
  const xField = { field: 'is', type: 'quantitative' };
  const yField = { field: 'oos', type: 'quantitative' };
  const note = unboundedNote(metric, edges.map((row) => `window ${String(row.w)}`), 'window', 'drawn on the edge: on the right when in sample, at the top when out of sample (a triangle pointing there)');
  return {
    id: 'in-out',
    title: 'In-sample vs out-of-sample',
    caption: `${input.objective.metric} of each window's chosen combination on its train window (x) and its test window (y). Points below the diagonal did worse out of sample.${note}`,
    spec: vegaLite({
      ...base({ ...options, width: 420 }, 320, 0, true),
      layer: [
        {
          data: { values: [{ a: low, b: low }, { a: high, b: high }] },
          mark: { type: 'line', color: '#9aa5b1', strokeDash: [4, 3] },
          encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
        },
        {
          data: { values: rows },
          mark: { type: 'circle', size: 70, color: PORTFOLIO_COLOR, opacity: 0.85 },
          encoding: {
            x: { field: 'is', type: 'quantitative', title: `In-sample ${input.objective.metric}`, scale: { zero: false }, axis: { format } },
            y: { field: 'oos', type: 'quantitative', title: `Out-of-sample ${input.objective.metric}`, scale: { zero: false }, axis: { format } },
            tooltip: [
              { field: 'w', type: 'quantitative', title: 'Window' },
              { field: 'is', type: 'quantitative', title: 'In sample', format: objectiveTooltipFormat(input.objective.metric) },
              { field: 'oos', type: 'quantitative', title: 'Out of sample', format: objectiveTooltipFormat(input.objective.metric) },
              { field: 'p', type: 'nominal', title: 'Parameters' },
            ],
          },
        },
        ...edgeLayer((row) => row.iu && !row.ou, 'triangle-right', right, yField),
        ...edgeLayer((row) => row.ou && !row.iu, 'triangle-up', xField, top),
        ...edgeLayer((row) => row.iu && row.ou, 'diamond', right, top),
      ],
    } as TopLevelSpec),
  };
}
