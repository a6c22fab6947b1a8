import type { MarketData } from '@ensemble/data';
import { selectMarketData } from '@ensemble/data';
import { metricsStartEquity, runBacktest } from '@ensemble/engine';
import type { ReusableColumns } from '@ensemble/engine';
import { parseRunConfig, runOrchestrator, runSymbols } from '@ensemble/orchestrator';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { PerformanceCalculator, inferPeriodsPerYear, returnsFromEquity } from '@ensemble/performance';
import type { FillLike, PerformanceMetrics, TradeLike } from '@ensemble/performance';
import { EnsembleError, SeriesSeal, safeMessage } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { parseBacktestRunConfig } from './backtest-config';
import type { DataRef, JobWindow, ResearchJob, ResearchJobResult, StrategyModuleRef } from './research-job';
import { researchJobSchema } from './research-job';
import { marketDataOf } from './resolvers';
import { firstAtOrAfter } from '../walk-forward/windows';
import { holdUntil, registryHeldUntil, stepsBefore } from './trade-window';

/**
 * What a job needs from where it runs: market data by content (a worker keeps one copy per
 * digest) and, for jobs naming strategy modules, the registry they extend.
 */
export interface ResearchResolvers {
  /** The whole data set or file a reference names (every symbol, every bar). */
  marketData(ref: DataRef): Promise<MarketData>;
  /** The strategy registry with the modules' strategies added (default: the sample strategies; modules then fail the job). */
  registry?(modules: readonly StrategyModuleRef[]): Promise<StrategyRegistry>;
}

/** A run's record before measuring: its equity curve, trades, fills and metric options. */
interface RunRecord {
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  /** Σ |position value| at every bar: a window's exposure and time in the market. */
  readonly grossExposure: ArrayLike<number>;
  readonly trades: readonly TradeLike[];
  readonly fills: readonly FillLike[];
  /** Given, or inferred from the whole run's bar spacing (only asked for when measuring a window). */
  readonly periodsPerYear: () => number;
  readonly riskFreeRate: number;
  readonly benchmark: BarSeries | undefined;
  /** The run's own metrics of its whole curve (what `ensemble run` / `backtest` print). */
  readonly metrics: () => PerformanceMetrics;
  /** The cash, when the first point already holds the first bar's fills (close fills): the whole run's returns start from it. */
  readonly startEquity: number | undefined;
  /** The engine's curve columns, which the thread's next backtest may write into once this run is measured (none for an orchestrator run or one longer than {@link SPARE_MAX}). */
  readonly reusable: ReusableColumns | undefined;
}

/**
 * The curve columns of this thread's last measured backtest, which nothing reads any more: the
 * next backtest writes into them (see the engine's `reuse`) rather than allocating three columns a
 * job — in a sweep of short runs, their garbage collection cost more than the runs' arithmetic.
 * Taken by a run and given back after its measuring, with no await in between: jobs of one thread
 * that interleave at their awaits never hold the same columns.
 */
let spareColumns: ReusableColumns | undefined;

/**
 * The longest run (in steps) whose columns are kept as {@link spareColumns}. Past it, three
 * allocations are little beside the run's own arithmetic, and the columns kept would stay alive
 * after the thread's last job — for good when jobs run in-process (the metrics bound their scratch
 * columns the same way).
 */
const SPARE_MAX = 1 << 17;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The data a config selects (`data.symbols`, `data.from`, `data.to`), narrowed to the job's window. */
function selectData(all: MarketData, data: unknown, symbols: readonly string[] | undefined, window: JobWindow | null): MarketData {
  const source = isRecord(data) ? data : {};
  const from = typeof source.from === 'string' || typeof source.from === 'number' ? source.from : undefined;
  const to = typeof source.to === 'string' || typeof source.to === 'number' ? source.to : undefined;
  const selected = selectMarketData(all, { symbols, from, to });
  if (window === null) return selected;
  return selectMarketData(selected, { from: window.warmupStart ?? window.start, to: window.end });
}

function runRecord(job: ResearchJob, data: MarketData, registry: StrategyRegistry): RunRecord {
  const window = job.window;
  if (job.kind === 'run') {
    const config = parseRunConfig(job.config, { registry });
    const symbols = config.data.symbols ?? runSymbols(config);
    const selected = selectData(data, job.config.data, symbols, window);
    const held = window === null ? registry : registryHeldUntil(registry, window.start, stepsBefore(selected.series, window.start));
    const result = runOrchestrator(config, selected.series, { registry: held });
    // With errorPolicy "isolate" a failing strategy's sleeve is closed and the run goes on: fine for
    // one run, but a sweep would rank that combination as if nothing had happened. It fails.
    const isolated = result.sleeves.filter((sleeve) => sleeve.isolated);
    if (isolated.length > 0) {
      const first = isolated[0];
      // The strategy's own error as the cause (kept by its isolated event), so that where it threw can be told.
      const cause = result.isolated.find((event) => event.strategyId === first?.id)?.error;
      throw new EnsembleError(
        'STRATEGY_FAILED',
        `${isolated.length === 1 ? 'a strategy was' : `${String(isolated.length)} strategies were`} isolated (errorPolicy "isolate"), so this combination's results are not its strategies': ${first?.id ?? '?'}: ${first?.error ?? 'failed'}`,
        cause === undefined ? undefined : { cause },
      );
    }
    const benchmark = config.benchmark === undefined ? undefined : selected.series.find((series) => series.symbol === config.benchmark);
    return {
      time: result.portfolio.equity.time,
      equity: result.portfolio.equity.equity,
      grossExposure: result.portfolio.equity.grossExposure,
      trades: result.portfolio.trades,
      fills: result.portfolio.fills,
      periodsPerYear: () => result.periodsPerYear,
      riskFreeRate: config.riskFreeRate,
      benchmark,
      metrics: () => result.portfolio.metrics.metrics,
      startEquity: metricsStartEquity(config),
      reusable: undefined,
    };
  }
  const config = parseBacktestRunConfig(job.config, registry);
  const definition = Object.hasOwn(registry, config.strategy) ? registry[config.strategy] : undefined;
  if (definition === undefined) throw new EnsembleError('STRATEGY_NOT_FOUND', `Strategy ${config.strategy} is not registered.`);
  const created = definition.create(definition.schema.parse(config.params), definition.name);
  const selected = selectData(data, job.config.data, config.symbols ?? config.data.symbols, window);
  const strategy = window === null ? created : holdUntil(created, window.start, stepsBefore(selected.series, window.start));
  const { cash, fill, commission, slippage, sizing, fractional, closeAtEnd, rebalance, checkInvariants } = config;
  const engine = { cash, fill, commission, slippage, sizing, fractional, closeAtEnd, checkInvariants, ...(rebalance === undefined ? {} : { rebalance }) };
  const reuse = spareColumns;
  spareColumns = undefined;
  const result = runBacktest({ series: selected.series, strategy, ...engine, reuse });
  // Absent: the traded symbol when there is one (as `ensemble backtest`); null: none.
  let benchmark: BarSeries | undefined;
  if (config.benchmark === undefined) benchmark = selected.series.length === 1 ? selected.series[0] : undefined;
  else if (config.benchmark !== null) benchmark = selectData(data, job.config.data, [config.benchmark], window).series[0] ?? undefined;
  const time = result.equity.time;
  const options = {
    riskFreeRate: config.riskFreeRate,
    ...(config.periodsPerYear === undefined ? {} : { periodsPerYear: config.periodsPerYear }),
    ...(benchmark === undefined ? {} : { benchmark: { time: benchmark.time, close: benchmark.close } }),
  };
  return {
    time,
    equity: result.equity.equity,
    grossExposure: result.equity.grossExposure,
    trades: result.trades,
    fills: result.fills,
    periodsPerYear: () => config.periodsPerYear ?? inferPeriodsPerYear(time),
    riskFreeRate: config.riskFreeRate,
    benchmark,
    metrics: () => new PerformanceCalculator(options).metrics({ equity: result.equity, trades: result.trades, fills: result.fills, startEquity: metricsStartEquity(engine) }),
    startEquity: metricsStartEquity(engine),
    // The three columns alone: the curve's time column may be a view of the whole data set's.
    reusable: result.bars <= SPARE_MAX ? { equity: result.equity.equity, cash: result.equity.cash, grossExposure: result.equity.grossExposure } : undefined,
  };
}

/** `values[from…]` as a new `Float64Array`. */
function columnFrom(values: ArrayLike<number>, from: number): Float64Array {
  const out = new Float64Array(Math.max(0, values.length - from));
  for (let i = 0; i < out.length; i++) out[i] = values[from + i] ?? Number.NaN;
  return out;
}

/**
 * The result of a finished run: its metrics and returns, over the window's measured bars when it
 * has one.
 */
function measure(index: number, record: RunRecord, window: JobWindow | null): ResearchJobResult {
  if (window === null) {
    return { index, status: 'ok', metrics: record.metrics(), periodReturns: returnsFromEquity(record.equity, record.startEquity) };
  }
  const first = firstAtOrAfter(record.time, window.start);
  const time = columnFrom(record.time, first);
  const equity = columnFrom(record.equity, first);
  const grossExposure = columnFrom(record.grossExposure, first);
  // With close fills the window's first point holds its first bar's fills: it starts from the
  // equity before that bar (the warm-up's last point, or the cash).
  const start = record.startEquity === undefined ? undefined : first > 0 ? (record.equity[first - 1] ?? Number.NaN) : record.startEquity;
  const metrics = new PerformanceCalculator({
    periodsPerYear: record.periodsPerYear(),
    riskFreeRate: record.riskFreeRate,
    ...(record.benchmark === undefined ? {} : { benchmark: { time: record.benchmark.time, close: record.benchmark.close } }),
  }).metrics({ equity: { time, equity, grossExposure }, trades: record.trades, fills: record.fills, startEquity: start });
  return { index, status: 'ok', metrics, periodReturns: returnsFromEquity(equity, start), curve: { time, equity } };
}

/** A failed job's result: the error's code (an `EnsembleError`'s, else `RUN_FAILED`) and its safe message. */
export function failedResult(index: number, error: unknown, status: 'failed' | 'timed-out' = 'failed'): ResearchJobResult {
  const code = EnsembleError.isInstance(error) ? error.code : 'RUN_FAILED';
  const message = safeMessage(error instanceof Error ? error.message : String(error));
  return { index, status, metrics: null, periodReturns: new Float64Array(0), error: { code, message } };
}

/**
 * Loads what a job reads before it runs — its data and its strategy modules, which `resolvers`
 * keep for the thread's later jobs — so that a job timeout counts the run, not a thread's one-time
 * loading. Never throws: a job that cannot be prepared fails when it runs, with its own error.
 */
export async function prepareResearchJob(job: unknown, resolvers: ResearchResolvers): Promise<void> {
  const parsed = researchJobSchema.safeParse(job);
  if (!parsed.success) return;
  try {
    for (const ref of parsed.data.data) await resolvers.marketData(ref);
    if (parsed.data.strategyModules.length > 0) await resolvers.registry?.(parsed.data.strategyModules);
  } catch {
    // Reported by the run.
  }
}

/** Options of {@link runResearchJob}. */
export interface RunResearchJobOptions {
  /**
   * What to add to a failed job's message, in parentheses, from the error itself — which exists
   * only where the job ran (a worker thread hands the planner its message, not the error): the
   * CLI names where in a strategy file the strategy threw (`thrown at strategies/helper.ts:2:27`).
   * Nothing is added for `undefined` or `''`.
   */
  readonly describeFailure?: ((error: unknown) => string | undefined) | undefined;
}

/** `result` (a failed job's) with `detail` after its message, in parentheses. */
function withDetail(result: ResearchJobResult, detail: string | undefined): ResearchJobResult {
  if (detail === undefined || detail === '' || result.error === undefined) return result;
  return { ...result, error: { ...result.error, message: safeMessage(`${result.error.message} (${detail})`) } };
}

/**
 * Runs one research job: validates it, gets its data from `resolvers`, runs the backtest or the
 * orchestrator on the selected symbols and dates (the window's warm-up bars included, no entry
 * before its start), and measures the result. Deterministic: the same job and data give the same
 * result. Never throws for a bad config or a failing run: the result says `failed` with the
 * error's code and message (followed by `options.describeFailure`'s words about the error, if any).
 */
export async function runResearchJob(job: unknown, resolvers: ResearchResolvers, options: RunResearchJobOptions = {}): Promise<ResearchJobResult> {
  const index = isRecord(job) && typeof job.index === 'number' ? job.index : -1;
  try {
    const parsed = researchJobSchema.parse(job);
    const data = await marketDataOf(resolvers, parsed.data);
    let registry: StrategyRegistry = strategyRegistry;
    if (parsed.strategyModules.length > 0) {
      if (resolvers.registry === undefined) {
        throw new EnsembleError('CONFIG_INVALID', 'The job names strategy modules, but this worker was given no way to load them.');
      }
      registry = await resolvers.registry(parsed.strategyModules);
    }
    // A strategy file's code could write to its bars through a history view's buffer; the data is
    // kept for the thread's later jobs, so such a write would change their results too. Its jobs
    // are checked against a copy taken before the first of them, and the data put back.
    const seal = parsed.strategyModules.length > 0 ? sealOf(data) : null;
    const record = runRecord(parsed, data, registry);
    try {
      // The seal's own StrategyError names the strategy, the column and the bar.
      seal?.verify((symbol) => strategyIdsOn(parsed, symbol));
    } catch (error) {
      seal?.restore();
      throw error;
    }
    const result = measure(parsed.index, record, parsed.window);
    // Measured: the result holds its own columns (returns, a window's copied curve), not these.
    spareColumns = record.reusable;
    return result;
  } catch (error) {
    let detail: string | undefined;
    try {
      detail = options.describeFailure?.(error);
    } catch {
      // The message alone, as without the option.
    }
    return withDetail(failedResult(index, error), detail);
  }
}

/** Per data set loaded in this thread, a copy of its bars taken before the first job with a strategy file. */
const seals = new WeakMap<MarketData, SeriesSeal>();

function sealOf(data: MarketData): SeriesSeal {
  let seal = seals.get(data);
  if (seal === undefined) {
    seal = new SeriesSeal(data.series);
    seals.set(data, seal);
  }
  return seal;
}

/** The strategy (or strategies, of a run config) a change to `symbol`'s bars could come from. */
function strategyIdsOn(job: ResearchJob, symbol: string): string {
  const config = job.config as { strategy?: unknown; strategies?: readonly { id?: unknown; symbols?: readonly unknown[] }[] };
  if (typeof config.strategy === 'string') return config.strategy;
  const ids = (config.strategies ?? []).filter((entry) => entry.symbols === undefined || entry.symbols.includes(symbol)).map((entry) => String(entry.id));
  return ids.length > 0 ? ids.join(' or ') : 'a strategy';
}
