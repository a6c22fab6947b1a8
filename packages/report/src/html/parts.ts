import type { ReportChart, VegaLiteSpec } from '../charts/index';
import { escapeHtml } from './page';

/** Chart width before the page fits each chart to its element (a wide panel on a laptop screen). */
export const HTML_CHART_WIDTH = 1150;

/** How a table column's cells are shown and sorted. */
export type ColumnType = 'text' | 'sleeve' | 'time' | 'int' | 'qty' | 'price' | 'money' | 'pct' | 'ratio';

/** A column of an interactive table. */
export interface TableColumn {
  readonly label: string;
  readonly type: ColumnType;
  readonly signed?: boolean;
  readonly wrap?: boolean;
  /** What the column holds, shown on hover of its header. */
  readonly title?: string;
}

/** A table the page script fills, sorts and filters: its columns, rows and what a row is called. */
export interface InteractiveTable {
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  readonly sortable: boolean;
  readonly noun: string;
}

const NUMERIC_TYPES = new Set<ColumnType>(['int', 'qty', 'price', 'money', 'pct', 'ratio']);

/** The panel of an interactive table: a filter box (when `filterable`) and an empty table the page fills. */
export function interactiveTable(id: string, table: InteractiveTable, filterable: boolean, placeholder: string): string {
  const head = table.columns
    .map((column) => `<th scope="col"${NUMERIC_TYPES.has(column.type) ? ' class="num"' : ''}${column.title === undefined ? '' : ` title="${escapeHtml(column.title)}"`}>${escapeHtml(column.label)}</th>`)
    .join('');
  const search = filterable
    ? `<input type="search" placeholder="${escapeHtml(placeholder)}" aria-label="${escapeHtml(placeholder)}">`
    : '<span></span>';
  return `<div class="panel" data-table="${id}">
<div class="table-tools">${search}<span class="note"></span></div>
<div class="table-wrap scroll"><table><thead><tr>${head}</tr></thead><tbody></tbody></table></div>
<noscript><p class="note">Turn on JavaScript to see this table; the JSON result holds the same rows.</p></noscript>
</div>`;
}

/**
 * A chart's spec as the page embeds it: with its title and caption as the spec's `description`,
 * which vega gives the drawing as its accessible name (otherwise every chart is "Vega visualization").
 */
export function describedSpec(chart: Pick<ReportChart, 'title' | 'caption' | 'spec'>): VegaLiteSpec {
  return { ...chart.spec, description: `${chart.title}. ${chart.caption}` };
}

/** A figure holding `chart` (drawn by the page script), its title and caption. */
export function chartPanel(chart: Pick<ReportChart, 'title' | 'caption'> & { readonly id: string }, options: { wide?: boolean; toggle?: string; extra?: string; center?: boolean }): string {
  return `<figure class="panel${options.wide === true ? ' wide' : ''}" id="figure-${chart.id}">
<div class="panel-head"><h3>${escapeHtml(chart.title)}</h3>${options.toggle ?? ''}</div>
<div class="chart${options.center === true ? ' center' : ''}" data-chart="${chart.id}"${chart.id === 'equity' ? ' data-scale="linear"' : ''} role="img" aria-label="${escapeHtml(chart.title)}: ${escapeHtml(chart.caption)}"></div>
<figcaption class="caption">${escapeHtml(chart.caption)}</figcaption>${options.extra ?? ''}
</figure>`;
}

/** A small colour square before a sleeve's name. */
export function swatch(color: string): string {
  return `<span class="swatch" style="background:${color}"></span>`;
}

/** The cell class of a signed number: green above zero, red below. */
export function toneClass(value: number | null): string {
  if (value === null || value === 0) return 'num';
  return value > 0 ? 'num pos' : 'num neg';
}
