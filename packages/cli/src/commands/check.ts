import type { Command } from 'commander';
import { isoTimeFormatter } from '@ensemble/engine';
import { ConfigError, createTimeline, echoValue, isPortfolioStrategy } from '@ensemble/protocol';
import type { AnyStrategy, BarSeries, StrategyDefinition } from '@ensemble/protocol';
import { describeParameters } from '@ensemble/strategies';
import { runContractCheck, strategyContractChecks } from '@ensemble/protocol/testing';
import { planBacktest } from '../backtest-options';
import type { BacktestFlags, BacktestPlan } from '../backtest-options';
import { BACKTEST_RUN_FLAGS, addBacktestConfigOptions, addDataSourceOptions } from '../backtest-config-flags';
import { formatParams } from '../backtest-report';
import { paletteFor } from '../color';
import { CliExit, ExitCode } from '../errors';
import { COMMAND_LINE, FlagProblems, flagText, parseNumber } from '../flags';
import { formatCount, formatCounted } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { globalOptions } from '../options';
import { strategyFromFile } from '../strategy-modules';
import { NO_PROGRESS, progressPhases, progressWanted } from '../progress';
import type { ProgressPhases, ProgressReporter } from '../progress';
import { knownLongFlags } from '../stray-arguments';
import { loadBacktestData } from './backtest';

/** Truncation points of the look-ahead check unless `--checkpoints` says otherwise. */
export const DEFAULT_CHECKPOINTS = 40;

const EXAMPLES = `
Examples:
  $ ensemble check --dataset sp500 --strategy ./strategies/my-strategy.ts
  $ ensemble check --dataset sp500 --strategy sma-crossover --param fast=10 --param slow=30
  $ ensemble check --dataset dow30 --strategy ./strategies/rotation.ts --symbol IBM,MSFT,KO --from 1995-01-01
  $ ensemble check --data prices.csv --strategy ./strategies/my-strategies.ts#breakout --checkpoints 200 --json

What is checked (the test kit's contract, @ensemble/protocol/testing): a valid id and warm-up,
enough bars for the warm-up, the same decisions on a second run and from a second instance,
signals and weights that match the protocol's schemas, no write to the bars it is given, and no
look-ahead: the strategy is replayed on the data cut off at --checkpoints points, and every
decision made on the cut history must equal the one made on the whole history (a decision that
asks its context for a later bar fails at once). The strategy decides on the data alone: no
orders are filled, so its decisions do not depend on cash or fills here.

The look-ahead check replays the strategy once per cut-off: with --checkpoints all its time grows
with the square of the bars (about half a minute on 5,000 daily bars, hours on a year of minutes).

Exit codes: 0 every check passed; 1 a check failed (each failure says what failed, and for a
decision the bar, its date and the decision), or the strategy threw where no check could place it
(its create or indicators); 2 bad input (flags, strategy, parameters, data).`;

/** The options of `ensemble check` as commander hands them over. */
type CheckFlags = Omit<BacktestFlags, 'param' | 'symbol' | 'unplaced' | 'json' | 'html' | 'md' | 'trades' | 'warmupFrom'> & {
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
  const range = [from === undefined ? null : flagText('--from', from), to === undefined ? null : flagText('--to', to)].filter((part) => part !== null);
  const path = range.length > 0 ? range.join(' ') : flagText(plan.sourceFlag, plan.source);
  const others = series.length > 1 ? `, leave ${echoValue(short.symbol)} out (--symbol)` : '';
  const wider = range.length > 0 ? 'a wider --from/--to' : 'more bars';
  const windows = describeParameters(definition).length > 0 ? ', or shorter windows (--param)' : '';
  return new ConfigError(
    [{ path, message: `${echoValue(short.symbol)} has ${formatCounted(short.length, 'bar')}, and the strategy's warm-up of ${formatCounted(warmup, 'bar')} needs ${formatCount(warmup + 2)} to be checked (its warm-up and two more): give ${wider}${others}${windows}` }],
    { source: COMMAND_LINE },
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
  // Every check builds its own instance, as the test kit asks: one left over from another check
  // (or from the plan) could carry state between them.
  const create = (): AnyStrategy => definition.create(params, definition.name);
  const series = data.series.filter((s) => s.length > 0);
  const short = tooShort(series, create().warmup, plan, definition);
  if (short !== null) throw short;
  const bars = series.reduce((sum, s) => sum + s.length, 0);
  // As many cut-offs as bars or more is every bar: said so, not as a count the check never makes.
  const cuts = checkpoints === 'all' || checkpoints >= bars ? 'all' : checkpoints;
  const palette = paletteFor(io, io.stdout);
  const file = plan.strategyModule === undefined ? null : plan.strategyModule.path;
  if (!options.json) {
    io.stdout.write(`${palette.bold(`Checking ${definition.name}`)} (${definition.kind}) · ${formatParams(params)}${file === null ? '' : ` · from ${echoValue(file)}`}\n`);
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
    const reporter = phases('check', 'bars');
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
  const report: CheckReport = {
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
  if (options.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (failed === 0) {
    io.stdout.write(`${palette.green(`All ${formatCount(outcomes.length)} checks passed.`)}${coverageNote(series, create(), cuts)}\n`);
  } else {
    io.stdout.write(`${palette.red(`${formatCount(failed)} of ${formatCount(outcomes.length)} checks failed.`)} A backtest of a strategy that fails them can be wrong without an error: fix what each says (\`ensemble check --help\` says what each check does).\n`);
  }
  return report;
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
  command.requiredOption('--strategy <name>', 'strategy to check: a strategy file, ./my-strategy.ts (file.ts#name picks one of several), or a built-in (see `ensemble strategies`)');
  addBacktestConfigOptions(command, CHECK_RUN_FLAGS, 'backtest');
  return command
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
      const fromFile = await strategyFromFile(flags.strategy, io.cwd);
      const { checkpoints: _checkpoints, json, progress: _progress, ...backtestFlags } = flags;
      let plan: BacktestPlan;
      try {
        plan = planBacktest({ ...backtestFlags, param: flags.param ?? [], symbol: flags.symbol ?? [], unplaced }, io.cwd, fromFile, 'check');
      } catch (error) {
        // Every problem of the command line at once, --checkpoints's with the others.
        if (ConfigError.isInstance(error) && problems.issues.length > 0) throw new ConfigError([...error.issues, ...problems.issues], { source: COMMAND_LINE });
        throw error;
      }
      problems.throwIfAny();
      const phases = progressPhases(io.stderr, progressWanted(io, { progress: flags.progress }));
      const report = await runStrategyCheck(plan, checkpoints, io, { json: json === true, logger, phases });
      if (!report.passed) throw new CliExit(ExitCode.failure);
    });
}
