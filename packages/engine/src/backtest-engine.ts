import type { AnyStrategy, BarSeries, ConfigIssue, EquityCurve, Logger, Strategy } from '@ensemble/protocol';
import { BAR_COLUMNS, ConfigError, SeriesSeal, barSeriesFromCloses, callbackIssue, createTimeline, describeGiven, isPortfolioStrategy, loggerIssue, noopLogger, quoteValue, rebalanceRuleProblem, seriesTimeIssue, seriesValueIssue, symbolProblem, toConfigIssues } from '@ensemble/protocol';
import { Account } from './account';
import { checkFiniteRun } from './finite-run';
import { Broker, resultOrderCounts } from './broker';
import type { BrokerStats } from './broker';
import { LedgerAudit } from './invariants';
import type { BacktestConfig, ResolvedBacktestOptions } from './options';
import { BacktestOptionsSchema, resolveOptions, wholeUnitSizingProblem } from './options';
import type { BacktestResult, OrderStats, WeightsOverEquity } from './result';
import { serializeBacktestResult } from './result';
import { StrategyRunner } from './strategy-runner';
import { cappedFillCount } from './quantity-cap';

/** Receives (steps done, total steps) while a backtest runs. */
export type BacktestProgress = (done: number, total: number) => void;

/** Options of a {@link BacktestEngine}: the serialisable {@link BacktestConfig} plus a logger and a progress callback. */
export type BacktestEngineOptions = BacktestConfig & {
  /** Receives structured events (`order-shrunk`, `order-rejected`, `order-dropped`, …); silent by default. */
  readonly logger?: Logger | undefined;
  /**
   * Called with (steps done, total steps) about a hundred times while the run steps through its
   * timeline, and once with (total, total) at the end, e.g. for a progress bar. Without it the
   * loops are exactly as fast as ever; with it, a single-series signal run checks each bar.
   */
  readonly onProgress?: BacktestProgress | undefined;
};

/** Everything {@link runBacktest} needs: the series, the strategy and the engine options. */
export type BacktestOptions = BacktestEngineOptions & {
  /** One or several symbols' bars; several are merged into one timeline. Symbols must be unique. */
  readonly series: BarSeries | readonly BarSeries[];
  /** A signal `Strategy` or a `PortfolioStrategy`. */
  readonly strategy: AnyStrategy;
  /**
   * The equity curve of an earlier result that nothing reads any more: this run writes its
   * `equity`, `cash` and `grossExposure` into those columns instead of new ones (the earlier
   * result then reads this run's values). For many runs in a row, e.g. a parameter sweep, where a
   * new set of columns per run costs more in garbage collection than the run's own arithmetic.
   * A column that does not fit — another length, a transferred buffer, memory shared with another
   * column or with an input series, a `SharedArrayBuffer` (whose memory other objects and threads
   * may reach) — is not used: the run allocates its own, with the same result. Columns that fit are
   * cleared before the first step, so a run that throws leaves them partly written.
   */
  readonly reuse?: ReusableColumns | undefined;
};

/** The columns of an {@link EquityCurve} a run may write into (see {@link BacktestOptions.reuse}). */
export type ReusableColumns = Pick<EquityCurve, 'equity' | 'cash' | 'grossExposure'>;

/**
 * The order counts of a result, with the orders refused for their closing costs, the fills at the
 * quantity cap and the rebalances whose weights were more than the equity when there were any.
 */
function orderStats(stats: BrokerStats, dropped: number, capped: number, levelsCrossed: number, overEquity: WeightsOverEquity | null): OrderStats {
  return { ...resultOrderCounts(stats, dropped, capped, levelsCrossed), ...(overEquity === null ? {} : { weightsOverEquity: overEquity }) };
}

function seriesList(series: BarSeries | readonly BarSeries[]): readonly BarSeries[] {
  return Array.isArray(series) ? (series as readonly BarSeries[]) : [series as BarSeries];
}

function seriesIssues(list: readonly BarSeries[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (list.length === 0) issues.push({ path: 'series', message: 'give at least one series' });
  const seen = new Set<string>();
  let bars = 0;
  list.forEach((series, k) => {
    // Not a bar series (an array of bar objects, null): nothing more of it can be read.
    const value = seriesValueIssue(series, k);
    if (value !== null && value.path === `series.${String(k)}`) {
      issues.push(value);
      return;
    }
    const symbol = symbolProblem(series.symbol);
    if (symbol !== null) issues.push({ path: `series.${String(k)}.symbol`, message: `the symbol ${quoteValue(series.symbol)} ${symbol}` });
    if (value !== null) issues.push(value);
    if (seen.has(series.symbol)) {
      issues.push({ path: `series.${k}.symbol`, message: `symbol ${quoteValue(series.symbol)} appears twice; symbols must be unique` });
    }
    seen.add(series.symbol);
    bars += series.length;
    const issue = seriesTimeIssue(series, k);
    if (issue !== null) issues.push(issue);
  });
  if (list.length > 0 && bars === 0) issues.push({ path: 'series', message: 'every series is empty: give at least one bar' });
  return issues;
}

function strategyIssues(strategy: AnyStrategy, rebalanceOverride: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // From JavaScript anything can arrive here: a missing strategy failed as "Cannot read properties of undefined".
  const given: unknown = strategy;
  if (typeof given !== 'object' || given === null) {
    return [{ path: 'strategy', message: `must be a strategy object (defineStrategy(…), createStrategy(name, params) or a class instance); got ${given === null ? 'null' : typeof given}` }];
  }
  if (typeof strategy.id !== 'string' || strategy.id === '') {
    issues.push({ path: 'strategy.id', message: 'must be a non-empty string' });
  }
  if (!Number.isSafeInteger(strategy.warmup) || strategy.warmup < 0) {
    // A string says so ("1" read as 1 looked like a refused number).
    const got: unknown = strategy.warmup;
    issues.push({ path: 'strategy.warmup', message: `must be a whole number of bars from 0 to ${String(Number.MAX_SAFE_INTEGER)} (got ${typeof got === 'number' ? String(got) : describeGiven(got)})` });
  }
  // Its methods: a missing one failed only when first called ("strategy.shouldExit is not a
  // function"), and never for a strategy that never entered.
  const methods = isPortfolioStrategy(strategy) ? (['targetWeights'] as const) : (['shouldEnter', 'shouldExit'] as const);
  for (const method of methods) {
    const value: unknown = (strategy as unknown as Record<string, unknown>)[method];
    if (typeof value !== 'function') issues.push({ path: `strategy.${method}`, message: `must be a function (a ${isPortfolioStrategy(strategy) ? 'portfolio' : 'signal'} strategy has ${methods.join(' and ')}); got ${describeGiven(value)}` });
  }
  // A portfolio strategy's own schedule, unless the options override it: `every: 0` or `-1` would
  // rebalance on every bar, `NaN` never again, a calendar period the engine does not know never.
  const rebalance = isPortfolioStrategy(strategy) && !rebalanceOverride ? rebalanceRuleProblem(strategy.rebalance) : null;
  if (rebalance !== null) issues.push({ path: 'strategy.rebalance', message: rebalance });
  return issues;
}

/**
 * The problems with a call's hooks (not options of the run, so not in its schema): a logger, a
 * progress callback, and for {@link runBacktest} the columns to reuse — each absent (undefined or
 * null) or of the right kind. A wrong one failed deep inside as a `TypeError`.
 */
function hookIssues(hooks: { readonly logger?: unknown; readonly onProgress?: unknown; readonly reuse?: unknown }): ConfigIssue[] {
  const issues = [loggerIssue(hooks.logger), callbackIssue(hooks.onProgress, 'onProgress', 'called with (done, total) steps')];
  const reuse = hooks.reuse;
  if (reuse !== undefined && reuse !== null && (typeof reuse !== 'object' || Array.isArray(reuse))) {
    issues.push({ path: 'reuse', message: `must be an earlier result's equity curve (an object with equity, cash and grossExposure columns), or left out; got ${typeof reuse}` });
  }
  return issues.filter((issue) => issue !== null);
}

/**
 * The backtest engine: runs one strategy (signal or portfolio kind) over one or several symbols'
 * bars and returns a deterministic {@link BacktestResult}. Options are validated once, in the
 * constructor (a protocol `ConfigError` lists every problem); an engine can run many times.
 *
 * Per timeline step, for every symbol with a bar: (1) orders decided on the symbol's previous
 * bar fill at this open (`next-open`); (2) stop-loss / take-profit inside the bar, a gap through
 * the level filling at the open, the stop winning when both are inside one bar; (3) positions
 * are marked at the close; (4) the strategy decides on the close, and with `fill: 'close'` those
 * orders fill at this close; the equity point is then recorded. See {@link StrategyRunner}.
 */
export class BacktestEngine {
  /** The options every run uses (`rebalance` null = each portfolio strategy's own schedule). */
  readonly options: ResolvedBacktestOptions;
  private readonly logger: Logger;
  private readonly onProgress: BacktestProgress | undefined;

  constructor(options: BacktestEngineOptions = {}) {
    const { logger, onProgress, ...config } = options;
    const parsed = BacktestOptionsSchema.safeParse(config);
    const hooks = hookIssues({ logger, onProgress });
    if (!parsed.success || hooks.length > 0) throw new ConfigError([...(parsed.success ? [] : toConfigIssues(parsed.error, { input: config, schema: BacktestOptionsSchema })), ...hooks]);
    this.options = resolveOptions(parsed.data);
    const sizingProblem = wholeUnitSizingProblem(this.options.sizing, this.options.fractional);
    if (sizingProblem !== null) throw new ConfigError([{ path: 'sizing.quantity', message: sizingProblem }]);
    this.logger = logger ?? noopLogger;
    this.onProgress = onProgress ?? undefined;
  }

  /**
   * Runs `strategy` over `series`. Throws a `ConfigError` for unusable series (none, duplicate
   * symbols, unsorted times) or strategy fields (id, warm-up), a `StrategyError` (strategy,
   * symbol, bar time, original error as `cause`) when the strategy throws or returns something
   * invalid — or, with `checkInvariants`, wrote to the input series — an `InvariantError` when
   * `checkInvariants` finds an accounting mismatch, and a `RunError` naming the bar when equity,
   * cash or exposure overflowed (inputs beyond the limits).
   */
  run(strategy: AnyStrategy, series: BarSeries | readonly BarSeries[]): BacktestResult {
    const list = seriesList(series);
    const issues = [...strategyIssues(strategy, this.options.rebalance !== null), ...seriesIssues(list)];
    if (issues.length > 0) throw new ConfigError(issues);
    return simulate(strategy, list, this.options, this.logger, this.onProgress);
  }
}

/**
 * The hot loop: every timeline step, then its equity point, the state after everything that
 * happened on the step. Kept apart from the set-up so the JIT compiles (and re-compiles) a small
 * function.
 */
function runSteps(
  runner: StrategyRunner,
  account: Account,
  time: Float64Array,
  audit: LedgerAudit | null,
  onProgress: BacktestProgress | undefined,
  columns: ReusableColumns = freshColumns(time.length),
): Omit<EquityCurve, 'time'> {
  const steps = time.length;
  const { equity, cash, grossExposure } = columns;
  // About a hundred reports a run; none (the next one never comes) without a callback.
  const every = Math.max(1, Math.ceil(steps / 100));
  if (runner.singleSeries) {
    // The fused loop takes one per-bar hook, the invariant check: progress rides on it, counted here.
    let done = 0;
    const check =
      audit === null && onProgress === undefined
        ? null
        : (at: number, value: number, held: number) => {
            audit?.check(at, value, held);
            if (++done % every === 0 && done < steps) onProgress?.(done, steps);
          };
    runner.runSingleSeries(equity, cash, grossExposure, check);
  } else {
    let report = onProgress === undefined ? Number.POSITIVE_INFINITY : every;
    for (let t = 0; t < steps; t++) {
      runner.step(t);
      const value = runner.revalue();
      equity[t] = value;
      cash[t] = account.cash;
      grossExposure[t] = runner.markedGross;
      audit?.check(time[t] ?? Number.NaN, value, account.cash);
      if (t + 1 === report) {
        if (report < steps) onProgress?.(report, steps);
        report += every;
      }
    }
  }
  onProgress?.(steps, steps);
  return { equity, cash, grossExposure };
}

function freshColumns(steps: number): ReusableColumns {
  return { equity: new Float64Array(steps), cash: new Float64Array(steps), grossExposure: new Float64Array(steps) };
}

/**
 * The columns a run of `steps` steps writes its curve into: `reuse`'s, cleared, when all three
 * fit — each exactly `steps` long and alone in its memory: no two of them, and none of them with
 * a column of the input series, share a buffer (the run would otherwise overwrite its own
 * inputs) — else new ones. A column in a `SharedArrayBuffer` never fits: the same shared memory
 * can be reached through other `SharedArrayBuffer` objects (one per message that carried it, or
 * per `structuredClone`), so comparing buffers cannot rule out that it holds an input series, and
 * another thread may still read it.
 */
function curveColumns(steps: number, list: readonly BarSeries[], reuse: ReusableColumns | undefined): ReusableColumns {
  if (reuse === undefined) return freshColumns(steps);
  const columns = [reuse.equity, reuse.cash, reuse.grossExposure];
  const buffers = new Set<ArrayBufferLike>();
  for (const column of columns) {
    if (!(column instanceof Float64Array) || !(column.buffer instanceof ArrayBuffer) || column.length !== steps || steps === 0) return freshColumns(steps);
    buffers.add(column.buffer);
  }
  if (buffers.size < columns.length) return freshColumns(steps);
  for (const series of list) {
    for (const name of BAR_COLUMNS) if (buffers.has(series[name].buffer)) return freshColumns(steps);
  }
  for (const column of columns) column.fill(0);
  return reuse;
}

/** The objects of one backtest, built by {@link prepare}. */
interface Simulation {
  readonly time: Float64Array;
  readonly account: Account;
  readonly broker: Broker;
  readonly runner: StrategyRunner;
  readonly options: ResolvedBacktestOptions;
  readonly logger: Logger;
}

function prepare(strategy: AnyStrategy, list: readonly BarSeries[], engineOptions: ResolvedBacktestOptions, baseLogger: Logger): Simulation {
  const logger = baseLogger.child({ component: 'engine', strategy: strategy.id });
  const symbols = list.map((s) => s.symbol);
  // One series: its own time column is the timeline (shared, not copied); no merge, no index maps.
  const only = list.length === 1 ? list[0] : undefined;
  const timeline = only === undefined ? createTimeline(list) : null;
  const time = timeline?.time ?? only?.time ?? new Float64Array(0);
  const account = new Account({ strategyId: strategy.id, symbols, cash: engineOptions.cash });
  const broker = new Broker({
    commission: engineOptions.commission,
    slippage: engineOptions.slippage,
    fractional: engineOptions.fractional,
    // The broker's events name their strategy (an orchestrator's broker serves several), so its
    // logger is not bound to one: a JSON line would otherwise hold the key twice.
    logger: baseLogger.child({ component: 'engine', module: 'broker' }),
  });
  const runner = new StrategyRunner({
    strategy,
    series: list,
    time,
    barIndex: timeline?.barIndex ?? null,
    account,
    executor: broker,
    fill: engineOptions.fill,
    sizing: engineOptions.sizing,
    fractional: engineOptions.fractional,
    closeAtEnd: engineOptions.closeAtEnd,
    rebalance: engineOptions.rebalance,
    logger,
  });
  return { time, account, broker, runner, options: { ...engineOptions, rebalance: runner.rebalanceRule }, logger };
}

/*
 * V8 keeps a function's optimised code only while the hidden classes it was specialised for are
 * alive, and a class's hidden class lives only as long as some instance of it does. Between two
 * backtests every engine object can be collected; the engine's hot loop would then be thrown away
 * and the next run would start again in the interpreter (on a million bars, about 40% of its
 * time). A tiny backtest, run once and kept for the life of the module, keeps those classes alive.
 */
let shapeAnchor: Simulation | null = null;

// Enters on every bar it is flat and exits on the next: the anchor also books fills, positions and
// trades, whose classes the hot loop is specialised for as well.
const ANCHOR_STRATEGY: Strategy = {
  kind: 'signal',
  id: 'engine-shape-anchor',
  warmup: 1,
  shouldEnter: () => ({ side: 'long' }),
  shouldExit: () => true,
};

function anchorShapes(): void {
  if (shapeAnchor !== null) return;
  const day = 86_400_000;
  const series = barSeriesFromCloses('ANCHOR', [0, day, 2 * day, 3 * day, 4 * day], [1, 1, 1, 1, 1]);
  const simulation = prepare(ANCHOR_STRATEGY, [series], resolveOptions(BacktestOptionsSchema.parse({ cash: 10 })), noopLogger);
  runSteps(simulation.runner, simulation.account, simulation.time, null, undefined);
  shapeAnchor = simulation;
}

function simulate(
  strategy: AnyStrategy,
  list: readonly BarSeries[],
  engineOptions: ResolvedBacktestOptions,
  baseLogger: Logger,
  onProgress?: BacktestProgress,
  reuse?: ReusableColumns,
): BacktestResult {
  anchorShapes();
  const portfolio = isPortfolioStrategy(strategy);
  const symbols = list.map((s) => s.symbol);
  // A copy of the input taken before the strategy sees it, to prove afterwards it wrote nothing.
  const seal = engineOptions.checkInvariants ? new SeriesSeal(list) : null;
  const { time, account, broker, runner, options, logger } = prepare(strategy, list, engineOptions, baseLogger);
  const steps = time.length;
  const audit = options.checkInvariants ? new LedgerAudit(account) : null;
  logger.info({ event: 'backtest-start', symbols, steps, kind: portfolio ? 'portfolio' : 'signal', fill: options.fill }, 'backtest started');
  const { equity, cash, grossExposure } = runSteps(runner, account, time, audit, onProgress, curveColumns(steps, list, reuse));
  runner.finish();
  seal?.verify(() => strategy.id);
  checkFiniteRun({ label: `strategy ${quoteValue(strategy.id)}`, strategyId: strategy.id }, time, { cash, 'gross exposure': grossExposure, equity });

  const finalEquity = steps > 0 ? (equity[steps - 1] ?? account.equity()) : account.equity();
  const result: BacktestResult = {
    strategy: { id: strategy.id, kind: portfolio ? 'portfolio' : 'signal', warmup: strategy.warmup },
    symbols,
    options,
    bars: steps,
    startTime: steps > 0 ? (time[0] ?? null) : null,
    endTime: steps > 0 ? (time[steps - 1] ?? null) : null,
    initialCash: options.cash,
    finalCash: account.cash,
    finalEquity,
    equity: { time, equity, cash, grossExposure },
    // Made from the account's columns on first read.
    get fills() {
      return account.fills;
    },
    get trades() {
      return account.trades;
    },
    openPositions: account.openPositions(),
    totalCommission: account.totalCommission,
    totalSlippage: account.totalSlippage,
    orders: orderStats(broker.stats, runner.dropped, cappedFillCount(account.fillLog, symbols.length), account.levelsCrossedAtEntry, runner.weightsOverEquity),
    rebalances: runner.rebalances,
  };
  Object.defineProperty(result, 'toJSON', { value: () => serializeBacktestResult(result), enumerable: false });
  logger.info(
    { event: 'backtest-end', finalEquity, fills: account.fillLog.length, trades: account.tradeLog.length, ...result.orders },
    'backtest finished',
  );
  return result;
}

/**
 * Runs one backtest: `runBacktest({ series, strategy, cash, fill, commission, … })`. Invalid
 * options, series or strategy fields throw one protocol `ConfigError` listing every problem by
 * path; see {@link BacktestEngine} for the semantics and the other errors.
 */
export function runBacktest(options: BacktestOptions): BacktestResult {
  // From JavaScript anything can arrive here: no options failed as "Cannot destructure property 'series'".
  const given: unknown = options;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ConfigError([{ path: 'options', message: `must be the backtest's options { series, strategy, cash, … }; got ${describeGiven(given)}` }]);
  }
  const { series, strategy, logger, onProgress, reuse, ...config } = options;
  const list = seriesList(series);
  const parsed = BacktestOptionsSchema.safeParse(config);
  const issues = [
    ...(parsed.success ? [] : toConfigIssues(parsed.error, { input: config, schema: BacktestOptionsSchema })),
    ...strategyIssues(strategy, config.rebalance !== undefined),
    ...seriesIssues(list),
    ...hookIssues({ logger, onProgress, reuse }),
  ];
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  return simulate(strategy, list, resolveOptions(parsed.data), logger ?? noopLogger, onProgress ?? undefined, reuse ?? undefined);
}
