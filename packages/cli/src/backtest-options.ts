import path from 'node:path';
import { isDatasetName, listDatasets, repeatedFiles } from '@ensemble/data';
import type { ResolvedBacktestOptions } from '@ensemble/engine';
import { ConfigError } from '@ensemble/protocol';
import type { StrategyDefinition } from '@ensemble/protocol';
import { parseBacktestConfigFlags } from './backtest-config-flags';
import type { BacktestConfigFlags, ParsedBacktestConfigFlags } from './backtest-config-flags';
import { FlagProblems, countOrAllFlag, dateFlag, flagText, strategyFromFlags } from './flags';
import { DATASET_AMONG_FILES, datasetSuggestion } from './data-source';
import type { StrategyFromFlags } from './flags';
import { resolveOutputFlags } from './output-targets';
import type { OutputTarget } from './output-targets';
import { strayArgumentProblems } from './stray-arguments';
import type { StrategyModuleRef } from './strategy-modules';

/** The options of `ensemble backtest` as commander hands them over: strings, unparsed. */
export interface BacktestFlags extends BacktestConfigFlags {
  /** `--data`, each given: one file, or one per symbol. */
  readonly data?: readonly string[] | undefined;
  readonly dataset?: string | undefined;
  readonly strategy: string;
  readonly param: readonly string[];
  readonly symbol: readonly string[];
  readonly trades?: string | undefined;
  readonly json?: string | undefined;
  readonly html?: string | undefined;
  readonly md?: string | undefined;
  /** `--warmup-from`: the first date fed to the strategy's indicators, before `--from`. */
  readonly warmupFrom?: string | undefined;
  /** Words of the command line the parser could not place (unknown flags, stray values), and the flags it knows, for suggestions. */
  readonly unplaced?: { readonly words: readonly string[]; readonly knownFlags: readonly string[] } | undefined;
}

/** Where the result files go: absolute paths, and `'-'` for JSON on stdout. */
export interface BacktestOutputs {
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly md: string | undefined;
}

/** Everything `ensemble backtest` will do, validated before any data is loaded. */
export interface BacktestPlan extends Pick<ParsedBacktestConfigFlags, 'format' | 'dateFormat' | 'decimal' | 'adjust' | 'sort' | 'symbols' | 'from' | 'to' | 'periodsPerYear' | 'benchmark'> {
  /** A data set name (`--dataset`) or a file path as typed (`--data`; the first of several). */
  readonly source: string;
  /** Every `--data` file as typed, in order (several are joined on one timeline); empty for a data set. */
  readonly files: readonly string[];
  readonly sourceFlag: '--data' | '--dataset';
  /** `--from` and `--to` (and `--warmup-from`) as typed, for the result file. */
  readonly rangeText: { readonly from: string | undefined; readonly to: string | undefined; readonly warmupFrom?: string | undefined };
  /**
   * `--warmup-from` (epoch ms): the data is read from here, the strategy's indicators and history
   * see these bars, and nothing is traded or measured before `from`. Undefined without it.
   */
  readonly warmupFrom?: number | undefined;
  readonly strategy: StrategyFromFlags;
  /** The file the strategy was loaded from (`--strategy ./file.ts`), or undefined for a built-in. */
  readonly strategyModule: StrategyModuleRef | undefined;
  /** The engine options, every default applied. */
  readonly engine: ResolvedBacktestOptions;
  /** Annual risk-free rate, a fraction. */
  readonly riskFreeRate: number;
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

/** A strategy `--strategy` named by path, already loaded: its definition and where it came from. */
export interface StrategyFromFile {
  readonly definition: StrategyDefinition;
  readonly module: StrategyModuleRef;
}

/**
 * Validates every flag of `ensemble backtest` and resolves them into a {@link BacktestPlan}:
 * data source, strategy and parameters, engine options (parsed with the engine's own schema),
 * metric options, date range and output paths (relative to `cwd`). Nothing is read or run
 * (`fromFile` is the strategy file `--strategy` named, loaded beforehand; `command` names the
 * command in the messages: `ensemble check` plans its data and strategy this way). Throws one protocol
 * `ConfigError` listing every problem, each named by the flag as typed.
 */
export function planBacktest(flags: BacktestFlags, cwd: string, fromFile?: StrategyFromFile, command: 'backtest' | 'check' = 'backtest'): BacktestPlan {
  const problems = new FlagProblems();
  const datasets = listDatasets()
    .map((dataset) => dataset.name)
    .join(', ');
  let source = '';
  let files: readonly string[] = [];
  let sourceFlag: BacktestPlan['sourceFlag'] = '--data';
  const data = flags.data ?? [];
  if (data.length > 0 && flags.dataset !== undefined) {
    problems.add(`${data.map((file) => flagText('--data', file)).join(' ')} ${flagText('--dataset', flags.dataset)}`, 'give either --data FILE or --dataset NAME, not both');
  } else if (flags.dataset !== undefined) {
    source = flags.dataset;
    sourceFlag = '--dataset';
    if (!isDatasetName(flags.dataset)) problems.add(flagText('--dataset', flags.dataset), `unknown data set; the embedded data sets are ${datasets} (see \`ensemble data list\`)${datasetSuggestion(flags.dataset)}`);
  } else if (data.length > 0) {
    source = data[0] ?? '';
    files = data;
    if (data.some((file) => file.trim() === '')) problems.add('--data ""', 'give the path of a CSV or JSON file');
    const among = data.length > 1 ? data.find((file) => isDatasetName(file)) : undefined;
    if (among !== undefined) problems.add(flagText('--data', among), DATASET_AMONG_FILES);
    // One file given twice, or named two ways (`./a.csv`, `a.csv`).
    repeatedFiles(data, (file) => path.resolve(cwd, file)).forEach((first, k) => {
      if (first < 0) return;
      const given = data[k] ?? '';
      problems.add(flagText('--data', given), given === data[first] ? 'is given twice: give each file once' : `is the file of ${flagText('--data', data[first] ?? '')}: give each file once`);
    });
  } else {
    problems.add('--data / --dataset', `say what to ${command === 'check' ? 'check the strategy' : 'backtest'} on: --data FILE (CSV or JSON) or --dataset NAME (${datasets})`);
  }
  const unplaced = flags.unplaced;
  const explained =
    unplaced === undefined || unplaced.words.length === 0
      ? new Set<string>()
      : strayArgumentProblems(problems, unplaced.words, flags.param, {
          command: `ensemble ${command}`,
          knownFlags: unplaced.knownFlags,
          strategy: flags.strategy,
          definition: fromFile?.definition,
        });
  const strategy = strategyFromFlags(
    problems,
    flags.strategy,
    flags.param.filter((param) => !explained.has(param)),
    fromFile?.definition,
  );
  const parsed = parseBacktestConfigFlags(problems, flags, {
    dataset: sourceFlag === '--dataset' || isDatasetName(source) ? source : undefined,
    strategy: { name: flags.strategy, kind: strategy?.definition.kind },
  });
  const { engine, dateFormat, symbols, benchmark, periodsPerYear } = parsed;
  const warmupFrom = warmupFromFlag(problems, flags.warmupFrom, flags.from, parsed.from);
  const tradesShown = countOrAllFlag(problems, '--trades', flags.trades, DEFAULT_TRADES_SHOWN);

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
    files,
    sourceFlag,
    format: flags.format,
    dateFormat,
    decimal: parsed.decimal,
    adjust: parsed.adjust,
    sort: parsed.sort,
    symbols,
    from: parsed.from,
    to: parsed.to,
    rangeText: { from: flags.from, to: flags.to, ...(flags.warmupFrom === undefined ? {} : { warmupFrom: flags.warmupFrom }) },
    ...(warmupFrom === undefined ? {} : { warmupFrom }),
    strategy,
    strategyModule: fromFile?.module,
    engine,
    riskFreeRate: parsed.riskFreeRate ?? 0,
    periodsPerYear,
    benchmark,
    tradesShown,
    outputs,
    targets,
  };
}

/**
 * `--warmup-from` read and checked against `--from` (`fromText` as typed, `from` as read): a
 * warm-up needs a first measured date after it. Undefined without it, or after a problem.
 */
function warmupFromFlag(problems: FlagProblems, text: string | undefined, fromText: string | undefined, from: number | undefined): number | undefined {
  const start = dateFlag(problems, '--warmup-from', text);
  if (start === undefined || text === undefined) return undefined;
  if (fromText === undefined) {
    problems.add(flagText('--warmup-from', text), 'needs --from, the first date traded and measured: the bars from --warmup-from to it only warm up the indicators');
    return undefined;
  }
  if (from !== undefined && !(start < from)) {
    problems.add(`${flagText('--warmup-from', text)} ${flagText('--from', fromText)}`, '--warmup-from must be before --from: the warm-up is the bars before the first date traded');
    return undefined;
  }
  return start;
}
