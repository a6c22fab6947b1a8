import { isDatasetName, listDatasets } from '@ensemble/data';
import type { DataFormat } from '@ensemble/data';
import { parseBacktestConfig } from '@ensemble/engine';
import type { BacktestConfig, CommissionModel, FillMode, ResolvedBacktestOptions, SlippageModel } from '@ensemble/engine';
import { ConfigError, echoValue, quoteValue } from '@ensemble/protocol';
import type { DateFormat, RebalanceRule, StrategyDefinition } from '@ensemble/protocol';
import { FlagProblems, countOrAllFlag, dateFormatFlag, dateRangeFlags, flagText, numberFlag, parseNumber, sizingFlag, strategyFromFlags } from './flags';
import { datasetSuggestion } from './data-source';
import type { StrategyFromFlags } from './flags';
import { resolveOutputFlags } from './output-targets';
import type { OutputTarget } from './output-targets';
import { strayArgumentProblems } from './stray-arguments';
import type { StrategyModuleRef } from './strategy-modules';

/** The options of `ensemble backtest` as commander hands them over: strings, unparsed. */
export interface BacktestFlags {
  readonly data?: string | undefined;
  readonly dataset?: string | undefined;
  readonly format?: DataFormat | undefined;
  /** `--date-format`, unparsed. */
  readonly dateFormat?: string | undefined;
  readonly adjust?: boolean | undefined;
  readonly sort?: boolean | undefined;
  readonly strategy: string;
  readonly param: readonly string[];
  readonly symbol: readonly string[];
  readonly cash?: string | undefined;
  readonly commissionRate?: string | undefined;
  readonly commissionPerUnit?: string | undefined;
  readonly commissionFixed?: string | undefined;
  readonly commissionMin?: string | undefined;
  readonly slippageBps?: string | undefined;
  readonly slippageFixed?: string | undefined;
  readonly fill?: FillMode | undefined;
  readonly sizing?: string | undefined;
  readonly fractional?: boolean | undefined;
  readonly closeAtEnd?: boolean | undefined;
  readonly checkInvariants?: boolean | undefined;
  readonly rebalance?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly riskFreeRate?: string | undefined;
  readonly periodsPerYear?: string | undefined;
  readonly benchmark?: string | undefined;
  readonly trades?: string | undefined;
  readonly json?: string | undefined;
  readonly html?: string | undefined;
  readonly md?: string | undefined;
  /** Words of the command line the parser could not place (unknown flags, stray values), and the flags it knows, for suggestions. */
  readonly unplaced?: { readonly words: readonly string[]; readonly knownFlags: readonly string[] } | undefined;
}

/**
 * Which series the metrics compare against: `auto` (the traded symbol when there is exactly one,
 * otherwise none), `none`, or a symbol of the loaded data.
 */
export type BenchmarkChoice = { readonly kind: 'auto' } | { readonly kind: 'none' } | { readonly kind: 'symbol'; readonly symbol: string };

/** Where the result files go: absolute paths, and `'-'` for JSON on stdout. */
export interface BacktestOutputs {
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly md: string | undefined;
}

/** Everything `ensemble backtest` will do, validated before any data is loaded. */
export interface BacktestPlan {
  /** A data set name (`--dataset`) or a file path as typed (`--data`). */
  readonly source: string;
  readonly sourceFlag: '--data' | '--dataset';
  readonly format: DataFormat | undefined;
  /** `--date-format`: how the file writes its dates; undefined when not given (detected). */
  readonly dateFormat: DateFormat | undefined;
  /** `--adjust`: prices scaled by the data's adjusted close. */
  readonly adjust: boolean;
  /** `--sort`: rows sorted by date. */
  readonly sort: boolean;
  /** Symbols to trade, in order; empty = every symbol of the data. */
  readonly symbols: readonly string[];
  /** Inclusive bounds in epoch ms UTC (a date-only `--to` covers its whole day). */
  readonly from: number | undefined;
  readonly to: number | undefined;
  /** `--from` and `--to` as typed, for the result file. */
  readonly rangeText: { readonly from: string | undefined; readonly to: string | undefined };
  readonly strategy: StrategyFromFlags;
  /** The file the strategy was loaded from (`--strategy ./file.ts`), or undefined for a built-in. */
  readonly strategyModule: StrategyModuleRef | undefined;
  /** The engine options, every default applied. */
  readonly engine: ResolvedBacktestOptions;
  /** Annual risk-free rate, a fraction. */
  readonly riskFreeRate: number;
  /** Given periods per year, or undefined to infer them from the bar spacing. */
  readonly periodsPerYear: number | undefined;
  readonly benchmark: BenchmarkChoice;
  /** Closed trades to list in the summary (`Infinity` = all). */
  readonly tradesShown: number;
  readonly outputs: BacktestOutputs;
  /** The same outputs as flags with their typed values, for `checkOutputTargets`. */
  readonly targets: readonly OutputTarget[];
  /**
   * Set when the plan came from a backtest config file (`ensemble run --config`): problems the
   * data shows (an unknown symbol, an empty date range) are named by its paths, in that file,
   * instead of by flags that were never given.
   */
  readonly config?: { readonly source: string; readonly symbolsPath: 'symbols' | 'data.symbols' } | undefined;
}

/** Trades listed in the summary unless `--trades` says otherwise. */
export const DEFAULT_TRADES_SHOWN = 10;

/** Engine option paths (as in `BacktestOptionsSchema` issues) → the flag that set them, as typed. */
type Origins = Map<string, string>;

function commissionFromFlags(problems: FlagProblems, flags: BacktestFlags, origins: Origins): CommissionModel | undefined {
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

function slippageFromFlags(problems: FlagProblems, flags: BacktestFlags, origins: Origins): SlippageModel | undefined {
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

function engineFromFlags(problems: FlagProblems, flags: BacktestFlags, kind: 'signal' | 'portfolio' | undefined): ResolvedBacktestOptions | undefined {
  const origins: Origins = new Map();
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
    problems.add(flagText('--sizing', flags.sizing), `applies to signal strategies; ${echoValue(flags.strategy)} is a portfolio strategy, sized by its target weights`);
  }
  if (kind === 'signal' && flags.rebalance !== undefined) {
    problems.add(flagText('--rebalance', flags.rebalance), `applies to portfolio strategies; ${echoValue(flags.strategy)} is a signal strategy`);
  }
  // The engine's rule replaces the strategy's own: with both, one would be dropped without a word.
  const rebalanceParam = flags.param.find((entry) => entry.trim().startsWith('rebalance='));
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
    fractional: flags.fractional === true,
    closeAtEnd: flags.closeAtEnd === true,
    checkInvariants: flags.checkInvariants === true,
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

/** A strategy `--strategy` named by path, already loaded: its definition and where it came from. */
export interface StrategyFromFile {
  readonly definition: StrategyDefinition;
  readonly module: StrategyModuleRef;
}

/**
 * Validates every flag of `ensemble backtest` and resolves them into a {@link BacktestPlan}:
 * data source, strategy and parameters, engine options (parsed with the engine's own schema),
 * metric options, date range and output paths (relative to `cwd`). Nothing is read or run
 * (`fromFile` is the strategy file `--strategy` named, loaded beforehand). Throws one protocol
 * `ConfigError` listing every problem, each named by the flag as typed.
 */
export function planBacktest(flags: BacktestFlags, cwd: string, fromFile?: StrategyFromFile): BacktestPlan {
  const problems = new FlagProblems();
  const datasets = listDatasets()
    .map((dataset) => dataset.name)
    .join(', ');
  let source = '';
  let sourceFlag: BacktestPlan['sourceFlag'] = '--data';
  if (flags.data !== undefined && flags.dataset !== undefined) {
    problems.add(`${flagText('--data', flags.data)} ${flagText('--dataset', flags.dataset)}`, 'give either --data FILE or --dataset NAME, not both');
  } else if (flags.dataset !== undefined) {
    source = flags.dataset;
    sourceFlag = '--dataset';
    if (!isDatasetName(flags.dataset)) problems.add(flagText('--dataset', flags.dataset), `unknown data set; the embedded data sets are ${datasets} (see \`ensemble data list\`)${datasetSuggestion(flags.dataset)}`);
    if (flags.format !== undefined) problems.add(flagText('--format', flags.format), `applies to files (--data); the data set ${quoteValue(flags.dataset)} has a known layout`);
  } else if (flags.data !== undefined) {
    source = flags.data;
    if (flags.data.trim() === '') problems.add('--data ""', 'give the path of a CSV or JSON file');
  } else {
    problems.add('--data / --dataset', `say what to backtest on: --data FILE (CSV or JSON) or --dataset NAME (${datasets})`);
  }
  const dateFormat = dateFormatFlag(problems, flags.dateFormat, isDatasetName(source) ? source : undefined);

  const unplaced = flags.unplaced;
  const explained =
    unplaced === undefined || unplaced.words.length === 0
      ? new Set<string>()
      : strayArgumentProblems(problems, unplaced.words, flags.param, { command: 'ensemble backtest', knownFlags: unplaced.knownFlags, strategy: flags.strategy });
  const strategy = strategyFromFlags(
    problems,
    flags.strategy,
    flags.param.filter((param) => !explained.has(param)),
    fromFile?.definition,
  );
  const engine = engineFromFlags(problems, flags, strategy?.definition.kind);
  const range = dateRangeFlags(problems, flags.from, flags.to);
  const riskFreeRate = numberFlag(problems, '--risk-free-rate', flags.riskFreeRate, { above: -1, max: 1, fraction: true }) ?? 0;
  const periodsPerYear = numberFlag(problems, '--periods-per-year', flags.periodsPerYear, { above: 0 });
  const tradesShown = countOrAllFlag(problems, '--trades', flags.trades, DEFAULT_TRADES_SHOWN);

  const symbols = splitSymbols(flags.symbol);
  let benchmark: BenchmarkChoice = { kind: 'auto' };
  if (flags.benchmark !== undefined) {
    const value = flags.benchmark.trim();
    if (value === '') problems.add('--benchmark ""', 'give a symbol of the data, or none');
    else benchmark = value.toLowerCase() === 'none' ? { kind: 'none' } : { kind: 'symbol', symbol: value };
  }

  const targets = resolveOutputFlags(
    problems,
    [
      { flag: '--json', value: flags.json, stdout: true },
      { flag: '--html', value: flags.html },
      { flag: '--md', value: flags.md },
    ],
    cwd,
  );
  const target = (flag: string) => targets.find((entry) => entry.flag === flag)?.path;
  const outputs: BacktestOutputs = { json: target('--json'), html: target('--html'), md: target('--md') };

  problems.throwIfAny();
  if (strategy === undefined || engine === undefined) throw new ConfigError([{ path: '--strategy', message: 'could not be resolved' }]);
  return {
    source,
    sourceFlag,
    format: flags.format,
    dateFormat,
    adjust: flags.adjust === true,
    sort: flags.sort === true,
    symbols,
    from: range.from,
    to: range.to,
    rangeText: { from: flags.from, to: flags.to },
    strategy,
    strategyModule: fromFile?.module,
    engine,
    riskFreeRate,
    periodsPerYear,
    benchmark,
    tradesShown,
    outputs,
    targets,
  };
}
