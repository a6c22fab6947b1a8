import type { TopLevelSpec } from 'vega-lite';
import type { ReportInput } from '../report-input';
import { downsampleIndices } from '../series';
import { heatmapLayers } from './heatmap';
import { PORTFOLIO_COLOR, UNALLOCATED_COLOR, axisReserve, base, round, sleeveColor } from './theme';
import { categoryKeys, hoverLayers, labelExpression, multiLine, seriesLegend, timeAxis } from './time-series';
import type { Line } from './time-series';
import { vegaLite } from './types';
import type { ChartOptions, ReportChart } from './types';
import { OTHERS_COLOR, OTHERS_KEY, sleeveGroups } from './sleeve-groups';

function sleeveKey(index: number): string {
  return `s${index}`;
}

/** `caption`, then what it says of the sleeves left out or grouped (`note`, '' for none). */
function withNote(caption: string, note: string): string {
  return note === '' ? caption : `${caption} ${note}`;
}

export function sleeveEquityChart(input: ReportInput, options: ChartOptions): ReportChart {
  // Many sleeves: the largest only (a sum of the others would dwarf them).
  const groups = sleeveGroups(input);
  const lines: Line[] = groups.shown.map((index) => {
    const sleeve = input.sleeves[index];
    return { key: sleeveKey(index), label: sleeve?.id ?? '', color: sleeveColor(index), time: sleeve?.equity.time ?? [], value: sleeve?.equity.equity ?? [] };
  });
  return {
    id: 'sleeve-equity',
    title: 'Sleeve equity',
    caption: withNote(
      input.sleevesNote === undefined
        ? 'Equity of each sleeve (currency), including the capital moved by rebalancing.'
        : 'Equity of each sleeve (currency; see the note under Sleeves).',
      groups.drawnNote,
    ),
    spec: multiLine(options, lines, 260, { title: 'Equity', format: ',.0f', zero: false }),
  };
}

export function weightsChart(input: ReportInput, options: ChartOptions): ReportChart {
  const { time, equity } = input.portfolio.equity;
  // Weights move slowly between rebalances: a fifth of the point budget draws them faithfully.
  const indices = downsampleIndices(equity, Math.max(10, Math.floor(options.maxPoints / 5)));
  // Where the weights are undefined (null: the portfolio was worth zero or less) nothing is drawn,
  // the unallocated share included.
  const unallocated = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) {
    let sum = 0;
    for (const sleeve of input.sleeves) sum += sleeve.weight[i] ?? Number.NaN;
    unallocated[i] = Number.isNaN(sum) ? 0 : Math.max(0, 1 - sum);
  }
  const unallocatedShown = indices.some((i) => (unallocated[i] ?? 0) > 1e-4);
  // Many sleeves: the largest one by one, the others' weights summed (NaN where undefined).
  const groups = sleeveGroups(input);
  const grouped = groups.others.length > 0 ? new Float64Array(time.length) : null;
  if (grouped !== null) {
    for (let i = 0; i < time.length; i++) {
      let sum = 0;
      for (const index of groups.others) sum += input.sleeves[index]?.weight[i] ?? Number.NaN;
      grouped[i] = sum;
    }
  }
  const rows = indices.map((i) => {
    const row: Record<string, number> = { t: time[i] ?? Number.NaN };
    const defined = input.sleeves.every((sleeve) => (sleeve.weight[i] ?? null) !== null);
    for (const index of groups.shown) row[sleeveKey(index)] = defined ? round(input.sleeves[index]?.weight[i] ?? 0, 5) : 0;
    if (grouped !== null) row[OTHERS_KEY] = defined ? round(grouped[i] ?? 0, 5) : 0;
    if (unallocatedShown) row.unallocated = round(unallocated[i] ?? 0, 5);
    return row;
  });
  const keys = groups.shown.map((index) => sleeveKey(index));
  const labels = groups.shown.map((index) => input.sleeves[index]?.id ?? '');
  const colors = groups.shown.map((index) => sleeveColor(index));
  if (grouped !== null) {
    keys.push(OTHERS_KEY);
    labels.push(groups.label);
    colors.push(OTHERS_COLOR);
  }
  if (unallocatedShown) {
    keys.push('unallocated');
    labels.push('Unallocated');
    colors.push(UNALLOCATED_COLOR);
  }
  const lines = keys.map((key, index) => ({ key, label: labels[index] ?? key, color: colors[index] ?? '#999', time: [], value: [] }));
  return {
    id: 'weights',
    title: 'Allocation',
    caption: withNote(
      input.sleevesNote === undefined
        ? 'Weight of each sleeve in the portfolio (sleeve equity / portfolio equity), stacked.'
        : 'Weight of each sleeve, stacked (see the note under Sleeves).',
      groups.note,
    ),
    spec: vegaLite({
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
            y: { field: 'w', type: 'quantitative', stack: 'zero', title: 'Weight', axis: { format: '~%', tickCount: 5 } },
            color: { field: 'k', type: 'nominal', scale: { domain: keys, range: colors }, legend: seriesLegend(lines, options.width) },
            order: { field: 'o', type: 'quantitative' },
          },
        },
        ...hoverLayers(options, [
          ...groups.shown.map((index) => ({ key: sleeveKey(index), label: input.sleeves[index]?.id ?? '', format: '.1%', time, value: input.sleeves[index]?.weight ?? [] })),
          ...(grouped === null ? [] : [{ key: OTHERS_KEY, label: groups.label, format: '.1%', time, value: grouped }]),
          ...(unallocatedShown ? [{ key: 'unallocated', label: 'Unallocated', format: '.1%', time, value: unallocated }] : []),
        ]),
      ],
    } as TopLevelSpec),
  };
}

export function correlationChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const full = input.correlation;
  if (full === undefined || full.ids.length < 2) return null;
  // Many sleeves: the matrix of the largest (three hundred labels in 420 pixels show nothing);
  // the caption gives the range of every pair's.
  const groups = sleeveGroups(input);
  const correlation = groups.others.length === 0 ? full : shownMatrix(full, new Set(groups.shown.map((index) => input.sleeves[index]?.id ?? '')));
  // The scales see safe keys; the axes and tooltips show the ids.
  const categories = categoryKeys(correlation.ids, 's');
  const rows: { a: string; b: string; an: string; bn: string; c: number | null }[] = [];
  correlation.ids.forEach((an, i) => {
    correlation.ids.forEach((bn, j) => {
      rows.push({ a: categories.keys[i] ?? '', b: categories.keys[j] ?? '', an, bn, c: correlation.matrix[i]?.[j] ?? null });
    });
  });
  const size = Math.min(420, Math.max(160, correlation.ids.length * 56));
  return {
    id: 'correlation',
    title: 'Sleeve correlation',
    caption: withNote('Pearson correlation of sleeve returns.', groups.others.length === 0 ? '' : `${groups.drawnNote} ${pairsNote(full)}`),
    spec: vegaLite({
      ...base({ ...options, width: size }, size, 0, true),
      data: { values: rows },
      encoding: {
        // Slanted labels of cells narrower than a label is long run into each other: upright then.
        x: { field: 'b', type: 'nominal', sort: categories.keys, title: null, axis: { labelAngle: slantedFits(correlation.ids, size / correlation.ids.length) ? -30 : -90, domain: false, ticks: false, labelExpr: categories.labelExpr } },
        y: { field: 'a', type: 'nominal', sort: categories.keys, title: null, axis: { domain: false, ticks: false, labelExpr: categories.labelExpr } },
      },
      layer: heatmapLayers({
        field: 'c',
        scale: { scheme: 'blueorange', domain: [-1, 1] },
        legend: { orient: 'right', title: null, gradientLength: Math.max(80, size - 40), format: '.1f' },
        tooltip: [
          { field: 'an', type: 'nominal', title: 'Sleeve' },
          { field: 'bn', type: 'nominal', title: 'Sleeve' },
          { field: 'c', type: 'quantitative', title: 'Correlation', format: '.3f' },
        ],
        gap: 2,
        cornerRadius: 3,
        textFormat: '.2f',
        fontSize: 11,
        // "−0.42" at 11 pixels is about 30 pixels wide.
        labelFit: { columns: correlation.ids.length, minCellWidth: 34 },
        lightTextAbove: 0.6,
      }),
    } as TopLevelSpec),
  };
}

export function contributionChart(input: ReportInput, options: ChartOptions): ReportChart {
  // Many sleeves: the largest one by one, then the others' contributions summed.
  const groups = sleeveGroups(input);
  const rows = groups.shown.map((index) => ({ id: input.sleeves[index]?.id ?? '', c: input.sleeves[index]?.contribution ?? 0, k: sleeveKey(index), color: sleeveColor(index) }));
  if (groups.others.length > 0) {
    let sum = 0;
    for (const index of groups.others) sum += input.sleeves[index]?.contribution ?? 0;
    rows.push({ id: groups.label, c: sum, k: OTHERS_KEY, color: OTHERS_COLOR });
  }
  const ids = rows.map((row) => row.id);
  // Room on both sides for the value labels.
  const low = rows.reduce((least, row) => Math.min(least, row.c), 0);
  const high = rows.reduce((most, row) => Math.max(most, row.c), 0);
  const pad = Math.max(high - low, 1e-4) * 0.22;
  const domain = [low < 0 ? low - pad : 0, high > 0 ? high + pad : 0];
  return {
    id: 'contribution',
    title: 'Return contribution',
    caption: withNote(
      input.sleevesNote === undefined
        ? 'Each sleeve’s contribution to the portfolio’s total return (percentage points).'
        : 'Each sleeve’s contribution (percentage points); they need not add up to the portfolio’s total return (see the note under Sleeves).',
      groups.note,
    ),
    spec: vegaLite({
      ...base(options, Math.max(150, rows.length * 34), Math.min(200, axisReserve(ids.reduce((a, b) => (b.length > a.length ? b : a), '')) - 10)),
      data: { values: rows.map(({ id, c, k }) => ({ id, c, k })) },
      encoding: {
        y: { field: 'k', type: 'nominal', sort: rows.map((row) => row.k), title: null, axis: { domain: false, ticks: false, labelLimit: 160, labelExpr: labelExpression(rows.map((row) => ({ key: row.k, label: row.id }))) } },
        x: { field: 'c', type: 'quantitative', title: 'Contribution', scale: { domain, nice: false }, axis: { format: '~%', tickCount: 6 } },
      },
      layer: [
        {
          mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
          encoding: {
            color: { field: 'k', type: 'nominal', scale: { domain: rows.map((row) => row.k), range: rows.map((row) => row.color) }, legend: null },
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
    } as TopLevelSpec),
  };
}

export function attributionChart(input: ReportInput, options: ChartOptions): ReportChart | null {
  const periods = input.attribution?.periods ?? [];
  if (periods.length === 0) return null;
  const index = new Map(input.sleeves.map((sleeve, i) => [sleeve.id, i]));
  // Many sleeves: the largest one by one, the others' contributions of each period summed.
  const groups = sleeveGroups(input);
  const shown = new Set(groups.shown);
  const rows: { p: string; k: string; id: string; c: number; o: number }[] = [];
  for (const period of periods) {
    let others = 0;
    let grouped = false;
    for (const [id, c] of Object.entries(period.bySleeve)) {
      if (c === null) continue;
      const i = index.get(id) ?? 0;
      if (shown.has(i)) rows.push({ p: period.label, k: sleeveKey(i), id, c, o: i });
      else {
        others += c;
        grouped = true;
      }
    }
    if (grouped) rows.push({ p: period.label, k: OTHERS_KEY, id: groups.label, c: others, o: input.sleeves.length });
  }
  // The portfolio's own return of each period, a tick over the stack (where the input has it).
  const portfolio = periods.flatMap((period) => (period.portfolioReturn === undefined || period.portfolioReturn === null ? [] : [{ p: period.label, r: period.portfolioReturn }]));
  const lines = groups.shown.map((i) => ({ key: sleeveKey(i), label: input.sleeves[i]?.id ?? '', color: sleeveColor(i), time: [], value: [] }));
  if (groups.others.length > 0) lines.push({ key: OTHERS_KEY, label: groups.label, color: OTHERS_COLOR, time: [], value: [] });
  const keys = lines.map((line) => line.key);
  const x = { field: 'p', type: 'ordinal', sort: periods.map((period) => period.label), title: null, axis: { labelAngle: periods.length > 12 ? -45 : 0, labelOverlap: true } };
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x,
      y: { field: 'c', type: 'quantitative', stack: 'zero', title: 'Contribution', axis: { format: '~%', tickCount: 6 } },
      color: { field: 'k', type: 'nominal', scale: { domain: keys, range: lines.map((line) => line.color) }, legend: seriesLegend(lines, options.width) },
      order: { field: 'o', type: 'quantitative' },
      tooltip: [
        { field: 'p', type: 'ordinal', title: 'Period' },
        { field: 'id', type: 'nominal', title: 'Sleeve' },
        { field: 'c', type: 'quantitative', title: 'Contribution', format: '.2%' },
      ],
    },
  };
  const ticks = {
    data: { values: portfolio },
    mark: { type: 'tick', color: PORTFOLIO_COLOR, thickness: 3 },
    encoding: {
      x,
      y: { field: 'r', type: 'quantitative' },
      tooltip: [
        { field: 'p', type: 'ordinal', title: 'Period' },
        { field: 'r', type: 'quantitative', title: 'Portfolio', format: '.2%' },
      ],
    },
  };
  const shadows = input.sleevesNote !== undefined;
  const caption =
    portfolio.length === 0
      ? shadows
        ? 'Each sleeve’s contribution of each period, stacked (negative below zero); the stack need not be the portfolio’s return (see the note under Sleeves).'
        : 'Each sleeve’s contribution to the portfolio return of each period, stacked (negative below zero).'
      : shadows
        ? 'Each sleeve’s contribution of each period, stacked (negative below zero); the stack need not be the portfolio’s return, which the dark tick marks (see the note under Sleeves).'
        : 'Each sleeve’s contribution to the portfolio return of each period, stacked (negative below zero); the dark tick marks the portfolio’s return, their sum.';
  return {
    id: 'attribution',
    title: 'Contribution by period',
    caption: withNote(caption, groups.note),
    spec: vegaLite({
      ...base(options, 240, 72),
      data: { values: rows },
      ...(portfolio.length === 0 ? bars : { layer: [bars, ticks] }),
    } as TopLevelSpec),
  };
}

/** The rows and columns of `matrix` whose ids are in `ids`, in its order. */
function shownMatrix(matrix: NonNullable<ReportInput['correlation']>, ids: ReadonlySet<string>): NonNullable<ReportInput['correlation']> {
  const kept = matrix.ids.flatMap((id, i) => (ids.has(id) ? [i] : []));
  return { ids: kept.map((i) => matrix.ids[i] ?? ''), matrix: kept.map((i) => kept.map((j) => matrix.matrix[i]?.[j] ?? null)) };
}

/** The range and median of the correlation of every pair of different sleeves (those with one), as a sentence. */
function pairsNote(matrix: NonNullable<ReportInput['correlation']>): string {
  const values: number[] = [];
  for (let i = 0; i < matrix.ids.length; i++) {
    for (let j = i + 1; j < matrix.ids.length; j++) {
      const value = matrix.matrix[i]?.[j];
      if (value !== null && value !== undefined && Number.isFinite(value)) values.push(value);
    }
  }
  if (values.length === 0) return 'No pair of sleeves has a correlation.';
  values.sort((a, b) => a - b);
  const middle = values.length / 2;
  const median = values.length % 2 === 1 ? (values[Math.floor(middle)] ?? 0) : ((values[middle - 1] ?? 0) + (values[middle] ?? 0)) / 2;
  const fixed = (value: number) => (Object.is(value, -0) ? 0 : value).toFixed(2);
  return `Across all ${String(values.length)} pairs with a correlation: from ${fixed(values[0] ?? 0)} to ${fixed(values[values.length - 1] ?? 0)}, median ${fixed(median)}.`;
}

/**
 * Whether axis labels slanted at 30° read well in cells `cell` pixels wide: cells of 40 pixels
 * or more, and labels of 20 characters at most — a longer one, slanted, runs on under its
 * neighbours' columns (its box over theirs). Otherwise they are set upright.
 */
function slantedFits(labels: readonly string[], cell: number): boolean {
  return cell >= 40 && labels.every((label) => label.length <= 20);
}
