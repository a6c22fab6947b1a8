import { inferPeriodsPerYear } from '@ensemble/performance';
import type { BarSeries, Logger } from '@ensemble/protocol';
import { SeriesSeal, StrategyError, noopLogger } from '@ensemble/protocol';
import type { RunConfig, StrategyRegistry } from '../config';
import { Allocator } from '../internal/allocator';
import { checkFiniteOrchestration } from '../internal/finite';
import { OrchestratorOrders } from '../internal/orchestrator-orders';
import { RiskManager } from '../internal/risk';
import type { SleeveExecutor } from '../internal/sleeve-executor';
import type { OrchestratorOptions } from '../orchestrator';
import type { IsolatedEvent, OrchestratorResult } from '../result';
import { assembleResult } from '../result/assemble';
import { verifyCustomHistory, warnIfCustomNeverCalled } from './custom-history';
import { decideOrIsolate, isolateSleeve } from './isolation';
import { StepManagement } from './management';
import { OpenWindow } from './open-window';
import { PaperTracks } from './paper-tracks';
import { Rebalancing } from './rebalancing';
import { runIdOf } from './run-id';
import { RunRecorder } from './recorder';
import { HeldWarnings, writesWarningsOnly } from './held-warnings';
import { PortfolioBelowZero, SleeveBlocks, blocksConfig, sleeveBlocksApply } from './sleeve-blocks';
import { finishSteps, startSteps } from './sleeve-span';
import { SharedVoting } from './shared-mode';
import { sharedStep } from './shared-step';
import type { SharedStepRooms } from './shared-step';
import { createSharedBook, createSleeves } from './sleeves';
import type { SharedBook, Sleeve } from './sleeves';
import { CapitalTransfers } from './transfers';
import { createUniverse, lastBarSteps } from './universe';
import type { Universe } from './universe';

/**
 * One run of a parsed config over loaded data: sets the rooms up (universe, sleeves, shared
 * account, allocation, transfers, risk, recorder), then steps every bar of the merged timeline
 * in ARCHITECTURE's phase order and hands the records to the result assembly.
 */
export class Orchestration {
  private readonly config: RunConfig;
  private readonly registry: StrategyRegistry;
  private readonly series: readonly BarSeries[];
  private readonly options: OrchestratorOptions;
  /** Sleeve-by-sleeve stepping, when it applies (see the constructor). */
  private readonly blocks: SleeveBlocks | null;
  private readonly logger: Logger;
  private readonly runId: string;
  private readonly universe: Universe;
  private readonly time: Float64Array;
  private readonly steps: number;
  private readonly periodsPerYear: number;
  private readonly allocator: Allocator;
  private readonly executor: SleeveExecutor;
  private readonly sleeves: Sleeve[];
  private readonly shared: SharedBook | null;
  private readonly voting: SharedVoting | null;
  private readonly risk: RiskManager;
  private readonly orders = new OrchestratorOrders();
  private readonly rebalancing: Rebalancing;
  private readonly recorder: RunRecorder;
  private readonly nextOpen: boolean;
  /** 1 at the steps holding some symbol's last bar, else 0. */
  private readonly endStep: Uint8Array;
  /** Sleeves mode: 1 at the steps after the first where a sleeve whose symbols had no bar before has its first bar, else 0. */
  private readonly startStep: Uint8Array;
  /**
   * Sleeves mode: 1 at the step after the last bar of every symbol of some sleeve, else 0. If that
   * sleeve then holds no position it has finished, and the step rebalances (`sleeve-finished`).
   */
  private readonly finishStep: Uint8Array;
  private readonly isolated: IsolatedEvent[] = [];
  private readonly management: StepManagement;
  /** Sleeves mode with `next-open` fills: the open's window and a rebalance's move there. */
  private readonly open: OpenWindow;
  /** Shared mode: what its step works with (null in sleeves mode). */
  private readonly sharedRooms: SharedStepRooms | null;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;
  /** With `checkInvariants`: a copy of the strategies' series, to prove after the run that none wrote to them. */
  private readonly seal: SeriesSeal | null;
  /** Warnings held to be written in bar order, for a logger that writes warnings only (null: written as they come). */
  private readonly held: HeldWarnings | null;

  /**
   * `steps`: true steps the sleeves sleeve by sleeve where that gives the same results (see
   * `run/sleeve-blocks.ts`); false runs every step bar by bar; a number is `true` with blocks of at
   * most that many values per row column (`RunRecorder.blockSteps`: tests run short blocks).
   * `skipWarnings`: the warnings and errors an earlier attempt of this run wrote, which this one
   * skips (see `run/held-warnings.ts`).
   */
  constructor(config: RunConfig, registry: StrategyRegistry, series: readonly BarSeries[], options: OrchestratorOptions, steps: boolean | number = true, skipWarnings = 0) {
    const blocks = steps !== false;
    this.config = config;
    this.registry = registry;
    this.series = series;
    this.options = options;
    this.runId = options.runId ?? runIdOf(config);
    const logger = (options.logger ?? noopLogger).child({ component: 'orchestrator', runId: this.runId });
    // A logger that writes warnings only can take a run stepped sleeve by sleeve: its warnings are
    // held and written in bar order (see `run/held-warnings.ts`).
    // A run started again bar by bar skips the warnings its first attempt wrote.
    this.held = skipWarnings > 0 || (blocks && logger !== noopLogger && blocksConfig(config) && writesWarningsOnly(logger)) ? new HeldWarnings(skipWarnings) : null;
    this.logger = this.held?.wrap(logger) ?? logger;
    this.onProgress = options.onProgress;
    this.nextOpen = config.fill === 'next-open';
    const universe = createUniverse(config, series, options.source);
    this.universe = universe;
    this.seal = config.checkInvariants ? new SeriesSeal(universe.series) : null;
    this.time = universe.timeline.time;
    this.steps = universe.timeline.length;
    this.endStep = lastBarSteps(universe.timeline.barIndex, universe.series, this.steps);
    const symbolCount = universe.symbols.length;
    this.periodsPerYear = config.periodsPerYear ?? inferPeriodsPerYear(this.time);
    this.allocator = new Allocator(config, options.allocate, this.periodsPerYear, this.logger);
    this.risk = new RiskManager(config.risk, symbolCount, config.fractional, this.logger, config);
    const { sleeves, executor } = createSleeves({
      config,
      registry,
      universe,
      logger: this.logger,
      // A ring of the lookback, never longer than the run (a lookback of 2^53 − 1 is valid: warm-up weights throughout).
      // One more than the lookback: a rebalance stepped after its step's returns are recorded (see
      // `runBlocks`) still finds its whole window in the ring.
      keepReturns: !this.allocator.needsReturns ? 0 : this.allocator.needsHistory ? universe.timeline.length : Math.min(this.allocator.lookback + 1, universe.timeline.length),
      onFailure: (sleeve, error) => {
        this.fail(sleeve, error, this.time[0] ?? Number.NaN, null);
      },
    });
    this.sleeves = sleeves;
    this.executor = executor;
    let transfers: CapitalTransfers | null = null;
    if (config.mode === 'shared') {
      const shared = createSharedBook(config, universe, sleeves, this.logger);
      this.shared = shared;
      this.voting = SharedVoting.create(config, shared, sleeves, this.allocator, this.time, this.logger);
    } else {
      this.shared = null;
      this.voting = null;
      transfers = new CapitalTransfers({
        mode: config.transfers,
        commission: config.commission,
        slippage: config.slippage,
        fractional: config.fractional,
        orders: this.orders,
      });
    }
    this.rebalancing = new Rebalancing({
      config,
      sleeves,
      allocator: this.allocator,
      transfers,
      time: this.time,
      logger: this.logger,
      paper:
        transfers !== null && this.allocator.scheme === 'performance' ? new PaperTracks({ config, registry, time: this.time, logger: this.logger }) : null,
    });
    this.management = new StepManagement({
      time: this.time,
      sleeves,
      shared: this.shared,
      voting: this.voting,
      allocator: this.allocator,
      risk: this.risk,
      rebalancing: this.rebalancing,
      books: this.shared === null ? sleeves.map((sleeve) => sleeve.book) : [this.shared.book],
      orders: this.orders,
      logger: this.logger,
    });
    this.open = new OpenWindow(sleeves, this.executor, this.rebalancing, this.orders);
    this.startStep = this.shared === null ? startSteps(sleeves, this.time) : new Uint8Array(this.steps);
    this.finishStep = this.shared === null ? finishSteps(sleeves, this.time) : new Uint8Array(this.steps);
    this.recorder = new RunRecorder({
      sleeves,
      shared: this.shared,
      time: this.time,
      symbolCount,
      cash: config.cash,
      checkInvariants: config.checkInvariants,
      ...(typeof steps === 'number' ? { blockRowValues: steps } : {}),
    });
    this.sharedRooms =
      this.shared === null || this.voting === null
        ? null
        : {
            sleeves,
            shared: this.shared,
            voting: this.voting,
            executor: this.executor,
            orders: this.orders,
            management: this.management,
            allocator: this.allocator,
            rebalancing: this.rebalancing,
            recorder: this.recorder,
            time: this.time,
            nextOpen: this.nextOpen,
            decide: (sleeve, t) => {
              this.decide(sleeve, t);
            },
          };
    this.blocks = blocks && sleeveBlocksApply(config, sleeves, this.logger, this.held !== null) ? new SleeveBlocks(sleeves, this.executor, this.recorder) : null;
  }

  /** Runs every step, checks the records and assembles the result. */
  run(): OrchestratorResult {
    this.held?.start();
    try {
      return this.runSteps();
    } finally {
      // Held warnings are written however the run ends (those of a run started again bar by bar were discarded).
      this.held?.release();
    }
  }

  private runSteps(): OrchestratorResult {
    const { config, sleeves, recorder } = this;
    const symbols = this.universe.symbols;
    this.logger.info(
      { event: 'orchestrator-start', mode: config.mode, sleeves: sleeves.map((sleeve) => sleeve.entry.id), symbols, steps: this.steps, fill: config.fill },
      `orchestrator started: ${sleeves.length} ${sleeves.length === 1 ? 'strategy' : 'strategies'}, ${symbols.length} symbol${symbols.length === 1 ? '' : 's'}, ${this.steps} bar${this.steps === 1 ? '' : 's'}`,
    );
    this.rebalancing.allocateInitial();
    const steps = this.steps;
    const onProgress = this.onProgress;
    const held = this.held;
    if (this.blocks !== null) {
      try {
        this.runBlocks(this.blocks);
      } catch (error) {
        if (!StrategyError.isInstance(error) && !(error instanceof PortfolioBelowZero)) throw error;
        // A strategy threw: run again bar by bar, where the error policy acts in the order of the
        // bars (its first warnings and errors, written already, skipped). So too a portfolio
        // below zero at a close, which bar by bar may be margin-called there.
        held?.discard();
        return new Orchestration(this.config, this.registry, this.series, this.options, false, held?.written ?? 0).run();
      }
    } else if (onProgress === undefined && held === null) {
      for (let t = 0; t < steps; t++) this.step(t);
    } else {
      const every = Math.max(1, Math.ceil(steps / 100));
      for (let t = 0; t < steps; t++) {
        this.step(t);
        held?.release();
        if (onProgress !== undefined && (t + 1) % every === 0 && t + 1 < steps) onProgress(t + 1, steps);
      }
      onProgress?.(steps, steps);
    }
    this.rebalancing.finish();
    for (const sleeve of sleeves) sleeve.runner.finish();
    this.shared?.runner.finish();
    this.seal?.verify((symbol) => config.strategies.filter((entry) => entry.symbols.includes(symbol)).map((entry) => entry.id).join(' or '));
    if (this.allocator.needsHistory) verifyCustomHistory(this.time, sleeves);
    const portfolio = recorder.portfolio;
    // The recorder summed v × 0 over every value it recorded: the columns are read again only to say where one is not finite.
    if (!recorder.allFinite) checkFiniteOrchestration(this.time, sleeves, { equity: portfolio.equity, cash: portfolio.cash, gross: portfolio.gross });
    const result = assembleResult({
      config,
      runId: this.runId,
      symbols,
      seriesBySymbol: this.universe.seriesBySymbol,
      time: this.time,
      periodsPerYear: this.periodsPerYear,
      allocationScheme: this.allocator.scheme,
      sleeves,
      shared: this.shared,
      portfolio,
      executorStats: this.executor.stats,
      sleeveOrders: sleeves.map((_, s) => this.executor.sleeveStats(s)),
      crossing: this.executor.totals,
      rebalances: this.rebalancing.events,
      conflicts: this.voting?.conflicts ?? [],
      risk: this.risk.events,
      isolated: this.isolated,
      halted: this.management.halted,
    });
    warnIfCustomNeverCalled(this.allocator.scheme, this.rebalancing.events, config.allocation, this.time.length, this.logger);
    this.logger.info(
      { event: 'orchestrator-end', finalEquity: result.finalEquity, rebalances: result.rebalances.length, isolated: result.isolated.length, riskEvents: result.risk.length, crossings: result.crossing.crossings },
      'orchestrator finished',
    );
    return result;
  }

  private step(t: number): void {
    if (this.sharedRooms === null) this.sleevesStep(t, this.management.halted === null && this.allocator.scheduleFires(this.time, t));
    else sharedStep(this.sharedRooms, t);
  }

  /**
   * Every step, sleeve by sleeve between the steps that tie sleeves together (run bar by bar): see
   * `run/sleeve-blocks.ts` for when this applies and why it is exact. A scheduled rebalance ends a
   * block: the sleeves mark, decide and record its step on their own, then the allocator decides
   * (from the returns before the step: the ring keeps one more than the lookback, so the step's
   * own does not overwrite the window's first) — with `next-open` fills a rebalance moves nothing
   * at its close, so the sleeves' decisions do not depend on it. The next step's open moves the
   * capital ({@link OpenWindow.fillAndMove}) and the sleeves go on from its close in a block.
   * A `custom` scheme, which is handed every return column, and the steps where a symbol ends or
   * a sleeve starts or finishes run bar by bar, as does a step that both moves and rebalances.
   */
  private runBlocks(blocks: SleeveBlocks): void {
    const { steps, endStep, startStep, finishStep, rebalancing } = this;
    const scheduled = new Uint8Array(steps);
    for (let t = 0; t < steps; t++) scheduled[t] = this.allocator.scheduleFires(this.time, t) ? 1 : 0;
    const fold = !this.allocator.needsHistory;
    const barrier = (s: number): boolean => endStep[s] === 1 || startStep[s] === 1 || finishStep[s] === 1;
    const onProgress = this.onProgress;
    const every = Math.max(1, Math.ceil(steps / 100));
    let reported = 0;
    let t = 0;
    const held = this.held;
    while (t < steps) {
      // What the last block or step held, written in bar order before the next one runs.
      held?.release();
      if (onProgress !== undefined && t - reported >= every) {
        onProgress(t, steps);
        reported = t;
      }
      if (barrier(t) || (scheduled[t] === 1 && (!fold || rebalancing.hasWaiting))) {
        this.sleevesStep(t, scheduled[t] === 1);
        t++;
        continue;
      }
      if (rebalancing.hasWaiting) this.open.fillAndMove(t);
      // The block runs to the next barrier, or through the next scheduled step.
      let end = t + 1;
      if (scheduled[t] === 0) {
        while (end < steps && !barrier(end) && (fold || scheduled[end] === 0)) {
          end++;
          if (scheduled[end - 1] === 1) break;
        }
      }
      blocks.run(t, end, rebalancing.reserve);
      t = end;
      if (scheduled[end - 1] === 1 && this.management.halted === null) {
        this.orders.clear();
        this.management.manage(end - 1, true);
      }
    }
    onProgress?.(steps, steps);
  }

  /**
   * A step of sleeves mode, in the phase order of {@link sharedStep}, with the
   * sleeves' phases fused where sleeves do not interact: only sleeves with orders waiting enter the
   * open fill window (crossed together, before anything else happens on the step); then each
   * sleeve is stopped, marked, valued, asked and recorded in one pass — unless a rebalance or a
   * risk check needs every sleeve marked first, the close fills cross the sleeves' new orders, or
   * a symbol ends on the step, which split the pass at those phases. Within a pass a sleeve's
   * events are logged before the next sleeve's.
   */
  private sleevesStep(t: number, scheduled: boolean): void {
    const { sleeves, executor, recorder, nextOpen } = this;
    // A move at this open keeps the last close's risk trims in view (`OpenWindow.fillAndMove`).
    if (!(nextOpen && this.rebalancing.hasWaiting)) this.orders.clear();
    if (nextOpen) {
      if (this.rebalancing.hasWaiting) this.open.fillAndMove(t);
      else this.open.fill(t, true);
    }
    const starting = this.startStep[t] === 1;
    const finishing = this.finishStep[t] === 1;
    // A portfolio that could be worth less than nothing at this close is checked, every sleeve
    // marked, before any decides: the margin call of the whole portfolio.
    const indebted = this.management.halted === null && this.management.mayBeBelowZero();
    const managed = this.management.halted === null && (scheduled || starting || finishing || indebted || this.risk.enabled || (t > 0 && this.allocator.hasDrift));
    const fused = nextOpen && this.endStep[t] === 0;
    if (managed) {
      for (const sleeve of sleeves) sleeve.runner.markStep(t);
      if (!(indebted && this.management.checkPortfolioMargin(t))) this.management.manage(t, scheduled, starting, finishing);
    }
    if (fused) {
      recorder.beginRow(this.rebalancing.reserve);
      for (const sleeve of sleeves) {
        if (!managed) sleeve.runner.markStep(t);
        this.decide(sleeve, t);
        recorder.recordSleeve(sleeve, t);
      }
      recorder.endRow(t);
      return;
    }
    for (const sleeve of sleeves) {
      if (!managed) sleeve.runner.markStep(t);
      this.decide(sleeve, t);
    }
    if (!nextOpen) {
      executor.begin();
      for (const sleeve of sleeves) sleeve.runner.fillAtClose();
      executor.settle();
    }
    if (this.endStep[t] !== 0) for (const sleeve of sleeves) sleeve.runner.endStep();
    recorder.record(t, this.rebalancing.reserve);
  }

  /** A sleeve's decision at step `t` (a strategy that throws is isolated, or fails the run). */
  private decide(sleeve: Sleeve, t: number): void {
    decideOrIsolate(sleeve, t, this.time, this.config.errorPolicy, this.isolated);
  }

  /** A strategy threw (or could not start): isolate its sleeve, or fail the run. */
  private fail(sleeve: Sleeve, error: unknown, time: number, step: number | null): void {
    isolateSleeve(sleeve, error, time, step, this.config.errorPolicy, this.isolated);
  }
}
