import type { BrokerStats } from '@ensemble/engine';
import { metricsStartEquity } from '@ensemble/engine';
import { cappedFillCount, resultOrderCounts } from '@ensemble/engine/internal';
import type { BarSeries, Fill, Trade } from '@ensemble/protocol';
import { PerformanceCalculator } from '@ensemble/performance';
import type { AllocationScheme } from '../allocation/schemes';
import { diversificationRatio } from '../allocation/statistics';
import { computeAttribution } from '../attribution';
import type { RunConfig } from '../config';
import { sleevePnl, sleeveReturns, sleeveStatistics } from '../internal/analytics';
import type { SleeveStatistics } from '../internal/analytics';
import type { CrossingTotals } from '../internal/sleeve-executor';
import type {
  ConflictEvent,
  IsolatedEvent,
  OrchestratorOrderStats,
  OrchestratorResult,
  RebalanceEvent,
  RiskEvent,
  SleeveResult,
  SleevesWeightsOverEquity,
} from '../result';
import { serializeOrchestratorResult } from './json';
import type { PortfolioColumns } from '../run/recorder';
import type { SharedBook, Sleeve } from '../run/sleeves';
import { sleeveMetrics } from './sleeve-metrics';

/** Everything a finished run recorded, from which {@link assembleResult} builds the result. */
export interface RunRecords {
  readonly config: RunConfig;
  readonly runId: string;
  readonly symbols: readonly string[];
  readonly seriesBySymbol: ReadonlyMap<string, BarSeries>;
  readonly time: Float64Array;
  readonly periodsPerYear: number;
  readonly allocationScheme: AllocationScheme;
  readonly sleeves: readonly Sleeve[];
  readonly shared: SharedBook | null;
  readonly portfolio: PortfolioColumns;
  /** Order counts of the sleeves' executor (sleeves mode; shared mode counts its broker's). */
  readonly executorStats: BrokerStats;
  /** Per sleeve (in the order of `sleeves`), its orders shrunk and rejected: the sleeve's account's (shared mode: its shadow's). */
  readonly sleeveOrders: readonly { readonly shrunk: number; readonly rejected: number }[];
  readonly crossing: CrossingTotals;
  readonly rebalances: readonly RebalanceEvent[];
  readonly conflicts: readonly ConflictEvent[];
  readonly risk: readonly RiskEvent[];
  readonly isolated: readonly IsolatedEvent[];
  readonly halted: { readonly time: number; readonly reason: 'drawdown' | 'margin-call' } | null;
}

/**
 * What the result keeps of a sleeve: its records and its account. Not its runner, strategy or
 * probe — the strategy's indicator columns (as much memory as the sleeve's own columns, for an
 * SMA crossover) are freed once the run is over.
 */
type KeptSleeve = Pick<
  Sleeve,
  'entry' | 'kind' | 'params' | 'account' | 'initialCash' | 'netTransfers' | 'equity' | 'cash' | 'gross' | 'returns' | 'transferSteps' | 'transferAmounts' | 'transferBases' | 'active' | 'error'
>;

function keep(sleeve: Sleeve): KeptSleeve {
  const { entry, kind, params, account, initialCash, netTransfers, equity, cash, gross, returns, transferSteps, transferAmounts, transferBases, active, error } = sleeve;
  return { entry, kind, params, account, initialCash, netTransfers, equity, cash, gross, returns, transferSteps, transferAmounts, transferBases, active, error };
}

/** `compute`, run on the first call only; later calls return its value. */
function once<T>(compute: () => T): () => T {
  let cell: { readonly value: T } | null = null;
  return () => (cell ??= { value: compute() }).value;
}

/** Whether `items` are in non-decreasing `time` order. */
function sortedByTime<T>(items: readonly T[], time: (item: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (!(time(items[i - 1] as T) <= time(items[i] as T))) return false;
  return true;
}

/** Merges two lists sorted by `time`, the first's items first on equal times. */
function mergeTwo<T>(left: readonly T[], right: readonly T[], time: (item: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const a = left[i] as T;
    const b = right[j] as T;
    if (time(b) < time(a)) {
      out.push(b);
      j++;
    } else {
      out.push(a);
      i++;
    }
  }
  while (i < left.length) out.push(left[i++] as T);
  while (j < right.length) out.push(right[j++] as T);
  return out;
}

/**
 * Every list's items in time order, ties in list order: a stable sort of their concatenation by
 * `time`, done as a merge (each sleeve books its fills and trades in time order already).
 */
function byTime<T>(lists: readonly (readonly T[])[], time: (item: T) => number): T[] {
  if (!lists.every((list) => sortedByTime(list, time))) return lists.flat().sort((a, b) => time(a) - time(b));
  let level: (readonly T[])[] = [...lists];
  if (level.length === 0) return [];
  while (level.length > 1) {
    const next: (readonly T[])[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] ?? [];
      const right = level[i + 1];
      next.push(right === undefined ? left : mergeTwo(left, right, time));
    }
    level = next;
  }
  return [...(level[0] ?? [])];
}

/**
 * The result. The run's records (equity curves, each sleeve's fills and trades, logs) are plain
 * values; the portfolio's fills and trades (every sleeve's, merged in time order) and the
 * analytics derived from them — metrics, weights, returns and contributions over time,
 * attribution, correlation, diversification ratio — are enumerable getters computed on first
 * access and then kept, so a run costs no more than its simulation until they are read (or
 * serialised).
 */
export function assembleResult(records: RunRecords): OrchestratorResult {
  // The lazy parts below close over these, never over `records` or the sleeves themselves.
  const { config, shared, time, portfolio: columns, seriesBySymbol } = records;
  const sleeves = records.sleeves.map(keep);
  const steps = time.length;
  const calculator = once(() => {
    const benchmark = config.benchmark === undefined ? undefined : seriesBySymbol.get(config.benchmark);
    // The run inferred its P from this timeline unless the config gave one; handing over the
    // config's own keeps the metrics saying which (`periodsPerYearInferred`), with the same P.
    return new PerformanceCalculator({
      ...(config.periodsPerYear === undefined ? {} : { periodsPerYear: config.periodsPerYear }),
      riskFreeRate: config.riskFreeRate,
      ...(benchmark === undefined ? {} : { benchmark: { time: benchmark.time, close: benchmark.close } }),
    });
  });
  const ids = sleeves.map((sleeve) => sleeve.entry.id);
  const portfolioEquity = columns.equity;
  const weightBase = once((): Float64Array => {
    if (shared === null) return portfolioEquity;
    const totals = new Float64Array(steps);
    for (const sleeve of sleeves) for (let t = 0; t < steps; t++) totals[t] = (totals[t] ?? 0) + (sleeve.equity[t] ?? 0);
    return totals;
  });
  const returnsOf = sleeves.map((sleeve) => {
    // Every step's returns when the run kept them all (a ring of the latest is not enough).
    const kept = sleeve.returns;
    return kept?.length === steps ? () => kept : once(() => sleeveReturns(sleeve));
  });
  // Read off the runners here, outside any function, so that nothing below holds one.
  const droppedBy: number[] = [];
  const rebalanceSteps: (readonly number[])[] = [];
  const overEquity = { rebalances: 0, maxSum: 0, sleeves: [] as string[] };
  for (const sleeve of records.sleeves) {
    droppedBy.push(sleeve.runner.dropped);
    rebalanceSteps.push(sleeve.runner.rebalances);
    // Sleeves mode only: a portfolio strategy cannot run in shared mode, whose shadows trade no order of the portfolio.
    const over = shared === null ? sleeve.runner.weightsOverEquity : null;
    if (over === null) continue;
    overEquity.rebalances += over.rebalances;
    overEquity.maxSum = Math.max(overEquity.maxSum, over.maxSum);
    overEquity.sleeves.push(sleeve.entry.id);
  }
  const sleeveResults = sleeves.map((sleeve, i): SleeveResult => {
    const { account } = sleeve;
    const returns = returnsOf[i] ?? once(() => sleeveReturns(sleeve));
    const weight = once(() => {
      const base = weightBase();
      const values = new Float64Array(steps);
      // A share of a whole worth zero or less is undefined: NaN (null in JSON), not ±∞ or a sign flip.
      for (let t = 0; t < steps; t++) {
        const total = base[t] ?? 0;
        values[t] = total > 0 ? (sleeve.equity[t] ?? 0) / total : Number.NaN;
      }
      return values;
    });
    const contribution = once(() => {
      const pnl = sleevePnl(sleeve);
      for (let t = 0; t < steps; t++) {
        const before = t === 0 ? config.cash : (portfolioEquity[t - 1] ?? Number.NaN);
        pnl[t] = before > 0 ? (pnl[t] ?? 0) / before : Number.NaN;
      }
      return pnl;
    });
    const metrics = once(() => sleeveMetrics(calculator(), time, sleeve, returns(), config.fill));
    const cash = once(() => sleeve.cash.toArray());
    return {
      id: sleeve.entry.id,
      strategy: sleeve.entry.strategy,
      kind: sleeve.kind,
      params: sleeve.params,
      symbols: sleeve.entry.symbols,
      shadow: shared !== null,
      initialCash: sleeve.initialCash,
      finalCash: account.cash,
      finalEquity: steps > 0 ? (sleeve.equity[steps - 1] ?? Number.NaN) : sleeve.initialCash,
      netTransfers: sleeve.netTransfers,
      // The cash column is expanded from its changes on first read.
      equity: {
        time,
        equity: sleeve.equity,
        get cash() {
          return cash();
        },
        grossExposure: sleeve.gross,
      },
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
      droppedOrders: droppedBy[i] ?? 0,
      shrunkOrders: records.sleeveOrders[i]?.shrunk ?? 0,
      rejectedOrders: records.sleeveOrders[i]?.rejected ?? 0,
      rebalances: rebalanceSteps[i] ?? [],
      isolated: !sleeve.active,
      error: sleeve.error,
      get weight() {
        return weight();
      },
      get returns() {
        return returns();
      },
      get contribution() {
        return contribution();
      },
      get metrics() {
        return metrics();
      },
    };
  });
  let fills: () => Fill[];
  let trades: () => Trade[];
  let openPositions: SleeveResult['openPositions'];
  let totalCommission = 0;
  let totalSlippage = 0;
  let dropped = 0;
  let capped = 0;
  let stats = records.executorStats;
  if (shared === null) {
    fills = once(() => byTime(sleeves.map((sleeve) => sleeve.account.fills), (fill) => fill.time));
    trades = once(() => byTime(sleeves.map((sleeve) => sleeve.account.trades), (trade) => trade.exitTime));
    openPositions = sleeveResults.flatMap((sleeve) => sleeve.openPositions);
    for (const sleeve of sleeveResults) {
      totalCommission += sleeve.totalCommission;
      totalSlippage += sleeve.totalSlippage;
      dropped += sleeve.droppedOrders;
    }
    for (const sleeve of sleeves) capped += cappedFillCount(sleeve.account.fillLog, sleeve.account.symbols.length);
  } else {
    const { account } = shared;
    fills = once(() => [...account.fills]);
    trades = once(() => [...account.trades]);
    openPositions = shared.account.openPositions();
    totalCommission = shared.account.totalCommission;
    totalSlippage = shared.account.totalSlippage;
    dropped = shared.runner.dropped;
    stats = shared.broker.stats;
    capped = cappedFillCount(account.fillLog, account.symbols.length);
  }
  const portfolioCurve = {
    time,
    equity: portfolioEquity,
    cash: columns.cash,
    grossExposure: columns.gross,
    reserve: columns.reserve,
    netExposure: columns.net,
  };
  const weightsOverEquity: SleevesWeightsOverEquity = overEquity;
  // The strategies' own entries, in their sleeves' accounts (shared mode: their shadows').
  const levelsCrossed = sleeves.reduce((total, sleeve) => total + sleeve.account.levelsCrossedAtEntry, 0);
  const orders: OrchestratorOrderStats = { ...resultOrderCounts(stats, dropped, capped, levelsCrossed), ...(overEquity.rebalances === 0 ? {} : { weightsOverEquity }) };
  // From the initial cash when the first point holds the first bar's fills, as the attribution does.
  const portfolioMetrics = once(() => calculator().compute({ equity: portfolioCurve, trades: trades(), fills: fills(), startEquity: metricsStartEquity(config) }));
  const statistics = once((): SleeveStatistics => sleeveStatistics(returnsOf.map((returns) => returns())));
  const attribution = once(() =>
    computeAttribution({
      time,
      equity: portfolioEquity,
      initialEquity: config.cash,
      sleeves: sleeves.map((sleeve) => ({ id: sleeve.entry.id, pnl: sleevePnl(sleeve) })),
    }),
  );
  const correlation = once(() => ({ ids, matrix: statistics().correlation }));
  const ratio = once(() => {
    const base = weightBase();
    const mean = new Float64Array(sleeves.length);
    // The mean weight over the bars where weights are defined (the whole worth more than zero).
    for (const [i, sleeve] of sleeves.entries()) {
      let sum = 0;
      let defined = 0;
      for (let t = 0; t < steps; t++) {
        const total = base[t] ?? 0;
        if (!(total > 0)) continue;
        sum += (sleeve.equity[t] ?? 0) / total;
        defined++;
      }
      mean[i] = defined > 0 ? sum / defined : 0;
    }
    const { volatilities, ratioCovariance } = statistics();
    return diversificationRatio(mean, volatilities, ratioCovariance);
  });
  const result: OrchestratorResult = {
    config,
    runId: records.runId,
    mode: config.mode,
    allocationScheme: records.allocationScheme,
    symbols: records.symbols,
    bars: steps,
    startTime: steps > 0 ? (time[0] ?? null) : null,
    endTime: steps > 0 ? (time[steps - 1] ?? null) : null,
    periodsPerYear: records.periodsPerYear,
    initialCash: config.cash,
    finalCash: steps > 0 ? (columns.cash[steps - 1] ?? Number.NaN) : config.cash,
    finalEquity: steps > 0 ? (portfolioEquity[steps - 1] ?? Number.NaN) : config.cash,
    portfolio: {
      equity: portfolioCurve,
      get fills() {
        return fills();
      },
      get trades() {
        return trades();
      },
      openPositions,
      totalCommission,
      totalSlippage,
      orders,
      get metrics() {
        return portfolioMetrics();
      },
    },
    sleeves: sleeveResults,
    rebalances: records.rebalances,
    conflicts: records.conflicts,
    risk: records.risk,
    isolated: records.isolated,
    crossing: { enabled: config.mode === 'sleeves' && config.crossing, ...records.crossing },
    halted: records.halted,
    get attribution() {
      return attribution();
    },
    get correlation() {
      return correlation();
    },
    get diversificationRatio() {
      return ratio();
    },
  };
  Object.defineProperty(result, 'toJSON', { value: () => serializeOrchestratorResult(result), enumerable: false });
  return result;
}
