import { describePeriodsPerYearBasis, periodsPerYearBasis } from '@ensemble/performance';
import { buildCharts } from './charts/index';
import type { ChartId } from './charts/index';
import { formatCount, formatCurrency, formatMetric, formatNumber, formatPercent, MISSING } from './format';
import { resolveOptions } from './options';
import type { ReportOptions, ResolvedReportOptions } from './options';
import { parseReportInput } from './report-input';
import type { ReportInput } from './report-input';
import {
  formatConflictInputs,
  formatWeights,
  GROUP_TITLES,
  headline,
  averageWeight,
  lastValue,
  metricRows,
  metricsColumns,
  MONTH_LABELS,
  formatSpan,
  sleeveReturnsNote,
  steadyReturnsNote,
  strategyTradeCount,
} from './sections';
import { renderSvg } from './svg';
import { detectTimeFormat, formatTime } from './time';
import type { TimeFormat } from './time';

/** Charts of the Markdown report: the essentials, drawn as inline SVG. */
const MARKDOWN_CHARTS: readonly ChartId[] = ['equity', 'drawdown', 'weights', 'contribution'];
const MARKDOWN_CHART_WIDTH = 760;
/** Points per curve in Markdown charts: plenty for a 760-pixel static image, and it keeps the file small. */
const MARKDOWN_MAX_POINTS = 1500;
/** Sleeve columns per metrics table: wider tables are split. */
const METRIC_COLUMNS_PER_TABLE = 6;

/**
 * Free text in Markdown prose (a run's title, an error message, a symbol): on one line, with
 * control characters shown as `\u…` escapes, and nothing a renderer would read as HTML, emphasis,
 * a link, code or a heading — a title `<img onerror=…>` or a newline followed by `# …` stays text.
 */
function inline(text: string): string {
  return text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are what is replaced
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\\`*_[\]#]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A table cell's text: on one line, pipes, backslashes and backticks escaped (a backtick opened a
 * code span across the cell), no HTML, control and bidirectional characters as `\u…` escapes.
 */
function cell(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/`/g, '\\`')
      .replace(/</g, '&lt;')
      .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
      // eslint-disable-next-line no-control-regex -- control characters are what is replaced
      .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (align[i] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function codeFence(text: string): string {
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  return fence;
}

function countNote(shown: number, total: number, what: string): string {
  return shown < total ? `Showing the first ${formatCount(shown)} of ${formatCount(total)} ${what}.\n\n` : '';
}

function metricsSection(input: ReportInput): string {
  const columns = metricsColumns(input);
  const [portfolio, ...sleeves] = columns;
  if (portfolio === undefined) return '';
  const chunks: (typeof columns)[] = [];
  if (sleeves.length === 0) chunks.push([portfolio]);
  for (let i = 0; i < sleeves.length; i += METRIC_COLUMNS_PER_TABLE) chunks.push([portfolio, ...sleeves.slice(i, i + METRIC_COLUMNS_PER_TABLE)]);
  const tables = chunks.map((chunk) => {
    const rows: string[][] = [];
    for (const group of metricRows(chunk)) {
      rows.push([`**${GROUP_TITLES[group.group]}**`, ...chunk.map(() => '')]);
      for (const row of group.rows) rows.push([row.label, ...row.cells]);
    }
    return table(['Metric', ...chunk.map((column) => column.label)], rows, ['l', ...chunk.map(() => 'r' as const)]);
  });
  const note = [sleeveReturnsNote(input), steadyReturnsNote(columns)].filter((text) => text !== '').join(' ');
  return `## Metrics\n\n${tables.join('\n\n')}\n${note === '' ? '' : `\n${note}\n`}`;
}

function sleevesSection(input: ReportInput): string {
  if (input.sleeves.length === 0) return '';
  const rows = input.sleeves.map((sleeve) => [
    sleeve.id,
    sleeve.strategy,
    sleeve.symbols.join(', '),
    formatPercent(averageWeight(sleeve.weight)),
    formatPercent(lastValue(sleeve.weight)),
    formatPercent(sleeve.contribution),
    formatPercent(sleeve.metrics.metrics.totalReturn),
    formatMetric(sleeve.metrics.metrics.sharpe, 'ratio'),
    formatPercent(sleeve.metrics.metrics.maxDrawdown),
    formatCount(strategyTradeCount(sleeve)),
    sleeve.error === undefined ? 'active' : `isolated: ${sleeve.error}`,
  ]);
  return `## Sleeves\n\n${table(
    ['Sleeve', 'Strategy', 'Symbols', 'Average weight', 'Final weight', 'Contribution', 'Total return', 'Sharpe', 'Max drawdown', 'Trades', 'Status'],
    rows,
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  )}\n${input.sleevesNote === undefined ? '' : `\n${inline(input.sleevesNote)}\n`}`;
}

function drawdownSection(input: ReportInput, timeFormat: TimeFormat): string {
  const drawdowns = input.portfolio.metrics.drawdowns;
  if (drawdowns.length === 0) return '';
  const rows = drawdowns.map((period, index) => [
    String(index + 1),
    formatTime(period.peak, timeFormat),
    formatTime(period.trough, timeFormat),
    period.recovery === null ? 'not recovered' : formatTime(period.recovery, timeFormat),
    formatPercent(period.depth),
    formatCount(period.bars),
    formatCount(Math.round(period.days)),
  ]);
  return `## Top drawdowns\n\n${table(['#', 'Peak', 'Trough', 'Recovery', 'Depth', 'Bars', 'Days'], rows, ['r', 'l', 'l', 'l', 'r', 'r', 'r'])}\n`;
}

function monthlySection(input: ReportInput): string {
  const years = new Map<number, string[]>();
  for (const period of input.portfolio.metrics.monthlyReturns) {
    if (period.month === null) continue;
    let row = years.get(period.year);
    if (row === undefined) {
      row = [...MONTH_LABELS.map(() => ''), ''];
      years.set(period.year, row);
    }
    row[period.month - 1] = formatPercent(period.return, 1);
  }
  if (years.size === 0) return '';
  for (const period of input.portfolio.metrics.yearlyReturns) {
    const row = years.get(period.year);
    if (row !== undefined) row[12] = formatPercent(period.return, 1);
  }
  const rows = [...years.entries()].sort(([a], [b]) => a - b).map(([year, cells]) => [String(year), ...cells]);
  return `## Monthly returns\n\n${table(['Year', ...MONTH_LABELS, 'Year'], rows, ['l', ...MONTH_LABELS.map(() => 'r' as const), 'r'])}\n`;
}

function attributionSection(input: ReportInput): string {
  const periods = input.attribution?.periods ?? [];
  if (periods.length === 0) return '';
  const ids = input.sleeves.map((sleeve) => sleeve.id);
  const cell = (value: number | null | undefined): string => (value === undefined || value === null ? MISSING : formatPercent(value));
  const rows = periods.map((period) => {
    const values = ids.map((id) => period.bySleeve[id]);
    const total = values.some((value) => value === null) ? null : values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
    const portfolio = period.portfolioReturn;
    const residual = portfolio === undefined || portfolio === null || total === null ? null : portfolio - total;
    return { cells: [period.label, ...values.map(cell), cell(total)], total, portfolio, residual };
  });
  // The portfolio's own return and the residual, where they say something Total does not: in
  // sleeves mode the contributions sum to the portfolio's return, and the columns would repeat it.
  const portfolioColumns = rows.some((row) => row.portfolio !== undefined && cell(row.portfolio) !== cell(row.total));
  // Shared mode: the columns are shadows, so their sum is not the portfolio's return (the sleeves note says so for the run).
  const caption =
    input.sleevesNote === undefined
      ? portfolioColumns
        ? "Each sleeve's contribution to the portfolio return of the period; Total is their sum, Portfolio the portfolio's return of the period and Residual the difference."
        : "Each sleeve's contribution to the portfolio return of the period."
      : portfolioColumns
        ? "Each sleeve's contribution of the period; Total is their sum, not the portfolio's return, which Portfolio gives; Residual is what the portfolio made beyond that sum (see the note under Sleeves)."
        : "Each sleeve's contribution of the period; Total is their sum, not the portfolio's return (see the note under Sleeves).";
  const extra = portfolioColumns ? ['Portfolio', 'Residual'] : [];
  return `## Contribution by period\n\n${caption}\n\n${table(
    ['Period', ...ids, 'Total', ...extra],
    rows.map((row) => (portfolioColumns ? [...row.cells, cell(row.portfolio), cell(row.residual)] : row.cells)),
    ['l', ...ids.map(() => 'r' as const), 'r', ...extra.map(() => 'r' as const)],
  )}\n`;
}

function correlationSection(input: ReportInput): string {
  const correlation = input.correlation;
  const hasMatrix = correlation !== undefined && correlation.ids.length >= 2;
  const ratio = input.diversificationRatio;
  if (!hasMatrix && (ratio === undefined || ratio === null)) return '';
  const parts = ['## Diversification\n'];
  if (hasMatrix) {
    const rows = correlation.ids.map((id, i) => [id, ...correlation.ids.map((_, j) => {
      const value = correlation.matrix[i]?.[j];
      return value === null || value === undefined ? MISSING : formatNumber(value, 2);
    })]);
    parts.push(`Correlation of sleeve returns:\n\n${table(['', ...correlation.ids], rows, ['l', ...correlation.ids.map(() => 'r' as const)])}\n`);
  }
  if (ratio !== undefined && ratio !== null) parts.push(`Diversification ratio (Σ wᵢσᵢ / σ): **${formatNumber(ratio, 2)}**\n`);
  return parts.join('\n');
}

function crossingSection(input: ReportInput): string {
  if (input.crossing === undefined) return '';
  if (input.crossing.savedTurnover === 0) {
    return `## Internal crossing\n\n${input.sleeves.length < 2 ? 'One sleeve: crossing had nothing to cross.' : 'No opposite orders of two sleeves met on one symbol and bar: crossing saved nothing.'}\n`;
  }
  return `## Internal crossing\n\nOpposite orders of sleeves on the same symbol and bar were crossed internally: ${formatCurrency(
    input.crossing.savedTurnover,
  )} of turnover${input.crossing.savedSlippage === undefined ? ' and' : ','} ${formatCurrency(input.crossing.savedCommission)} of commission${
    input.crossing.savedSlippage === undefined ? '' : ` and ${formatCurrency(input.crossing.savedSlippage)} of slippage`
  } were saved.\n`;
}

function eventSection<T>(
  title: string,
  events: readonly T[],
  maxRows: number,
  what: string,
  header: readonly string[],
  row: (event: T) => string[],
  remark?: string,
): string {
  if (events.length === 0) return '';
  const shown = events.slice(0, maxRows);
  const note = countNote(shown.length, events.length, what);
  const body = shown.length === 0 ? '' : `${table(header, shown.map(row), header.map(() => 'l' as const))}\n`;
  return `## ${title}\n\n${events.length} ${what}.${note === '' ? '' : ` ${note.trim()}`}${remark === undefined ? '' : ` ${remark}`}\n\n${body}`;
}

/** ` (the default: one bar has no spacing)` when the metrics' periods per year were neither given nor inferred (one bar), else empty. */
function defaultPeriodsNote(input: ReportInput): string {
  const basis = periodsPerYearBasis(input.portfolio.equity.time, !input.portfolio.metrics.periodsPerYearInferred);
  return basis === 'default' ? ` (${describePeriodsPerYearBasis(basis)})` : '';
}

function summary(input: ReportInput, timeFormat: TimeFormat): string {
  const time = input.portfolio.equity.time;
  const start = time[0] ?? 0;
  const end = time[time.length - 1] ?? 0;
  const facts = [
    `${formatTime(start, timeFormat)} → ${formatTime(end, timeFormat)} (${formatSpan(start, end)})`,
    `${formatCount(time.length)} ${time.length === 1 ? 'bar' : 'bars'}`,
    `${formatNumber(input.periodsPerYear, Number.isInteger(input.periodsPerYear) ? 0 : 2)} periods per year${defaultPeriodsNote(input)}`,
  ];
  if (input.sleeves.length > 0) facts.push(`${input.sleeves.length} ${input.sleeves.length === 1 ? 'sleeve' : 'sleeves'}`);
  if (input.generatedAt !== undefined) facts.push(`generated ${input.generatedAt}`);
  const cards = headline(input.portfolio.metrics);
  const lines = [
    `# ${inline(input.title)}`,
    '',
    ...(input.subtitle === undefined ? [] : [inline(input.subtitle), '']),
    facts.join(' · '),
    '',
    table(cards.map((card) => card.label), [cards.map((card) => card.value)], cards.map(() => 'r' as const)),
    '',
  ];
  const isolated = input.sleeves.filter((sleeve) => sleeve.error !== undefined);
  for (const sleeve of isolated) lines.push(`> **Isolated:** sleeve \`${sleeve.id}\` (${inline(sleeve.strategy)}) failed and was closed out: ${inline(sleeve.error ?? '')}`, '');
  if (input.benchmark !== undefined) {
    const benchmarkReturn = input.portfolio.metrics.metrics.benchmarkReturn;
    if (benchmarkReturn !== null) lines.push(`Benchmark: ${inline(input.benchmark.name)}, total return ${formatPercent(benchmarkReturn)} over the same period.`, '');
  }
  return lines.join('\n');
}

/**
 * Renders the Markdown report: a summary with the headline numbers, charts as inline SVG
 * (equity, underwater drawdown and, with sleeves, allocation and contribution), the metrics of
 * the portfolio and each sleeve side by side, the sleeves, top drawdowns, monthly returns,
 * attribution, correlation, internal crossing, the first rebalances, conflicts and risk events, and
 * the configuration. Sections without data are left out. Validates `input` first (a `ConfigError`
 * lists every problem).
 */
export async function renderMarkdown(input: ReportInput, options: ReportOptions = {}): Promise<string> {
  return markdownReport(parseReportInput(input), resolveOptions(options));
}

/** {@link renderMarkdown} for an input already validated and options already resolved. */
export async function markdownReport(report: ReportInput, resolved: ResolvedReportOptions): Promise<string> {
  const timeFormat = detectTimeFormat(report);
  const sections: string[] = [summary(report, timeFormat)];

  if (resolved.markdownCharts) {
    const charts = buildCharts(report, { width: MARKDOWN_CHART_WIDTH, maxPoints: Math.min(resolved.maxChartPoints, MARKDOWN_MAX_POINTS), timeFormat, background: true, interactive: false }).filter(
      (chart) => MARKDOWN_CHARTS.includes(chart.id),
    );
    const rendered: string[] = [];
    for (const chart of charts) {
      const svg = await renderSvg(chart.spec, `ensemble-${chart.id}`);
      resolved.logger.debug({ chart: chart.id, bytes: svg.length }, 'rendered chart to SVG');
      rendered.push(`### ${inline(chart.title)}\n\n${inline(chart.caption)}\n\n${svg}\n`);
    }
    if (rendered.length > 0) sections.push(`## Charts\n\n${rendered.join('\n')}`);
  }

  sections.push(metricsSection(report), sleevesSection(report), drawdownSection(report, timeFormat), monthlySection(report));
  sections.push(attributionSection(report), correlationSection(report), crossingSection(report));

  const time = (value: number) => formatTime(value, timeFormat);
  const max = resolved.maxMarkdownRows;
  sections.push(
    eventSection('Rebalances', report.rebalances, max, 'rebalances', ['Time', 'Reason', 'Weights before', 'Weights after'], (event) => [
      time(event.time),
      event.reason,
      formatWeights(event.weightsBefore),
      formatWeights(event.weightsAfter),
    ], report.rebalanceNote),
    eventSection('Conflicts', report.conflicts, max, 'conflicts', ['Time', 'Symbol', 'Policy', 'Signals', 'Outcome'], (event) => [
      time(event.time),
      event.symbol,
      event.policy,
      formatConflictInputs(event.inputs),
      event.outcome,
    ]),
    eventSection('Risk events', report.risk, max, 'risk events', ['Time', 'Kind', 'Detail'], (event) => [time(event.time), event.kind, event.detail]),
  );

  const config = JSON.stringify(report.config ?? null, null, 2);
  const fence = codeFence(config);
  sections.push(`## Configuration\n\n${fence}json\n${config}\n${fence}\n`);
  return sections.filter((section) => section !== '').join('\n');
}
