import type { LoggerInterface } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { loadDataset } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { SmaCrossoverStrategy } from '@ensemble/strategies';
import { describe, expect, it } from 'vitest';
import { buildRandomWalkRun } from '../__fixtures__/random-walk-run';
import { buildSmallRun } from '../__fixtures__/small-run';
import { backtestReportInput } from '../from-backtest';
import { buildCharts, SLEEVE_COLORS, sleeveColor } from './index';
import type { ChartOptions, ReportChart } from './index';
import { normalizeSvg, renderSvg } from '../svg';
import { base } from './theme';
import { LOG_SCALE, seriesLegend } from './time-series';

const options: ChartOptions = { width: 900, maxPoints: 5000, timeFormat: 'date' };

function compileWarnings(chart: ReportChart): string[] {
  const messages: string[] = [];
  const logger: LoggerInterface = {
    level(this: LoggerInterface) {
      return this;
    },
    error: (...args: readonly unknown[]) => (messages.push(`error: ${args.map(String).join(' ')}`), logger),
    warn: (...args: readonly unknown[]) => (messages.push(`warn: ${args.map(String).join(' ')}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  compile(chart.spec as TopLevelSpec, { logger });
  return messages;
}

interface Layer {
  data?: { values: Record<string, unknown>[] };
  layer?: Layer[];
  encoding?: Record<string, { scale?: { range?: string[] } }>;
  params?: unknown[];
}

function layers(spec: Layer): Layer[] {
  return [spec, ...(spec.layer ?? []).flatMap(layers)];
}

describe('buildCharts', () => {
  it('builds every chart for an orchestrated run, and vega-lite compiles each without a warning', () => {
    const charts = buildCharts(buildRandomWalkRun({ bars: 800 }), options);
    expect(charts.map((chart) => chart.id)).toEqual([
      'equity',
      'drawdown',
      'sleeve-equity',
      'weights',
      'monthly-returns',
      'rolling-sharpe',
      'contribution',
      'attribution',
      'correlation',
    ]);
    for (const chart of [...charts, ...buildCharts(buildSmallRun(), { ...options, interactive: false })]) {
      expect(compileWarnings(chart), chart.id).toEqual([]);
    }
  });

  it('draws the portfolio\'s return of each period as a tick over the contributions, where the input has it; vega-lite compiles it without a warning', async () => {
    const run = buildRandomWalkRun({ bars: 800 });
    const periods = run.attribution?.periods ?? [];
    // A made-up portfolio return per period (a third of a point above the sum), one of them unknown.
    const withPortfolio = {
      ...run,
      attribution: {
        periods: periods.map((period, k) => ({ ...period, portfolioReturn: k === 1 ? null : Object.values(period.bySleeve).reduce<number>((sum, value) => sum + (value ?? 0), 0) + 0.003 })),
      },
    };
    const chart = buildCharts(withPortfolio, options).find((candidate) => candidate.id === 'attribution');
    if (chart === undefined) throw new Error('no attribution chart');
    expect(compileWarnings(chart)).toEqual([]);
    const [, bars, ticks] = layers(chart.spec);
    expect(bars?.encoding?.color?.scale?.range?.slice(0, 3)).toEqual([0, 1, 2].map(sleeveColor));
    expect(ticks?.data?.values).toEqual(withPortfolio.attribution.periods.flatMap((period) => (period.portfolioReturn === null ? [] : [{ p: period.label, r: period.portfolioReturn }])));
    expect(await renderSvg(chart.spec, 'attribution')).toMatch(/^<svg/);
    // Without it, the stacked bars alone, as before.
    const plain = buildCharts(run, options).find((candidate) => candidate.id === 'attribution');
    expect((plain?.spec as Layer).layer).toBeUndefined();
  });

  it('leaves out the sleeve charts for a single strategy and the charts without data', () => {
    const input = buildSmallRun();
    const single = { ...input, sleeves: input.sleeves.slice(0, 1), attribution: undefined, correlation: undefined };
    // Eight bars hold no 126-bar rolling window.
    expect(buildCharts(single, options).map((chart) => chart.id)).toEqual(['equity', 'drawdown', 'monthly-returns']);
    expect(buildCharts({ ...single, sleeves: [] }, options).map((chart) => chart.id)).toEqual(['equity', 'drawdown', 'monthly-returns']);
  });

  it('downsamples long curves for drawing, with a small hover data set', () => {
    const charts = buildCharts(buildRandomWalkRun({ bars: 12_000, tradesPerSleeve: 5 }), options);
    const equity = charts.find((chart) => chart.id === 'equity');
    if (equity === undefined) throw new Error('no equity chart');
    const [main, ...rest] = layers(equity.spec);
    const rows = main?.data?.values ?? [];
    const portfolioRows = rows.filter((row) => row.k === 'portfolio');
    expect(portfolioRows.length).toBeLessThanOrEqual(5000);
    expect(portfolioRows.length).toBeGreaterThan(4000);
    const hover = rest.find((layer) => layer.params !== undefined);
    expect(hover?.data?.values.length).toBe(400);
  });

  it('gives each sleeve the same colour in every chart', () => {
    const charts = buildCharts(buildRandomWalkRun({ bars: 300 }), options);
    for (const id of ['sleeve-equity', 'weights', 'contribution', 'attribution'] as const) {
      const chart = charts.find((entry) => entry.id === id);
      const ranges = layers(chart?.spec as Layer).flatMap((layer) => (layer.encoding?.color?.scale?.range ? [layer.encoding.color.scale.range] : []));
      expect(ranges.length, id).toBeGreaterThan(0);
      for (const range of ranges) expect(range.slice(0, 3), id).toEqual([0, 1, 2].map(sleeveColor));
    }
  });

  it('gives sleeves after the palette colours of their own, none repeating the palette', () => {
    expect(Array.from({ length: 20 }, (_, i) => sleeveColor(i))).toEqual(SLEEVE_COLORS);
    const colours = Array.from({ length: 520 }, (_, i) => sleeveColor(i));
    for (const colour of colours) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(colours).size).toBe(520);
    // The 21st sleeve: hue 18°, saturation 62 %, lightness 42 % — by hand, chroma 0.5208,
    // (r, g, b) = (0.6804, 0.3158, 0.1596) → (174, 81, 41).
    expect(sleeveColor(20)).toBe('#ae5129');
  });
});

describe('seriesLegend', () => {
  it('lays many series out in columns that fit the chart, every one listed', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => ({ key: `s${String(i)}`, label: `sleeve-${String(i).padStart(2, '0')}` }));
    // 9-character labels: 24 + ceil(9 × 6.5) + 12 = 95 pixels an entry, 9 of them in 900 pixels.
    expect(seriesLegend(lines, 900)).toMatchObject({ columns: 9, symbolLimit: 0 });
    expect(seriesLegend(lines.slice(0, 3), 900)).toMatchObject({ columns: 3 });
    // The chart keeps its width: the legend grows downwards, not sideways.
    const spec = { ...base({ ...options, width: 600 }, 200, 40), data: { values: lines.map((line, i) => ({ k: line.key, v: i })) }, mark: 'bar', encoding: { x: { field: 'k', type: 'nominal', axis: null }, y: { field: 'v', type: 'quantitative' }, color: { field: 'k', type: 'nominal', legend: seriesLegend(lines, 600) } } };
    const svg = await renderSvg(spec);
    const width = Number(/<svg[^>]* width="([0-9.]+)"/.exec(svg)?.[1]);
    expect(width).toBeLessThan(700);
    expect(svg).toContain('>sleeve-49<');
  });
});

describe('renderSvg', () => {
  it('draws every chart of a run whose sleeve ids name members of every object (constructor, toString)', async () => {
    // Vega cannot compile a string literal "constructor" in an expression, and keeps scale
    // categories in plain objects: ids reach the scales as keys, and labels through labelExpr.
    const run = buildRandomWalkRun({ bars: 300 });
    const names = ['constructor', 'toString', 'valueOf', '__proto__'];
    const rename = new Map(run.sleeves.map((sleeve, i) => [sleeve.id, names[i % names.length] ?? sleeve.id]));
    const input = {
      ...run,
      sleeves: run.sleeves.map((sleeve) => ({ ...sleeve, id: rename.get(sleeve.id) ?? sleeve.id })),
      ...(run.correlation === undefined ? {} : { correlation: { ...run.correlation, ids: run.correlation.ids.map((id) => rename.get(id) ?? id) } }),
      ...(run.attribution === undefined
        ? {}
        : { attribution: { ...run.attribution, periods: run.attribution.periods.map((period) => ({ ...period, bySleeve: Object.fromEntries(Object.entries(period.bySleeve).map(([id, value]) => [rename.get(id) ?? id, value])) })) } }),
    };
    const charts = buildCharts(input, { ...options, interactive: false });
    expect(charts.map((chart) => chart.id)).toEqual(expect.arrayContaining(['contribution', 'correlation', 'sleeve-equity', 'weights']));
    for (const chart of charts) {
      const svg = await renderSvg(chart.spec, chart.id);
      if (['contribution', 'correlation', 'sleeve-equity'].includes(chart.id)) expect(svg, chart.id).toContain('>constructor<');
    }
  });

  it('gives the same bytes for the same spec, with ids renumbered under the prefix', async () => {
    // The contribution chart clips its bars, so its SVG holds clip-path ids.
    const chart = buildCharts(buildSmallRun(), { ...options, interactive: false }).find((entry) => entry.id === 'contribution');
    if (chart === undefined) throw new Error('no chart');
    const first = await renderSvg(chart.spec, 'a');
    const second = await renderSvg(chart.spec, 'a');
    expect(second).toBe(first);
    const ids = [...first.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^a-\d+$/);
    for (const [, reference] of first.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(reference);
  });

  it('normalizeSvg renames ids and their references and rounds coordinates', () => {
    const svg = '<svg><defs><clipPath id="clip7"><path d="M0.123456,1.5L2.999999,3"/></clipPath></defs><g clip-path="url(#clip7)" transform="translate(10.33333,4)"><text>1.23456</text></g></svg>';
    expect(normalizeSvg(svg, 'x')).toBe(
      '<svg><defs><clipPath id="x-1"><path d="M0.12,1.5L3,3"/></clipPath></defs><g clip-path="url(#x-1)" transform="translate(10.33,4)"><text>1.23456</text></g></svg>',
    );
  });
});

describe('the equity chart on a log scale (the page\'s switch)', () => {
  /** The equity chart's spec with the y scale the page's log switch gives it. */
  function logSpec(chart: ReportChart | undefined): ReportChart['spec'] {
    if (chart === undefined) throw new Error('no equity chart');
    const spec = chart.spec as unknown as { layer: { encoding: { y: Record<string, unknown> } }[] };
    const [first, ...rest] = spec.layer;
    if (first === undefined) throw new Error('no first layer');
    return { ...spec, layer: [{ ...first, encoding: { ...first.encoding, y: { ...first.encoding.y, scale: LOG_SCALE } } }, ...rest] };
  }

  it('fits its domain to the data (0.6M to 2.4M), not to the powers of ten around it', async () => {
    // Portfolio equity by hand, from 600,000 to 2,400,000; no benchmark line.
    const small = buildSmallRun();
    const equity = [600_000, 750_000, 900_000, 1_200_000, 1_100_000, 1_600_000, 2_000_000, 2_400_000];
    const input = { ...small, benchmark: undefined, sleeves: [], attribution: undefined, correlation: undefined, portfolio: { ...small.portfolio, equity: { ...small.portfolio.equity, equity } } };
    const chart = buildCharts(input, { ...options, interactive: true }).find((candidate) => candidate.id === 'equity');
    const svg = await renderSvg(logSpec(chart));
    const range = /Y-axis titled 'Equity' for a log scale with values from ([\d,.]+) to ([\d,.]+)/.exec(svg);
    const [low, high] = [Number(range?.[1]?.replace(/,/g, '')), Number(range?.[2]?.replace(/,/g, ''))];
    // The data's extent plus a few pixels of padding: within 10 % of 600,000 below and 2,400,000 above.
    expect(low).toBeLessThanOrEqual(600_000);
    expect(low).toBeGreaterThan(540_000);
    expect(high).toBeGreaterThanOrEqual(2_400_000);
    expect(high).toBeLessThan(2_640_000);
  });
});

describe('the time axis of a run of a few days', () => {
  /** The labels of a chart's time axis, as vega draws them. */
  function timeLabels(svg: string): string[] {
    const start = svg.indexOf('aria-label="X-axis');
    if (start < 0) throw new Error('no X axis');
    const group = svg.slice(start, svg.indexOf('role-axis-domain', start));
    return [...group.slice(group.indexOf('role-axis-label')).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
  }

  it('ticks two daily bars at their dates, not at the hours between them (03 AM, 06 AM)', async () => {
    const day = 86_400_000;
    const time = [Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2)];
    const input = backtestReportInput({ strategy: { id: 'hold' }, symbols: ['TWO'], equity: { time, equity: [100_000, 101_000], cash: [0, 0] }, trades: [], fills: [] });
    for (const chart of buildCharts(input, { ...options, interactive: false }).filter((candidate) => candidate.id === 'equity' || candidate.id === 'drawdown')) {
      expect(timeLabels(await renderSvg(chart.spec)), chart.id).toEqual(['2020-01-01', '2020-01-02']);
    }
    // A longer run keeps vega's ticks.
    const long = Array.from({ length: 30 }, (_, i) => Date.UTC(2020, 0, 1) + i * day);
    const monthInput = backtestReportInput({ strategy: { id: 'hold' }, symbols: ['X'], equity: { time: long, equity: long.map((_, i) => 100_000 + i), cash: long.map(() => 0) }, trades: [], fills: [] });
    const equity = buildCharts(monthInput, { ...options, interactive: false }).find((candidate) => candidate.id === 'equity');
    if (equity === undefined) throw new Error('no equity chart');
    expect(timeLabels(await renderSvg(equity.spec))).not.toContain('2020-01-02');
  });
});

// Regression: over weeks of intraday bars every tick read "2024-01-08 00:00" (one format, '%Y-%m-%d %H:%M').
describe('the time axis of intraday bars', () => {
  function timeLabels(svg: string): string[] {
    const start = svg.indexOf('aria-label="X-axis');
    if (start < 0) throw new Error('no X axis');
    const group = svg.slice(start, svg.indexOf('role-axis-domain', start));
    return [...group.slice(group.indexOf('role-axis-label')).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
  }
  /** Five-minute bars 09:30–15:55 UTC on the weekdays from `first` (a Monday) for `days` calendar days. */
  function sessions(first: number, days: number): number[] {
    const time: number[] = [];
    for (let day = first; day < first + days * 86_400_000; day += 86_400_000) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (let minute = 9 * 60 + 30; minute < 16 * 60; minute += 5) time.push(day + minute * 60_000);
    }
    return time;
  }
  const equityOf = (time: number[]) => {
    const input = backtestReportInput({ strategy: { id: 'hold' }, symbols: ['X'], equity: { time, equity: time.map((_, i) => 100_000 + (i % 50)), cash: time.map(() => 0) }, trades: [], fills: [] });
    const chart = buildCharts(input, { ...options, timeFormat: 'datetime', interactive: false }).find((candidate) => candidate.id === 'equity');
    if (chart === undefined) throw new Error('no equity chart');
    return chart;
  };

  it('labels the ticks over weeks with dates, and over a session with times of day', async () => {
    const weeks = timeLabels(await renderSvg(equityOf(sessions(Date.UTC(2024, 0, 8), 21)).spec));
    expect(weeks.length).toBeGreaterThan(2);
    for (const label of weeks) expect(label).toMatch(/^2024-01-\d\d$/);
    const session = timeLabels(await renderSvg(equityOf(sessions(Date.UTC(2024, 0, 8), 1)).spec));
    expect(session.length).toBeGreaterThan(2);
    for (const label of session) expect(label).toMatch(/^(09|1[0-5]):[0-5]\d$/);
  });
});

describe('the rolling Sharpe chart of nearly constant returns', () => {
  it('groups the thousands of its axis labels (−2,500,000.0, not −2500000.0), as the metrics table writes its Sharpe', async () => {
    // A price falling 0.5 % a bar, held with a little cash: returns of almost the same size every bar.
    const day = 86_400_000;
    const time = Array.from({ length: 300 }, (_, i) => Date.UTC(2020, 0, 1) + i * day);
    const equity = time.map((_, i) => 100 + 99_900 * 0.995 ** i);
    const input = backtestReportInput({ strategy: { id: 'hold' }, symbols: ['DOWN'], equity: { time, equity, cash: time.map(() => 100) }, trades: [], fills: [] });
    const chart = buildCharts(input, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe');
    if (chart === undefined) throw new Error('no rolling Sharpe chart');
    const svg = await renderSvg(chart.spec);
    const start = svg.indexOf("aria-label=\"Y-axis titled 'Sharpe'");
    const labels = [...svg.slice(start, svg.indexOf('role-axis-domain', start)).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
    const long = labels.filter((label) => label.replace(/[^\d]/g, '').length > 4);
    expect(long.length).toBeGreaterThan(0);
    for (const label of long) expect(label).toMatch(/^[−-]?\d{1,3}(,\d{3})+\.\d$/);
  });
});

describe('percent axes of shallow series', () => {
  /** The labels of an SVG's text elements that end in a percent sign, in document order. */
  function percentLabels(svg: string): string[] {
    return [...svg.matchAll(/<text[^>]*>([^<]*%)<\/text>/g)].map((match) => match[1] ?? '');
  }

  it('labels the underwater chart of a 2.2% drawdown with its ticks\' own values, each once', async () => {
    const run = buildRandomWalkRun({ bars: 200 });
    const { time } = run.portfolio.equity;
    const start = run.portfolio.metrics.metrics.startEquity ?? 100_000;
    // Down to 97.8% of the start at the middle bar and back: d3's nice ticks for [−0.022, 0] step by 0.005.
    const equity = Array.from(time, (_, i) => start * (1 - 0.022 * Math.sin((Math.PI * i) / (time.length - 1))));
    const shallow = { ...run, portfolio: { ...run.portfolio, equity: { ...run.portfolio.equity, equity } } };
    const chart = buildCharts(shallow, options).find((candidate) => candidate.id === 'drawdown');
    if (chart === undefined) throw new Error('no drawdown chart');
    // Rounded to whole percents, −1.5% and −0.5% were drawn as a second "−2%" and "−1%" (or "−0%").
    expect(percentLabels(await renderSvg(chart.spec, 'drawdown'))).toEqual(['−2%', '−1.5%', '−1%', '−0.5%', '0%']);
  });
});

describe('the rolling Sharpe chart of a run measured from its cash', () => {
  // Regression: the chart read the equity points alone, so with close fills its first window left
  // out the return from the cash to the first point (the first bar's costs) the metrics count.
  const day = 86_400_000;
  const time = Array.from({ length: 6 }, (_, i) => Date.UTC(2024, 0, 1) + i * day);
  // Cash 1,000; the first bar's costs 10.
  const equity = [990, 1000, 985, 1010, 1005, 1020];
  const chartValues = (fill: 'close' | 'next-open', points: readonly number[] = equity, config?: unknown) => {
    const input = backtestReportInput(
      { strategy: { id: 'hold' }, symbols: ['X'], options: { fill, cash: 1000 }, equity: { time: time.slice(0, points.length), equity: points, cash: points.map(() => 0) }, trades: [], fills: [] },
      { periodsPerYear: 8, ...(config === undefined ? {} : { config }) },
    );
    const chart = buildCharts(input, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe');
    const rows = layers(chart?.spec as Layer).flatMap((layer) => layer.data?.values ?? []);
    return { input, rows: rows.filter((row) => 't' in row).map((row) => ({ t: row.t, v: row.v })) };
  };

  it('reads the returns the metrics read: from the cash with close fills, from the first point with next-open fills', () => {
    // numpy over the returns from 1,000 → 990, …, 1,020, 4 a window (P = 8), mean / std(ddof=1) · √8.
    const { input, rows } = chartValues('close');
    expect(input.portfolio.metrics.metrics.startEquity).toBe(1000);
    expect(rows).toEqual([
      { t: time[3], v: 0.3974 },
      { t: time[4], v: 0.6219 },
      { t: time[5], v: 0.7833 },
    ]);
    // The first window covers the whole run up to its bar: the metrics' sharpe of that run.
    const cut = chartValues('close', equity.slice(0, 5));
    expect(cut.rows[0]?.v).toBeCloseTo(0.3973572715276861, 4);
    const firstFour = backtestReportInput({ strategy: { id: 'hold' }, symbols: ['X'], options: { fill: 'close', cash: 1000 }, equity: { time: time.slice(0, 4), equity: equity.slice(0, 4), cash: [0, 0, 0, 0] }, trades: [], fills: [] }, { periodsPerYear: 8 });
    expect(firstFour.portfolio.metrics.metrics.sharpe).toBeCloseTo(0.3973572715276861, 12);
    // Next-open fills: the first point is the cash's own, no return before it.
    const nextOpen = chartValues('next-open', [1000, ...equity.slice(1)]);
    expect(nextOpen.input.portfolio.metrics.metrics.startEquity).toBe(1000);
    expect(nextOpen.rows.map((row) => row.t)).toEqual([time[4], time[5]]);
  });

  it('counts the return of 0 from the cash when nothing traded on the first bar (a warm-up), as the metrics do; a run config tells it too', () => {
    // numpy: returns 0, −0.01, …; windows of 4 at P = 8; the whole run's sharpe 0.17654830649392522.
    const warm = [1000, 990, 1000, 985, 1010, 1005];
    const golden = [-0.9466781159539184, 0.3973572715276861, 0.6219414982225825];
    const { input, rows } = chartValues('close', warm);
    expect(rows).toEqual(golden.map((v, k) => ({ t: time[3 + k], v: Math.round(v * 1e4) / 1e4 })));
    expect(input.portfolio.metrics.metrics.sharpe).toBeCloseTo(0.17654830649392522, 12);
    // A run config says close fills and the cash at its top level.
    expect(chartValues('close', warm, { fill: 'close', cash: 1000, strategies: [] }).rows).toEqual(rows);
    // Metrics given by the caller from the points alone (startEquity 990): the chart reads the points too.
    const fromPoints = chartValues('close', equity, { options: { fill: 'next-open', cash: 1000 } });
    expect(fromPoints.rows.map((row) => row.t)).toEqual([time[4], time[5]]);
  });

  it('over a real close-fill run, a window covering all but the last bar is the sharpe of the run cut there', async () => {
    const run = async (to: string) => {
      const data = await loadDataset('sp500', { from: '2019-01-01', to });
      return runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 5, slow: 20 }), fill: 'close', commission: { kind: 'percent', rate: 0.001 } });
    };
    const whole = await run('2019-12-31');
    const n = whole.equity.time.length;
    // P = 2(n − 1): a window of n − 1 returns, the first ending at bar n − 2 (from the cash).
    const input = backtestReportInput(whole, { periodsPerYear: 2 * (n - 1) });
    const chart = buildCharts(input, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe');
    const rows = layers(chart?.spec as Layer).flatMap((layer) => layer.data?.values ?? []).filter((row) => 't' in row);
    expect(rows.map((row) => row.t)).toEqual([whole.equity.time[n - 2], whole.equity.time[n - 1]]);
    const cut = backtestReportInput(await run(new Date(whole.equity.time[n - 2] ?? 0).toISOString().slice(0, 10)), { periodsPerYear: 2 * (n - 1) });
    expect(cut.portfolio.equity.time).toHaveLength(n - 1);
    expect(rows[0]?.v).toBeCloseTo(cut.portfolio.metrics.metrics.sharpe ?? Number.NaN, 4);
  });
});

function missingSleeve(): never {
  throw new Error('the fixture has no sleeve');
}

describe('the sleeve charts of many sleeves', () => {
  // Fifteen sleeves (the fixture's four repeated): sleeve i holds a constant weight of
  // (i + 1) / 120 (they sum to 1), contributes i / 100, i / 1,000 in each period, and correlates
  // (i + j) / 100 with sleeve j. The ten largest are sleeves 5 to 14; sleeves 0 to 4 are grouped.
  const run = buildRandomWalkRun({ bars: 300 });
  const count = 15;
  const ids = Array.from({ length: count }, (_, i) => `m${String(i)}`);
  const many = {
    ...run,
    sleeves: ids.map((id, i) => ({ ...(run.sleeves[i % run.sleeves.length] ?? missingSleeve()), id, weight: run.portfolio.equity.time.map(() => (i + 1) / 120), contribution: i / 100 })),
    attribution: { periods: ['2020-01', '2020-02'].map((label) => ({ label, bySleeve: Object.fromEntries(ids.map((id, i) => [id, i / 1000])) })) },
    correlation: { ids, matrix: ids.map((_, i) => ids.map((__, j) => (i === j ? 1 : (i + j) / 100))) },
  };
  const charts = buildCharts(many, options);
  const chart = (id: string) => charts.find((candidate) => candidate.id === id);
  const shown = ids.slice(5);
  const note = '15 sleeves: the 10 with the largest average weight are drawn one by one, the other 5 together as “5 others” (every sleeve is in the Sleeves table).';

  it('draw the ten largest by average weight one by one, in their own colours, and the rest as one group', () => {
    const weights = chart('weights');
    expect(weights?.caption.endsWith(note)).toBe(true);
    const row = (weights?.spec as { data: { values: Record<string, number>[] } }).data.values[0] ?? {};
    expect(Object.keys(row).sort()).toEqual(['others', 't', ...shown.map((_, k) => `s${String(k + 5)}`)].sort());
    // 1/120 + … + 5/120 = 15/120.
    expect(row.others).toBeCloseTo(15 / 120, 5);
    expect(row.s14).toBeCloseTo(15 / 120, 5);
    const ranges = layers(weights?.spec as Layer).flatMap((layer) => (layer.encoding?.color?.scale?.range ? [layer.encoding.color.scale.range] : []));
    expect(ranges[0]).toEqual([...shown.map((_, k) => sleeveColor(k + 5)), '#616e7c']);

    const contribution = chart('contribution');
    expect(contribution?.caption.endsWith(note)).toBe(true);
    const bars = (contribution?.spec as { data: { values: { id: string; c: number }[] } }).data.values;
    // (0 + 1 + 2 + 3 + 4) / 100 for the group.
    expect(bars.map((bar) => bar.id)).toEqual([...shown, '5 others']);
    expect(bars.at(-1)?.c).toBeCloseTo(0.1, 12);

    const attribution = chart('attribution');
    const stacked = (attribution?.spec as { data: { values: { p: string; id: string; c: number }[] } }).data.values;
    expect(stacked.filter((entry) => entry.p === '2020-01').map((entry) => entry.id)).toEqual([...shown, '5 others']);
    expect(stacked.find((entry) => entry.id === '5 others')?.c).toBeCloseTo(0.01, 12);

    const equity = chart('sleeve-equity');
    expect(equity?.caption.endsWith('15 sleeves: the 10 with the largest average weight are drawn (every sleeve is in the Sleeves table).')).toBe(true);
    for (const entry of [weights, contribution, attribution, equity]) {
      if (entry === undefined) throw new Error('a sleeve chart is missing');
      expect(compileWarnings(entry), entry.id).toEqual([]);
    }
  });

  it('give the correlation of the ten, and the range and median of every pair of the fifteen', () => {
    const correlation = chart('correlation');
    const cells = (correlation?.spec as { data: { values: { an: string; bn: string; c: number | null }[] } }).data.values;
    expect(cells).toHaveLength(100);
    expect(new Set(cells.map((cell) => cell.an))).toEqual(new Set(shown));
    // The 105 pairs i < j correlate (i + j) / 100, from 0.01 to 0.27: their sums listed in order
    // here, the 53rd is the median.
    const sums: number[] = [];
    for (let s = 1; s <= 27; s++) for (let i = 0; i < count; i++) if (s - i > i && s - i < count) sums.push(s);
    expect(sums).toHaveLength(105);
    expect(correlation?.caption).toBe(
      `Pearson correlation of sleeve returns. 15 sleeves: the 10 with the largest average weight are drawn (every sleeve is in the Sleeves table). Across all 105 pairs with a correlation: from 0.01 to 0.27, median ${((sums[52] ?? 0) / 100).toFixed(2)}.`,
    );
  });

  it('draw every sleeve while there are twelve or fewer', () => {
    const twelve = { ...many, sleeves: many.sleeves.slice(0, 12), correlation: undefined, attribution: undefined };
    const weights = buildCharts(twelve, options).find((candidate) => candidate.id === 'weights');
    const row = (weights?.spec as { data: { values: Record<string, number>[] } }).data.values[0] ?? {};
    expect(Object.keys(row)).not.toContain('others');
    expect(Object.keys(row).filter((key) => key.startsWith('s'))).toHaveLength(12);
  });
});

describe('the rolling Sharpe chart across a stretch in cash', () => {
  // Regression: a stretch where the ratio is undefined (flat in cash) was bridged by a straight line.
  it('breaks the line there: a null point at the stretch, and two paths drawn', async () => {
    const day = 86_400_000;
    // P = 8: windows of 4 returns. Bars 5–12 are flat (returns of 0: no ratio), the rest move.
    const equity = [1000, 1010, 1000, 1020, 1015, 1030, 1030, 1030, 1030, 1030, 1030, 1030, 1030, 1040, 1035, 1050, 1045, 1060];
    const time = equity.map((_, i) => Date.UTC(2024, 0, 1) + i * day);
    const input = backtestReportInput({ strategy: { id: 'in-and-out' }, symbols: ['X'], options: { fill: 'next-open', cash: 1000 }, equity: { time, equity, cash: equity.map(() => 0) }, trades: [], fills: [] }, { periodsPerYear: 8 });
    const chart = buildCharts(input, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe');
    if (chart === undefined) throw new Error('no rolling Sharpe chart');
    const rows = layers(chart.spec).flatMap((layer) => layer.data?.values ?? []).filter((row) => 't' in row);
    // Defined at bars 4–8 (a move within the last 4 returns), undefined at 9–12 (4 returns of 0), defined from 13.
    expect(rows.map((row) => [time.indexOf(row.t as number), row.v === null ? null : 'v'])).toEqual([
      [4, 'v'], [5, 'v'], [6, 'v'], [7, 'v'], [8, 'v'], [9, null], [13, 'v'], [14, 'v'], [15, 'v'], [16, 'v'], [17, 'v'],
    ]);
    // Drawn as two paths: the line's `d` starts a new subpath after the stretch.
    const svg = await renderSvg(chart.spec, 'rolling');
    const line = /<path[^>]*aria-roledescription="line mark"[^>]*d="([^"]+)"/.exec(svg) ?? /<path[^>]*d="([^"]+)"[^>]*aria-roledescription="line mark"/.exec(svg);
    expect(line?.[1]?.match(/M/g)).toHaveLength(2);
  });
});

describe('the rolling Sharpe chart of a few periods a year', () => {
  it('says a window of few returns swings widely (monthly bars: 6), and says nothing of the kind for daily bars', () => {
    const caption = (periodsPerYear: number) => {
      const input = buildRandomWalkRun({ bars: 400 });
      return buildCharts({ ...input, periodsPerYear }, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe')?.caption;
    };
    expect(caption(12)).toBe('Annualised Sharpe ratio over the last 6 bars (half a year at 12 periods per year); over as few as 6 returns a window it swings widely, so read its level rather than its moves.');
    expect(caption(252)).toBe('Annualised Sharpe ratio over the last 126 bars (half a year at 252 periods per year).');
    // Yearly bars and sparser: half a year holds under 2 bars, not "half a year at 1 periods per year".
    expect(caption(1)).toBe('Annualised Sharpe ratio over the last 2 bars (the fewest a ratio takes: half a year holds fewer at 1 period per year); over as few as 2 returns a window it swings widely, so read its level rather than its moves.');
    expect(caption(0.5)).toContain('half a year holds fewer at 0.5 periods per year');
    const title = (periodsPerYear: number) => buildCharts({ ...buildRandomWalkRun({ bars: 400 }), periodsPerYear }, { ...options, interactive: false }).find((candidate) => candidate.id === 'rolling-sharpe')?.title;
    expect([title(252), title(12), title(1)]).toEqual(['Rolling Sharpe (6 months)', 'Rolling Sharpe (6 months)', 'Rolling Sharpe (2 bars)']);
  });
});
