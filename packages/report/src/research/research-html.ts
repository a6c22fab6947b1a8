import { METRIC_DESCRIPTIONS, unboundedMetricText } from '@ensemble/performance';
import type { MetricUnit } from '@ensemble/performance';
import { formatCount, formatNumber, formatPercent } from '../format';
import { escapeHtml, htmlPage } from '../html/page';
import { HTML_CHART_WIDTH, chartPanel, describedSpec, interactiveTable } from '../html/parts';
import type { ColumnType, InteractiveTable, TableColumn } from '../html/parts';
import { resolveOptions } from '../options';
import type { TimeFormat } from '../time';
import type { ReportOptions } from '../options';
import { distributionChart, inOutScatterChart, logitChart, objectiveCharts, objectiveInPercent, walkForwardEquityChart, windowChoices } from './research-charts';
import type { ResearchChart } from './research-charts';
import { parseResearchReportInput } from './research-input';
import type { ResearchReportInput } from './research-input';
import { statisticReadings } from './readings';

/** Metrics shown beside the objective in the ranked table, when the trials have them. */
const TABLE_METRICS = ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'volatility', 'tradeCount', 'winRate'];

const COLUMN_OF_UNIT: Readonly<Record<MetricUnit, ColumnType>> = { percent: 'pct', ratio: 'ratio', currency: 'money', bars: 'int', days: 'int', count: 'int' };

/** A metric's label and column type (a metric the performance package does not know is a plain number). */
function metricColumn(name: string): TableColumn {
  const description = METRIC_DESCRIPTIONS.find((entry) => entry.name === name);
  return description === undefined ? { label: name, type: 'ratio' } : { label: description.label, type: COLUMN_OF_UNIT[description.unit] };
}

/** The column type of a parameter: numbers sort as numbers, the rest as text. */
function parameterType(input: ResearchReportInput, name: string): ColumnType {
  const parameter = input.parameters.find((entry) => entry.name === name);
  return parameter?.values.every((value) => typeof value === 'number') === true ? 'qty' : 'text';
}

function rankedTable(input: ResearchReportInput): InteractiveTable {
  const names = input.parameters.map((parameter) => parameter.name);
  const metrics = TABLE_METRICS.filter((name) => name !== input.objective.metric && input.trials.some((trial) => trial.metrics !== null && name in trial.metrics));
  const objective = metricColumn(input.objective.metric);
  const trials = [...input.trials].sort((a, b) => (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) || a.index - b.index);
  return {
    noun: 'trials',
    sortable: true,
    columns: [
      { label: 'Rank', type: 'int' },
      { label: '#', type: 'int' },
      ...names.map((name): TableColumn => ({ label: name, type: parameterType(input, name) })),
      { label: `${objective.label} (objective)`, type: objective.type, signed: true },
      ...metrics.map(metricColumn),
      { label: 'Status', type: 'text' },
    ],
    rows: trials.map((trial) => [
      trial.rank,
      trial.index,
      ...names.map((name) => {
        const value = trial.parameters[name];
        return typeof value === 'boolean' ? String(value) : (value ?? null);
      }),
      trial.unbounded === true ? unboundedMetricText(input.objective.metric) : trial.objective,
      ...metrics.map((name) => trial.metrics?.[name] ?? null),
      trial.error === undefined ? trial.status : `${trial.status}: ${trial.error}`,
    ]),
  };
}

function windowsTable(input: ResearchReportInput): InteractiveTable | undefined {
  const walk = input.walkForward;
  if (walk === undefined) return undefined;
  const { type: objective, label } = metricColumn(input.objective.metric);
  return {
    noun: 'windows',
    sortable: true,
    columns: [
      { label: 'Window', type: 'int' },
      { label: 'Train from', type: 'time' },
      { label: 'Train to', type: 'time' },
      { label: 'Test from', type: 'time' },
      { label: 'Test to', type: 'time' },
      { label: 'Chosen parameters', type: 'text', wrap: true },
      { label: `In sample (${label})`, type: objective, signed: true },
      { label: `Out of sample (${label})`, type: objective, signed: true },
      { label: 'Efficiency (CAGR out / in)', type: 'ratio' },
    ],
    // Numbered from 0, as the trials' #, the notes, windows.csv and the CLI number them.
    rows: walk.windows.map((window) => [
      window.index,
      window.trainStart,
      window.trainEnd,
      window.testStart,
      window.testEnd,
      window.parameters === null
        ? 'none'
        : Object.entries(window.parameters)
            .map(([name, value]) => `${name}=${String(value)}`)
            .join(', '),
      window.inSampleUnbounded === true ? unboundedMetricText(input.objective.metric) : window.inSample,
      window.outOfSampleUnbounded === true ? unboundedMetricText(input.objective.metric) : window.outOfSample,
      window.efficiency,
    ]),
  };
}

const DAY_MS = 86_400_000;

/**
 * Dates alone when every window boundary and out-of-sample equity point is a UTC midnight (daily
 * bars), else date-times: the windows of intraday bars start and end inside a day, where the dates
 * alone had a train window end the day its test window starts.
 */
function researchTimeFormat(input: ResearchReportInput): TimeFormat {
  const walk = input.walkForward;
  if (walk === undefined) return 'date';
  const bounds = walk.windows.flatMap((window) => [window.trainStart, window.trainEnd, window.testStart, window.testEnd]);
  return [...bounds, ...walk.equity.time].every((time) => time % DAY_MS === 0) ? 'date' : 'datetime';
}

/**
 * An objective value for a card: a percentage for a metric in percent (17.03%), else 3 decimals;
 * an unbounded one with why, as the sweep summary prints it (`∞ (no drawdown)`).
 */
function objectiveText(value: number | null | undefined, metric: string, unbounded = false): string {
  if (unbounded) return unboundedMetricText(metric);
  if (value === null || value === undefined) return '—';
  return objectiveInPercent(metric) ? formatPercent(value) : formatNumber(value, 3);
}

/** A walk-forward's stitched out-of-sample total return, CAGR and largest drawdown, as cards (none for a sweep). */
function outOfSampleCards(input: ResearchReportInput): { label: string; value: string; tone: string; sub: string }[] {
  const metrics = input.walkForward?.metrics;
  if (metrics === undefined) return [];
  const tone = (value: number | null | undefined): string => (value === undefined || value === null ? 'neutral' : value > 0 ? 'positive' : value < 0 ? 'negative' : 'neutral');
  const percent = (value: number | null | undefined): string => (value === undefined || value === null ? '—' : formatPercent(value));
  return [
    { label: 'Out-of-sample return', value: percent(metrics.totalReturn), tone: tone(metrics.totalReturn), sub: 'the test windows stitched, capital carried over' },
    { label: 'Out-of-sample CAGR', value: percent(metrics.cagr), tone: tone(metrics.cagr), sub: '' },
    { label: 'Out-of-sample max drawdown', value: percent(metrics.maxDrawdown), tone: typeof metrics.maxDrawdown === 'number' && metrics.maxDrawdown < 0 ? 'negative' : 'neutral', sub: '' },
  ];
}

function masthead(input: ResearchReportInput): string {
  const best = input.trials.find((trial) => trial.rank === 1);
  const finished = input.trials.filter((trial) => trial.status === 'ok').length;
  // A walk-forward's trials are its windows' choices, each run once out of sample: not a search of that size.
  const facts = windowChoices(input)
    ? [`${formatCount(input.trials.length)} windows' choices`, `${formatCount(finished)} run out of sample`, `objective ${input.objective.metric} (${input.objective.direction})`]
    : [`${formatCount(input.trials.length)} trials`, `${formatCount(finished)} finished`, `objective ${input.objective.metric} (${input.objective.direction})`];
  if (input.counts !== undefined) {
    if (input.counts.skipped > 0) facts.push(`${formatCount(input.counts.skipped)} skipped by constraints`);
    if (input.counts.failed + input.counts.timedOut > 0) facts.push(`${formatCount(input.counts.failed + input.counts.timedOut)} failed or timed out`);
  }
  if (input.walkForward !== undefined) facts.push(`${input.walkForward.windows.length} walk-forward windows`);
  if (input.generatedAt !== undefined) facts.push(`generated ${input.generatedAt}`);
  const outOfSample = input.walkForward?.metrics[input.objective.metric];
  const lead =
    input.walkForward === undefined
      ? null
      : {
          label: `Out-of-sample ${metricColumn(input.objective.metric).label}`,
          value: objectiveText(outOfSample, input.objective.metric),
          tone: 'neutral',
          sub: `stitched over ${input.walkForward.windows.length} test windows`,
        };
  const cards = [
    lead ?? {
      label: `Best ${metricColumn(input.objective.metric).label}`,
      value: objectiveText(best?.objective, input.objective.metric, best?.unbounded === true),
      tone: 'neutral',
      sub: best === undefined ? 'no trial finished' : Object.entries(best.parameters).map(([name, value]) => `${name}=${String(value)}`).join(', '),
    },
    ...outOfSampleCards(input),
    ...statisticReadings(input).map((reading) => ({ label: reading.label, value: reading.value, tone: reading.tone, sub: '' })),
  ]
    .map(
      (card) =>
        `<div class="card ${card.tone}"><div class="label">${escapeHtml(card.label)}</div><div class="value${card.value.length > 11 ? ' long' : ''}">${escapeHtml(card.value)}</div>${card.sub === '' ? '' : `<div class="sub">${escapeHtml(card.sub)}</div>`}</div>`,
    )
    .join('');
  return `<header class="masthead"><div class="wrap">
<div class="brand">Ensemble · research report</div>
<h1>${escapeHtml(input.title)}</h1>
${input.subtitle === undefined ? '' : `<p class="subtitle">${escapeHtml(input.subtitle)}</p>`}
<p class="facts">${facts.map((fact) => `<span>${escapeHtml(fact)}</span>`).join('')}</p>
<div class="cards">${cards}</div>
</div></header>`;
}

function statisticsPanel(input: ResearchReportInput): string {
  const rows = statisticReadings(input)
    .map((reading) => `<tr><td class="metric-name">${escapeHtml(reading.label)}</td><td class="num ${reading.tone === 'positive' ? 'pos' : reading.tone === 'negative' ? 'neg' : ''}">${escapeHtml(reading.value)}</td><td class="wrap-text">${escapeHtml(reading.reading)}</td></tr>`)
    .join('');
  const notes = input.statistics.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  return `<div class="panel"><div class="table-wrap"><table class="metrics readings"><thead><tr><th scope="col">Statistic</th><th scope="col" class="num">Value</th><th scope="col">Reading</th></tr></thead><tbody>${rows}</tbody></table></div>${
    notes === '' ? '' : `<ul class="caption">${notes}</ul>`
  }<p class="caption">Deflated Sharpe ratio: Bailey &amp; López de Prado (2014). PBO: Bailey, Borwein, López de Prado &amp; Zhu, combinatorially symmetric cross-validation.</p></div>`;
}

/**
 * Renders the research report: one self-contained HTML file, like the tearsheet (vega inlined, no
 * external request), with the overfitting statistics and a one-line reading of each, heatmaps of
 * the objective over pairs of parameters, the distribution of the objective across trials, the
 * PBO's logit distribution, the ranked trials (sortable, filterable) and, after a walk-forward,
 * the out-of-sample equity with its windows, in-sample vs out-of-sample, and the windows table.
 * Validates `input` first (a `ConfigError` lists every problem).
 */
export function renderResearchHtml(input: ResearchReportInput, options: ReportOptions = {}): string {
  const report = parseResearchReportInput(input);
  const resolved = resolveOptions(options);
  const timeFormat = researchTimeFormat(report);
  const chartOptions = { width: HTML_CHART_WIDTH, maxPoints: resolved.maxChartPoints, timeFormat };
  const charts: ResearchChart[] = [];
  const panel = (chart: ResearchChart | null, wide = false): string => {
    if (chart === null) return '';
    charts.push(chart);
    return chartPanel(chart, { wide, center: chart.id.startsWith('heatmap') || chart.id === 'in-out' });
  };
  const nav: [string, string][] = [['statistics', 'Overfitting']];
  const heading = report.walkForward !== undefined && report.statistics.deflatedSharpe === null && report.statistics.pbo === null ? "How well did it hold out of sample?" : "How likely is the best result luck?";
  const sections: string[] = [`<section id="statistics"><h2>${heading}</h2>${statisticsPanel(report)}
<div class="grid" style="margin-top:16px">
${panel(distributionChart(report, chartOptions))}
${panel(logitChart(report, chartOptions))}
</div></section>`];
  // A walk-forward's trials are its windows' choices (none ranked), each out of sample on its own
  // test window: a heatmap of them over the parameters would read as a parameter surface, which it is not.
  const landscape = windowChoices(report) ? [] : objectiveCharts(report, chartOptions);
  if (landscape.length > 0) {
    nav.push(['landscape', 'Parameters']);
    sections.push(`<section id="landscape"><h2>The objective over the parameters</h2><div class="grid">
${landscape.map((chart) => panel(chart, landscape.length === 1)).join('\n')}
</div></section>`);
  }
  const tables: Record<string, InteractiveTable> = { trials: rankedTable(report) };
  const windows = windowsTable(report);
  if (windows !== undefined) {
    tables.windows = windows;
    nav.push(['walk-forward', 'Walk-forward']);
    sections.push(`<section id="walk-forward"><h2>Walk-forward</h2><div class="grid">
${panel(walkForwardEquityChart(report, chartOptions), true)}
${panel(inOutScatterChart(report, chartOptions))}
</div>${interactiveTable('windows', windows, false, '')}</section>`);
  }
  nav.push(['trials', 'Trials']);
  const trialsHeading = windowChoices(report) ? "Each window's choice, out of sample" : 'Trials, best first';
  sections.push(`<section id="trials"><h2>${trialsHeading}</h2>${interactiveTable('trials', tables.trials ?? rankedTable(report), true, 'Filter trials (parameter values, status…)')}</section>`);
  if (report.config !== undefined) {
    nav.push(['config', 'Specification']);
    sections.push(`<section id="config"><h2>Specification</h2><div class="panel"><details><summary>Research specification (JSON)</summary><pre>${escapeHtml(
      JSON.stringify(report.config, null, 2),
    )}</pre></details></div></section>`);
  }
  resolved.logger.debug({ charts: charts.map((chart) => chart.id), trials: report.trials.length }, 'building research report');
  return htmlPage({
    title: report.title,
    masthead: masthead(report),
    nav,
    main: sections,
    ...(report.generatedAt === undefined ? {} : { generatedAt: report.generatedAt }),
    data: {
      timeFormat,
      maxTableRows: resolved.maxTableRows,
      charts: Object.fromEntries(charts.map((chart) => [chart.id, describedSpec(chart)])),
      tables,
      sleeveColors: {},
    },
  });
}

