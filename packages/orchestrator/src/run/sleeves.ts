import type { SizingRule } from '@ensemble/engine';
import { Account, Broker, LedgerAudit, StrategyRunner } from '@ensemble/engine';
import { SteppedColumn } from '@ensemble/engine/internal';
import type { AnyStrategy, IndicatorColumns, Logger } from '@ensemble/protocol';
import { InvariantError, computeIndicators, formatValue, isPortfolioStrategy, isThenable, quoteValue, refusedValue } from '@ensemble/protocol';
import type { RunConfig, StrategyEntry, StrategyRegistry } from '../config';
import { toRebalanceRule } from '../config';
import { InertStrategy, ProbedStrategy, SignalProbe } from '../internal/probe';
import type { PositionBook } from '../internal/orchestrator-orders';
import { SleeveExecutor } from '../internal/sleeve-executor';
import type { SleeveBinding } from '../internal/sleeve-executor';
import type { Universe } from './universe';

/** A strategy instance inside a run: its account, runner, probe and per-step records. */
export interface Sleeve {
  readonly index: number;
  readonly entry: StrategyEntry;
  readonly kind: 'signal' | 'portfolio';
  /**
   * The parameters the strategy was built with: the entry's `params` after the strategy's schema
   * (its defaults applied), as JSON would read them back; null when the strategy could not be built.
   */
  readonly params: Readonly<Record<string, unknown>> | null;
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
  /**
   * The sleeve's equity just before this step's transfer (at the open or the close), NaN when the
   * transfer emptied it: what splits the step's return around the transfer.
   */
  stepBase: number;
  lastEquity: number;
  readonly equity: Float64Array;
  /** Cash after each step, kept as its changes (it moves only with fills and transfers). */
  readonly cash: SteppedColumn;
  readonly gross: Float64Array;
  /**
   * Per-step returns excluding transfers, recorded as the sleeve steps, for an allocation scheme
   * that reads them: step `t`'s at `t % returns.length`. Every step's for the `custom` scheme (a
   * user's function may read any of them); for the built-in schemes the last `lookback` only (a
   * ring: what a rebalance reads). Null when the scheme reads none.
   */
  readonly returns: Float64Array | null;
  readonly transferSteps: number[];
  readonly transferAmounts: number[];
  /** Per transfer, {@link Sleeve.stepBase} on its step (NaN: the transfer emptied the sleeve). */
  readonly transferBases: number[];
}

/** The shared account of the shared mode. */
export interface SharedBook {
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

/** What {@link createSleeves} needs besides the config. */
export interface SleeveSetup {
  readonly config: RunConfig;
  readonly registry: StrategyRegistry;
  readonly universe: Universe;
  readonly logger: Logger;
  /** How many of the latest returns each sleeve keeps during the run for its allocation scheme (see {@link Sleeve.returns}; 0: none). */
  readonly keepReturns: number;
  /** Called, in order, for a sleeve whose strategy could not be created or started. */
  readonly onFailure: (sleeve: Sleeve, error: unknown) => void;
}

/** The sleeves of a run and the executor that fills (and crosses) their orders. */
export interface SleeveSet {
  readonly sleeves: Sleeve[];
  readonly executor: SleeveExecutor;
}

/**
 * One sleeve per strategy entry: its account (funded later by the start allocation), its strategy
 * created from the registry and wrapped in a runner, its columns. A strategy that cannot be
 * created or started runs as an inert one and is reported to `onFailure` (isolation).
 */
export function createSleeves(setup: SleeveSetup): SleeveSet {
  const { config, registry, universe, logger } = setup;
  const { symbols, timeline } = universe;
  const time = timeline.time;
  const steps = timeline.length;
  const shared = config.mode === 'shared';
  // Which symbols more than one sleeve trades: only those sleeves' orders are collected and crossed.
  const traders = new Int32Array(symbols.length);
  for (const entry of config.strategies) {
    for (const symbol of entry.symbols) {
      const g = universe.globalIndexOf(symbol);
      traders[g] = (traders[g] ?? 0) + 1;
    }
  }
  const bindings: SleeveBinding[] = config.strategies.map((entry) => {
    const globalIndex = Int32Array.from(entry.symbols, (symbol) => universe.globalIndexOf(symbol));
    return {
      id: entry.id,
      account: new Account({ strategyId: entry.id, symbols: entry.symbols, cash: 0 }),
      // A child logger per strategy: the events logged through it do not repeat the strategy.
      logger: logger.child({ strategy: entry.id }),
      sizing: entry.sizing ?? config.sizing,
      globalIndex,
      crossing: config.mode === 'sleeves' && config.crossing && Array.from(globalIndex, (g) => traders[g] ?? 0).some((count) => count > 1),
    };
  });
  const executor = new SleeveExecutor({
    commission: config.commission,
    slippage: config.slippage,
    fractional: config.fractional,
    sleeves: bindings,
    logger: logger.child({ module: 'broker' }),
  });

  // Indicator columns by strategy, parameters and symbol: computed once, read by every sleeve that runs them.
  const indicatorCache = new Map<string, IndicatorColumns>();
  const sleeves: Sleeve[] = [];
  config.strategies.forEach((entry, i) => {
    const binding = bindings[i];
    if (binding === undefined) throw new InvariantError(`no sleeve binding for strategy ${i} ("${entry.id}")`);
    const probe = new SignalProbe(entry.symbols, shared);
    const definition = Object.hasOwn(registry, entry.strategy) ? registry[entry.strategy] : undefined;
    let strategy: AnyStrategy = new InertStrategy(entry.id);
    let failure: unknown = null;
    let parameters = '';
    let params: Readonly<Record<string, unknown>> | null = null;
    if (definition !== undefined) {
      try {
        const parsed: unknown = definition.schema.parse(entry.params);
        // `JSON.stringify` gives undefined for a schema whose output is not JSON (a module's own).
        const json = JSON.stringify(parsed) as string | undefined;
        parameters = json ?? '';
        params = builtWith(parameters);
        strategy = createdStrategy(definition.create(parsed, entry.id), entry.strategy, entry.id);
      } catch (error) {
        failure = error;
      }
    }
    const indicatorsOf = (instance: AnyStrategy): IndicatorColumns[] | null => {
      if (isPortfolioStrategy(instance) || definition === undefined || instance instanceof InertStrategy) return null;
      return entry.symbols.map((symbol) => {
        const key = `${entry.strategy}\u0000${parameters}\u0000${symbol}`;
        let columns = indicatorCache.get(key);
        if (columns === undefined) {
          columns = computeIndicators(instance, universe.series[universe.globalIndexOf(symbol)] ?? missingSeries(symbol));
          indicatorCache.set(key, columns);
        }
        return columns;
      });
    };
    const kind = failure === null && isPortfolioStrategy(strategy) ? 'portfolio' : (definition?.kind ?? 'signal');
    const runnerFor = (instance: AnyStrategy) =>
      new StrategyRunner({
        indicators: indicatorsOf(instance),
        // Shared mode merges what each strategy wants per symbol, which a probe records; in
        // sleeves mode a strategy runs as it is (entry strengths reach the executor on the order).
        strategy: isPortfolioStrategy(instance) || !shared ? instance : new ProbedStrategy(instance, probe),
        series: entry.symbols.map((symbol) => universe.series[universe.globalIndexOf(symbol)] ?? missingSeries(symbol)),
        time,
        barIndex: Array.from(binding.globalIndex, (g) => timeline.barIndex[g] ?? missingSeries(universe.symbols[g] ?? `#${g}`)),
        account: binding.account,
        executor,
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
      params: failure === null ? params : null,
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
      stepBase: Number.NaN,
      lastEquity: 0,
      equity: new Float64Array(steps),
      cash: new SteppedColumn(steps),
      gross: new Float64Array(steps),
      returns: setup.keepReturns > 0 ? new Float64Array(Math.min(setup.keepReturns, steps)) : null,
      transferSteps: [],
      transferAmounts: [],
      transferBases: [],
    };
    sleeves.push(sleeve);
    if (failure !== null) setup.onFailure(sleeve, failure);
  });
  return { sleeves, executor };
}

/**
 * The shared mode's one account over every symbol (funded with the run's cash), traded by the
 * orchestrator on the merged targets, with the voters of each symbol.
 */
export function createSharedBook(config: RunConfig, universe: Universe, sleeves: readonly Sleeve[], logger: Logger): SharedBook {
  const { symbols, timeline } = universe;
  const account = new Account({ strategyId: 'shared', symbols, cash: config.cash });
  const broker = new Broker({
    commission: config.commission,
    slippage: config.slippage,
    fractional: config.fractional,
    logger: logger.child({ module: 'broker', account: 'shared' }),
  });
  const runner = new StrategyRunner({
    strategy: new InertStrategy('shared'),
    series: universe.series,
    time: timeline.time,
    barIndex: timeline.barIndex,
    account,
    executor: broker,
    fill: config.fill,
    fractional: config.fractional,
    closeAtEnd: config.closeAtEnd,
    logger: logger.child({ account: 'shared' }),
  });
  const voters = symbols.map((): { sleeve: number; k: number }[] => []);
  sleeves.forEach((sleeve, i) => {
    sleeve.globalIndex.forEach((g, k) => voters[g]?.push({ sleeve: i, k }));
  });
  return {
    account,
    runner,
    broker,
    book: { id: 'shared', runner, account, globalIndex: Int32Array.from(symbols, (_, g) => g) },
    audit: config.checkInvariants ? new LedgerAudit(account) : null,
    target: new Float64Array(symbols.length),
    voters,
  };
}

/** Parameters serialised by `JSON.stringify`, read back as an object (null: not an object). */
function builtWith(json: string): Readonly<Record<string, unknown>> | null {
  if (json === '') return null;
  const value: unknown = JSON.parse(json);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Readonly<Record<string, unknown>>) : null;
}

function missingSeries(symbol: string): never {
  throw new InvariantError(`no series for symbol "${symbol}" in the run's universe`);
}

/**
 * What a definition's `create` returned, checked before it runs: an object with the methods of a
 * signal or a portfolio strategy and a string id. A Promise (an async `create`) failed as
 * "reading 'length'", and a strategy without an id crashed the error that named it. Thrown as a
 * refused value: the strategy's failure, named by its entry.
 */
function createdStrategy(created: unknown, name: string, id: string): AnyStrategy {
  const refuse = (what: string): never => {
    throw refusedValue(new TypeError(`the create function of ${quoteValue(name)} returned ${what}`));
  };
  if (isThenable(created)) refuse('a Promise: create runs synchronously, so it must return the strategy itself (no async, no await)');
  if (typeof created !== 'object' || created === null) refuse(`${formatValue(created)}, not a strategy object`);
  const strategy = created as Record<string, unknown>;
  const methods = strategy.kind === 'portfolio' ? ['targetWeights'] : ['shouldEnter', 'shouldExit'];
  const missing = methods.filter((method) => typeof strategy[method] !== 'function');
  if (missing.length > 0) refuse(`a strategy without ${missing.join(' and ')} (a ${strategy.kind === 'portfolio' ? 'portfolio' : 'signal'} strategy has ${methods.join(' and ')})`);
  if (typeof strategy.id !== 'string' || strategy.id === '') refuse(`a strategy without an id: give it the id create is called with (${quoteValue(id)})`);
  return created as AnyStrategy;
}
