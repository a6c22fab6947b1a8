import type { SizingRule } from '@ensemble/engine';
import { Account, Broker, LedgerAudit, StrategyRunner, targetQuantity } from '@ensemble/engine';
import { PerformanceCalculator, inferPeriodsPerYear } from '@ensemble/performance';
import type { PerformanceResult } from '@ensemble/performance';
import type { AnyStrategy, BarSeries, Fill, Logger, Timeline, Trade } from '@ensemble/protocol';
import {
  ConfigError,
  InvariantError,
  SeriesSeal,
  StrategyError,
  createTimeline,
  isPortfolioStrategy,
  isoTime,
  noopLogger,
  seriesTimeIssue,
} from '@ensemble/protocol';
import type { CustomAllocation } from './allocation/schemes';
import { diversificationRatio } from './allocation/statistics';
import { computeAttribution } from './attribution';
import { checkRunData, parseRunConfig, toRebalanceRule } from './config';
import type { RunConfig, StrategyEntry, StrategyRegistry } from './config';
import { resolveConflict } from './conflicts';
import type { ConflictInput } from './conflicts';
import { Allocator } from './internal/allocator';
import { lazy, sleevePnl, sleeveReturns, sleeveStatistics } from './internal/analytics';
import type { SleeveStatistics } from './internal/analytics';
import { checkFiniteOrchestration } from './internal/finite';
import { InertStrategy, ProbedStrategy, SignalProbe } from './internal/probe';
import { OrchestratorOrders, RiskManager } from './internal/risk';
import type { PositionBook } from './internal/risk';
import { SleeveExecutor } from './internal/sleeve-executor';
import type { SleeveBinding } from './internal/sleeve-executor';
import type {
  ConflictEvent,
  IsolatedEvent,
  OrchestratorResult,
  RebalanceEvent,
  SleeveResult,
} from './result';
import { serializeOrchestratorResult } from './result';
import { CapitalTransfers } from './run/transfers';
import type { QueuedTransferOrders } from './run/transfers';

/** Options of a {@link StrategyOrchestrator}: what a run needs besides its serialisable config. */
export interface OrchestratorOptions {
  /**
   * The strategies the config may name (registry name → definition), e.g. `strategyRegistry`
   * from `@ensemble/strategies`, or it extended with your own. Required: configs name strategies.
   */
  readonly registry?: StrategyRegistry | undefined;
  /** Receives structured events (child loggers per component, run and strategy); silent by default. */
  readonly logger?: Logger | undefined;
  /** Id bound to every log event (`runId`); default: a hash of the resolved config, so runs stay deterministic. */
  readonly runId?: string | undefined;
  /**
   * A custom allocation function: replaces the configured scheme (its constraints still apply).
   * It sees the sleeves' returns up to the previous bar only.
   */
  readonly allocate?: CustomAllocation | undefined;
  /** The file the config came from, named in errors. */
  readonly source?: string | undefined;
  /**
   * Called with (steps done, total steps) about a hundred times during a run and once at the end,
   * e.g. to drive a progress bar. It must not throw.
   */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Steps recorded in the row-major block before it is copied into the columns. */
const BLOCK_ROWS = 512;

/** Relative size below which a cash transfer or a shared-mode adjustment is floating-point dust. */
const DUST = 1e-9;

/** FNV-1a of a string, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function record(ids: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  ids.forEach((id, i) => {
    out[id] = values[i] ?? Number.NaN;
  });
  return out;
}

function byTime<T>(items: readonly T[], time: (item: T) => number): T[] {
  return [...items].sort((a, b) => time(a) - time(b));
}

/** A strategy instance inside a run: its account, runner, probe and per-step records. */
interface Sleeve {
  readonly index: number;
  readonly entry: StrategyEntry;
  readonly kind: 'signal' | 'portfolio';
  readonly account: Account;
  runner: StrategyRunner;
  readonly probe: SignalProbe;
  readonly logger: Logger;
  readonly sizing: SizingRule;
  readonly globalIndex: Int32Array;
  readonly book: PositionBook;
  readonly audit: LedgerAudit | null;
  active: boolean;
  error: string | null;
  initialCash: number;
  netTransfers: number;
  stepTransfer: number;
  lastEquity: number;
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly gross: Float64Array;
  /** Per-step returns excluding transfers, kept during the run only for data-driven allocation schemes. */
  readonly returns: Float64Array | null;
  readonly transferSteps: number[];
  readonly transferAmounts: number[];
}

/** The shared account of the shared mode. */
interface SharedBook {
  readonly account: Account;
  readonly runner: StrategyRunner;
  readonly broker: Broker;
  readonly book: PositionBook;
  readonly audit: LedgerAudit | null;
  /** Current signed target per symbol, −1..1 of its slot. */
  readonly target: Float64Array;
  /** Per symbol, the (sleeve, sleeve symbol index) pairs that trade it. */
  readonly voters: readonly (readonly { readonly sleeve: number; readonly k: number }[])[];
}

/**
 * Runs N strategy instances (signal or portfolio kind, each with its own symbols and parameters)
 * on one merged timeline and one portfolio, as described by a run config.
 *
 * **Sleeves mode** (default): one `StrategyRunner` and `Account` (a sleeve) per strategy, stepped
 * phase by phase in ARCHITECTURE's order. Per step: (1) orders fill at the open (`next-open`), the
 * opposite orders of different sleeves on one symbol crossed internally; (2) stops; (3) marks;
 * (4) the drawdown stop; (5) on rebalance steps the orchestrator moves capital between sleeves
 * (target sleeve equity = weight × portfolio equity), scaling each sleeve's book pro rata
 * (`run/transfers.ts`); (6) exposure caps; (7) each sleeve decides
 * (a portfolio strategy rebalancing on the same bar does so with its new equity); (8) `close`
 * fills; (9) end-of-data handling; (10) the equity points. See the package README for crossing,
 * transfers, attribution, error policy and risk limits.
 *
 * **Shared mode**: one account; each strategy's wishes per symbol are merged by the conflict
 * policy into one target position per symbol; every strategy also trades a shadow sleeve so that
 * per-strategy figures exist.
 */
export class StrategyOrchestrator {
  /** The parsed run config, every default applied. */
  readonly config: RunConfig;
  private readonly registry: StrategyRegistry;
  private readonly options: OrchestratorOptions;

  /**
   * Parses `config` (a run config object or an already parsed {@link RunConfig}); throws one
   * `ConfigError` listing every problem by path, or naming the missing registry.
   */
  constructor(config: unknown, options: OrchestratorOptions = {}) {
    const registry = options.registry;
    if (registry === undefined) {
      throw new ConfigError(
        [{ path: 'registry', message: 'pass { registry } (e.g. strategyRegistry from @ensemble/strategies): the config names its strategies' }],
        options.source === undefined ? undefined : { source: options.source },
      );
    }
    this.registry = registry;
    this.options = options;
    this.config = parseRunConfig(config, { source: options.source, registry });
  }

  /**
   * Runs the config over `series` (the loaded data: every strategy symbol and the benchmark must
   * be there; other series are ignored). Throws a `ConfigError` for missing symbols or unusable
   * series, a `StrategyError` naming strategy, symbol and bar time when a strategy throws under
   * `errorPolicy: 'fail'`, and an `InvariantError` when `checkInvariants` finds a mismatch.
   */
  run(series: readonly BarSeries[]): OrchestratorResult {
    checkRunData(this.config, series, this.options.source);
    return new Orchestration(this.config, this.registry, series, this.options).run();
  }
}

/** Parses `config`, then runs it over `series`: `new StrategyOrchestrator(config, options).run(series)`. */
export function runOrchestrator(config: unknown, series: readonly BarSeries[], options: OrchestratorOptions = {}): OrchestratorResult {
  return new StrategyOrchestrator(config, options).run(series);
}

class Orchestration {
  private readonly config: RunConfig;
  private readonly logger: Logger;
  private readonly runId: string;
  private readonly timeline: Timeline;
  private readonly time: Float64Array;
  private readonly steps: number;
  private readonly symbols: readonly string[];
  private readonly seriesBySymbol: ReadonlyMap<string, BarSeries>;
  private readonly periodsPerYear: number;
  private readonly allocator: Allocator;
  private readonly executor: SleeveExecutor;
  private readonly sleeves: Sleeve[] = [];
  private readonly shared: SharedBook | null;
  private readonly risk: RiskManager;
  private readonly orders = new OrchestratorOrders();
  private readonly transfers: CapitalTransfers;
  private readonly books: readonly PositionBook[];
  private readonly nextOpen: boolean;
  private readonly scratch: Float64Array;
  private readonly actual: Float64Array;
  private readonly rebalances: RebalanceEvent[] = [];
  private readonly conflicts: ConflictEvent[] = [];
  private readonly isolated: IsolatedEvent[] = [];
  private halted: { time: number; reason: 'drawdown' } | null = null;
  private reserve = 0;
  private readonly portfolioEquity: Float64Array;
  private readonly portfolioCash: Float64Array;
  private readonly portfolioReserve: Float64Array;
  private readonly portfolioGross: Float64Array;
  private readonly portfolioNet: Float64Array;
  private auditCash = 0;
  private readonly auditSeen: Int32Array;
  /** The recorded columns, in the order of a block row: per sleeve equity, cash, gross (, returns), then the portfolio's five. */
  private columns: Float64Array[] = [];
  private blockWidth = 0;
  private block = new Float64Array(0);
  private blockRows = 0;
  private blockStart = 0;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  /** With `checkInvariants`: a copy of the strategies' series, to prove after the run that none wrote to them. */
  private readonly seal: SeriesSeal | null;

  constructor(config: RunConfig, registry: StrategyRegistry, series: readonly BarSeries[], options: OrchestratorOptions) {
    this.config = config;
    this.runId = options.runId ?? `run-${hash(JSON.stringify(config))}`;
    this.logger = (options.logger ?? noopLogger).child({ component: 'orchestrator', runId: this.runId });
    this.onProgress = options.onProgress;
    this.nextOpen = config.fill === 'next-open';

    const symbols: string[] = [];
    const seen = new Set<string>();
    for (const entry of config.strategies) {
      for (const symbol of entry.symbols) {
        if (!seen.has(symbol)) {
          seen.add(symbol);
          symbols.push(symbol);
        }
      }
    }
    const bySymbol = new Map<string, BarSeries>();
    for (const s of series) if (!bySymbol.has(s.symbol)) bySymbol.set(s.symbol, s);
    this.seriesBySymbol = bySymbol;
    const used = symbols.map((symbol) => bySymbol.get(symbol)).filter((s): s is BarSeries => s !== undefined);
    const issues = used.flatMap((series, k) => seriesTimeIssue(series, k) ?? []);
    if (issues.length > 0) throw new ConfigError(issues, options.source === undefined ? undefined : { source: options.source });
    this.seal = config.checkInvariants ? new SeriesSeal(used) : null;
    this.timeline = createTimeline(used);
    this.time = this.timeline.time;
    this.steps = this.timeline.length;
    this.symbols = symbols;
    if (this.steps === 0) {
      throw new ConfigError([{ path: 'data', message: 'the strategies\' symbols have no bars at all; check the data and its from/to range' }]);
    }
    this.periodsPerYear = config.periodsPerYear ?? inferPeriodsPerYear(this.time);
    this.allocator = new Allocator(config, options.allocate, this.periodsPerYear, this.logger);
    this.risk = new RiskManager(config.risk, symbols.length, config.fractional, this.logger);
    this.transfers = new CapitalTransfers({
      mode: config.transfers,
      commission: config.commission,
      slippage: config.slippage,
      fractional: config.fractional,
      orders: this.orders,
    });
    this.scratch = new Float64Array(symbols.length);
    this.actual = new Float64Array(config.strategies.length);
    const steps = this.steps;
    this.portfolioEquity = new Float64Array(steps);
    this.portfolioCash = new Float64Array(steps);
    this.portfolioReserve = new Float64Array(steps);
    this.portfolioGross = new Float64Array(steps);
    this.portfolioNet = new Float64Array(steps);

    const symbolIndex = new Map(symbols.map((symbol, g) => [symbol, g]));
    const shared = config.mode === 'shared';
    // Which symbols more than one sleeve trades: only those sleeves' orders are collected and crossed.
    const traders = new Int32Array(symbols.length);
    for (const entry of config.strategies) {
      for (const symbol of entry.symbols) {
        const g = symbolIndex.get(symbol) ?? 0;
        traders[g] = (traders[g] ?? 0) + 1;
      }
    }
    const accounts = config.strategies.map((entry) => new Account({ strategyId: entry.id, symbols: entry.symbols, cash: 0 }));
    // A child logger per strategy: the events logged through it do not repeat the strategy.
    const sleeveLoggers = config.strategies.map((entry) => this.logger.child({ strategy: entry.id }));
    const probes = config.strategies.map((entry) => new SignalProbe(entry.symbols, shared));
    const globalIndices = config.strategies.map((entry) => Int32Array.from(entry.symbols, (symbol) => symbolIndex.get(symbol) ?? -1));
    const bindings: SleeveBinding[] = config.strategies.map((entry, i) => ({
      id: entry.id,
      account: accounts[i] ?? new Account({ strategyId: entry.id, symbols: entry.symbols, cash: 0 }),
      logger: sleeveLoggers[i] ?? this.logger,
      sizing: entry.sizing ?? config.sizing,
      globalIndex: globalIndices[i] ?? new Int32Array(0),
      crossing: !shared && config.crossing && Array.from(globalIndices[i] ?? [], (g) => traders[g] ?? 0).some((count) => count > 1),
    }));
    this.executor = new SleeveExecutor({
      commission: config.commission,
      slippage: config.slippage,
      fractional: config.fractional,
      sleeves: bindings,
      logger: this.logger.child({ module: 'broker' }),
    });
    this.auditSeen = new Int32Array(config.strategies.length);

    config.strategies.forEach((entry, i) => {
      const binding = bindings[i];
      const probe = probes[i];
      if (binding === undefined || probe === undefined) return;
      const definition = registry[entry.strategy];
      let strategy: AnyStrategy = new InertStrategy(entry.id);
      let failure: unknown = null;
      if (definition !== undefined) {
        try {
          strategy = definition.create(definition.schema.parse(entry.params), entry.id);
        } catch (error) {
          failure = error;
        }
      }
      const kind = failure === null && isPortfolioStrategy(strategy) ? 'portfolio' : (definition?.kind ?? 'signal');
      const runnerFor = (instance: AnyStrategy) =>
        new StrategyRunner({
          // Shared mode merges what each strategy wants per symbol, which a probe records; in
          // sleeves mode a strategy runs as it is (entry strengths reach the executor on the order).
          strategy: isPortfolioStrategy(instance) || !shared ? instance : new ProbedStrategy(instance, probe),
          series: entry.symbols.map((symbol) => bySymbol.get(symbol) ?? this.missing(symbol)),
          time: this.time,
          barIndex: Array.from(binding.globalIndex, (g) => this.timeline.barIndex[g] ?? new Int32Array(this.steps).fill(-1)),
          account: binding.account,
          executor: this.executor,
          fill: config.fill,
          sizing: binding.sizing,
          fractional: config.fractional,
          closeAtEnd: config.closeAtEnd,
          rebalance: entry.rebalance === undefined ? null : toRebalanceRule(entry.rebalance),
          logger: binding.logger,
        });
      let runner: StrategyRunner | null = null;
      if (failure === null) {
        try {
          runner = runnerFor(strategy);
        } catch (error) {
          failure = error;
        }
      }
      const finalRunner = runner ?? runnerFor(new InertStrategy(entry.id));
      const sleeve: Sleeve = {
        index: i,
        entry,
        kind,
        account: binding.account,
        runner: finalRunner,
        probe,
        logger: binding.logger,
        sizing: binding.sizing,
        globalIndex: binding.globalIndex,
        book: { id: entry.id, runner: finalRunner, account: binding.account, globalIndex: binding.globalIndex },
        audit: config.checkInvariants ? new LedgerAudit(binding.account) : null,
        active: true,
        error: null,
        initialCash: 0,
        netTransfers: 0,
        stepTransfer: 0,
        lastEquity: 0,
        equity: new Float64Array(steps),
        cash: new Float64Array(steps),
        gross: new Float64Array(steps),
        returns: this.allocator.needsReturns ? new Float64Array(steps) : null,
        transferSteps: [],
        transferAmounts: [],
      };
      this.sleeves.push(sleeve);
      if (failure !== null) this.fail(sleeve, failure, this.time[0] ?? Number.NaN, null);
    });

    if (shared) {
      const account = new Account({ strategyId: 'shared', symbols, cash: config.cash });
      const broker = new Broker({
        commission: config.commission,
        slippage: config.slippage,
        fractional: config.fractional,
        logger: this.logger.child({ module: 'broker', account: 'shared' }),
      });
      const runner = new StrategyRunner({
        strategy: new InertStrategy('shared'),
        series: symbols.map((symbol) => bySymbol.get(symbol) ?? this.missing(symbol)),
        time: this.time,
        barIndex: this.timeline.barIndex,
        account,
        executor: broker,
        fill: config.fill,
        fractional: config.fractional,
        closeAtEnd: config.closeAtEnd,
        logger: this.logger.child({ account: 'shared' }),
      });
      const voters = symbols.map(() => [] as { sleeve: number; k: number }[]);
      this.sleeves.forEach((sleeve, i) => {
        sleeve.globalIndex.forEach((g, k) => voters[g]?.push({ sleeve: i, k }));
      });
      this.shared = {
        account,
        runner,
        broker,
        book: { id: 'shared', runner, account, globalIndex: Int32Array.from(symbols, (_, g) => g) },
        audit: config.checkInvariants ? new LedgerAudit(account) : null,
        target: new Float64Array(symbols.length),
        voters,
      };
      this.books = [this.shared.book];
    } else {
      this.shared = null;
      this.books = this.sleeves.map((sleeve) => sleeve.book);
    }
    for (const sleeve of this.sleeves) {
      this.columns.push(sleeve.equity, sleeve.cash, sleeve.gross);
      if (sleeve.returns !== null) this.columns.push(sleeve.returns);
    }
    this.columns.push(this.portfolioEquity, this.portfolioCash, this.portfolioReserve, this.portfolioGross, this.portfolioNet);
    this.blockWidth = this.columns.length;
    this.block = new Float64Array(BLOCK_ROWS * this.blockWidth);
  }

  private missing(symbol: string): never {
    throw new ConfigError([{ path: 'data', message: `symbol "${symbol}" is not in the data` }]);
  }

  run(): OrchestratorResult {
    const { config, sleeves } = this;
    this.logger.info(
      { event: 'orchestrator-start', mode: config.mode, sleeves: sleeves.map((sleeve) => sleeve.entry.id), symbols: this.symbols, steps: this.steps, fill: config.fill },
      `orchestrator started: ${sleeves.length} strategies, ${this.symbols.length} symbols, ${this.steps} bars`,
    );
    this.allocateInitial();
    const steps = this.steps;
    const onProgress = this.onProgress;
    if (onProgress === undefined) {
      for (let t = 0; t < steps; t++) this.step(t);
    } else {
      const every = Math.max(1, Math.ceil(steps / 100));
      for (let t = 0; t < steps; t++) {
        this.step(t);
        if ((t + 1) % every === 0 && t + 1 < steps) onProgress(t + 1, steps);
      }
      onProgress(steps, steps);
    }
    this.flush();
    for (const sleeve of sleeves) sleeve.runner.finish();
    this.shared?.runner.finish();
    this.seal?.verify((symbol) => config.strategies.filter((entry) => entry.symbols.includes(symbol)).map((entry) => entry.id).join(' or '));
    checkFiniteOrchestration(this.time, sleeves, { equity: this.portfolioEquity, cash: this.portfolioCash, gross: this.portfolioGross });
    const result = this.result();
    this.logger.info(
      { event: 'orchestrator-end', finalEquity: result.finalEquity, rebalances: result.rebalances.length, isolated: result.isolated.length, riskEvents: result.risk.length, crossings: result.crossing.crossings },
      'orchestrator finished',
    );
    return result;
  }

  /** The start allocation: weights from an empty history (the warm-up rule), funded before the first bar. */
  private allocateInitial(): void {
    const { config, sleeves } = this;
    const time0 = this.time[0] ?? Number.NaN;
    const outcome = this.allocator.compute(
      sleeves.map((sleeve) => sleeve.returns),
      0,
      sleeves.map((sleeve) => sleeve.active),
      time0,
    );
    this.allocator.targets = outcome.weights;
    let funded = 0;
    const transfers = new Float64Array(sleeves.length);
    for (const sleeve of sleeves) {
      const amount = (outcome.weights[sleeve.index] ?? 0) * config.cash;
      sleeve.initialCash = amount;
      sleeve.lastEquity = amount;
      transfers[sleeve.index] = amount;
      if (amount !== 0) sleeve.account.deposit(amount);
      sleeve.runner.revalue();
      funded += amount;
    }
    this.reserve = this.shared === null ? config.cash - funded : 0;
    this.auditCash = config.cash;
    const ids = sleeves.map((sleeve) => sleeve.entry.id);
    const event: RebalanceEvent = {
      time: time0,
      reason: 'initial',
      reasons: ['initial'],
      weightsBefore: record(ids, new Float64Array(ids.length)),
      targetWeights: record(ids, outcome.weights),
      weightsAfter: record(ids, outcome.weights),
      transfers: record(ids, transfers),
      orders: [],
      sales: [],
      scheme: this.allocator.scheme,
      warmup: outcome.warmup,
      constraintStatus: outcome.status,
      convergence: outcome.convergence,
    };
    this.rebalances.push(event);
    this.logger.info(
      { event: 'rebalance', time: isoTime(time0), reason: 'initial', weightsAfter: event.weightsAfter, transfers: event.transfers, scheme: event.scheme, warmup: event.warmup, reserve: this.reserve },
      'initial allocation',
    );
  }

  private step(t: number): void {
    const { sleeves, shared, executor } = this;
    this.orders.clear();
    for (const sleeve of sleeves) sleeve.runner.beginStep(t);
    shared?.runner.beginStep(t);
    if (this.nextOpen) {
      executor.begin();
      for (const sleeve of sleeves) sleeve.runner.fillAtOpen();
      executor.settle();
      shared?.runner.fillAtOpen();
    }
    for (const sleeve of sleeves) sleeve.runner.applyStops();
    shared?.runner.applyStops();
    for (const sleeve of sleeves) sleeve.runner.markToMarket();
    shared?.runner.markToMarket();

    if (this.halted === null) this.manage(t);
    for (const sleeve of sleeves) {
      if (!sleeve.runner.active) continue;
      sleeve.probe.step = t;
      try {
        sleeve.runner.decide();
      } catch (error) {
        this.fail(sleeve, error, this.time[t] ?? Number.NaN, t);
      }
    }
    if (shared !== null && this.halted === null) this.resolveShared(t, shared);

    if (!this.nextOpen) {
      executor.begin();
      for (const sleeve of sleeves) sleeve.runner.fillAtClose();
      executor.settle();
      shared?.runner.fillAtClose();
    }
    for (const sleeve of sleeves) sleeve.runner.endStep();
    shared?.runner.endStep();
    this.record(t);
  }

  /** Portfolio equity at the latest marks: Σ sleeves + reserve, or the shared account. */
  private portfolioValue(): number {
    if (this.shared !== null) return this.shared.runner.revalue();
    let equity = this.reserve;
    for (const sleeve of this.sleeves) equity += sleeve.runner.revalue();
    return equity;
  }

  /** After the marks: the drawdown stop, a rebalance if due, the exposure caps. */
  private manage(t: number): void {
    const { allocator, risk, sleeves } = this;
    const time = this.time[t] ?? Number.NaN;
    const riskEnabled = risk.enabled;
    const scheduled = allocator.scheduleFires(this.time, t);
    // Shadow sleeves are never rebalanced, so drift bands would fire forever: shared mode follows the schedule only.
    const drift = t > 0 && this.shared === null && allocator.hasDrift;
    if (!riskEnabled && !scheduled && !drift) return;
    const equity = this.portfolioValue();
    if (riskEnabled) {
      const action = risk.checkDrawdown(time, equity, this.books, this.orders);
      if (action === 'flatten') {
        this.halted = { time, reason: 'drawdown' };
        // The risk manager closed out its books (the sleeves, or the shared account); shadows stop too.
        if (this.shared !== null) {
          for (const sleeve of sleeves) {
            sleeve.runner.closeOut('risk');
            sleeve.runner.disable();
          }
        }
        return;
      }
    }
    if (scheduled || drift) {
      const actual = this.actual;
      const total = this.shared === null ? equity : this.shadowEquity();
      for (const sleeve of sleeves) actual[sleeve.index] = total !== 0 ? sleeve.runner.markedEquity / total : 0;
      if (scheduled || allocator.driftFires(actual)) this.rebalance(t, equity);
    }
    if (riskEnabled) risk.checkExposure(time, this.portfolioValue(), this.books, this.orders);
  }

  private shadowEquity(): number {
    let total = 0;
    for (const sleeve of this.sleeves) total += sleeve.runner.markedEquity;
    return total;
  }

  /** Moves capital between sleeves to the new target weights (sleeves mode) or updates the voting weights (shared mode). */
  private rebalance(t: number, equity: number): void {
    const { allocator, sleeves, config } = this;
    this.flush();
    const time = this.time[t] ?? Number.NaN;
    const ids = sleeves.map((sleeve) => sleeve.entry.id);
    const before = Float64Array.from(this.actual);
    const decision = allocator.decision(this.time, t, before);
    const outcome = allocator.compute(
      sleeves.map((sleeve) => sleeve.returns),
      t,
      sleeves.map((sleeve) => sleeve.active),
      time,
    );
    const previous = allocator.targets;
    allocator.targets = outcome.weights;
    const transfers = new Float64Array(sleeves.length);
    const queued: QueuedTransferOrders = { orders: [], sales: [] };
    const after = Float64Array.from(before);
    if (this.shared === null) {
      for (const sleeve of sleeves) {
        const current = sleeve.runner.markedEquity;
        const target = (outcome.weights[sleeve.index] ?? 0) * equity;
        const delta = target - current;
        if (Math.abs(delta) <= DUST * Math.max(1, Math.abs(equity))) continue;
        this.transfers.move(sleeve, current, target, t, time, queued);
        sleeve.stepTransfer += delta;
        sleeve.netTransfers += delta;
        this.reserve -= delta;
        transfers[sleeve.index] = delta;
      }
      for (const sleeve of sleeves) {
        const value = sleeve.runner.revalue();
        after[sleeve.index] = equity !== 0 ? value / equity : 0;
      }
    }
    let changed = false;
    for (let i = 0; i < sleeves.length; i++) if (Math.abs((previous[i] ?? 0) - (outcome.weights[i] ?? 0)) > 1e-12) changed = true;
    const reason = decision.reason ?? 'schedule';
    const event: RebalanceEvent = {
      time,
      reason,
      reasons: decision.reasons.length > 0 ? decision.reasons : [reason],
      weightsBefore: record(ids, before),
      targetWeights: record(ids, outcome.weights),
      weightsAfter: record(ids, after),
      transfers: record(ids, transfers),
      orders: queued.orders,
      sales: queued.sales,
      scheme: allocator.scheme,
      warmup: outcome.warmup,
      constraintStatus: outcome.status,
      convergence: outcome.convergence,
    };
    this.rebalances.push(event);
    if (changed) {
      this.logger.info(
        { event: 'allocation-changed', time: isoTime(time), scheme: allocator.scheme, before: record(ids, previous), after: event.targetWeights, warmup: outcome.warmup, status: outcome.status },
        'target weights changed',
      );
    }
    this.logger.info(
      {
        event: 'rebalance',
        time: isoTime(time),
        reason,
        reasons: event.reasons,
        weightsBefore: event.weightsBefore,
        targetWeights: event.targetWeights,
        weightsAfter: event.weightsAfter,
        transfers: event.transfers,
        orders: queued.orders,
        reserve: this.reserve,
        drift: decision.drift,
      },
      `rebalance (${reason})`,
    );
    if (this.shared !== null && config.conflictPolicy === 'net' && changed) {
      for (const sleeve of sleeves) sleeve.probe.changed.fill(1);
    }
  }

  /** A strategy threw (or could not start): isolate its sleeve, or fail the run. */
  private fail(sleeve: Sleeve, error: unknown, time: number, step: number | null): void {
    const strategyError = StrategyError.isInstance(error)
      ? error
      : new StrategyError(sleeve.entry.id, { ...(Number.isFinite(time) ? { time } : {}), cause: error });
    const symbol = strategyError.symbol ?? null;
    const at = strategyError.time ?? time;
    if (this.config.errorPolicy === 'fail') {
      sleeve.logger.error({ event: 'strategy-failed', err: strategyError, symbol, time: isoTime(at) }, strategyError.message);
      throw strategyError;
    }
    this.isolated.push({ strategyId: sleeve.entry.id, symbol, time: at, message: strategyError.message });
    sleeve.active = false;
    sleeve.error = strategyError.message;
    sleeve.runner.closeOut('isolate');
    sleeve.runner.disable();
    const probe = sleeve.probe;
    for (let k = 0; k < probe.direction.length; k++) probe.want(k, 0, 0);
    sleeve.logger.error(
      { event: 'strategy-isolated', err: strategyError, symbol, time: isoTime(at), step },
      `strategy ${sleeve.entry.id} isolated: ${strategyError.message}`,
    );
  }

  /** Shared mode: merges the strategies' changed wishes per symbol into targets and orders. */
  private resolveShared(t: number, shared: SharedBook): void {
    const { sleeves, config } = this;
    const policy = config.conflictPolicy;
    const symbolCount = this.symbols.length;
    let equity = Number.NaN;
    for (let g = 0; g < symbolCount; g++) {
      const voters = shared.voters[g] ?? [];
      let changed = false;
      for (const voter of voters) if (sleeves[voter.sleeve]?.probe.changed[voter.k] === 1) changed = true;
      if (!changed) continue;
      const inputs: ConflictInput[] = [];
      for (const voter of voters) {
        const sleeve = sleeves[voter.sleeve];
        if (sleeve === undefined) continue;
        sleeve.probe.changed[voter.k] = 0;
        if (!sleeve.active) continue;
        const direction = sleeve.probe.direction[voter.k] ?? 0;
        inputs.push({
          strategyId: sleeve.entry.id,
          direction,
          strength: direction === 0 ? 0 : (sleeve.probe.strength[voter.k] ?? 1),
          weight: this.allocator.targets[voter.sleeve] ?? 0,
          priority: sleeve.entry.priority,
          since: sleeve.probe.since[voter.k] ?? -1,
        });
      }
      const outcome = resolveConflict(policy, inputs);
      const symbol = this.symbols[g] ?? '?';
      const time = this.time[t] ?? Number.NaN;
      const directions = new Set(inputs.map((input) => input.direction));
      if (directions.size > 1) {
        const label = (direction: number) => (direction > 0 ? 'long' : direction < 0 ? 'short' : 'flat');
        const event: ConflictEvent = {
          time,
          symbol,
          policy,
          inputs: inputs.map((input) => ({ strategyId: input.strategyId, direction: label(input.direction), strength: input.strength })),
          outcome: { direction: label(Math.sign(outcome.target)), target: outcome.target, winner: outcome.winner },
        };
        this.conflicts.push(event);
        this.logger.info({ event: 'conflict', ...event, time: isoTime(time) }, `conflict on ${symbol} resolved by ${policy}: ${event.outcome.direction}`);
      }
      if (outcome.target === shared.target[g]) continue;
      shared.target[g] = outcome.target;
      const account = shared.account;
      const price = account.markPrice[g] ?? 0;
      if (!(price > 0)) continue;
      if (Number.isNaN(equity)) equity = shared.runner.revalue();
      const held = account.quantity[g] ?? 0;
      const wanted = targetQuantity(outcome.target / symbolCount, equity, price, config.fractional);
      const delta = wanted - held;
      if (Math.abs(delta * price) <= DUST * Math.max(1, Math.abs(equity))) continue;
      shared.runner.placeOrder(g, delta, wanted === 0 ? 'exit' : held === 0 ? 'entry' : 'rebalance');
    }
  }

  /**
   * Records the state after step `t`. Values go to a small row-major block (one row per step)
   * that is copied into the per-sleeve and portfolio columns every {@link BLOCK_ROWS} steps, so
   * that the hot loop writes one memory stream instead of one per column.
   */
  private record(t: number): void {
    const { sleeves, shared, scratch, block } = this;
    const time = this.time[t] ?? Number.NaN;
    let at = this.blockRows * this.blockWidth;
    let total = this.reserve;
    let cash = this.reserve;
    for (const sleeve of sleeves) {
      const value = sleeve.runner.revalue();
      const transfer = sleeve.stepTransfer;
      if (transfer !== 0) {
        sleeve.stepTransfer = 0;
        sleeve.transferSteps.push(t);
        sleeve.transferAmounts.push(transfer);
      }
      const sleeveCash = sleeve.account.cash;
      block[at++] = value;
      block[at++] = sleeveCash;
      block[at++] = sleeve.runner.markedGross;
      if (sleeve.returns !== null) {
        const previous = sleeve.lastEquity;
        block[at++] = previous > 0 ? (value - transfer) / previous - 1 : Number.NaN;
        sleeve.lastEquity = value;
      }
      total += value;
      cash += sleeveCash;
      sleeve.audit?.check(time, value, sleeveCash);
    }
    let gross = 0;
    let net = 0;
    if (shared !== null) {
      total = shared.runner.revalue();
      cash = shared.account.cash;
      gross = shared.runner.markedGross;
      const { quantity, markPrice } = shared.account;
      for (let g = 0; g < quantity.length; g++) {
        const held = quantity[g] ?? 0;
        if (held !== 0) net += held * (markPrice[g] ?? 0);
      }
      shared.audit?.check(time, total, cash);
    } else {
      scratch.fill(0);
      for (const sleeve of sleeves) {
        const { quantity, markPrice } = sleeve.account;
        for (let k = 0; k < quantity.length; k++) {
          const held = quantity[k] ?? 0;
          if (held !== 0) {
            const g = sleeve.globalIndex[k] ?? 0;
            scratch[g] = (scratch[g] ?? 0) + held * (markPrice[k] ?? 0);
          }
        }
      }
      for (const value of scratch) {
        gross += value < 0 ? -value : value;
        net += value;
      }
      if (this.config.checkInvariants) this.auditPortfolio(time, total, net, gross);
    }
    block[at++] = total;
    block[at++] = cash;
    block[at++] = this.reserve;
    block[at++] = gross;
    block[at] = net;
    if (++this.blockRows === BLOCK_ROWS) this.flush();
  }

  /** Copies the recorded rows of the block into their columns. */
  private flush(): void {
    const { block, blockWidth, columns } = this;
    const rows = this.blockRows;
    if (rows === 0) return;
    const start = this.blockStart;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      if (column === undefined) continue;
      for (let r = 0, i = c; r < rows; r++, i += blockWidth) column[start + r] = block[i] ?? 0;
    }
    this.blockStart = start + rows;
    this.blockRows = 0;
  }

  /**
   * Σ sleeves + reserve against the portfolio rebuilt independently: the starting cash plus every
   * fill's cash flow of every sleeve, plus the net position of each symbol at its mark.
   */
  private auditPortfolio(time: number, equity: number, net: number, gross: number): void {
    for (const sleeve of this.sleeves) {
      const fills = sleeve.account.fills;
      let seen = this.auditSeen[sleeve.index] ?? 0;
      for (; seen < fills.length; seen++) {
        const fill = fills[seen];
        if (fill === undefined) continue;
        const value = fill.quantity * fill.price;
        this.auditCash += fill.side === 'buy' ? -(value + fill.commission) : value - fill.commission;
      }
      this.auditSeen[sleeve.index] = seen;
    }
    const rebuilt = this.auditCash + net;
    const scale = Math.max(1, Math.abs(equity), Math.abs(rebuilt), gross);
    if (!(Math.abs(rebuilt - equity) <= 1e-9 * scale)) {
      throw new InvariantError(
        `Portfolio equity at ${isoTime(time)} is ${equity} (Σ sleeves + reserve), but the starting cash, every fill and the net positions give ${rebuilt}`,
        { time },
      );
    }
  }

  /**
   * A sleeve's metrics. Transfers are not performance: a sleeve that received or gave cash is
   * measured on its time-weighted index (starting at its initial capital, moving by its returns
   * excluding transfers; gross exposure rescaled so exposure ratios hold), with turnover taken
   * against its actual mean equity. A sleeve without transfers is measured on its equity curve.
   */
  private sleeveMetrics(calculator: PerformanceCalculator, sleeve: Sleeve, returns: Float64Array): PerformanceResult {
    const { time, steps } = this;
    const { account } = sleeve;
    if (sleeve.transferSteps.length === 0) {
      return calculator.compute({ equity: { time, equity: sleeve.equity, grossExposure: sleeve.gross }, trades: account.trades, fills: account.fills });
    }
    const index = new Float64Array(steps);
    const gross = new Float64Array(steps);
    let level = sleeve.initialCash > 0 ? sleeve.initialCash : 1;
    for (let t = 0; t < steps; t++) {
      const r = returns[t] ?? Number.NaN;
      if (Number.isFinite(r)) level *= 1 + r;
      index[t] = level;
      const value = sleeve.equity[t] ?? 0;
      gross[t] = value > 0 ? ((sleeve.gross[t] ?? 0) * level) / value : 0;
    }
    const result = calculator.compute({ equity: { time, equity: index, grossExposure: gross }, trades: account.trades, fills: account.fills });
    let traded = 0;
    for (const fill of account.fills) traded += Math.abs(fill.quantity * fill.price);
    let sum = 0;
    for (const value of sleeve.equity) sum += value;
    const meanEquity = steps > 0 ? sum / steps : 0;
    const turnover = meanEquity > 0 ? traded / meanEquity : null;
    const annualTurnover = turnover !== null && steps > 1 ? (turnover * result.periodsPerYear) / (steps - 1) : null;
    return { ...result, metrics: { ...result.metrics, turnover, annualTurnover } };
  }

  private calculator(): PerformanceCalculator {
    const { config } = this;
    const benchmark = config.benchmark === undefined ? undefined : this.seriesBySymbol.get(config.benchmark);
    return new PerformanceCalculator({
      periodsPerYear: this.periodsPerYear,
      riskFreeRate: config.riskFreeRate,
      ...(benchmark === undefined ? {} : { benchmark: { time: benchmark.time, close: benchmark.close } }),
    });
  }

  /**
   * The result. The run's records (equity curves, fills, trades, logs) are plain values; the
   * analytics derived from them — metrics, weights, returns and contributions over time,
   * attribution, correlation, diversification ratio — are enumerable getters computed on first
   * access and then kept, so a run costs no more than its simulation until they are read (or
   * serialised).
   */
  private result(): OrchestratorResult {
    const { config, sleeves, shared, time, steps } = this;
    let calculator: PerformanceCalculator | null = null;
    const metricsCalculator = () => (calculator ??= this.calculator());
    const ids = sleeves.map((sleeve) => sleeve.entry.id);
    const portfolioEquity = this.portfolioEquity;
    let denominators: Float64Array | null = null;
    const weightBase = (): Float64Array => {
      if (denominators !== null) return denominators;
      if (shared === null) return (denominators = portfolioEquity);
      const totals = new Float64Array(steps);
      for (const sleeve of sleeves) for (let t = 0; t < steps; t++) totals[t] = (totals[t] ?? 0) + (sleeve.equity[t] ?? 0);
      return (denominators = totals);
    };
    const returnsOf = sleeves.map((sleeve) => {
      let cached: Float64Array | null = sleeve.returns;
      return () => (cached ??= sleeveReturns(sleeve));
    });
    const sleeveResults = sleeves.map((sleeve, i): SleeveResult => {
      const { account, runner } = sleeve;
      const eager: Omit<SleeveResult, 'weight' | 'returns' | 'contribution' | 'metrics'> = {
        id: sleeve.entry.id,
        strategy: sleeve.entry.strategy,
        kind: sleeve.kind,
        symbols: sleeve.entry.symbols,
        shadow: shared !== null,
        initialCash: sleeve.initialCash,
        finalCash: account.cash,
        finalEquity: steps > 0 ? (sleeve.equity[steps - 1] ?? Number.NaN) : sleeve.initialCash,
        netTransfers: sleeve.netTransfers,
        equity: { time, equity: sleeve.equity, cash: sleeve.cash, grossExposure: sleeve.gross },
        fills: account.fills,
        trades: account.trades,
        openPositions: account.openPositions(),
        totalCommission: account.totalCommission,
        totalSlippage: account.totalSlippage,
        droppedOrders: runner.dropped,
        rebalances: runner.rebalances,
        isolated: !sleeve.active,
        error: sleeve.error,
      };
      const result = eager as SleeveResult;
      const returns = returnsOf[i] ?? (() => sleeveReturns(sleeve));
      lazy(result, 'weight', () => {
        const base = weightBase();
        const weight = new Float64Array(steps);
        for (let t = 0; t < steps; t++) {
          const total = base[t] ?? 0;
          weight[t] = total !== 0 ? (sleeve.equity[t] ?? 0) / total : Number.NaN;
        }
        return weight;
      });
      lazy(result, 'returns', returns);
      lazy(result, 'contribution', () => {
        const pnl = sleevePnl(sleeve);
        for (let t = 0; t < steps; t++) {
          const before = t === 0 ? config.cash : (portfolioEquity[t - 1] ?? Number.NaN);
          pnl[t] = before > 0 ? (pnl[t] ?? 0) / before : Number.NaN;
        }
        return pnl;
      });
      lazy(result, 'metrics', () => this.sleeveMetrics(metricsCalculator(), sleeve, returns()));
      return result;
    });
    let fills: Fill[];
    let trades: Trade[];
    let openPositions: SleeveResult['openPositions'];
    let totalCommission = 0;
    let totalSlippage = 0;
    let dropped = 0;
    let stats = this.executor.stats;
    if (shared === null) {
      fills = byTime(sleeves.flatMap((sleeve) => sleeve.account.fills), (fill) => fill.time);
      trades = byTime(sleeves.flatMap((sleeve) => sleeve.account.trades), (trade) => trade.exitTime);
      openPositions = sleeveResults.flatMap((sleeve) => sleeve.openPositions);
      for (const sleeve of sleeveResults) {
        totalCommission += sleeve.totalCommission;
        totalSlippage += sleeve.totalSlippage;
        dropped += sleeve.droppedOrders;
      }
    } else {
      fills = [...shared.account.fills];
      trades = [...shared.account.trades];
      openPositions = shared.account.openPositions();
      totalCommission = shared.account.totalCommission;
      totalSlippage = shared.account.totalSlippage;
      dropped = shared.runner.dropped;
      stats = shared.broker.stats;
    }
    const portfolioCurve = {
      time,
      equity: portfolioEquity,
      cash: this.portfolioCash,
      grossExposure: this.portfolioGross,
      reserve: this.portfolioReserve,
      netExposure: this.portfolioNet,
    };
    const eagerPortfolio: Omit<OrchestratorResult['portfolio'], 'metrics'> = {
      equity: portfolioCurve,
      fills,
      trades,
      openPositions,
      totalCommission,
      totalSlippage,
      orders: { ...stats, dropped },
    };
    const portfolio = eagerPortfolio as OrchestratorResult['portfolio'];
    lazy(portfolio, 'metrics', () => metricsCalculator().compute({ equity: portfolioCurve, trades, fills }));
    let statistics: SleeveStatistics | null = null;
    const statisticsOf = () => (statistics ??= sleeveStatistics(returnsOf.map((returns) => returns())));
    const eagerResult: Omit<OrchestratorResult, 'attribution' | 'correlation' | 'diversificationRatio'> = {
      config,
      runId: this.runId,
      mode: config.mode,
      allocationScheme: this.allocator.scheme,
      symbols: this.symbols,
      bars: steps,
      startTime: steps > 0 ? (time[0] ?? null) : null,
      endTime: steps > 0 ? (time[steps - 1] ?? null) : null,
      periodsPerYear: this.periodsPerYear,
      initialCash: config.cash,
      finalCash: steps > 0 ? (this.portfolioCash[steps - 1] ?? Number.NaN) : config.cash,
      finalEquity: steps > 0 ? (portfolioEquity[steps - 1] ?? Number.NaN) : config.cash,
      portfolio,
      sleeves: sleeveResults,
      rebalances: this.rebalances,
      conflicts: this.conflicts,
      risk: this.risk.events,
      isolated: this.isolated,
      crossing: { enabled: config.mode === 'sleeves' && config.crossing, ...this.executor.totals },
      halted: this.halted,
    };
    const result = eagerResult as OrchestratorResult;
    lazy(result, 'attribution', () =>
      computeAttribution({
        time,
        equity: portfolioEquity,
        initialEquity: config.cash,
        sleeves: sleeves.map((sleeve) => ({ id: sleeve.entry.id, pnl: sleevePnl(sleeve) })),
      }),
    );
    lazy(result, 'correlation', () => ({ ids, matrix: statisticsOf().correlation }));
    lazy(result, 'diversificationRatio', () => {
      const base = weightBase();
      const mean = new Float64Array(sleeves.length);
      for (const [i, sleeve] of sleeves.entries()) {
        let sum = 0;
        for (let t = 0; t < steps; t++) {
          const total = base[t] ?? 0;
          if (total !== 0) sum += (sleeve.equity[t] ?? 0) / total;
        }
        mean[i] = steps > 0 ? sum / steps : 0;
      }
      const { volatilities, covariance } = statisticsOf();
      return diversificationRatio(mean, volatilities, covariance);
    });
    Object.defineProperty(result, 'toJSON', { value: () => serializeOrchestratorResult(result), enumerable: false });
    return result;
  }
}
