import path from 'node:path';
import { getDatasetInfo, isDatasetName } from '@ensemble/data';
import { isoTimeFormatter } from '@ensemble/engine';
import type { OrchestratorResult, RebalanceEvent, RunConfig, SleevesWeightsOverEquity } from '@ensemble/orchestrator';
import { DEFAULT_MIN_INVESTED, dataFiles, investedShare } from '@ensemble/orchestrator';
import { METRIC_DESCRIPTIONS } from '@ensemble/performance';
import { MAX_LINE_LENGTH, echoValue, listValues } from '@ensemble/protocol';
import type { MetricName, PerformanceResult } from '@ensemble/performance';
import { BENCHMARK_WITHOUT_FIGURES, costsReason, describeEngineOptions, periodsPerYearNote, shortSampleNote, formatParams, overEquityReason, periodsPerYearText } from './backtest-report';
import { createPalette } from './color';
import type { Palette } from './color';
import { MISSING, belowZeroWarning, formatCount, formatCounted, formatMoney, formatNumber, formatPercent, formatRatio, formatTable, ordersLoggedHint } from './format';
import { formatMetric } from './metrics-table';
import { strategyErrorPlace } from './strategy-frames';
import { crossedLevelsNote } from './crossed-levels';
import { checkCommand, lookaheadHint } from './lookahead-hint';
import { quantityCapNote } from './quantity-cap';
import { averageWeight, conflictOutcomeText, conflictSignalText, largestSleeves, rebalanceReasonText, scheduleText } from '@ensemble/report';

/** Sleeves named where their weights summed to more than their equity; more are counted. */
const OVER_EQUITY_NAMED = 3;

/**
 * Why the run's orders were shrunk or rejected, when portfolio-strategy sleeves' weights summed to
 * more than their equity: `sleeve mine's weights summed to up to 3.00 on 12 of its 26 rebalances: …`,
 * or for several sleeves `the weights of sleeves a, b summed to …` (the first three named, then
 * `+ N more`).
 */
function overEquityText(result: OrchestratorResult, over: SleevesWeightsOverEquity): string {
  const ids = new Set(over.sleeves);
  const of = result.sleeves.reduce((total, sleeve) => total + (ids.has(sleeve.id) ? sleeve.rebalances.length : 0), 0);
  if (over.sleeves.length === 1) return overEquityReason(over, of, `sleeve ${echoValue(over.sleeves[0] ?? '')}'s`);
  const more = over.sleeves.length - OVER_EQUITY_NAMED;
  const named = over.sleeves.slice(0, OVER_EQUITY_NAMED).map((id) => echoValue(id)).join(', ') + (more > 0 ? ` + ${formatCount(more)} more` : '');
  return overEquityReason(over, of, `the weights of sleeves ${named}`, true);
}

/** Options of {@link renderRunSummary}. */
export interface RunSummaryOptions {
  /** The config file, shown in the header. */
  readonly source?: string | undefined;
  /** What loading the data did that the data does not show (an ignored `Adj Close`, adjusted prices), one line each under the data. */
  readonly notes?: readonly string[] | undefined;
  /** Rebalances listed (default 5). */
  readonly rebalancesShown?: number | undefined;
  /** Conflicts and risk events listed, each (default 3). */
  readonly eventsShown?: number | undefined;
  /** The working directory: where in a strategy file an isolated strategy threw is shown relative to it (default: the process's). */
  readonly cwd?: string | undefined;
}

/** The metrics of the summary's comparison table, in order. */
export const RUN_SUMMARY_METRICS: readonly MetricName[] = ['totalReturn', 'cagr', 'sharpe', 'maxDrawdown', 'volatility', 'tradeCount'];

/** A fraction as a compact percentage: `0.6` → `60%`, `0.025` → `2.5%`. */
function shortPercent(value: number): string {
  return `${formatNumber(value * 100, 2).replace(/\.?0+$/, '')}%`;
}

function signedPercent(value: number | null, palette: Palette): string {
  if (value === null || !Number.isFinite(value)) return palette.dim(MISSING);
  return palette.signed(value, `${value > 0 ? '+' : ''}${formatPercent(value)}`);
}

function describeData(config: RunConfig, result: OrchestratorResult): string {
  const { dataset, file, format, dateFormat, decimal, from, to } = config.data;
  const reading = [format, dateFormat === undefined || dateFormat === 'auto' ? undefined : `dates ${dateFormat}`, decimal === undefined || decimal === 'auto' ? undefined : `decimal ${decimal}`].filter(
    (part) => part !== undefined,
  );
  const where =
    dataset !== undefined
      ? isDatasetName(dataset)
        ? `${dataset}: ${getDatasetInfo(dataset).description}`
        : echoValue(dataset)
      : `${listValues(dataFiles({ file }), { maxItems: 3, maxLength: MAX_LINE_LENGTH })}${reading.length === 0 ? '' : ` (${reading.join(', ')})`}`;
  const range = from === undefined && to === undefined ? '' : ` · range ${from === undefined ? 'start' : echoValue(String(from))} → ${to === undefined ? 'end' : echoValue(String(to))}`;
  return `${where}${range} · ${formatCounted(result.symbols.length, 'symbol')} traded`;
}

function describeMode(result: OrchestratorResult): string {
  const config = result.config;
  if (config.mode === 'shared') {
    return `shared: one account, the strategies' signals merged per symbol by the "${config.conflictPolicy}" policy; per-strategy columns are shadow sleeves (each strategy alone on its share of capital)`;
  }
  return `sleeves: one virtual sub-account per strategy${config.crossing ? '; opposite orders of different sleeves crossed internally' : '; no internal crossing'}`;
}

function describeAllocation(result: OrchestratorResult): string {
  const config = result.config;
  const allocation = config.allocation;
  const window = `over ${formatCount(allocation.lookback)} bars`;
  const warmup = `equal weights until ${formatCount(allocation.minHistory ?? allocation.lookback)} sleeve returns exist`;
  const minInvested = allocation.minInvested ?? DEFAULT_MIN_INVESTED;
  const flat = minInvested === 0 ? '' : `; 1/n for a sleeve with a non-zero return on fewer than ${minInvested === 0.5 ? 'half' : shortPercent(minInvested)} of them`;
  const parts: string[] = [];
  switch (result.allocationScheme) {
    case 'fixed':
      parts.push(`fixed weights: ${config.strategies.map((entry) => `${echoValue(entry.id)} ${shortPercent(entry.weight ?? 0)}`).join(', ')}`);
      break;
    case 'equal':
      parts.push('equal weights');
      break;
    case 'inverse-volatility':
      parts.push(`inverse volatility of sleeve returns ${window} (${warmup}${flat})`);
      break;
    case 'risk-parity':
      parts.push(`risk parity (equal risk contribution) ${window} (${warmup}${flat})`);
      break;
    case 'performance':
      parts.push(`performance: trailing ${allocation.metric} ${window}, floor ${formatNumber(allocation.floor, 2)} (${warmup}${allocation.metric === 'sharpe' ? flat : ''})`);
      break;
    case 'custom':
      parts.push('a custom allocation function');
      break;
  }
  if (allocation.minWeight > 0) parts.push(`min weight ${shortPercent(allocation.minWeight)}`);
  // A cap at or above what the sleeves share binds nowhere (and 1e308 × 100 would print as "—%").
  if (allocation.maxWeight !== undefined && allocation.maxWeight < allocation.leverage - allocation.cashBuffer) parts.push(`max weight ${shortPercent(allocation.maxWeight)}`);
  if (allocation.cashBuffer > 0) parts.push(`cash buffer ${shortPercent(allocation.cashBuffer)}`);
  if (allocation.leverage !== 1) parts.push(`leverage cap ${formatNumber(allocation.leverage, 2)}×`);
  return parts.join(' · ');
}

function describeRebalance(config: RunConfig): string {
  const { schedule, drift } = config.rebalance;
  const scheduled =
    typeof schedule === 'object'
      ? `every ${formatCounted(schedule.everyBars, 'bar')}`
      : schedule === 'never'
        ? 'never on a schedule (the first bar allocates)'
        : `${schedule === 'week' ? 'weekly' : `${schedule}ly`} (the first bar, then the first bar of each ${schedule})`;
  const bands: string[] = [];
  if (drift?.absolute !== undefined) bands.push(`a weight drifts more than ${formatNumber(drift.absolute * 100, 2)} points from its target`);
  if (drift?.relative !== undefined) bands.push(`a weight is off its target by more than ${shortPercent(drift.relative)} of it`);
  const when = bands.length === 0 ? scheduled : `${scheduled}, or when ${bands.join(' or ')}`;
  return config.mode === 'shared' ? `${when}; ${sharedRebalanceText(config.conflictPolicy)}` : when;
}

/** What a rebalance does in shared mode, where no capital moves: it only sets the `net` policy's weights. */
function sharedRebalanceText(policy: string): string {
  return policy === 'net'
    ? 'shared mode: a rebalance sets the weights the "net" policy merges signals with and moves no capital (the shadow sleeves are never rebalanced)'
    : `shared mode: a rebalance moves no capital (the shadow sleeves are never rebalanced), and the "${policy}" policy does not use the weights — only "net" does`;
}

/** The run's risk limits in words, and when its exposure caps are checked and a breach trimmed (the summary's `risk` line). */
export function describeRisk(config: Pick<RunConfig, 'risk' | 'fill'>): string {
  const risk = config.risk;
  const parts: string[] = [];
  if (risk.maxGrossExposure !== undefined) parts.push(`gross exposure ≤ ${shortPercent(risk.maxGrossExposure)}`);
  if (risk.maxNetExposure !== undefined) parts.push(`net exposure ≤ ${shortPercent(risk.maxNetExposure)}`);
  if (risk.maxSymbolExposure !== undefined) parts.push(`per-symbol exposure ≤ ${shortPercent(risk.maxSymbolExposure)}`);
  // Caps are checked at the closes, not at every fill: what fills after a check can exceed them until the next.
  const caps = parts.pop();
  if (caps !== undefined) parts.push(`${caps} (checked at each close before the strategies decide, a breach trimmed ${config.fill === 'close' ? 'at that close' : 'at the next open'})`);
  if (risk.maxDrawdown !== undefined) {
    const stop = risk.maxDrawdown;
    parts.push(
      `drawdown stop at ${shortPercent(stop.limit)}: ${stop.action === 'flatten' ? 'flatten and halt' : `scale positions to ${shortPercent(stop.scale)}`}`,
    );
  }
  return parts.length === 0 ? 'no limits' : parts.join(' · ');
}

/** An entry sizing rule in words: `20% of equity per entry`. */
function describeSizing(sizing: NonNullable<RunConfig['strategies'][number]['sizing']>): string {
  switch (sizing.kind) {
    case 'percent-of-cash':
      return `${shortPercent(sizing.percent / 100)} of cash per entry`;
    case 'percent-of-equity':
      return `${shortPercent(sizing.percent / 100)} of equity per entry`;
    case 'fixed-quantity':
      return `${formatNumber(sizing.quantity, Number.isInteger(sizing.quantity) ? 0 : 4)} units per entry`;
    case 'fixed-cash':
      return `${formatMoney(sizing.amount)} per entry`;
  }
}

/** The strategies' lines: those of the sleeves `shown` (indices), then how many others there are. */
function strategyLines(result: OrchestratorResult, label: (text: string) => string, shown: readonly number[]): string[] {
  const width = shown.reduce((widest, i) => Math.max(widest, echoValue(result.sleeves[i]?.id ?? '').length), -Infinity);
  const lines = shown.map((i, k) => {
    const entry = result.config.strategies[i];
    if (entry === undefined) return '';
    const sleeve = result.sleeves[i];
    const kind = sleeve?.kind ?? 'signal';
    // What the strategy ran with (its defaults applied); as configured when it could not be built.
    const params = sleeve?.params ?? null;
    const extras = [params === null ? formatParams(entry.params, 'default parameters') : formatParams(params)];
    if (entry.rebalance !== undefined) extras.push(`own rebalance ${scheduleText(entry.rebalance)}`);
    if (entry.sizing !== undefined) extras.push(describeSizing(entry.sizing));
    if (entry.module !== undefined) extras.push(`from ${echoValue(entry.module.path)}`);
    if (result.config.mode === 'shared' && result.config.conflictPolicy === 'priority') extras.push(`priority ${String(entry.priority)}`);
    return `  ${label(k === 0 ? 'strategies' : '')} ${echoValue(entry.id).padEnd(width)}  ${echoValue(entry.strategy)} (${kind}) on ${entry.symbols.map((symbol) => echoValue(symbol)).join(', ')} · ${extras.join(' · ')}`;
  });
  const others = result.config.strategies.length - shown.length;
  if (others > 0) lines.push(`  ${label('')} and ${formatCounted(others, 'other strategy', 'other strategies')} (--json lists every one)`);
  return lines;
}

/**
 * Which sleeves the summary's tables show: every one up to twelve, else the ten with the largest
 * average weight, as the report's charts do (`largestSleeves`); and what a table's title says then.
 */
function shownSleeves(result: OrchestratorResult): { shown: number[]; note: string } {
  const shown = largestSleeves(result.sleeves.map((sleeve) => sleeve.weight));
  const total = result.sleeves.length;
  return {
    shown,
    note: shown.length === total ? '' : ` (the ${formatCount(shown.length)} sleeves with the largest average weight of ${formatCount(total)}; --md, --html or --json shows every one)`,
  };
}

/** Sleeve columns per table of the summary: wider tables are split, each repeating the row labels (as the Markdown report does). */
const SLEEVES_PER_METRICS_TABLE = 6;
const SLEEVES_PER_REBALANCE_TABLE = 4;

/** `items` in consecutive groups of at most `size` (one empty group for no items). */
function groups<T>(items: readonly T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function comparisonTable(result: OrchestratorResult, palette: Palette, shown: readonly number[]): string {
  return groups(
    shown.flatMap((i) => result.sleeves[i] ?? []),
    SLEEVES_PER_METRICS_TABLE,
  )
    .map((sleeves) => comparisonTablePart(result, sleeves, palette))
    .join('\n\n');
}

/** The metrics table of the portfolio and `sleeves`. */
function comparisonTablePart(result: OrchestratorResult, sleeves: readonly OrchestratorResult['sleeves'][number][], palette: Palette): string {
  const columns: { name: string; metrics: PerformanceResult }[] = [
    { name: 'portfolio', metrics: result.portfolio.metrics },
    ...sleeves.map((sleeve) => ({ name: sleeve.isolated ? `${echoValue(sleeve.id)} (isolated)` : echoValue(sleeve.id), metrics: sleeve.metrics })),
  ];
  const rows: string[][] = [];
  for (const name of RUN_SUMMARY_METRICS) {
    const description = METRIC_DESCRIPTIONS.find((candidate) => candidate.name === name);
    if (description === undefined) continue;
    rows.push([description.label, ...columns.map((column) => formatMetric(column.metrics, description, palette))]);
  }
  const last = (values: Float64Array) => values[values.length - 1] ?? Number.NaN;
  const invested = result.sleeves.reduce((sum, sleeve) => sum + last(sleeve.weight), 0);
  const weights = sleeves.map((sleeve) => last(sleeve.weight));
  // Beside the final weight, which a rebalance just before the end can leave far from what the
  // sleeve held over the run: its average over the bars where it is defined (the portfolio's, of
  // the sleeves' sum).
  const steps = result.portfolio.equity.time.length;
  const sum = new Float64Array(steps);
  for (const sleeve of result.sleeves) for (let t = 0; t < steps; t++) sum[t] = (sum[t] ?? 0) + (sleeve.weight[t] ?? Number.NaN);
  const percentOrNull = (value: number | null) => formatPercent(value !== null && Number.isFinite(value) ? value : null);
  rows.push(['Average weight', percentOrNull(averageWeight(sum)), ...sleeves.map((sleeve) => percentOrNull(averageWeight(sleeve.weight)))]);
  rows.push(['Final weight', formatPercent(Number.isFinite(invested) ? invested : null), ...weights.map((weight) => formatPercent(Number.isFinite(weight) ? weight : null))]);
  // The portfolio's column is its return over the run: in sleeves mode the sleeves' contributions add up to it.
  const contributions = sleeves.map((sleeve) => result.attribution.total.bySleeve[sleeve.id] ?? null);
  rows.push(['Contribution', signedPercent(result.attribution.total.portfolioReturn, palette), ...contributions.map((value) => signedPercent(value, palette))]);
  return formatTable([{ header: 'metric' }, ...columns.map((column) => ({ header: column.name, align: 'right' as const }))], rows);
}

/**
 * `244 rebalances (122 kept a sleeve's capital: 122 deferred, 0 below costs)`: how many rebalances
 * left some sleeve's capital where it was — the first rows of the table may show none of them.
 */
function rebalancesCounted(rebalances: OrchestratorResult['rebalances']): string {
  const counted = formatCounted(rebalances.length, 'rebalance');
  const deferred = rebalances.filter((event) => event.deferred.length > 0).length;
  const belowCosts = rebalances.filter((event) => event.belowCosts.length > 0).length;
  const kept = rebalances.filter((event) => event.deferred.length > 0 || event.belowCosts.length > 0).length;
  if (kept === 0) return counted;
  const kinds = [deferred > 0 ? `${formatCount(deferred)} deferred` : null, belowCosts > 0 ? `${formatCount(belowCosts)} below costs` : null].filter((kind) => kind !== null);
  return `${counted} (${formatCount(kept)} left a sleeve's capital as it was: ${kinds.join(', ')})`;
}

function eventsLine(result: OrchestratorResult, palette: Palette): string {
  const parts = [
    rebalancesCounted(result.rebalances),
    formatCounted(result.conflicts.length, 'conflict'),
    formatCounted(result.risk.length, 'risk event'),
    formatCounted(result.isolated.length, 'isolated strategy', 'isolated strategies'),
  ];
  const crossing = result.crossing;
  let crossed: string;
  if (!crossing.enabled) crossed = result.mode === 'shared' ? 'crossing n/a in shared mode' : 'crossing off';
  else if (crossing.crossings === 0) crossed = 'crossing saved nothing (no opposite orders met)';
  else {
    crossed = `crossing saved ${formatMoney(crossing.savedCommission)} commission and ${formatMoney(crossing.savedSlippage)} slippage on ${formatMoney(crossing.savedTurnover)} turnover (${formatCounted(crossing.crossings, 'crossing')})`;
  }
  return `${palette.bold('Events')}  ${parts.join(' · ')} · ${crossed}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

/**
 * The cash a rebalance moved into sleeves and out of them, `in / out`: the two differ by what the
 * reserve gave or took (every sleeve giving back leverage to it moves cash out only).
 */
function moved(event: RebalanceEvent): string {
  const amounts = Object.values(event.transfers);
  const into = amounts.reduce((total, amount) => total + Math.max(0, amount), 0);
  const out = amounts.reduce((total, amount) => total + Math.max(0, -amount), 0);
  return `${formatMoney(into)} / ${formatMoney(out)}`;
}

function rebalanceTable(result: OrchestratorResult, events: readonly RebalanceEvent[], format: (time: number) => string, shown: readonly number[]): string {
  const parts = groups(
    shown.map((i) => result.sleeves[i]?.id ?? ''),
    SLEEVES_PER_REBALANCE_TABLE,
  );
  return parts.map((ids, k) => rebalanceTablePart(result, ids, k === parts.length - 1, events, format)).join('\n\n');
}

/** The rebalance table of the sleeves `ids`, with the cash moved when `last`. */
function rebalanceTablePart(result: OrchestratorResult, ids: readonly string[], last: boolean, events: readonly RebalanceEvent[], format: (time: number) => string): string {
  // Shared mode moves no cash: a rebalance only sets the weights of the "net" policy.
  const shared = result.mode === 'shared';
  // A weight is null while the portfolio is worth zero or less: shown as a dash.
  const weight = (weights: Readonly<Record<string, number | null>>, id: string) => {
    const value = weights[id];
    return value === undefined ? MISSING : formatPercent(value);
  };
  return formatTable(
    [
      { header: 'date' },
      { header: 'reason' },
      ...ids.map((id) => ({ header: shared ? `${echoValue(id)} weight → target` : `${echoValue(id)} before → after`, align: 'right' as const })),
      ...(shared || !last ? [] : [{ header: 'cash moved in / out', align: 'right' as const }]),
    ],
    events.map((event) => [
      format(event.time),
      rebalanceReasonText(event, result.config),
      ...ids.map((id) => `${weight(event.weightsBefore, id)} → ${weight(shared ? event.targetWeights : event.weightsAfter, id)}`),
      ...(shared || !last ? [] : [moved(event)]),
    ]),
  );
}

/** What `deferred` and `below costs` in the reasons of `events` mean, for those that name either; null when none does. */
function unmovedLegend(events: readonly RebalanceEvent[]): string | null {
  const parts = [
    events.some((event) => event.deferred.length > 0) ? 'deferred: the sleeve held a position that could not trade at the move (its symbol had no bar, or an order of its strategy was waiting), so its capital stayed as it was' : null,
    events.some((event) => event.belowCosts.length > 0) ? 'below costs: moving its capital would have cost at least what it moved, so it stayed as it was' : null,
  ].filter((part) => part !== null);
  return parts.length === 0 ? null : `${parts.join('; ')}; the other sleeves shared what was left.`;
}

/** A target weight from which one sleeve is said to hold most of the portfolio (see {@link concentrationNote}). */
const CONCENTRATED = 0.9;

/**
 * The note on a run whose volatility scheme gave one sleeve 90 % or more of the portfolio at some
 * rebalance, with three sleeves or more and no `maxWeight` to cap it, or null: inverse volatility
 * (or risk parity) of a sleeve that sat mostly in cash — a crumb of a position left in
 * it, its returns tiny — puts nearly everything there, a month of the portfolio out of the market.
 * Names the largest such weight, its sleeve and date, and how many rebalances did so.
 */
function concentrationNote(result: OrchestratorResult, format: (time: number) => string): string | null {
  const { allocation } = result.config;
  if (allocation.maxWeight !== undefined || result.sleeves.length < 3 || !['inverse-volatility', 'risk-parity'].includes(allocation.scheme)) return null;
  let count = 0;
  let top: { readonly id: string; readonly weight: number; readonly time: number } | null = null;
  for (const event of result.rebalances) {
    if (event.reason === 'initial') continue;
    let largest: { readonly id: string; readonly weight: number } | null = null;
    for (const [id, weight] of Object.entries(event.targetWeights)) if (largest === null || weight > largest.weight) largest = { id, weight };
    if (largest === null || !(largest.weight >= CONCENTRATED)) continue;
    count++;
    if (top === null || largest.weight > top.weight) top = { ...largest, time: event.time };
  }
  if (top === null) return null;
  const at = count === 1 ? 'at one rebalance' : `at ${formatCount(count)} rebalances`;
  return `${allocation.scheme} gave one sleeve ${formatPercent(CONCENTRATED, 0)} or more of the portfolio ${at}: sleeve ${echoValue(top.id)} ${formatPercent(top.weight)} on ${format(top.time)}; a sleeve that sat mostly in cash (a small position, or a leftover unit of one) has returns so small that its estimate puts nearly everything there — cap it with "maxWeight" in allocation (e.g. 0.5)`;
}

function shownOf(count: number, total: number, what: string): string {
  return count === total ? `all ${formatCount(total)}` : `first ${formatCount(count)} of ${formatCount(total)}; --json lists every ${what}`;
}

/**
 * The human-readable summary of an orchestrator run: a header (config, data, period, bars, mode,
 * allocation scheme, rebalance rule, engine options, risk limits, error policy, benchmark and the
 * strategies), a metrics table with the portfolio and every sleeve side by side (total return,
 * CAGR, Sharpe, max drawdown, volatility, trades, final weight, contribution to the portfolio
 * return), the counts of rebalances, conflicts, risk events and isolated strategies with what
 * crossing saved, the first rebalances (date, reason, each sleeve's weight before → after, cash
 * moved), the first conflicts and risk events, and the final equity.
 */
/** A run's name is its title: a sentence, not a value to clip to an error echo's 80 characters. */
const MAX_TITLE_LENGTH = 200;

export function renderRunSummary(result: OrchestratorResult, palette: Palette = createPalette(false), options: RunSummaryOptions = {}): string {
  const config = result.config;
  const format = isoTimeFormatter(result.portfolio.equity.time);
  const label = (text: string) => palette.dim(text.padEnd(10));
  const lines: string[] = [];

  lines.push(palette.bold(`Run: ${config.name === undefined ? `${formatCounted(result.sleeves.length, 'strategy', 'strategies')} on one portfolio` : echoValue(config.name, MAX_TITLE_LENGTH)}`));
  if (options.source !== undefined) lines.push(`  ${label('config')} ${echoValue(options.source, MAX_LINE_LENGTH)}`);
  lines.push(`  ${label('data')} ${describeData(config, result)}`);
  for (const note of options.notes ?? []) lines.push(`  ${label('')} ${palette.yellow(`note: ${echoValue(note, MAX_LINE_LENGTH)}`)}`);
  const period = result.startTime === null || result.endTime === null ? 'no bars' : `${format(result.startTime)} → ${format(result.endTime)}`;
  const ppy = periodsPerYearText(result.portfolio.equity.time, result.periodsPerYear, config.periodsPerYear !== undefined);
  lines.push(`  ${label('period')} ${period} · ${formatCounted(result.bars, 'bar')} · ${ppy}`);
  const calendarNote = config.periodsPerYear === undefined ? periodsPerYearNote(result.portfolio.equity.time, result.periodsPerYear, 'config') : null;
  if (calendarNote !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${calendarNote}`)}`);
  const shortNote = shortSampleNote((result.portfolio.metrics.metrics.bars ?? 0) - 1, result.periodsPerYear);
  if (shortNote !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${shortNote}`)}`);
  lines.push(`  ${label('mode')} ${describeMode(result)}`);
  lines.push(`  ${label('allocation')} ${describeAllocation(result)}`);
  lines.push(`  ${label('rebalance')} ${describeRebalance(config)}`);
  const signal = result.sleeves.some((sleeve) => sleeve.kind === 'signal');
  lines.push(
    `  ${label('engine')} ${describeEngineOptions({ cash: config.cash, fill: config.fill, commission: config.commission, slippage: config.slippage, sizing: config.sizing, fractional: config.fractional, closeAtEnd: config.closeAtEnd, rebalance: null, checkInvariants: config.checkInvariants }, signal ? 'signal' : 'portfolio')}`,
  );
  if (result.mode === 'shared') {
    // The sizing rule above sizes the shadows' entries; the one account sizes by the policy's target.
    const count = result.symbols.length;
    // The account invests the target weights' sum (the orchestrator's rule): below 1 with a cash
    // buffer, fixed weights that leave some of the capital out, a weight cap the sleeves cannot
    // fill, or an isolated sleeve's fixed weight, which is not given to the others. Every such
    // target, the start allocation's included, is in a rebalance event.
    const partly = result.rebalances.some((event) => investedShare(Object.values(event.targetWeights)) < 1);
    const share = partly ? " × the target weights' sum (the rest stays in cash)" : '';
    lines.push(
      `  ${label('')} shared account: each of the ${formatCounted(count, 'symbol')} gets an equal slot, the policy's target × equity${share} / ${formatNumber(count, 0)} (the sizing above is the shadow sleeves')`,
    );
  }
  lines.push(`  ${label('risk')} ${describeRisk(config)}`);
  lines.push(
    `  ${label('errors')} ${config.errorPolicy === 'isolate' ? "isolate: a strategy that throws has its sleeve closed out and the run goes on" : 'fail: a strategy that throws stops the run'}`,
  );
  if (config.benchmark !== undefined) {
    const benchmarkReturn = result.portfolio.metrics.metrics.benchmarkReturn;
    // A dash alone would read as a failure: say why, as `backtest` does.
    const over = benchmarkReturn === null ? palette.dim(BENCHMARK_WITHOUT_FIGURES) : `${signedPercent(benchmarkReturn, palette)} over the run`;
    lines.push(`  ${label('benchmark')} ${echoValue(config.benchmark)} buy and hold: ${over}`);
  }
  const orders = result.portfolio.orders;
  const logged = ordersLoggedHint(orders);
  const over = orders.weightsOverEquity === undefined ? '' : ` (${overEquityText(result, orders.weightsOverEquity)})`;
  const closing = costsReason(orders, config);
  const atCap = orders.capped === undefined ? '' : ` (${formatCount(orders.capped)} at the quantity cap)`;
  lines.push(`  ${label('orders')} ${formatCount(orders.filled)} filled${atCap} · ${formatCount(orders.shrunk)} shrunk · ${formatCount(orders.rejected)} rejected${closing}${over} · ${formatCount(orders.dropped)} dropped${logged}`);
  const bySleeve = sleeveOrdersText(result);
  if (bySleeve !== null) lines.push(`  ${label('')} by sleeve: ${bySleeve}`);
  const capped = quantityCapNote(result.portfolio.fills, orders.capped, format, '"fractional": true');
  if (capped !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${capped}`)}`);
  const crossed = crossedLevelsNote(orders.levelsCrossed);
  if (crossed !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${crossed}`)}`);
  const sleeves = shownSleeves(result);
  lines.push(...strategyLines(result, label, sleeves.shown));
  // A strategy file's sleeve too good to be true: most often a look-ahead, which `check` finds.
  const data = result.config.data;
  // The config's paths (its strategy files, its data file) are relative to its folder.
  const folder = options.source === undefined ? '.' : path.dirname(options.source);
  result.config.strategies.forEach((entry, i) => {
    const sleeve = result.sleeves[i];
    if (entry.module === undefined || sleeve === undefined) return;
    const check = checkCommand({
      data: data.dataset !== undefined ? ['--dataset', data.dataset] : dataFiles(data).flatMap((file) => ['--data', file]),
      strategy: entry.module.path,
      params: sleeve.params ?? entry.params,
      symbols: entry.symbols,
      from: typeof data.from === 'string' ? data.from : undefined,
      to: typeof data.to === 'string' ? data.to : undefined,
      reading: { format: data.format, dateFormat: data.dateFormat, decimal: data.decimal, adjust: data.adjust, sort: data.sort },
    });
    const hint = lookaheadHint(sleeve.metrics.metrics, sleeve.metrics.metrics.bars ?? 0, result.periodsPerYear, check);
    const where = folder === '.' ? '' : ` (in ${echoValue(folder)}, the config's folder, which its paths are relative to)`;
    if (hint !== null) lines.push(`  ${label('')} ${palette.yellow(`note: sleeve ${echoValue(entry.id)}: ${hint}${where}`)}`);
  });
  lines.push('');

  lines.push(`${palette.bold(result.mode === 'shared' ? 'Metrics (strategy columns: shadow sleeves)' : 'Metrics')}${palette.dim(sleeves.note)}`);
  lines.push(indent(comparisonTable(result, palette, sleeves.shown)));
  const leftOut = riskClosedTradesNote(result);
  if (leftOut !== null) lines.push(indent(palette.dim(leftOut)));
  lines.push('');

  lines.push(eventsLine(result, palette));
  const residual = result.attribution.total.residual;
  if (result.mode === 'shared' && residual !== null) {
    const sum = Object.values(result.attribution.total.bySleeve).reduce<number>((total, value) => total + (value ?? Number.NaN), 0);
    lines.push(
      `  the shadow sleeves' contributions sum to ${signedPercent(sum, palette)}; after conflict resolution the portfolio made ${signedPercent(result.attribution.total.portfolioReturn, palette)} (attribution residual ${signedPercent(residual, palette)})`,
    );
  }
  if (result.halted !== null) lines.push(palette.yellow(`  trading halted on ${format(result.halted.time)} ${result.halted.reason === 'drawdown' ? 'by the drawdown stop' : `by a margin call: ${result.config.mode === 'shared' ? 'the shared account was' : 'the portfolio as a whole (its sleeves and reserve together) was'} worth less than nothing; every position was closed at that close`}`));
  for (const event of result.isolated) {
    // The orchestrator's message usually names the strategy, symbol and date already.
    const where = `${echoValue(event.strategyId)}${event.symbol === null ? '' : ` on ${echoValue(event.symbol)}`} at ${format(event.time)}: `;
    // Where in a strategy file it threw, as `ensemble run` says of a strategy that fails the run.
    const at = strategyErrorPlace(event.error, options.cwd ?? process.cwd());
    const thrown = at === undefined || at === null ? '' : ` (${at})`;
    lines.push(palette.yellow(`  isolated: ${event.message.includes(`"${event.strategyId}"`) ? '' : where}${echoValue(event.message, MAX_LINE_LENGTH)}${thrown}`));
  }
  const idle = isolatedCapitalNote(result);
  if (idle !== null) lines.push(palette.yellow(`  note: ${idle}`));
  lines.push('');

  const rebalancesShown = Math.min(options.rebalancesShown ?? 5, result.rebalances.length);
  if (result.rebalances.length > 0 && rebalancesShown > 0) {
    // With next-open fills a rebalance is decided at its date's close and its capital moves at the next open.
    const timing =
      config.mode === 'shared'
        ? ` · shared mode: ${config.conflictPolicy === 'net' ? 'the "net" policy\'s weights; no capital moves' : `no capital moves, and the "${config.conflictPolicy}" policy does not use these weights`}`
        : config.fill === 'next-open'
          ? ' · weights decided at the close of each date, capital moved at the next open'
          : '';
    lines.push(`${palette.bold(`Rebalances (${shownOf(rebalancesShown, result.rebalances.length, 'one')})`)}${palette.dim(timing)}${palette.dim(sleeves.note === '' ? '' : ` · weights${sleeves.note}`)}`);
    lines.push(indent(rebalanceTable(result, result.rebalances.slice(0, rebalancesShown), format, sleeves.shown)));
    // Said whenever the run has such rebalances: the events line counts them, shown or not.
    const unmoved = unmovedLegend(result.rebalances);
    if (unmoved !== null) lines.push(indent(palette.dim(unmoved)));
    const concentrated = concentrationNote(result, format);
    if (concentrated !== null) lines.push(indent(palette.yellow(`note: ${concentrated}`)));
    lines.push('');
  }
  const eventsShown = options.eventsShown ?? 3;
  const conflictsShown = Math.min(eventsShown, result.conflicts.length);
  if (conflictsShown > 0) {
    lines.push(palette.bold(`Conflicts (${shownOf(conflictsShown, result.conflicts.length, 'one')})`));
    const table = formatTable(
      [{ header: 'date' }, { header: 'symbol' }, { header: 'signals' }, { header: 'outcome' }],
      result.conflicts.slice(0, conflictsShown).map((event) => [
        format(event.time),
        echoValue(event.symbol),
        event.inputs.map((input) => `${echoValue(input.strategyId)} ${conflictSignalText(input)}`).join(', '),
        `${event.policy}: ${conflictOutcomeText(event.outcome)}`,
      ]),
    );
    lines.push(indent(table), '');
  }
  const riskShown = Math.min(eventsShown, result.risk.length);
  if (riskShown > 0) {
    lines.push(palette.bold(`Risk events (${shownOf(riskShown, result.risk.length, 'one')})`));
    const table = formatTable(
      [{ header: 'date' }, { header: 'kind' }, { header: 'action' }, { header: 'detail' }],
      result.risk.slice(0, riskShown).map((event) => [format(event.time), event.kind, event.action, echoValue(event.detail, MAX_LINE_LENGTH)]),
    );
    lines.push(indent(table), '');
  }

  const belowZero = belowZeroWarning(result.portfolio.equity, format);
  if (belowZero !== null) lines.push(palette.yellow(belowZero));
  const sleevesInDebt = result.config.mode === 'shared' ? null : sleevesBelowZero(result.sleeves, format);
  if (sleevesInDebt !== null) lines.push(palette.yellow(sleevesInDebt));
  const unsolved = result.rebalances.filter((event) => event.convergence?.converged === false);
  if (unsolved.length > 0) {
    const first = unsolved[0];
    lines.push(
      palette.yellow(
        `warning: risk parity did not converge at ${formatCount(unsolved.length)} of ${formatCounted(result.rebalances.length, 'rebalance')} (the first on ${first === undefined ? MISSING : format(first.time)}): some long-only mix of the sleeves had no variance over the window, so no weights give equal risk contributions, and inverse-volatility weights were used there; a lookback of more returns than sleeves (${formatCount(result.sleeves.length)}) avoids the usual cause`,
      ),
    );
  }
  const totalReturn = result.portfolio.metrics.metrics.totalReturn;
  const costs = result.portfolio.totalCommission + result.portfolio.totalSlippage;
  const ratio = result.diversificationRatio === null ? MISSING : formatRatio(result.diversificationRatio);
  lines.push(
    `${palette.bold('Final equity')} ${formatMoney(result.finalEquity)} (${signedPercent(totalReturn, palette)}) · cash ${formatMoney(result.finalCash)} · costs ${formatMoney(costs)} · diversification ratio ${ratio}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Sleeves named in the warning of sleeves that fell below zero; the rest are counted. */
const DEBT_NAMED = 5;

/**
 * A warning naming the sleeves whose equity fell below zero (sleeves mode), each with its first
 * such figure and date, or null when none did: such a sleeve lost more than its capital, was
 * margin-called, and its strategy waits until a rebalance funds it above zero again, while the
 * portfolio, worth more than zero, says nothing of it.
 */
function sleevesBelowZero(sleeves: OrchestratorResult['sleeves'], format: (time: number) => string): string | null {
  const found: string[] = [];
  let count = 0;
  for (const sleeve of sleeves) {
    const { equity, time } = sleeve.equity;
    // Below zero by more than rounding (a sleeve emptied by a rebalance can hold −1e-12).
    const dust = 1e-9 * Math.max(1, Math.abs(sleeve.initialCash) + Math.abs(sleeve.netTransfers));
    const t = equity.findIndex((value) => value < -dust);
    if (t < 0) continue;
    count++;
    if (found.length < DEBT_NAMED) found.push(`${echoValue(sleeve.id)} (${formatMoney(equity[t] ?? Number.NaN)} on ${format(time[t] ?? Number.NaN)})`);
  }
  if (count === 0) return null;
  const more = count > found.length ? ` and ${formatCount(count - found.length)} more` : '';
  return `warning: ${count === 1 ? 'a sleeve' : `${formatCount(count)} sleeves`} fell below zero: ${found.join(', ')}${more} — ${count === 1 ? 'it' : 'each'} lost more than its capital (shorts or leverage can), was margin-called, and its strategy is not asked until a rebalance funds it above zero again; its figures from then on are a debt's`;
}

/**
 * Sleeves mode with several sleeves: which sleeves' orders were shrunk or rejected, most first
 * (`trend 17 rejected · dip 2 shrunk, 1 rejected`), up to three and a count of the rest; null when
 * none was, with one sleeve (the run's count is its own), in shared mode (the portfolio's orders
 * are the shared account's, not the shadows').
 */
export function sleeveOrdersText(result: Pick<OrchestratorResult, 'mode' | 'sleeves'>): string | null {
  if (result.mode !== 'sleeves' || result.sleeves.length < 2) return null;
  const counted = result.sleeves
    .map((sleeve) => ({ id: sleeve.id, shrunk: sleeve.shrunkOrders, rejected: sleeve.rejectedOrders }))
    .filter((sleeve) => sleeve.shrunk + sleeve.rejected > 0);
  if (counted.length === 0) return null;
  // Most first; a stable sort keeps the config's order between equals.
  counted.sort((a, b) => b.shrunk + b.rejected - (a.shrunk + a.rejected));
  const shown = counted.slice(0, 3).map((sleeve) => {
    const parts = [sleeve.shrunk > 0 ? `${formatCount(sleeve.shrunk)} shrunk` : '', sleeve.rejected > 0 ? `${formatCount(sleeve.rejected)} rejected` : ''].filter((part) => part !== '');
    return `${echoValue(sleeve.id)} ${parts.join(', ')}`;
  });
  const more = counted.length - shown.length;
  return `${shown.join(' · ')}${more > 0 ? ` · … and ${formatCounted(more, 'more sleeve')}` : ''}`;
}

/**
 * The trades the portfolio closed — a risk limit's trim or stop, a transfer's sale — which the
 * Trades row leaves out (the trade statistics are the strategies' own round trips): how many, and
 * whose, so that a row of 0 does not read as nothing traded; null when risk limits closed none
 * (the transfers' sales alone are the usual rebalancing, explained in the README). A trim that
 * cuts a position without closing it closes a trade for the part it sells.
 */
export function riskClosedTradesNote(result: Pick<OrchestratorResult, 'mode' | 'sleeves' | 'portfolio'>): string | null {
  const closed = (trades: readonly { readonly exitReason: string }[], reason: string): number => trades.reduce((count, trade) => count + (trade.exitReason === reason ? 1 : 0), 0);
  const risk = closed(result.portfolio.trades, 'risk');
  if (risk === 0) return null;
  const whose =
    result.mode === 'sleeves' && result.sleeves.length > 1
      ? ` (${result.sleeves
          .map((sleeve) => ({ id: sleeve.id, count: closed(sleeve.trades, 'risk') }))
          .filter((sleeve) => sleeve.count > 0)
          .map((sleeve) => `${echoValue(sleeve.id)} ${formatCount(sleeve.count)}`)
          .join(', ')})`
      : '';
  const transfers = closed(result.portfolio.trades, 'transfer');
  const also = transfers === 0 ? '' : transfers === 1 ? ", as is the 1 a transfer's sale closed" : `, as are the ${formatCount(transfers)} that transfers' sales closed`;
  return `Trades counts the strategies' own round trips: ${formatCounted(risk, 'trade')} (or ${risk === 1 ? 'part of a position' : 'parts of positions'}) that risk limits' trims and stops closed ${risk === 1 ? 'is' : 'are'} left out${whose}${also}; --json lists every trade with its exitReason`;
}

/**
 * Sleeves mode with an isolated sleeve: where its capital went, when it does not go to the other
 * sleeves — to the reserve under `fixed` weights (fixed means fixed), nowhere without rebalancing
 * (it stays idle in the sleeve). Null otherwise (a data-driven scheme shares it at the next
 * rebalance), in shared mode, and without an isolated sleeve.
 */
export function isolatedCapitalNote(result: Pick<OrchestratorResult, 'mode' | 'isolated' | 'config'>): string | null {
  if (result.mode !== 'sleeves' || result.isolated.length === 0) return null;
  const ids = [...new Set(result.isolated.map((event) => event.strategyId))];
  const which = ids.length === 1 ? `the isolated sleeve's (${echoValue(ids[0] ?? '')})` : `the isolated sleeves' (${listValues(ids, { maxItems: 3 })})`;
  if (result.config.rebalance.schedule === 'never' && result.config.rebalance.drift === undefined) {
    return `${which} cash stays idle in ${ids.length === 1 ? 'it' : 'them'} to the end: nothing rebalances (rebalance "never"), so no weight of 0 moves it to the other sleeves`;
  }
  if (result.config.allocation.scheme === 'fixed') {
    return `${which} capital went to the reserve at the next rebalance and stays in cash: fixed weights are not given to the other sleeves (an equal or data-driven scheme shares it out)`;
  }
  return null;
}
