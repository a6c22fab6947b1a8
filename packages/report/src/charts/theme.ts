import { MONTH_LABELS } from '../sections';
import type { ChartOptions } from './types';

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
 * in every chart and table. Sleeves after the twentieth get colours of their own from
 * {@link sleeveColor}.
 */
export const SLEEVE_COLORS: readonly string[] = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#8cd17d', '#ff9d9a', '#86bcb6', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
];

/**
 * The colour of the sleeve at `index`: the palette's for the first twenty; after them a hue
 * stepped by the golden angle (137.5°, so that neighbours differ most) at one of three lightness
 * and saturation levels: no two of the first 520 sleeves share a colour.
 */
export function sleeveColor(index: number): string {
  const listed = SLEEVE_COLORS[index];
  if (listed !== undefined) return listed;
  const n = Math.max(0, Math.floor(index) - SLEEVE_COLORS.length);
  const hue = (n * 137.50776405003785 + 18) % 360;
  const level = n % 3;
  return hslHex(hue, [0.62, 0.48, 0.7][level] ?? 0.62, [0.42, 0.58, 0.33][level] ?? 0.42);
}

/** `#rrggbb` of a colour given as hue (degrees), saturation and lightness (0..1). */
function hslHex(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (shift: number): string => {
    const k = (shift + hue / 30) % 12;
    const value = lightness - chroma * Math.max(-1, Math.min(k - 3, 9 - k, 1)) / 2;
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** System font stack: charts and page use the reader's own fonts, nothing is downloaded. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Month labels of the monthly-returns heatmap's columns. */
export const MONTH_NAMES: readonly string[] = MONTH_LABELS;

/** The vega-lite config shared by every chart: fonts, axis and legend colours. */
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
export function base(options: ChartOptions, height: number, reserve: number, fixed = false) {
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
export function axisReserve(label: string): number {
  return Math.round(40 + 6.5 * label.length);
}

/** The values at `indices`. */
export function pick(values: ArrayLike<number>, indices: readonly number[]): number[] {
  return indices.map((i) => values[i] ?? Number.NaN);
}

/** `value` rounded to `digits` significant digits: chart data needs no more, and the page gets smaller. */
export function round(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

