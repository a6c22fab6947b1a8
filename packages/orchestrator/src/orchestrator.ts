import type { BarSeries, Logger } from '@ensemble/protocol';
import { ConfigError, callbackIssue, describeGiven, loggerIssue, registryIssue, seriesValueIssue } from '@ensemble/protocol';
import type { CustomAllocation } from './allocation/schemes';
import { parseRunConfig } from './config';
import { checkRunData } from './run-data';
import type { RunConfig, StrategyRegistry } from './config';
import type { OrchestratorResult } from './result';
import { Orchestration } from './run/step-loop';

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
    // From JavaScript the hooks can be anything: a wrong one failed deep inside the run as a TypeError.
    const issues = [
      registryIssue(options.registry),
      loggerIssue(options.logger),
      callbackIssue(options.onProgress, 'onProgress', 'called with (done, total) steps'),
      callbackIssue(options.allocate, 'allocate', "of the sleeves' returns giving their weights (a custom allocation)"),
    ].filter((issue) => issue !== null);
    const registry = options.registry;
    if (issues.length > 0 || registry === undefined) throw new ConfigError(issues, options.source === undefined ? undefined : { source: options.source });
    this.registry = registry;
    // Null hooks are absent ones.
    this.options = { ...options, logger: options.logger ?? undefined, onProgress: options.onProgress ?? undefined, allocate: options.allocate ?? undefined };
    this.config = parseRunConfig(config, { source: options.source, registry, customAllocation: this.options.allocate !== undefined });
  }

  /**
   * Runs the config over `series` (the loaded data: every strategy symbol and the benchmark must
   * be there; other series are ignored). Throws a `ConfigError` for missing symbols or unusable
   * series, a `StrategyError` naming strategy, symbol and bar time when a strategy throws under
   * `errorPolicy: 'fail'`, and an `InvariantError` when `checkInvariants` finds a mismatch.
   */
  run(series: readonly BarSeries[]): OrchestratorResult {
    // From JavaScript anything can arrive here: null failed as "reading 'map'", one series (as
    // runBacktest takes it) as "series.map is not a function".
    const given: unknown = series;
    if (!Array.isArray(given)) {
      const one = typeof given === 'object' && given !== null && 'symbol' in given;
      throw new ConfigError([{ path: 'series', message: `must be an array of bar series${one ? ' (one series too: [series])' : ''}; got ${describeGiven(given)}` }], this.options.source === undefined ? undefined : { source: this.options.source });
    }
    const shapes = series.flatMap((item, k) => {
      const issue = seriesValueIssue(item, k);
      return issue !== null && issue.path === `series.${String(k)}` ? [issue] : [];
    });
    if (shapes.length > 0) throw new ConfigError(shapes, this.options.source === undefined ? undefined : { source: this.options.source });
    checkRunData(this.config, series, this.options.source);
    return new Orchestration(this.config, this.registry, series, this.options).run();
  }
}

/** Parses `config`, then runs it over `series`: `new StrategyOrchestrator(config, options).run(series)`. */
export function runOrchestrator(config: unknown, series: readonly BarSeries[], options: OrchestratorOptions = {}): OrchestratorResult {
  return new StrategyOrchestrator(config, options).run(series);
}
