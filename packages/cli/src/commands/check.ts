import type { Command } from 'commander';
import { isoTimeFormatter } from '@ensemble/engine';
import type { MarketData } from '@ensemble/data';
import type { RunConfig } from '@ensemble/orchestrator';
import { ConfigError, InvariantError, closestMatch, createTimeline, echoValue, isPortfolioStrategy, listValues, quoteValue } from '@ensemble/protocol';
import type { AnyStrategy, BarSeries, ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { describeParameters } from '@ensemble/strategies';
import { runContractCheck, strategyContractChecks } from '@ensemble/protocol/testing';
import { planBacktest } from '../backtest-options';
import type { BacktestFlags, BacktestPlan } from '../backtest-options';
import { BACKTEST_DATA_FLAGS, BACKTEST_RUN_FLAGS, addBacktestConfigOptions, addDataSourceOptions } from '../backtest-config-flags';
import { formatParams } from '../backtest-report';
import { paletteFor } from '../color';
import { CliExit, ExitCode } from '../errors';
import { COMMAND_LINE, FlagProblems, appendValue, flagText, parseNumber } from '../flags';
import { formatCount, formatCounted } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { globalOptions } from '../options';
import { strategyFromFile } from '../strategy-modules';
import { NO_PROGRESS, progressPhases, progressWanted } from '../progress';
import type { ProgressPhases, ProgressReporter } from '../progress';
import { knownLongFlags } from '../stray-arguments';
import { planBacktestConfig } from '../backtest-config';
import { loadRunConfigData, loadRunConfigFile } from '../run-pipeline';
import { loadBacktestData } from './backtest';
import { configDataProblem, readBacktestConfig } from './run';

/** Truncation points of the look-ahead check unless `--checkpoints` says otherwise. */
export const DEFAULT_CHECKPOINTS = 40;

const EXAMPLES = `
Examples:
  $ ensemble check --dataset sp500 --strategy ./strategies/my-strategy.ts
  $ ensemble check --dataset sp500 --strategy sma-crossover --param fast=10 --param slow=30
  $ ensemble check --dataset dow30 --strategy ./strategies/rotation.ts --symbol IBM,MSFT,KO --from 1995-01-01
  $ ensemble check --data prices.csv --strategy ./strategies/my-strategies.ts#breakout --checkpoints 200 --json
  $ ensemble check --config run.json
  $ ensemble check --config run.json --sleeve trend,mine

--config checks every sleeve of a run config (or --sleeve's) on the config's data, over its
from/to, with the sleeve's parameters; a backtest config (a sweep's best-config.json) is checked
as its one strategy. It replaces --strategy, the data flags, --param, --symbol, --from and --to.

What is checked (the test kit's contract, @ensemble/protocol/testing): a valid id and warm-up,
enough bars for the warm-up, the same decisions on a second run and from a second instance,
signals and weights that match the protocol's schemas, no write to the bars it is given, and no
look-ahead: the strategy is replayed on the data cut off at --checkpoints points, and every
decision made on the cut history must equal the one made on the whole history (a decision that
asks its context for a later bar fails at once). The strategy decides on the data alone: no
orders are filled, so its decisions do not depend on cash or fills here.

The look-ahead check replays the strategy once per cut-off: with --checkpoints all its time grows
with the square of the bars (about half a minute on 5,000 daily bars, hours on a year of minutes).

Exit codes: 0 every check passed (of every sleeve checked); 1 a check failed (each failure says what failed, and for a
decision the bar, its date and the decision), or the strategy threw where no check could place it
(its create or indicators); 2 bad input (flags, strategy, parameters, data).`;

/** The options of `ensemble check` as commander hands them over. */
type CheckFlags = Omit<BacktestFlags, 'strategy' | 'param' | 'symbol' | 'unplaced' | 'json' | 'html' | 'md' | 'trades' | 'warmupFrom'> & {
  readonly strategy?: string;
  readonly config?: string;
  readonly sleeve?: string[];
  readonly param?: string[];
  readonly symbol?: string[];
  readonly checkpoints?: string;
  readonly json?: boolean;
  readonly progress: boolean;
};

/** One check's outcome, as `--json` prints it. */
export interface CheckOutcome {
  readonly title: string;
  readonly passed: boolean;
  /** What failed, or null. */
  readonly message: string | null;
}

/** What `ensemble check --json` prints. */
export interface CheckReport {
  readonly strategy: string;
  readonly kind: 'signal' | 'portfolio';
  readonly params: Readonly<Record<string, unknown>>;
  /** The strategy file as given, or null for a built-in. */
  readonly file: string | null;
  readonly symbols: readonly string[];
  readonly bars: number;
  /** The first and last bar's time, as the text says them: `2000-01-03`, or a date and time for intraday bars. */
  readonly from: string;
  readonly to: string;
  /** Cut-off points of the look-ahead check, or `all`: every bar after the warm-up (so is a number of them at least the bars). */
  readonly checkpoints: number | 'all';
  readonly passed: boolean;
  readonly checks: readonly CheckOutcome[];
}

/** What `check` says of the flags it shares with `backtest` where `backtest`'s words speak of trading. */
const CHECK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  symbol: 'check on this symbol only (repeatable, or comma-separated; default: every symbol of the data)',
  from: 'first date of the data checked, inclusive (YYYY-MM-DD; default: the start of the data)',
  to: 'last date of the data checked, inclusive: a date covers its whole day (default: the end of the data)',
};

/** Flags of `ensemble backtest` that choose the data and the strategy: the ones `check` takes. */
const CHECK_RUN_FLAGS = BACKTEST_RUN_FLAGS.filter((flag) => flag.key === 'param' || flag.key === 'symbol' || flag.key === 'from' || flag.key === 'to').map((flag) => ({
  ...flag,
  description: CHECK_DESCRIPTIONS[flag.key] ?? flag.description,
}));

/** `--sleeve a,b --sleeve c`: every id, in order. */
function sleeveIds(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''));
}

/** With `--config`, the flags the config replaces are problems: its data, strategies and parameters are the config's. */
function configFlagProblems(problems: FlagProblems, flags: CheckFlags, unplaced: { readonly words: readonly string[] }): void {
  const given = flags as Readonly<Record<string, unknown>>;
  const replaced = [
    { key: 'strategy', name: '--strategy' },
    { key: 'data', name: '--data' },
    { key: 'dataset', name: '--dataset' },
    ...BACKTEST_DATA_FLAGS,
    ...CHECK_RUN_FLAGS,
  ];
  for (const { key, name } of replaced) {
    const value = given[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    const text = values.map((entry) => (typeof entry === 'string' ? flagText(name, entry) : name)).join(' ');
    problems.add(text, `--config checks the config's sleeves on the config's data with their parameters: leave ${name} out (or check one strategy with --strategy and the data flags, without --config)`);
  }
  if (unplaced.words.length > 0) problems.add(unplaced.words.join(' '), 'not a flag of ensemble check --config (see ensemble check --help)');
}

/** `--checkpoints`: a whole number of 2 or more, or `all` (every bar after the warm-up). */
function checkpointsFlag(problems: FlagProblems, text: string | undefined): number | 'all' {
  if (text === undefined) return DEFAULT_CHECKPOINTS;
  if (text.trim().toLowerCase() === 'all') return 'all';
  const value = parseNumber(text);
  if (value === null || !Number.isInteger(value) || value < 2) {
    problems.add(flagText('--checkpoints', text), 'expected a whole number of cut-off points, 2 or more, or all (every bar)');
    return DEFAULT_CHECKPOINTS;
  }
  return value;
}

/**
 * The problem of data too short to check the strategy on — a series with fewer bars than its
 * warm-up and two more, what the contract asks for — as a problem of the flags that chose the
 * data (bad input, exit 2), naming the symbol and what to give; null when every series is long enough.
 */
function tooShort(series: readonly BarSeries[], warmup: number, plan: BacktestPlan, definition: StrategyDefinition): ConfigError | null {
  const short = series.find((s) => s.length < warmup + 2);
  if (short === undefined) return null;
  const { from, to } = plan.rangeText;
  // A backtest config (`check --config`) names its fields, the command line its flags.
  const config = plan.config;
  const range =
    config === undefined
      ? [from === undefined ? null : flagText('--from', from), to === undefined ? null : flagText('--to', to)].filter((part) => part !== null)
      : [from === undefined ? null : 'data.from', to === undefined ? null : 'data.to'].filter((part) => part !== null);
  const data = plan.sourceFlag === '--data' ? plan.files.map((file) => flagText('--data', file)).join(' ') : flagText(plan.sourceFlag, plan.source);
  const path = range.length > 0 ? range.join(' ') : config === undefined ? data : 'data';
  const others = series.length > 1 ? `, leave ${echoValue(short.symbol)} out (${config === undefined ? '--symbol' : config.symbolsPath})` : '';
  const wider = range.length > 0 ? (config === undefined ? 'a wider --from/--to' : 'a wider data.from/data.to') : 'more bars';
  const windows = describeParameters(definition).length > 0 ? `, or shorter windows (${config === undefined ? '--param' : 'params'})` : '';
  return new ConfigError(
    [{ path, message: `${echoValue(short.symbol)} has ${formatCounted(short.length, 'bar')}, and the strategy's warm-up of ${formatCounted(warmup, 'bar')} needs ${formatCount(warmup + 2)} to be checked (its warm-up and two more): give ${wider}${others}${windows}` }],
    { source: config?.source ?? COMMAND_LINE },
  );
}

/**
 * What a passed look-ahead check at `cuts` cut-off points did not try, when it did not cut at
 * every bar: each cut tests the decisions just before it, so a rule that peeks on rare bars can
 * pass between them.
 */
function coverageNote(series: readonly BarSeries[], strategy: AnyStrategy, cuts: number | 'all'): string {
  // A portfolio strategy is cut at the steps of the timeline of every symbol, a signal strategy at each series' bars.
  const steps = isPortfolioStrategy(strategy) ? [createTimeline(series).length] : series.map((s) => s.length);
  const possible = Math.max(0, ...steps.map((length) => length - Math.max(1, strategy.warmup)));
  if (cuts === 'all' || cuts >= possible) return '';
  const unit = isPortfolioStrategy(strategy) ? 'steps of the timeline' : 'bars';
  return ` The look-ahead check cut the data at ${formatCount(cuts)} of ${formatCount(possible)} ${unit}: a rule that peeks only on rare bars can pass between them (--checkpoints all cuts at every bar; its time grows with the square of the bars).`;
}

/** The first and last time of the series, as the summary writes them (a date, or a date and time for intraday bars). */
function dataRange(series: readonly BarSeries[]): { readonly from: string; readonly to: string } {
  const times = series.flatMap((s) => (s.length === 0 ? [] : [s.time[0] ?? Number.NaN, s.time[s.length - 1] ?? Number.NaN]));
  const format = isoTimeFormatter(times);
  return { from: format(Math.min(...times)), to: format(Math.max(...times)) };
}

/** The data the check runs on, in words: `SP500 · 5,105 bars · 2000-01-03 → 2020-04-17`. */
function dataLine(series: readonly BarSeries[]): string {
  const { from, to } = dataRange(series);
  const bars = series.reduce((sum, s) => sum + s.length, 0);
  const names = series.length <= 6 ? series.map((s) => echoValue(s.symbol)).join(', ') : `${formatCount(series.length)} symbols`;
  const each = series.length > 1 && series.every((s) => s.length === series[0]?.length) ? ` (${formatCount(series[0]?.length ?? 0)} each)` : series.length > 1 ? ' in all' : '';
  return `${names} · ${formatCounted(bars, 'bar')}${each} · ${from} → ${to}`;
}

/** A strategy to check and the data it runs on. */
interface CheckTarget {
  readonly definition: StrategyDefinition;
  readonly params: Readonly<Record<string, unknown>>;
  /** The strategy file as given, or null for a built-in. */
  readonly file: string | null;
  /** Its series, each with at least one bar. */
  readonly series: readonly BarSeries[];
}

/** A strategy's first instance: its warm-up says how many bars it needs. */
function firstInstance(target: Pick<CheckTarget, 'definition' | 'params'>): AnyStrategy {
  return target.definition.create(target.params, target.definition.name);
}

/**
 * Runs the strategy contract on `target`'s series, writing each check's outcome as it ends
 * (unless `json`), headed by `heading` (default: `Checking <name>`); returns the report.
 */
function checkStrategy(
  target: CheckTarget,
  checkpoints: number | 'all',
  io: CliIo,
  options: { readonly json: boolean; readonly phases: ProgressPhases; readonly heading?: string },
): CheckReport {
  const { definition, params, file, series } = target;
  // Every check builds its own instance, as the test kit asks: one left over from another check
  // (or from the plan) could carry state between them.
  const create = (): AnyStrategy => definition.create(params, definition.name);
  const bars = series.reduce((sum, s) => sum + s.length, 0);
  // As many cut-offs as bars or more is every bar: said so, not as a count the check never makes.
  const cuts = checkpoints === 'all' || checkpoints >= bars ? 'all' : checkpoints;
  const palette = paletteFor(io, io.stdout);
  if (!options.json) {
    io.stdout.write(`${palette.bold(options.heading ?? `Checking ${definition.name}`)} (${definition.kind}) · ${formatParams(params)}${file === null ? '' : ` · from ${echoValue(file)}`}\n`);
    io.stdout.write(`  on ${dataLine(series)} · look-ahead ${cuts === 'all' ? 'cut off at every bar' : `at ${formatCount(cuts)} cut-off points`}\n`);
  }
  const outcomes: CheckOutcome[] = [];
  // The look-ahead check replays the strategy once per cut-off: on a long series with many, minutes.
  let lookahead: ProgressReporter['onProgress'];
  const checks = strategyContractChecks({
    create,
    series,
    lookaheadCheckpoints: cuts === 'all' ? Number.MAX_SAFE_INTEGER : cuts,
    onLookaheadProgress: (done, total) => lookahead?.(done, total),
  });
  for (const check of checks) {
    const reporter = options.phases('check', 'bars');
    lookahead = reporter.onProgress;
    let outcome: CheckOutcome;
    try {
      const message = runContractCheck(check);
      outcome = { title: check.title, passed: message === null, message };
    } finally {
      reporter.stop();
    }
    outcomes.push(outcome);
    if (!options.json) {
      io.stdout.write(`  ${outcome.passed ? palette.green('✓') : palette.red('✗')} ${outcome.title}\n`);
      if (outcome.message !== null) io.stdout.write(`      ${palette.red(echoValue(outcome.message, 2_000))}\n`);
    }
  }
  const failed = outcomes.filter((outcome) => !outcome.passed).length;
  if (!options.json && failed === 0) {
    io.stdout.write(`${palette.green(`All ${formatCount(outcomes.length)} checks passed.`)}${coverageNote(series, create(), cuts)}\n`);
  } else if (!options.json) {
    io.stdout.write(`${palette.red(`${formatCount(failed)} of ${formatCount(outcomes.length)} checks failed.`)} A backtest of a strategy that fails them can be wrong without an error: fix what each says (\`ensemble check --help\` says what each check does).\n`);
  }
  return {
    strategy: definition.name,
    kind: definition.kind,
    params,
    file,
    symbols: series.map((s) => s.symbol),
    bars,
    ...dataRange(series),
    checkpoints: cuts,
    passed: failed === 0,
    checks: outcomes,
  };
}

/**
 * Runs the strategy contract of `plan`'s strategy on its data, writing each check's outcome as it
 * ends (or the JSON report at the end); returns the report.
 */
export async function runStrategyCheck(
  plan: BacktestPlan,
  checkpoints: number | 'all',
  io: CliIo,
  options: { readonly json: boolean; readonly logger: ReturnType<typeof createCliLogger>; readonly phases?: ProgressPhases },
): Promise<CheckReport> {
  const phases = options.phases ?? NO_PROGRESS;
  const { data } = await loadBacktestData(plan, io, options.logger, phases);
  const { definition, params } = plan.strategy;
  const target: CheckTarget = {
    definition,
    params,
    file: plan.strategyModule === undefined ? null : plan.strategyModule.path,
    series: data.series.filter((s) => s.length > 0),
  };
  const short = tooShort(target.series, firstInstance(target).warmup, plan, definition);
  if (short !== null) throw short;
  const report = checkStrategy(target, checkpoints, io, { json: options.json, phases });
  if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** One sleeve's report in what `ensemble check --config --json` prints: the sleeve's id first. */
export interface SleeveCheckReport extends CheckReport {
  readonly sleeve: string;
}

/** What `ensemble check --config FILE --json` prints for a run config. */
export interface RunConfigCheckReport {
  /** The run config as given. */
  readonly config: string;
  readonly passed: boolean;
  readonly sleeves: readonly SleeveCheckReport[];
}

/** The entries of `strategies` that `--sleeve` names (all when none), in the config's order; an unknown id is a problem of the flag. */
function chosenSleeves(strategies: RunConfig['strategies'], wanted: readonly string[]): { entry: RunConfig['strategies'][number]; index: number }[] {
  const ids = strategies.map((entry) => entry.id);
  const problems = new FlagProblems();
  for (const id of wanted) {
    if (ids.includes(id)) continue;
    const match = closestMatch(id, ids);
    problems.add(flagText('--sleeve', id), `the config has no sleeve ${quoteValue(id)}${match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`}; its sleeves are ${listValues(ids)}`);
  }
  problems.throwIfAny();
  return strategies.flatMap((entry, index) => (wanted.length === 0 || wanted.includes(entry.id) ? [{ entry, index }] : []));
}

/**
 * `ensemble check --config FILE`: the strategy contract of every sleeve of a run config (those
 * `sleeves` names, when given) on the config's data — its symbols, over the config's `from`..`to`
 * — with the sleeve's parameters; a backtest config (a sweep's best-config.json) is checked as
 * `--strategy` with its flags would be. Returns whether every check passed.
 */
export async function runConfigCheck(
  file: string,
  sleeves: readonly string[],
  checkpoints: number | 'all',
  io: CliIo,
  options: { readonly json: boolean; readonly logger: ReturnType<typeof createCliLogger>; readonly phases?: ProgressPhases },
): Promise<boolean> {
  const phases = options.phases ?? NO_PROGRESS;
  const backtest = await readBacktestConfig(file, io.cwd);
  if ('input' in backtest) {
    if (sleeves.length > 0) throw new ConfigError([{ path: flagText('--sleeve', sleeves.join(',')), message: `${file} is a backtest config, one strategy and no sleeves: leave --sleeve out` }], { source: COMMAND_LINE });
    const plan = await planBacktestConfig(backtest.input, file, backtest.configDir, { json: undefined, md: undefined, html: undefined }, []);
    const report = await runStrategyCheck(plan, checkpoints, io, options).catch((error: unknown) => {
      throw configDataProblem(error, file, backtest.input, backtest.configDir, io.cwd);
    });
    return report.passed;
  }
  const loaded = await loadRunConfigFile(file, { cwd: io.cwd, text: backtest.text });
  const chosen = chosenSleeves(loaded.config.strategies, sleeves);
  const loading = phases('load ', 'bytes');
  let data: MarketData;
  try {
    ({ data } = await loadRunConfigData(loaded.config, { source: loaded.source, configDir: loaded.configDir, cwd: io.cwd, registry: loaded.registry, logger: options.logger, onLoadProgress: loading.onProgress }));
  } catch (error) {
    throw configDataProblem(error, file, undefined, loaded.configDir, io.cwd);
  } finally {
    loading.stop();
  }
  const bySymbol = new Map(data.series.map((s) => [s.symbol, s]));
  const issues: ConfigIssue[] = [];
  const targets = chosen.map(({ entry, index }) => {
    const definition = Object.hasOwn(loaded.registry, entry.strategy) ? loaded.registry[entry.strategy] : undefined;
    if (definition === undefined) throw new InvariantError(`strategy ${quoteValue(entry.strategy)} of a checked run config is not in its registry`);
    const target: CheckTarget = {
      definition,
      params: definition.schema.parse(entry.params) as Readonly<Record<string, unknown>>,
      file: entry.module?.path ?? null,
      series: entry.symbols.flatMap((symbol) => {
        const series = bySymbol.get(symbol);
        return series === undefined || series.length === 0 ? [] : [series];
      }),
    };
    const warmup = firstInstance(target).warmup;
    // As with --strategy, a symbol without a bar in the range is left out (the run notes it too);
    // one with too few bars for the warm-up, or a sleeve left with none, is refused.
    const range = loaded.config.data.from !== undefined || loaded.config.data.to !== undefined ? 'a wider data.from/data.to' : 'more bars';
    const short = target.series.find((series) => series.length < warmup + 2);
    if (short !== undefined) {
      issues.push({ path: `strategies.${String(index)}.symbols`, message: `${echoValue(short.symbol)} has ${formatCounted(short.length, 'bar')}, and the warm-up of sleeve ${quoteValue(entry.id)} (${formatCounted(warmup, 'bar')}) needs ${formatCount(warmup + 2)} to be checked (its warm-up and two more): give ${range}, or shorter windows in its params (strategies.${String(index)}.params)` });
    } else if (target.series.length === 0) {
      issues.push({ path: `strategies.${String(index)}.symbols`, message: `no symbol of sleeve ${quoteValue(entry.id)} has a bar in the data's range: give ${range}` });
    }
    return { id: entry.id, target };
  });
  if (issues.length > 0) throw new ConfigError(issues, { source: file });
  const palette = paletteFor(io, io.stdout);
  if (!options.json) io.stdout.write(`${palette.bold(`Checking ${formatCounted(targets.length, 'sleeve')} of ${echoValue(file)}`)}\n\n`);
  const reports: SleeveCheckReport[] = [];
  for (const { id, target } of targets) {
    const report = checkStrategy(target, checkpoints, io, { json: options.json, phases, heading: `Sleeve ${echoValue(id)}: ${target.definition.name}` });
    reports.push({ sleeve: id, ...report });
    if (!options.json) io.stdout.write('\n');
  }
  const failed = reports.filter((report) => !report.passed).map((report) => report.sleeve);
  if (options.json) {
    const outcome: RunConfigCheckReport = { config: file, passed: failed.length === 0, sleeves: reports };
    io.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  } else if (failed.length === 0) {
    io.stdout.write(`${palette.green(reports.length === 1 ? 'Every check passed.' : `Every check passed on all ${formatCounted(reports.length, 'sleeve')}.`)}\n`);
  } else {
    io.stdout.write(`${palette.red(`${formatCount(failed.length)} of ${formatCounted(reports.length, 'sleeve')} failed a check: ${failed.map((id) => echoValue(id)).join(', ')}.`)}\n`);
  }
  return failed.length === 0;
}

/**
 * Registers `ensemble check`: the test kit's strategy contract — id and warm-up, determinism,
 * decisions of the protocol's shape, no write to its data, no look-ahead — run on real data
 * from the command line, for a strategy file or a built-in with its parameters.
 */
export function registerCheckCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('check')
    .description("check a strategy against the protocol's contract on real data: no look-ahead, the same decisions every run, decisions of the right shape, its data left alone");
  addDataSourceOptions(command);
  command.option('--strategy <name>', 'strategy to check: a strategy file, ./my-strategy.ts (file.ts#name picks one of several), or a built-in (see `ensemble strategies`)');
  addBacktestConfigOptions(command, CHECK_RUN_FLAGS, 'backtest');
  return command
    .option('--config <file>', "check every sleeve of a run config (or a backtest config) on its data, with its parameters, instead of --strategy and the data flags")
    .option('--sleeve <id>', 'with --config: check this sleeve only (repeatable, or comma-separated; default: every sleeve)', appendValue)
    .option('--checkpoints <n>', `cut-off points of the look-ahead check, spread over the bars after the warm-up, or all (every bar) (default: ${DEFAULT_CHECKPOINTS}; more finds a rarer look-ahead and takes longer)`)
    .option('--json', 'print the outcome of every check as JSON')
    .option('--no-progress', 'do not show the progress of the loading and the look-ahead check (it is shown only when stderr is a terminal)')
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', EXAMPLES)
    .action(async (flags: CheckFlags, command: Command) => {
      const logger = createCliLogger(io, globalOptions(command).logLevel ?? 'error', { json: globalOptions(command).logJson === true });
      const problems = new FlagProblems();
      const checkpoints = checkpointsFlag(problems, flags.checkpoints);
      const unplaced = { words: command.args, knownFlags: knownLongFlags(command) };
      const phases = progressPhases(io.stderr, progressWanted(io, { progress: flags.progress }));
      if (flags.config !== undefined) {
        configFlagProblems(problems, flags, unplaced);
        problems.throwIfAny();
        const passed = await runConfigCheck(flags.config, sleeveIds(flags.sleeve ?? []), checkpoints, io, { json: flags.json === true, logger, phases });
        if (!passed) throw new CliExit(ExitCode.failure);
        return;
      }
      if (flags.sleeve !== undefined) problems.add(flagText('--sleeve', flags.sleeve.join(',')), 'picks sleeves of a run config: give it with --config FILE');
      if (flags.strategy === undefined) {
        problems.add('--strategy', 'say what to check: --strategy FILE or NAME with --data FILE or --dataset NAME, or --config FILE for every sleeve of a run config');
        problems.throwIfAny();
        return;
      }
      const fromFile = await strategyFromFile(flags.strategy, io.cwd);
      const { checkpoints: _checkpoints, json, progress: _progress, config: _config, sleeve: _sleeve, strategy, ...backtestFlags } = flags;
      let plan: BacktestPlan;
      try {
        plan = planBacktest({ ...backtestFlags, strategy, param: flags.param ?? [], symbol: flags.symbol ?? [], unplaced }, io.cwd, fromFile, 'check');
      } catch (error) {
        // Every problem of the command line at once, --checkpoints's with the others.
        if (ConfigError.isInstance(error) && problems.issues.length > 0) throw new ConfigError([...error.issues, ...problems.issues], { source: COMMAND_LINE });
        throw error;
      }
      problems.throwIfAny();
      const report = await runStrategyCheck(plan, checkpoints, io, { json: json === true, logger, phases });
      if (!report.passed) throw new CliExit(ExitCode.failure);
    });
}
