import { Option } from 'commander';
import type { Command } from 'commander';
import { isDatasetName } from '@ensemble/data';
import type { DataFormat } from '@ensemble/data';
import { parseBacktestConfig } from '@ensemble/engine';
import type { BacktestConfig, CommissionModel, FillMode, ResolvedBacktestOptions, SlippageModel } from '@ensemble/engine';
import { ConfigError, echoValue, periodsPerYearProblem, quoteValue } from '@ensemble/protocol';
import type { DateFormat, DecimalMarkSetting, RebalanceRule } from '@ensemble/protocol';
import { DATE_FORMAT_HELP, DECIMAL_HELP, SIZING_FORMS, appendValue, dateFormatFlag, dateRangeFlags, decimalFlag, flagText, numberFlag, parseNumber, sizingFlag } from './flags';
import type { FlagProblems } from './flags';

/**
 * The flags of `ensemble backtest` that shape the backtest's config besides its data source and
 * strategy, as commander hands them over (strings, unparsed): how the data is read, the symbols
 * and dates, the strategy's parameters, the engine and the metric options. `ensemble sweep` and
 * `walk-forward` take the same flags to build a backtest base (the research shortcut).
 */
export interface BacktestConfigFlags {
  readonly format?: DataFormat | undefined;
  /** `--date-format`, unparsed. */
  readonly dateFormat?: string | undefined;
  /** `--decimal`, unparsed. */
  readonly decimal?: string | undefined;
  readonly adjust?: boolean | undefined;
  readonly sort?: boolean | undefined;
  readonly param?: readonly string[] | undefined;
  readonly symbol?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly cash?: string | undefined;
  readonly fill?: FillMode | undefined;
  readonly sizing?: string | undefined;
  readonly fractional?: boolean | undefined;
  readonly commissionRate?: string | undefined;
  readonly commissionPerUnit?: string | undefined;
  readonly commissionFixed?: string | undefined;
  readonly commissionMin?: string | undefined;
  readonly slippageBps?: string | undefined;
  readonly slippageFixed?: string | undefined;
  readonly closeAtEnd?: boolean | undefined;
  readonly rebalance?: string | undefined;
  readonly checkInvariants?: boolean | undefined;
  readonly riskFreeRate?: string | undefined;
  readonly periodsPerYear?: string | undefined;
  readonly benchmark?: string | undefined;
}

/** One flag of {@link BacktestConfigFlags}: how commander declares it and what `--help` says. */
export interface BacktestConfigFlag {
  readonly key: keyof BacktestConfigFlags;
  /** The long flag as typed (`--cash`). */
  readonly name: string;
  /** Its value's placeholder (`<amount>`), absent for a switch. */
  readonly value?: string;
  /** A short alias `ensemble backtest` gives it (`-s`); the research commands use `-s` for `--spec`. */
  readonly short?: string;
  readonly description: string;
  readonly choices?: readonly string[];
  /** Repeatable: every value is kept, in order. */
  readonly repeatable?: boolean;
}

/** How the data file is read: after `--data`/`--dataset` in `--help`. */
export const BACKTEST_DATA_FLAGS: readonly BacktestConfigFlag[] = [
  { key: 'format', name: '--format', value: '<format>', description: 'layout of the --data file instead of detecting it', choices: ['ohlcv', 'long', 'wide', 'json'] },
  { key: 'dateFormat', name: '--date-format', value: '<format>', description: DATE_FORMAT_HELP },
  { key: 'decimal', name: '--decimal', value: '<mark>', description: DECIMAL_HELP },
  { key: 'adjust', name: '--adjust', description: "scale open, high, low and close by the data's adjusted close (Yahoo Finance's Adj Close) / close, row by row (default: prices as traded)" },
  { key: 'sort', name: '--sort', description: 'sort the rows by date, e.g. a newest-first download (default: rows must be in date order)' },
];

/** The strategy's parameters, the symbols and dates, the engine and the metric options: after `--strategy` in `--help`. */
export const BACKTEST_RUN_FLAGS: readonly BacktestConfigFlag[] = [
  { key: 'param', name: '--param', value: '<key=value>', description: "a strategy parameter, e.g. --param fast=10 (repeatable; default: the strategy's defaults)", repeatable: true },
  { key: 'symbol', name: '--symbol', short: '-s', value: '<symbol>', description: 'trade only this symbol (repeatable, or comma-separated; default: every symbol of the data)', repeatable: true },
  { key: 'from', name: '--from', value: '<date>', description: 'first date of the run, inclusive (YYYY-MM-DD; default: the start of the data)' },
  { key: 'to', name: '--to', value: '<date>', description: 'last date of the run, inclusive: a date covers its whole day (default: the end of the data)' },
  { key: 'cash', name: '--cash', value: '<amount>', description: 'starting cash (default: 100000)' },
  { key: 'fill', name: '--fill', value: '<mode>', description: "when orders fill: next-open = the next bar's open, close = the deciding bar's close (default: next-open)", choices: ['next-open', 'close'] },
  { key: 'sizing', name: '--sizing', value: '<kind:value>', description: `entry size of signal strategies: ${SIZING_FORMS.join(', ')} (default: percent-of-cash:100)` },
  { key: 'fractional', name: '--fractional', description: 'allow fractional units (default: whole units, rounded down)' },
  { key: 'commissionRate', name: '--commission-rate', value: '<fraction>', description: 'commission as a fraction of traded value, 0.001 = 0.1% (default: 0)' },
  { key: 'commissionPerUnit', name: '--commission-per-unit', value: '<amount>', description: 'commission per unit (share) traded, instead of a rate' },
  { key: 'commissionFixed', name: '--commission-fixed', value: '<amount>', description: 'commission per order, instead of a rate' },
  { key: 'commissionMin', name: '--commission-min', value: '<amount>', description: 'least commission per fill, with any commission model (default: none)' },
  { key: 'slippageBps', name: '--slippage-bps', value: '<bps>', description: 'slippage against the trader in basis points of the price (default: 0)' },
  { key: 'slippageFixed', name: '--slippage-fixed', value: '<amount>', description: 'slippage against the trader in currency per unit, instead of bps' },
  { key: 'closeAtEnd', name: '--close-at-end', description: "close positions still open at each symbol's last close (default: leave them open, marked to market)" },
  { key: 'rebalance', name: '--rebalance', value: '<rule>', description: "portfolio strategies: never, week, month, quarter, year or a bar count N (default: the strategy's own)" },
  { key: 'checkInvariants', name: '--check-invariants', description: 'verify equity = cash + positions at every bar (slower; a mismatch fails the run)' },
  { key: 'riskFreeRate', name: '--risk-free-rate', value: '<fraction>', description: 'annual risk-free rate for Sharpe, Sortino and alpha, 0.02 = 2% (default: 0)' },
  { key: 'periodsPerYear', name: '--periods-per-year', value: '<n>', description: 'return periods per year used to annualise, from 0.01 to 31,536,000,000 (default: inferred from the bar spacing, 252 for daily bars)' },
  { key: 'benchmark', name: '--benchmark', value: '<symbol>', description: 'symbol of the data to compare against (alpha, beta, …), or none (default: the traded symbol when there is one, else none)' },
];

/** Every flag of {@link BacktestConfigFlags}, in `--help` order. */
export const BACKTEST_CONFIG_FLAGS: readonly BacktestConfigFlag[] = [...BACKTEST_DATA_FLAGS, ...BACKTEST_RUN_FLAGS];

/** Declares the flags that choose a one-strategy run's data — `--data`, `--dataset` and {@link BACKTEST_DATA_FLAGS} — as `backtest` and `check` take them. */
export function addDataSourceOptions(command: Command): Command {
  command
    .option('--data <file>', 'market data file (CSV or JSON), relative to the working directory; repeatable: one file per symbol, joined on one timeline', appendValue)
    .option('--dataset <name>', 'an embedded data set: sp500, dow30 or stocks5 (see `ensemble data list`)');
  return addBacktestConfigOptions(command, BACKTEST_DATA_FLAGS, 'backtest');
}

/**
 * Declares `flags` on `command`: as `ensemble backtest` has them, or as research shortcuts
 * (`shortcut: ` before the description, no short alias).
 */
export function addBacktestConfigOptions(command: Command, flags: readonly BacktestConfigFlag[], use: 'backtest' | 'shortcut'): Command {
  for (const flag of flags) {
    const short = use === 'backtest' && flag.short !== undefined ? `${flag.short}, ` : '';
    const option = new Option(`${short}${flag.name}${flag.value === undefined ? '' : ` ${flag.value}`}`, use === 'shortcut' ? `shortcut: ${flag.description}` : flag.description);
    if (flag.choices !== undefined) option.choices(flag.choices);
    if (flag.repeatable === true) option.argParser(appendValue);
    command.addOption(option);
  }
  return command;
}

/**
 * Which series the metrics compare against: `auto` (the traded symbol when there is exactly one,
 * otherwise none), `none`, or a symbol of the loaded data.
 */
export type BenchmarkChoice = { readonly kind: 'auto' } | { readonly kind: 'none' } | { readonly kind: 'symbol'; readonly symbol: string };

/** The strategy the flags go with: its name as typed, and its kind when known. */
export interface StrategyOfFlags {
  readonly name: string;
  readonly kind: 'signal' | 'portfolio' | undefined;
}

/** {@link BacktestConfigFlags} parsed and checked. */
export interface ParsedBacktestConfigFlags {
  readonly format: DataFormat | undefined;
  readonly dateFormat: DateFormat | undefined;
  readonly decimal: DecimalMarkSetting | undefined;
  readonly adjust: boolean;
  readonly sort: boolean;
  /** Symbols to trade, in order; empty = every symbol of the data. */
  readonly symbols: readonly string[];
  /** Inclusive bounds in epoch ms UTC (a date-only `--to` covers its whole day). */
  readonly from: number | undefined;
  readonly to: number | undefined;
  /** The engine options, every default applied; undefined when a flag was bad. */
  readonly engine: ResolvedBacktestOptions | undefined;
  /** The engine options a flag set (`cash` for `--cash`, `commission` for any `--commission-*`), in the engine's order. */
  readonly engineGiven: readonly (keyof ResolvedBacktestOptions)[];
  /** Annual risk-free rate, a fraction; undefined when not given (0). */
  readonly riskFreeRate: number | undefined;
  /** Given periods per year, or undefined to infer them from the bar spacing. */
  readonly periodsPerYear: number | undefined;
  readonly benchmark: BenchmarkChoice;
  /**
   * The backtest config's paths (`cash`, `commission.rate`, `data.format`, `symbols`) → the flag
   * that set them, as typed, so that a problem found later is named by its flag.
   */
  readonly origins: ReadonlyMap<string, string>;
}

/** Config paths (`cash`, `commission.rate`, `data.format`) → the flag that set them, as typed. */
type Origins = Map<string, string>;

function commissionFromFlags(problems: FlagProblems, flags: BacktestConfigFlags, origins: Origins): CommissionModel | undefined {
  const models = [
    ['--commission-rate', flags.commissionRate],
    ['--commission-per-unit', flags.commissionPerUnit],
    ['--commission-fixed', flags.commissionFixed],
  ].filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (models.length > 1) {
    problems.add(
      models.map(([flag, value]) => flagText(flag, value)).join(' '),
      'give one commission model: --commission-rate, --commission-per-unit or --commission-fixed (each may be combined with --commission-min)',
    );
    return undefined;
  }
  const minimum = numberFlag(problems, '--commission-min', flags.commissionMin);
  if (flags.commissionMin !== undefined) origins.set('commission.minimum', flagText('--commission-min', flags.commissionMin));
  const withMinimum = minimum === undefined ? {} : { minimum };
  const [model] = models;
  if (model === undefined) return { kind: 'percent', rate: 0, ...withMinimum };
  const [flag, text] = model;
  const amount = numberFlag(problems, flag, text, { fraction: flag === '--commission-rate' });
  if (amount === undefined) return undefined;
  if (flag === '--commission-rate') {
    origins.set('commission.rate', flagText(flag, text));
    return { kind: 'percent', rate: amount, ...withMinimum };
  }
  origins.set('commission.amount', flagText(flag, text));
  return { kind: flag === '--commission-per-unit' ? 'per-unit' : 'fixed', amount, ...withMinimum };
}

function slippageFromFlags(problems: FlagProblems, flags: BacktestConfigFlags, origins: Origins): SlippageModel | undefined {
  if (flags.slippageBps !== undefined && flags.slippageFixed !== undefined) {
    problems.add(
      `${flagText('--slippage-bps', flags.slippageBps)} ${flagText('--slippage-fixed', flags.slippageFixed)}`,
      'give one slippage model: --slippage-bps (a fraction of the price) or --slippage-fixed (currency per unit)',
    );
    return undefined;
  }
  if (flags.slippageFixed !== undefined) {
    const amount = numberFlag(problems, '--slippage-fixed', flags.slippageFixed);
    origins.set('slippage.amount', flagText('--slippage-fixed', flags.slippageFixed));
    return amount === undefined ? undefined : { kind: 'fixed', amount };
  }
  if (flags.slippageBps === undefined) return undefined;
  const bps = numberFlag(problems, '--slippage-bps', flags.slippageBps);
  origins.set('slippage.bps', flagText('--slippage-bps', flags.slippageBps));
  return bps === undefined ? undefined : { kind: 'bps', bps };
}

const CALENDAR_PERIODS = ['week', 'month', 'quarter', 'year'] as const;

/**
 * Parses `--rebalance`: `never`, `week`, `month`, `quarter`, `year` (the first bar, then the first
 * bar of each new period, UTC) or a bar count `N` / `bars:N`. Records a problem otherwise.
 */
export function rebalanceFlag(problems: FlagProblems, text: string | undefined): RebalanceRule | undefined {
  if (text === undefined) return undefined;
  const value = text.trim().toLowerCase();
  if (value === 'never') return { kind: 'never' };
  const period = CALENDAR_PERIODS.find((candidate) => candidate === value);
  if (period !== undefined) return { kind: 'calendar', period };
  const every = parseNumber(value.startsWith('bars:') ? value.slice(5) : value);
  if (every !== null && Number.isInteger(every) && every >= 1) return { kind: 'bars', every };
  problems.add(flagText('--rebalance', text), 'expected never, week, month, quarter, year, or a number of bars (e.g. 21 or bars:21)');
  return undefined;
}

function engineFromFlags(problems: FlagProblems, flags: BacktestConfigFlags, strategy: StrategyOfFlags, origins: Origins): ResolvedBacktestOptions | undefined {
  const { kind } = strategy;
  const before = problems.issues.length;
  const cash = numberFlag(problems, '--cash', flags.cash);
  if (flags.cash !== undefined) origins.set('cash', flagText('--cash', flags.cash));
  const commission = commissionFromFlags(problems, flags, origins);
  const slippage = slippageFromFlags(problems, flags, origins);
  const sizing = sizingFlag(problems, flags.sizing);
  if (flags.sizing !== undefined) origins.set('sizing', flagText('--sizing', flags.sizing));
  const rebalance = rebalanceFlag(problems, flags.rebalance);
  if (flags.rebalance !== undefined) origins.set('rebalance', flagText('--rebalance', flags.rebalance));
  if (kind === 'portfolio' && flags.sizing !== undefined) {
    problems.add(flagText('--sizing', flags.sizing), `applies to signal strategies; ${echoValue(strategy.name)} is a portfolio strategy, sized by its target weights`);
  }
  if (kind === 'signal' && flags.rebalance !== undefined) {
    problems.add(flagText('--rebalance', flags.rebalance), `applies to portfolio strategies; ${echoValue(strategy.name)} is a signal strategy`);
  }
  // The engine's rule replaces the strategy's own: with both, one would be dropped without a word.
  const rebalanceParam = (flags.param ?? []).find((entry) => entry.trim().startsWith('rebalance='));
  if (flags.rebalance !== undefined && rebalanceParam !== undefined) {
    problems.add(`${flagText('--param', rebalanceParam)} ${flagText('--rebalance', flags.rebalance)}`, 'both set the rebalance schedule (--rebalance replaces the strategy\'s own); give one of them');
  }
  if (problems.issues.length > before) return undefined;
  const config: BacktestConfig = {
    ...(cash === undefined ? {} : { cash }),
    ...(flags.fill === undefined ? {} : { fill: flags.fill }),
    ...(commission === undefined ? {} : { commission }),
    ...(slippage === undefined ? {} : { slippage }),
    ...(sizing === undefined ? {} : { sizing }),
    ...(rebalance === undefined ? {} : { rebalance }),
    ...(flags.fractional === true ? { fractional: true } : {}),
    ...(flags.closeAtEnd === true ? { closeAtEnd: true } : {}),
    ...(flags.checkInvariants === true ? { checkInvariants: true } : {}),
  };
  try {
    return parseBacktestConfig(config);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    for (const issue of error.issues) {
      const parts = issue.path.split('.');
      let origin: string | undefined;
      for (let n = parts.length; n > 0 && origin === undefined; n--) origin = origins.get(parts.slice(0, n).join('.'));
      problems.add(origin ?? issue.path, issue.message);
    }
    return undefined;
  }
}

/** Symbols of repeated and comma-separated `--symbol` flags, in order. */
export function splitSymbols(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).map((symbol) => symbol.trim()).filter((symbol) => symbol !== '');
}


/** The engine options each flag sets. */
const ENGINE_KEYS: readonly [keyof BacktestConfigFlags, keyof ResolvedBacktestOptions][] = [
  ['cash', 'cash'],
  ['fill', 'fill'],
  ['commissionRate', 'commission'],
  ['commissionPerUnit', 'commission'],
  ['commissionFixed', 'commission'],
  ['commissionMin', 'commission'],
  ['slippageBps', 'slippage'],
  ['slippageFixed', 'slippage'],
  ['sizing', 'sizing'],
  ['fractional', 'fractional'],
  ['closeAtEnd', 'closeAtEnd'],
  ['rebalance', 'rebalance'],
  ['checkInvariants', 'checkInvariants'],
];

/** Whether a flag was given (a switch counts when on). */
function given(flags: BacktestConfigFlags, key: keyof BacktestConfigFlags): boolean {
  return flags[key] !== undefined && flags[key] !== false;
}

/**
 * Parses and checks {@link BacktestConfigFlags} as `ensemble backtest` does, for it and for the
 * research shortcut (one parser, so both say the same of the same flag): `dataset` is the embedded
 * data set the source names, if any (`--format` and `--date-format` are refused with one); the
 * engine options are parsed with the engine's own schema, a bad one named by its flag. Problems go
 * to `problems`; `--param` is the caller's (it needs the strategy's definition).
 */
export function parseBacktestConfigFlags(problems: FlagProblems, flags: BacktestConfigFlags, context: { readonly dataset: string | undefined; readonly strategy: StrategyOfFlags }): ParsedBacktestConfigFlags {
  const origins: Origins = new Map();
  const { dataset } = context;
  if (flags.format !== undefined && dataset !== undefined) problems.add(flagText('--format', flags.format), `applies to files (--data); the data set ${quoteValue(dataset)} has a known layout`);
  const dateFormat = dateFormatFlag(problems, flags.dateFormat, dataset !== undefined && isDatasetName(dataset) ? dataset : undefined);
  const decimal = decimalFlag(problems, flags.decimal, dataset !== undefined && isDatasetName(dataset) ? dataset : undefined);
  const engine = engineFromFlags(problems, flags, context.strategy, origins);
  const range = dateRangeFlags(problems, flags.from, flags.to);
  const riskFreeRate = numberFlag(problems, '--risk-free-rate', flags.riskFreeRate, { above: -1, max: 1, fraction: true });
  const givenPeriods = numberFlag(problems, '--periods-per-year', flags.periodsPerYear);
  const periodsProblem = givenPeriods === undefined ? null : periodsPerYearProblem(givenPeriods);
  if (periodsProblem !== null) problems.add(flagText('--periods-per-year', flags.periodsPerYear ?? ''), periodsProblem);
  const periodsPerYear = periodsProblem === null ? givenPeriods : undefined;
  const symbols = splitSymbols(flags.symbol ?? []);
  let benchmark: BenchmarkChoice = { kind: 'auto' };
  if (flags.benchmark !== undefined) {
    const value = flags.benchmark.trim();
    if (value === '') problems.add('--benchmark ""', 'give a symbol of the data, or none');
    else benchmark = value.toLowerCase() === 'none' ? { kind: 'none' } : { kind: 'symbol', symbol: value };
  }
  for (const [path, key, flag] of [
    ['data.format', 'format', '--format'],
    ['data.dateFormat', 'dateFormat', '--date-format'],
    ['data.decimal', 'decimal', '--decimal'],
    ['data.from', 'from', '--from'],
    ['data.to', 'to', '--to'],
    ['riskFreeRate', 'riskFreeRate', '--risk-free-rate'],
    ['periodsPerYear', 'periodsPerYear', '--periods-per-year'],
    ['benchmark', 'benchmark', '--benchmark'],
    ['fill', 'fill', '--fill'],
  ] as const) {
    const value = flags[key];
    if (value !== undefined) origins.set(path, flagText(flag, value));
  }
  for (const [path, key, flag] of [
    ['data.adjust', 'adjust', '--adjust'],
    ['data.sort', 'sort', '--sort'],
    ['fractional', 'fractional', '--fractional'],
    ['closeAtEnd', 'closeAtEnd', '--close-at-end'],
    ['checkInvariants', 'checkInvariants', '--check-invariants'],
  ] as const) {
    if (flags[key] === true) origins.set(path, flag);
  }
  if (symbols.length > 0) origins.set('symbols', (flags.symbol ?? []).map((value) => flagText('--symbol', value)).join(' '));
  // Each symbol by itself, as `ensemble backtest` names an unknown one (`--symbol XYZ` of `--symbol SP500,XYZ`).
  symbols.forEach((symbol, k) => origins.set(`symbols.${String(k)}`, flagText('--symbol', symbol)));
  const engineGiven = [...new Set(ENGINE_KEYS.filter(([flag]) => given(flags, flag)).map(([, key]) => key))];
  return {
    format: flags.format,
    dateFormat,
    decimal,
    adjust: flags.adjust === true,
    sort: flags.sort === true,
    symbols,
    from: range.from,
    to: range.to,
    engine,
    engineGiven,
    riskFreeRate,
    periodsPerYear,
    benchmark,
    origins,
  };
}
