import type { DatasetInfo, MarketData } from '@ensemble/data';
import { backtestResultJsonRows, isoTimeFormatter, jsonArrays, jsonRows, serializeBacktestResult } from '@ensemble/engine';
import type { BacktestResult, BacktestResultJson, CommissionModel, JsonListMaker, OpenPosition, ResolvedBacktestOptions, SlippageModel, WeightsOverEquity, WithJsonRows } from '@ensemble/engine';
import type { PerformanceResult } from '@ensemble/performance';
import { describePeriodsPerYearBasis, inferPeriodsPerYear, intradayCalendar, medianSpacingMs, periodsPerYearBasis, tradesEveryDay } from '@ensemble/performance';
import { MAX_LINE_LENGTH, MIN_PERIODS_PER_YEAR, echoValue, formatPrice } from '@ensemble/protocol';
import type { BarSeries, RebalanceRule, Trade } from '@ensemble/protocol';
import { backtestReportInput } from '@ensemble/report';
import type { ReportInput, SavedReportJson } from '@ensemble/report';
import type { BacktestPlan } from './backtest-options';
import { createPalette } from './color';
import { endedSymbolNote, holeNotes, loadNotes, spacingNotes, splitNotes } from './data-source';
import type { Palette } from './color';
import { crossedLevelsNote } from './crossed-levels';
import { checkCommand, lookaheadHint } from './lookahead-hint';
import { quantityCapNote } from './quantity-cap';
import { belowZeroWarning, formatCount, formatCounted, formatMoney, formatNumber, formatPercent, formatQuantity, formatTable, formatWeightSum, ordersLoggedHint } from './format';
import { renderMetricGroups } from './metrics-table';
import { savedReportJson } from './saved-report';
import type { StrategyModuleRef } from './strategy-modules';

/** Version of the `ensemble backtest --json` format; bumped on any incompatible change. */
export const BACKTEST_JSON_SCHEMA_VERSION = 1;

/** A finished `ensemble backtest`: what was asked, on which data, and what came out. */
export interface BacktestRun {
  readonly plan: BacktestPlan;
  /** The traded data: the selected symbols and date range. */
  readonly data: MarketData;
  /** The embedded data set's description, when the data is one. */
  readonly dataset: DatasetInfo | undefined;
  /** The symbol the benchmark metrics compare against, or null. */
  readonly benchmark: string | null;
  /** Its bars over the run's date range (traded or not), or null: the report draws its closes. */
  readonly benchmarkSeries: BarSeries | null;
  /** The rebalance schedule a portfolio strategy used (the run's or its own), null for signal strategies. */
  readonly rebalance: RebalanceRule | null;
  readonly result: BacktestResult;
  readonly performance: PerformanceResult;
  /**
   * With `--warmup-from`: the warm-up's first bar (epoch ms) and its timeline steps, which fed the
   * strategy's indicators before `--from` without trading or being measured (`result` starts at
   * `--from`). Null without it.
   */
  readonly warmup?: { readonly from: number; readonly bars: number } | null;
}

/** The resolved configuration of a backtest, as written in its JSON result. */
export interface BacktestConfigJson {
  readonly data: {
    /** The `--data` path or `--dataset` name as given. */
    readonly source: string;
    /** With several data files (one per symbol, `--data` repeated), every one as given, in order. */
    readonly files?: readonly string[];
    /** The embedded data set's name, or null for a file. */
    readonly dataset: string | null;
    /** The layout the data was read in (`ohlcv`, `long`, `wide`, `json`; `mixed` for files of several). */
    readonly format: string;
    /** How the file's dates were read (`--date-format`, a config's `data.dateFormat`); absent when detected. */
    readonly dateFormat?: string;
    /** How the file's numbers were read (`--decimal`, a config's `data.decimal`); absent when decided from them. */
    readonly decimal?: string;
    /** `--adjust` (a config's `data.adjust`): prices scaled by the adjusted close; absent when not. */
    readonly adjust?: true;
    /** `--sort` (a config's `data.sort`): the rows sorted by date; absent when not. */
    readonly sort?: true;
    /** The traded symbols, in order. */
    readonly symbols: readonly string[];
    /** `--from` / `--to` as given, or null. */
    readonly from: string | null;
    readonly to: string | null;
    /** `--warmup-from` as given: the bars from it to `from` warmed up the indicators; absent without it. */
    readonly warmupFrom?: string;
  };
  readonly strategy: {
    readonly name: string;
    readonly kind: 'signal' | 'portfolio';
    /** Every parameter, defaults applied. */
    readonly params: Readonly<Record<string, unknown>>;
    /** The file the strategy was loaded from and its SHA-256 (`--strategy ./file.ts`); absent for a built-in. */
    readonly module?: StrategyModuleRef;
  };
  /** The engine options, every default applied. */
  readonly options: ResolvedBacktestOptions;
  readonly metrics: {
    readonly riskFreeRate: number;
    /** `--periods-per-year` as given, or null when inferred (the value used is `periodsPerYear` at the top level). */
    readonly periodsPerYear: number | null;
    /** The benchmark symbol, or null. */
    readonly benchmark: string | null;
  };
}

/**
 * The `ensemble backtest --json` document: `schemaVersion`, the resolved `config`, the
 * `periodsPerYear` used, the engine's serialised result (`serializeBacktestResult` without its
 * own `version`: times as ISO strings, the equity curve as `{ time, equity, cash, grossExposure }`
 * points), `metrics`, the performance package's `PerformanceResult` (its times are epoch ms), and
 * `report`, the title, subtitle and benchmark line of the run's report (`SavedReportJson` of
 * `@ensemble/report`), so that `readResultFile` makes the same report from the file.
 */
export type BacktestJson = Omit<BacktestResultJson, 'version'> & {
  readonly schemaVersion: typeof BACKTEST_JSON_SCHEMA_VERSION;
  readonly kind: 'backtest';
  readonly config: BacktestConfigJson;
  readonly periodsPerYear: number;
  readonly metrics: PerformanceResult;
  readonly report: SavedReportJson;
};

/**
 * The strategy's parameters as the run used them: a portfolio strategy's `rebalance` parameter is
 * left out when the run's rule (`--rebalance`, a config's `rebalance`) replaced it — the rule in
 * force is `options.rebalance`, and a backtest config giving both is refused, so the recorded
 * config states one schedule, the one that ran.
 */
function usedParams(plan: BacktestRun['plan']): Readonly<Record<string, unknown>> {
  if (plan.engine.rebalance === null) return plan.strategy.params;
  const { rebalance: _replaced, ...used } = plan.strategy.params;
  return used;
}

/** The resolved configuration of `run` (see {@link BacktestConfigJson}). */
export function backtestConfigJson(run: BacktestRun): BacktestConfigJson {
  const { plan } = run;
  return {
    data: {
      source: plan.source,
      // Several files (one per symbol): every one, as given; `source` is the first.
      ...(plan.files.length > 1 ? { files: plan.files } : {}),
      dataset: run.dataset?.name ?? null,
      format: run.data.format,
      ...(plan.dateFormat === undefined || plan.dateFormat === 'auto' ? {} : { dateFormat: plan.dateFormat }),
      ...(plan.decimal === undefined || plan.decimal === 'auto' ? {} : { decimal: plan.decimal }),
      ...(plan.adjust ? { adjust: true as const } : {}),
      ...(plan.sort ? { sort: true as const } : {}),
      symbols: run.result.symbols,
      from: plan.rangeText.from ?? null,
      to: plan.rangeText.to ?? null,
      ...(plan.rangeText.warmupFrom === undefined ? {} : { warmupFrom: plan.rangeText.warmupFrom }),
    },
    strategy: {
      name: plan.strategy.definition.name,
      kind: plan.strategy.definition.kind,
      params: usedParams(plan),
      ...(plan.strategyModule === undefined ? {} : { module: plan.strategyModule }),
    },
    options: plan.engine,
    metrics: { riskFreeRate: plan.riskFreeRate, periodsPerYear: plan.periodsPerYear ?? null, benchmark: run.benchmark },
  };
}

/**
 * The `@ensemble/report` input of an `ensemble backtest` run: `backtestReportInput` of the report
 * package with the CLI's title and subtitle, its resolved configuration, the metrics it computed
 * and the benchmark's closes.
 */
export function backtestRunReportInput(run: BacktestRun): ReportInput {
  const { result, performance, plan } = run;
  return backtestReportInput(result, {
    title: `Backtest: ${plan.strategy.definition.name} on ${result.symbols.join(', ')}`,
    subtitle: run.dataset === undefined ? run.data.source : `${run.dataset.name}: ${run.dataset.description}`,
    config: backtestConfigJson(run),
    metrics: performance,
    benchmark: run.benchmarkSeries ?? undefined,
  });
}

/** The document of `run` around the engine's JSON form of its result, with lists made by `list` (plain arrays or lazy rows). */
function backtestDocument(run: BacktestRun, form: WithJsonRows<BacktestResultJson>, list: JsonListMaker): WithJsonRows<BacktestJson> {
  const { version: _version, equity, fills, trades, openPositions, ...summary } = form;
  return {
    schemaVersion: BACKTEST_JSON_SCHEMA_VERSION,
    kind: 'backtest',
    config: backtestConfigJson(run),
    periodsPerYear: run.performance.periodsPerYear,
    ...summary,
    metrics: run.performance,
    trades,
    openPositions,
    fills,
    equity,
    report: savedReportJson(backtestRunReportInput(run), list),
  };
}

/** The JSON document of `run` (see {@link BacktestJson}); deterministic for equal runs. */
export function backtestJson(run: BacktestRun): BacktestJson {
  // Around the engine's plain form, the document has no JsonRows: it is a BacktestJson.
  return backtestDocument(run, serializeBacktestResult(run.result), jsonArrays) as BacktestJson;
}

/**
 * {@link backtestJson} with the equity curve, fills, trades, rebalances and the benchmark line's
 * columns as lazy `JsonRows` (`backtestResultJsonRows` of `@ensemble/engine`), for
 * `jsonTextChunks`: the same text, without the run's points as objects in memory.
 */
export function backtestJsonRows(run: BacktestRun): WithJsonRows<BacktestJson> {
  return backtestDocument(run, backtestResultJsonRows(run.result), jsonRows);
}

/** Why a benchmark has no figures (its return and the metrics against it are dashes), in `backtest`'s and `run`'s summaries alike. */
export const BENCHMARK_WITHOUT_FIGURES = 'no figures, as it has fewer than 2 dates with a price in common with the run (check its first and last dates with `ensemble data inspect`)';

/**
 * The note for inferred periods per year that the bars' own calendar contradicts, or null:
 * daily bars that fall on Saturdays and Sundays too (`tradesEveryDay`: crypto, 24/7 markets),
 * which the inference counts as exchange trading days (252 a year); and intraday exchange bars
 * whose sessions hold more or fewer bars than a 6.5-hour session (`intradayCalendar`), by more
 * than a tenth — 34 fifteen-minute bars a day on the London exchange read as 26. Either way
 * annualised figures are off (the CAGR's years are bars over periods per year); the note gives the
 * bars' figure as a flag or a config field. Round-the-clock intraday bars count their days and
 * hours themselves.
 */
export function periodsPerYearNote(time: ArrayLike<number>, periodsPerYear: number, advice: 'flag' | 'config'): string | null {
  const give = (figure: number) => (advice === 'flag' ? `--periods-per-year ${String(figure)}` : `"periodsPerYear": ${String(figure)} in the config`);
  // Bars days apart are said on the period line, with their own rate (`inferredAgainstSpacing`).
  if (periodsPerYear === 252 && tradesEveryDay(time) && spacedDays(time) === null) {
    return `the bars fall on Saturdays and Sundays too (data that trades every day): periods/year assumes exchange trading days (252 a year, 6.5-hour sessions), which shrinks the annualised return (CAGR) towards 0 and understates annualised volatility and Sharpe; give ${give(365)}`;
  }
  const calendar = intradayCalendar(time);
  if (calendar?.hoursPerDay !== 6.5) return null;
  const perDay = medianBarsPerDay(time);
  const assumed = periodsPerYear / calendar.daysPerYear;
  if (!(Math.abs(perDay / assumed - 1) > 0.1)) return null;
  const figure = perDay * calendar.daysPerYear;
  return `the sessions hold ${formatNumber(perDay, 0)} bars a day (the median over the days with a bar): periods/year assumes 6.5-hour sessions (${formatNumber(assumed, Number.isInteger(assumed) ? 0 : 1)} bars a day), which ${perDay > assumed ? 'shrinks the annualised return (CAGR) towards 0 and understates' : 'stretches the annualised return (CAGR) away from 0 and overstates'} annualised volatility and Sharpe; give ${give(figure)}`;
}

/**
 * The note for a run whose metrics hold fewer returns than a quarter of a year of periods, or
 * null: its annualised figures (CAGR, volatility, Sharpe, Sortino, Calmar) extrapolate so short a
 * stretch — a +1.9 % day is a CAGR in the thousands of percent — and are best read with that in
 * mind. `returns`: the returns the metrics measured (their `bars` less one). Not for a run without
 * returns (nothing is annualised then).
 */
export function shortSampleNote(returns: number, periodsPerYear: number): string | null {
  if (!(returns >= 1) || !(periodsPerYear > 0) || returns >= periodsPerYear / 4) return null;
  const share = returns / periodsPerYear;
  return `${formatCounted(returns, 'return')} ${returns === 1 ? 'is' : 'are'} ${formatPercent(share, share < 0.01 ? 3 : 1)} of a year at ${formatNumber(periodsPerYear, Number.isInteger(periodsPerYear) ? 0 : 1)} periods per year: CAGR, volatility, Sharpe, Sortino and Calmar are annualised from so short a run, and swing far with it`;
}

/** The median number of bars a UTC day holds, over the days with a bar. */
function medianBarsPerDay(time: ArrayLike<number>): number {
  const counts: number[] = [];
  let day = Number.NaN;
  for (const t of Array.from(time)) {
    const d = Math.floor(t / 86_400_000);
    if (d === day) counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1;
    else {
      day = d;
      counts.push(1);
    }
  }
  counts.sort((a, b) => a - b);
  return counts[Math.floor((counts.length - 1) / 2)] ?? 0;
}

/**
 * A summary's periods per year with where they come from: `8,760 periods/year (inferred from the
 * bar spacing: 24 hours a day, 365 days a year)` — intraday bars name the calendar read from them
 * (`intradayCalendar`), `252 periods/year (inferred from the bar spacing)`, `… (given)`.
 */
export function periodsPerYearText(time: ArrayLike<number>, periodsPerYear: number, given: boolean): string {
  const figure = periodsPerYear < 1 ? yearlyFigure(periodsPerYear) : formatNumber(periodsPerYear, Number.isInteger(periodsPerYear) ? 0 : 2);
  const basis = periodsPerYearBasis(time, given);
  const calendar = basis === 'spacing' ? intradayCalendar(time) : null;
  const detail = calendar === null ? '' : `: ${String(calendar.hoursPerDay)} hours a day, ${String(calendar.daysPerYear)} days a year`;
  const against = given ? givenAgainstSpacing(time, periodsPerYear) : calendar === null && basis === 'spacing' ? inferredAgainstSpacing(time, periodsPerYear) : '';
  return `${figure} periods/year (${describePeriodsPerYearBasis(basis)}${detail}${against})`;
}

/**
 * The median spacing of bars 1.5 days or more apart, in days, or null for closer bars (a day apart:
 * trading days and 24/7 markets alike, which the weekend note looks at; intraday bars) and for
 * fewer than two.
 */
function spacedDays(time: ArrayLike<number>): number | null {
  const days = (medianSpacingMs(time) ?? 0) / 86_400_000;
  return days >= 1.5 ? days : null;
}

/** An inferred bucket this far from the rate of the bars' spacing (either way) is said to be: weekly, monthly, quarterly and yearly bars sit within 3 % of theirs. */
const INFERRED_FACTOR = 1.25;

/**
 * After periods per year inferred from bars a day or more apart — the spacing's bucket: 252, 52,
 * 12, 4 or 1 — that differ by {@link INFERRED_FACTOR} or more from how many bars of that spacing come
 * a year (bars 14 days apart read as weekly, 52, where 26 come a year; 182 days apart as
 * quarterly), that figure: every annualised figure scales with it. Bars a day apart (the median
 * of trading days and of 24/7 markets alike) are left to the weekend note. Empty otherwise.
 */
function inferredAgainstSpacing(time: ArrayLike<number>, periodsPerYear: number): string {
  const days = spacedDays(time);
  if (days === null) return '';
  const natural = 365.25 / days;
  const ratio = periodsPerYear / natural;
  if (ratio < INFERRED_FACTOR && ratio > 1 / INFERRED_FACTOR) return '';
  const apart = formatNumber(days, Number.isInteger(days) ? 0 : 1);
  // Below the flag's least figure (0.01): bars a century or more apart, which no figure annualises.
  if (natural < MIN_PERIODS_PER_YEAR) return `; but bars ${apart} days apart come less than once a century, so annualised figures over them mean little`;
  const figure = yearlyFigure(natural);
  return `; but bars ${apart} days apart come about ${figure} times a year, and every annualised figure depends on it: give --periods-per-year ${figure} if that is their frequency`;
}

/**
 * A number of periods a year in words: whole from 10 on or within 0.05 of a whole number, else
 * to one decimal; under 1 to two significant digits (bars 30 years apart: 0.033), never 0.
 */
function yearlyFigure(value: number): string {
  if (value < 1) return String(Number(value.toPrecision(2)));
  const whole = Math.round(value);
  return value >= 10 || Math.abs(value - whole) < 0.05 ? formatNumber(whole, 0) : formatNumber(value, 1);
}

/** A given figure this far from the bars' own (either way) is said to be. */
const GIVEN_FACTOR = 1.5;

/**
 * After a given periods per year that differs from what the bars' spacing gives by more than
 * {@link GIVEN_FACTOR} (12 on daily bars, 252 on monthly ones), what the spacing gives: every
 * annualised figure scales by it, and a figure meant for other data reads as a slip. Empty
 * otherwise, and for fewer than two bars.
 */
function givenAgainstSpacing(time: ArrayLike<number>, periodsPerYear: number): string {
  if (periodsPerYearBasis(time, false) !== 'spacing') return '';
  // Bars days apart come 365.25 / days times a year (the inference's bucket rounds them).
  const days = spacedDays(time);
  const natural = days === null ? Number.NaN : 365.25 / days;
  const inferred = days === null ? inferPeriodsPerYear(time) : natural >= 1 ? Math.round(natural) : natural;
  const ratio = periodsPerYear / inferred;
  if (ratio <= GIVEN_FACTOR && ratio >= 1 / GIVEN_FACTOR) return '';
  if (inferred < MIN_PERIODS_PER_YEAR) return '; the bars come less than once a century, so annualised figures over them mean little';
  return `; the bar spacing gives ${yearlyFigure(inferred)}, and every annualised figure scales with it`;
}

/** A price: 2 decimals with separators, four significant digits below 1 (`0.1234`, `0.00001234`): protocol's `formatPrice`. */
export function formatPriceValue(value: number): string {
  return formatPrice(value);
}

/**
 * A portfolio strategy's schedule in words. The engine rebalances first on the first bar after the
 * warm-up, wherever it falls in a period, then by the rule (`isRebalanceStep`).
 */
function describeRebalance(rule: RebalanceRule): string {
  switch (rule.kind) {
    case 'never':
      return 'once, on the first bar after the warm-up';
    case 'bars':
      return `every ${formatCounted(rule.every, 'bar')}, from the first bar after the warm-up`;
    case 'calendar':
      return `${rule.period === 'week' ? 'weekly' : `${rule.period}ly`} (the first bar after the warm-up, then the first bar of each ${rule.period})`;
  }
}

/**
 * The engine options in words, for run headers: `cash 100,000.00 · fills at the next open ·
 * 100% of cash per entry · whole units · no commission · no slippage`.
 */
export function describeEngineOptions(options: ResolvedBacktestOptions, kind: 'signal' | 'portfolio' = 'signal'): string {
  const parts = [`cash ${formatMoney(options.cash)}`, options.fill === 'next-open' ? 'fills at the next open' : "fills at the deciding bar's close"];
  if (kind === 'signal') {
    const sizing = options.sizing;
    switch (sizing.kind) {
      case 'percent-of-cash':
        parts.push(`${formatNumber(sizing.percent, Number.isInteger(sizing.percent) ? 0 : 2)}% of cash per entry`);
        break;
      case 'percent-of-equity':
        parts.push(`${formatNumber(sizing.percent, Number.isInteger(sizing.percent) ? 0 : 2)}% of equity per entry`);
        break;
      case 'fixed-quantity':
        parts.push(`${formatQuantity(sizing.quantity)} units per entry`);
        break;
      case 'fixed-cash':
        parts.push(`${formatMoney(sizing.amount)} per entry`);
        break;
    }
  }
  parts.push(options.fractional ? 'fractional units' : 'whole units');
  const commission = options.commission;
  const minimum = commission.minimum === undefined ? '' : ` (min ${formatMoney(commission.minimum)})`;
  switch (commission.kind) {
    case 'percent':
      parts.push(commission.rate === 0 && minimum === '' ? 'no commission' : `commission ${formatPercent(commission.rate, commission.rate * 100 >= 0.01 || commission.rate === 0 ? 2 : 4)}${minimum}`);
      break;
    case 'per-unit':
      parts.push(`commission ${perUnitAmount(commission.amount)}/unit${minimum}`);
      break;
    case 'fixed':
      parts.push(`commission ${formatMoney(commission.amount)}/order${minimum}`);
      break;
  }
  const slippage = options.slippage;
  if (slippage.kind === 'bps') parts.push(slippage.bps === 0 ? 'no slippage' : `slippage ${basisPoints(slippage.bps)} bps`);
  else parts.push(`slippage ${perUnitAmount(slippage.amount)}/unit`);
  if (options.closeAtEnd) parts.push('positions closed at the end');
  if (options.checkInvariants) parts.push('invariants checked');
  return parts.join(' · ');
}

/** Strategy parameters as `key=value · key=value` (each made safe to print), or `none` when there are none. */
export function formatParams(params: Readonly<Record<string, unknown>>, none = 'no parameters'): string {
  const entries = Object.entries(params).map(([key, value]) => `${echoValue(key)}=${echoValue(typeof value === 'string' ? value : JSON.stringify(value))}`);
  return entries.length === 0 ? none : entries.join(' · ');
}

/**
 * Why a portfolio strategy's orders were shrunk or rejected, to print beside their counts: its
 * weights summed to more than 1 (`weightsOverEquity` of the result's `orders`) — more than the
 * equity, which an account without margin cannot buy — on `over.rebalances` of its `of`
 * rebalances. `whose` names them (`the strategy's`, `sleeve mine's`, `the weights of sleeves a, b`
 * reads as the subject when `plural`).
 */
export function overEquityReason(over: WeightsOverEquity, of: number, whose: string, plural = false): string {
  const subject = plural ? whose : `${whose} weights`;
  const its = plural ? 'their' : 'its';
  const on =
    over.rebalances !== of ? `${formatCount(over.rebalances)} of ${its} ${formatCounted(of, 'rebalance')}` : of === 1 ? `${its} one rebalance` : `all ${formatCount(of)} of ${its} rebalances`;
  return `${subject} summed to up to ${formatWeightSum(over.maxSum)} on ${on}: more than ${its} equity, and ${plural ? 'their accounts have' : 'its account has'} no margin`;
}

/**
 * Why some of the `rejected` orders were rejected, to print beside their count (empty when none
 * was for its costs): `belowClosingCosts` would have left a position that could not pay for its
 * own closing, `belowCosts` (a portfolio strategy's orders) cost at least what they traded (the
 * result's `orders`) — and what makes them so, from the run's `costs` (see {@link costsCause}).
 */
export function costsReason(
  orders: { readonly rejected: number; readonly belowClosingCosts?: number | undefined; readonly belowCosts?: number | undefined },
  costs?: { readonly commission: CommissionModel; readonly slippage: SlippageModel },
): string {
  const { rejected, belowClosingCosts = 0, belowCosts = 0 } = orders;
  const which = (count: number): string => (count === rejected ? (count === 1 ? 'it' : 'all') : formatCount(count));
  const reasons: string[] = [];
  if (belowClosingCosts > 0) reasons.push(`${which(belowClosingCosts)}: a position worth less than closing it costs, at half its price for a long`);
  if (belowCosts > 0) reasons.push(`${which(belowCosts)}: an adjustment costing at least what it trades`);
  if (reasons.length === 0) return '';
  return ` (${reasons.join('; ')} — ${costsCause(costs)})`;
}

/** An amount per unit as the engine line writes it: up to 4 decimals, at least 2 (`0.005`, `1,000.00`). */
function perUnitAmount(amount: number): string {
  return formatNumber(amount, 4).replace(/0{1,2}$/, '');
}

/** Basis points as the engine line writes them: whole, or with 2 decimals. */
function basisPoints(bps: number): string {
  return formatNumber(bps, Number.isInteger(bps) ? 0 : 2);
}

/**
 * What makes a position or an adjustment cost at least what it is worth, from the run's costs:
 * a fixed or minimum commission weighs less on more cash per position; costs that grow with the
 * position — a commission in percent or per unit, slippage in basis points or per unit — do not,
 * and only lower costs help against them. Both kinds named when the run has both.
 */
function costsCause(costs: { readonly commission: CommissionModel; readonly slippage: SlippageModel } | undefined): string {
  const fixedOrMinimum = 'a fixed or minimum commission against the cash of one position; more cash per position trades it';
  if (costs === undefined) return fixedOrMinimum;
  const { commission, slippage } = costs;
  const fixed = commission.kind === 'fixed' ? commission.amount > 0 || (commission.minimum ?? 0) > 0 : (commission.minimum ?? 0) > 0;
  const growing: string[] = [];
  if (commission.kind === 'percent' && commission.rate > 0) growing.push(`a commission of ${formatPercent(commission.rate)}`);
  if (commission.kind === 'per-unit' && commission.amount > 0) growing.push(`a commission of ${perUnitAmount(commission.amount)} a unit`);
  if (slippage.kind === 'bps' && slippage.bps > 0) growing.push(`slippage of ${basisPoints(slippage.bps)} bps`);
  if (slippage.kind === 'fixed' && slippage.amount > 0) growing.push(`slippage of ${perUnitAmount(slippage.amount)} a unit`);
  if (growing.length === 0) return fixedOrMinimum;
  const grow = `${growing.join(' and ')}, which grow${growing.length === 1 ? 's' : ''} with the position`;
  return fixed
    ? `a fixed or minimum commission, which more cash per position outweighs, or ${grow}: only lower costs help against those`
    : `${grow}; more cash does not change that, lower costs do`;
}

/** Options of {@link renderTrades} and {@link renderBacktestSummary}. */
export interface SummaryOptions {
  readonly palette?: Palette;
  /** Closed trades to list (`Infinity` = all); default 10. */
  readonly tradesShown?: number;
}

/**
 * The closed trades as a table: number, symbol (by default only when the trades are on several symbols), side, quantity, entry and
 * exit date and price, net P&L, return, bars held, and the exit reason when not every trade
 * exited on a signal. Dates are formatted by `format` (ISO dates for daily data).
 */
export function renderTrades(
  trades: readonly Trade[],
  format: (time: number) => string,
  palette: Palette = createPalette(false),
  showSymbol: boolean = new Set(trades.map((trade) => trade.symbol)).size > 1,
): string {
  const symbols = showSymbol;
  const reasons = trades.some((trade) => trade.exitReason !== 'exit');
  const columns = [
    { header: '#', align: 'right' as const },
    ...(symbols ? [{ header: 'symbol' }] : []),
    { header: 'side' },
    { header: 'quantity', align: 'right' as const },
    { header: 'entry' },
    // Adding to a position averages its entry price; the date is the first entry's.
    { header: 'avg price', align: 'right' as const },
    { header: 'exit' },
    { header: 'price', align: 'right' as const },
    { header: 'P&L', align: 'right' as const },
    { header: 'return', align: 'right' as const },
    { header: 'bars', align: 'right' as const },
    ...(reasons ? [{ header: 'reason' }] : []),
  ];
  const rows = trades.map((trade, index) => [
    String(index + 1),
    ...(symbols ? [echoValue(trade.symbol)] : []),
    trade.side,
    formatQuantity(trade.quantity),
    format(trade.entryTime),
    formatPriceValue(trade.entryPrice),
    format(trade.exitTime),
    formatPriceValue(trade.exitPrice),
    palette.signed(trade.pnl, formatMoney(trade.pnl)),
    palette.signed(trade.returnPct, formatPercent(trade.returnPct)),
    formatCount(trade.barsHeld),
    ...(reasons ? [trade.exitReason] : []),
  ]);
  return formatTable(columns, rows);
}

/** Positions still open at the end: symbol, side, quantity, entry, mark, market value, unrealised P&L. */
export function renderOpenPositions(positions: readonly OpenPosition[], format: (time: number) => string, palette: Palette = createPalette(false)): string {
  return formatTable(
    [
      { header: 'symbol' },
      { header: 'side' },
      { header: 'quantity', align: 'right' },
      { header: 'entry' },
      { header: 'avg price', align: 'right' },
      { header: 'mark', align: 'right' },
      { header: 'value', align: 'right' },
      { header: 'unrealised P&L', align: 'right' },
      { header: 'bars', align: 'right' },
    ],
    positions.map((position) => [
      echoValue(position.symbol),
      position.side,
      formatQuantity(position.quantity),
      format(position.entryTime),
      formatPriceValue(position.entryPrice),
      formatPriceValue(position.markPrice),
      formatMoney(position.marketValue),
      palette.signed(position.unrealizedPnl, formatMoney(position.unrealizedPnl)),
      formatCount(position.barsHeld),
    ]),
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

/**
 * The human-readable summary of a backtest: a header (strategy and parameters, data, period,
 * bars, periods per year, engine options, benchmark, order counts), every metric grouped as in
 * `METRIC_DESCRIPTIONS`, the first `tradesShown` closed trades and the open positions.
 */
export function renderBacktestSummary(run: BacktestRun, options: SummaryOptions = {}): string {
  const palette = options.palette ?? createPalette(false);
  const shown = options.tradesShown ?? 10;
  const { result, performance, plan } = run;
  const definition = plan.strategy.definition;
  const format = isoTimeFormatter(result.equity.time);
  const symbols = result.symbols;
  const lines: string[] = [];
  const label = (text: string) => palette.dim(text.padEnd(10));
  // A backtest config run by `ensemble run --config` is changed in the file, not by flags `run` does not take.
  const advice: 'flag' | 'config' = plan.config === undefined ? 'flag' : 'config';
  const say = (flag: string, field: string): string => (advice === 'flag' ? flag : field);

  lines.push(palette.bold(`Backtest: ${definition.name} on ${symbols.map((symbol) => echoValue(symbol)).join(', ')}${run.dataset === undefined ? '' : ` (${run.dataset.name})`}`));
  // A portfolio strategy's `rebalance` parameter may be overridden by --rebalance: the rebalance
  // line below states the rule in force, so the strategy line leaves the parameter out.
  const { rebalance: _rebalance, ...otherParams } = plan.strategy.params;
  const shownParams = run.rebalance === null ? plan.strategy.params : otherParams;
  const origin = plan.strategyModule === undefined ? '' : ` · from ${echoValue(plan.strategyModule.path)}`;
  lines.push(`  ${label('strategy')} ${definition.name} (${definition.kind}) · ${formatParams(shownParams, run.rebalance === null ? undefined : 'its rebalance rule below, no other parameter')}${origin}`);
  const dates = `${plan.dateFormat === undefined || plan.dateFormat === 'auto' ? '' : `, dates ${plan.dateFormat}`}${plan.decimal === undefined || plan.decimal === 'auto' ? '' : `, decimal ${plan.decimal}`}`;
  lines.push(`  ${label('data')} ${run.dataset === undefined ? `${echoValue(run.data.source, MAX_LINE_LENGTH)} (${run.data.format}${dates})` : `${run.dataset.name}: ${run.dataset.description}`}`);
  for (const note of [...loadNotes(run.data, run.dataset, { requested: plan.adjust || plan.sort, advice }), ...splitNotes(run.data, { advice }), ...holeNotes(run.data), ...spacingNotes(run.data)]) lines.push(`  ${label('')} ${palette.yellow(`note: ${echoValue(note, MAX_LINE_LENGTH)}`)}`);
  const empty = run.data.series.filter((series) => series.length === 0).map((series) => echoValue(series.symbol));
  if (empty.length > 0) lines.push(`  ${label('')} no bars in the range: ${empty.join(', ')}`);
  const ended = endedSymbolNote(run.data, symbols, format);
  if (ended !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${ended}`)}`);
  const period = result.startTime === null || result.endTime === null ? 'no bars' : `${format(result.startTime)} → ${format(result.endTime)}`;
  const ppy = periodsPerYearText(result.equity.time, performance.periodsPerYear, !performance.periodsPerYearInferred);
  lines.push(`  ${label('period')} ${period} · ${formatCounted(result.bars, 'bar')} · ${ppy}`);
  const warmedUp = run.warmup ?? null;
  if (warmedUp !== null) {
    const span = warmedUp.bars === 0 ? 'no bar before --from' : `${format(warmedUp.from)} → the bar before ${result.startTime === null ? '--from' : format(result.startTime)} · ${formatCounted(warmedUp.bars, 'bar')}`;
    lines.push(`  ${label('warm-up')} ${span}: the indicators see ${warmedUp.bars === 1 ? 'it' : 'them'}, nothing is traded or measured there (--warmup-from)`);
  }
  const calendarNote = performance.periodsPerYearInferred ? periodsPerYearNote(result.equity.time, performance.periodsPerYear, advice) : null;
  if (calendarNote !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${calendarNote}`)}`);
  const shortNote = shortSampleNote((performance.metrics.bars ?? 0) - 1, performance.periodsPerYear);
  if (shortNote !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${shortNote}`)}`);
  lines.push(`  ${label('engine')} ${describeEngineOptions(plan.engine, definition.kind)}`);
  if (run.rebalance !== null) lines.push(`  ${label('rebalance')} ${describeRebalance(run.rebalance)}`);
  const benchmark =
    run.benchmark === null
      ? `none (${say('--benchmark SYMBOL', '"benchmark": "SYMBOL"')} compares with a symbol of the data)`
      : plan.benchmark.kind === 'auto'
        ? `${echoValue(run.benchmark)}, buy and hold (the default with one symbol; ${say('--benchmark none', '"benchmark": null')} turns it off)`
        : `${echoValue(run.benchmark)}, buy and hold`;
  lines.push(`  ${label('benchmark')} ${benchmark}`);
  if (plan.riskFreeRate !== 0) lines.push(`  ${label('risk-free')} ${formatPercent(plan.riskFreeRate)} a year`);
  const orders = result.orders;
  const logged = ordersLoggedHint(orders);
  // What the shrunk and rejected orders usually come from, beside them: the weights asked for more than the equity.
  const over = orders.weightsOverEquity === undefined ? '' : ` (${overEquityReason(orders.weightsOverEquity, result.rebalances.length, "the strategy's")})`;
  const closing = costsReason(orders, result.options);
  const atCap = orders.capped === undefined ? '' : ` (${formatCount(orders.capped)} at the quantity cap)`;
  lines.push(`  ${label('orders')} ${formatCount(orders.filled)} filled${atCap} · ${formatCount(orders.shrunk)} shrunk · ${formatCount(orders.rejected)} rejected${closing}${over} · ${formatCount(orders.dropped)} dropped${logged}`);
  const capped = quantityCapNote(result.fills, orders.capped, format, say('--fractional', '"fractional": true'));
  if (capped !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${capped}`)}`);
  const crossed = crossedLevelsNote(orders.levelsCrossed);
  if (crossed !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${crossed}`)}`);
  // A portfolio strategy places no order for a weight worth less than one whole unit: a run that
  // traded nothing at all says why it may be (the engine logs each symbol at --log-level warn).
  if (definition.kind === 'portfolio' && orders.filled === 0 && !result.options.fractional && result.rebalances.length > 0) {
    lines.push(`  ${label('')} ${palette.yellow(`note: nothing traded: a weight worth less than one whole unit holds none (--log-level warn names each symbol; ${say('--fractional', '"fractional": true')} or more cash trades them)`)}`);
  }
  // A signal strategy whose every entry was rejected (e.g. --cash 50 against an index at 1,400 in
  // whole units) traded nothing either: the counts alone do not say so.
  if (definition.kind === 'signal' && orders.filled === 0 && orders.rejected > 0 && orders.belowClosingCosts !== orders.rejected) {
    const sizing = result.options.sizing;
    const fractional = result.options.fractional ? '' : `${say('--fractional', '"fractional": true')}, `;
    // A fixed-cash amount below one unit's price is what stops every entry, not the cash.
    const cause =
      sizing.kind === 'fixed-cash'
        ? `the fixed-cash amount of ${formatMoney(sizing.amount)} per entry is less than one unit costs: ${fractional}a larger amount (${say('--sizing fixed-cash:C', '"sizing"')}) or another sizing`
        : `the cash is less than one unit costs: ${fractional}more ${say('--cash', '"cash"')} or another ${say('--sizing', '"sizing"')}`;
    lines.push(`  ${label('')} ${palette.yellow(`note: nothing traded: every entry was rejected (--log-level warn says why for each; most often ${cause})`)}`);
  }
  // A strategy file's results too good to be true: most often a look-ahead, which `check` finds.
  if (plan.strategyModule !== undefined) {
    const check = checkCommand({
      data: plan.sourceFlag === '--data' ? plan.files.flatMap((file) => ['--data', file]) : ['--dataset', plan.source],
      strategy: plan.strategyModule.path,
      definition,
      params: plan.strategy.params,
      symbols: plan.symbols,
      from: plan.rangeText.from,
      to: plan.rangeText.to,
      reading: { format: plan.format, dateFormat: plan.dateFormat, decimal: plan.decimal, adjust: plan.adjust, sort: plan.sort },
    });
    const hint = lookaheadHint(performance.metrics, result.bars, performance.periodsPerYear, check);
    if (hint !== null) lines.push(`  ${label('')} ${palette.yellow(`note: ${hint}`)}`);
  }
  const warmup = result.strategy.warmup;
  // Bars of a --warmup-from warm-up count towards the strategy's.
  if (result.bars + (run.warmup?.bars ?? 0) < warmup) {
    lines.push(palette.yellow(`  note: ${formatCounted(result.bars, 'bar')} ${result.bars === 1 ? 'is' : 'are'} fewer than the strategy's warm-up of ${formatCount(warmup)}: it never decided. Give it more bars (a longer data file, or a wider ${say('--from/--to', '"from"/"to" in data')}) or shorter windows.`));
  }
  lines.push('');

  const drawdown = performance.maxDrawdownPeriod;
  const after =
    drawdown === null
      ? {}
      : {
          maxDrawdown: [
            ['  peak', format(drawdown.peak)],
            ['  trough', format(drawdown.trough)],
            ['  recovery', drawdown.recovery === null ? 'not yet' : format(drawdown.recovery)],
          ] as const,
        };
  lines.push(
    renderMetricGroups(performance, {
      palette,
      after,
      ...(run.benchmark === null ? { omit: ['benchmark'] as const } : { titles: { benchmark: `Benchmark (${run.benchmark})` } }),
    }),
  );
  if (run.benchmark !== null && performance.metrics.benchmarkReturn === null) {
    // Dashes alone would read as a failure: say why (the calculator logs it at warn, hidden by default).
    lines.push(palette.dim(`  benchmark ${run.benchmark}: ${BENCHMARK_WITHOUT_FIGURES}`));
  }
  lines.push('');

  const trades = result.trades;
  const count = Math.min(shown, trades.length);
  if (trades.length === 0) {
    lines.push(palette.bold('Trades: none closed'));
  } else {
    const which = count === trades.length ? `all ${formatCount(trades.length)}` : `first ${formatCount(count)} of ${formatCount(trades.length)}; ${say('--trades all', 'the JSON result (--json)')} lists every one`;
    lines.push(palette.bold(`Trades (${which})`));
    if (count > 0) lines.push(indent(renderTrades(trades.slice(0, count), format, palette, symbols.length > 1)));
  }
  lines.push('');
  if (result.openPositions.length === 0) {
    lines.push(palette.bold('Open positions: none'));
  } else {
    lines.push(palette.bold(`Open positions at the end (${formatCount(result.openPositions.length)}, marked at the last close)`));
    lines.push(indent(renderOpenPositions(result.openPositions, format, palette)));
  }
  lines.push('');
  const belowZero = belowZeroWarning(result.equity, format);
  if (belowZero !== null) lines.push(palette.yellow(belowZero));
  const totalReturn = performance.metrics.totalReturn;
  lines.push(
    `${palette.bold('Final equity')} ${formatMoney(result.finalEquity)} (${palette.signed(totalReturn, `${totalReturn !== null && totalReturn > 0 ? '+' : ''}${formatPercent(totalReturn)}`)}) · cash ${formatMoney(result.finalCash)} · costs ${formatMoney(result.totalCommission + result.totalSlippage)}`,
  );
  return `${lines.join('\n')}\n`;
}
