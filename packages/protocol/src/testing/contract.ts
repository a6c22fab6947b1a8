import type { z } from 'zod';
import type { BarSeries } from '../bars';
import { SeriesCursor } from '../context';
import { LookaheadError, StrategyError } from '../errors';
import { computeIndicators } from '../indicators';
import { EntrySignalSchema, ExitDecisionSchema, TargetWeightsSchema } from '../schemas';
import { formatValue, isThenable, thenableProblem } from '../format-value';
import { SeriesSeal, isDataWriteError } from '../series-seal';
import type { AnyStrategy, PortfolioContext, StrategyContext } from '../strategy';
import { isPortfolioStrategy } from '../strategy';
import { createTimeline } from '../timeline';
import { barTime } from '../time';
import type { Position } from '../trading';
import { DECIDING, checkLookahead, statefulHint, truncatedCopy, violationPlace } from './lookahead';
import type { DecisionKind } from './lookahead';

/** Options of {@link checkStrategyContract} (and of `testStrategyContract` in `@ensemble/protocol/testing/vitest`). */
export interface StrategyContractOptions {
  /** Title of the check or test suite (default: the strategy id). */
  readonly name?: string;
  /** Builds a fresh instance; called several times. */
  readonly create: () => AnyStrategy;
  /** Real or synthetic series to run on; at least warmup + 2 bars each. */
  readonly series: readonly BarSeries[];
  /** Truncation points for the look-ahead check (default 40). */
  readonly lookaheadCheckpoints?: number;
  /** Largest Σ|weight| a portfolio strategy may return (default 1: no leverage). */
  readonly maxGrossWeight?: number;
  /** The look-ahead check's progress: bars replayed so far and in all (see `LookaheadOptions.onProgress`). */
  readonly onLookaheadProgress?: (done: number, total: number) => void;
}

interface Decision {
  readonly symbol: string;
  readonly index: number;
  readonly value: unknown;
}

/**
 * `run`'s decision, or — when it throws anything but a {@link LookaheadError} (a look-ahead, which
 * its own check reports) — a `StrategyError` naming the bar, its date and the decision, so that a
 * check failed by a throw says where (`threw Error: boom` alone does not).
 */
function decide<T>(strategy: AnyStrategy, place: { readonly symbol?: string; readonly index: number; readonly time: number; readonly decision: DecisionKind }, run: () => T): T {
  let value: T;
  try {
    value = run();
  } catch (error) {
    if (LookaheadError.isInstance(error) || StrategyError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : formatValue(error);
    throw new StrategyError(strategy.id, {
      ...(place.symbol === undefined ? {} : { symbol: place.symbol }),
      time: place.time,
      cause: error,
      message: `threw at ${place.decision === 'weights' ? 'step' : 'bar'} ${String(place.index)} while deciding ${DECIDING[place.decision]}: ${reason}`,
    });
  }
  // Said as the engines say it: read as a decision, a Promise would be checked as the object `{}`.
  if (isThenable(value)) {
    throw new StrategyError(strategy.id, {
      ...(place.symbol === undefined ? {} : { symbol: place.symbol }),
      time: place.time,
      message: thenableProblem(DECISION_METHOD[place.decision]),
    });
  }
  return value;
}

/** The strategy method that makes each kind of decision. */
const DECISION_METHOD: Readonly<Record<DecisionKind, string>> = { enter: 'shouldEnter', 'exit-long': 'shouldExit', 'exit-short': 'shouldExit', weights: 'targetWeights' };

function runDecisions(strategy: AnyStrategy, series: readonly BarSeries[]): Decision[] {
  const decisions: Decision[] = [];
  if (isPortfolioStrategy(strategy)) {
    const timeline = createTimeline(series);
    const cursors = series.map((s) => new SeriesCursor(s, {}, strategy.id));
    const last = new Int32Array(series.length).fill(-1);
    for (let step = 0; step < timeline.length; step++) {
      const tradable: string[] = [];
      series.forEach((s, k) => {
        const index = timeline.barIndex[k]?.[step] ?? -1;
        if (index >= 0) {
          last[k] = index;
          tradable.push(s.symbol);
        }
      });
      if (step + 1 < strategy.warmup) continue;
      const context: PortfolioContext = {
        time: timeline.time[step] ?? Number.NaN,
        step,
        symbols: series.map((s) => s.symbol),
        tradable,
        bars: (symbol) => {
          const k = series.findIndex((s) => s.symbol === symbol);
          const index = last[k] ?? -1;
          const cursor = cursors[k];
          return index < 0 || cursor === undefined ? null : cursor.moveTo(index);
        },
        account: { cash: 100_000, equity: 100_000 },
        positions: new Map(),
      };
      decisions.push({ symbol: '*', index: step, value: decide(strategy, { index: step, time: context.time, decision: 'weights' }, () => strategy.targetWeights(context)) });
    }
    return decisions;
  }
  for (const s of series) {
    const cursor = new SeriesCursor(s, computeIndicators(strategy, s), strategy.id);
    cursor.setAccount(100_000, 100_000);
    let position: Position | null = null;
    for (let i = Math.max(0, strategy.warmup - 1); i < s.length; i++) {
      const context: StrategyContext = cursor.moveTo(i);
      cursor.setPosition(position);
      if (position === null) {
        const signal = decide(strategy, { symbol: s.symbol, index: i, time: context.time, decision: 'enter' }, () => strategy.shouldEnter(context));
        decisions.push({ symbol: s.symbol, index: i, value: signal });
        if (signal !== null) {
          position = Object.freeze({
            strategyId: strategy.id,
            symbol: s.symbol,
            side: signal.side,
            quantity: 1,
            entryPrice: s.close[i] ?? 1,
            entryTime: s.time[i] ?? 0,
            entryCommission: 0,
          });
        }
      } else {
        const held = position;
        const exit = decide(strategy, { symbol: s.symbol, index: i, time: context.time, decision: held.side === 'long' ? 'exit-long' : 'exit-short' }, () => strategy.shouldExit(context, held));
        decisions.push({ symbol: s.symbol, index: i, value: exit });
        if (exit === true || (typeof exit === 'object' && exit.exit)) position = null;
      }
    }
  }
  return decisions;
}

/** One check of the strategy contract: `run()` returns null when it passes, else what failed. */
export interface StrategyContractCheck {
  /** What the check asserts, e.g. `does not look ahead`. */
  readonly title: string;
  run(): string | null;
}

/** The outcome of {@link checkStrategyContract}: every failed check with its message. */
export interface StrategyContractReport {
  /** The suite title: `options.name` or the strategy id. */
  readonly name: string;
  /** How many checks ran. */
  readonly checks: number;
  readonly failures: readonly { readonly title: string; readonly message: string }[];
}

function schemaProblem(schema: z.ZodType, value: unknown, what: string): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const at = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
  return `${what} ${formatValue(value)} does not match the protocol${at}: ${issue?.message ?? 'invalid'}`;
}

/** Where a decision is, in words: `SP500 bar 131 (2000-07-11)`, or `step 3 (…)` for a portfolio strategy's weights. */
function decisionPlace(decision: Decision, series: readonly BarSeries[]): string {
  const time = decision.symbol === '*' ? createTimeline(series).time[decision.index] : series.find((s) => s.symbol === decision.symbol)?.time[decision.index];
  return `${violationPlace(decision)}${time === undefined ? '' : ` (${barTime(time)})`}`;
}

function decisionProblem(strategy: AnyStrategy, decision: Decision, options: StrategyContractOptions): string | null {
  const where = `decision at ${decisionPlace(decision, options.series)}:`;
  if (isPortfolioStrategy(strategy)) {
    const problem = schemaProblem(TargetWeightsSchema, decision.value, `${where} weights`);
    if (problem !== null) return problem;
    const weights = TargetWeightsSchema.parse(decision.value);
    const gross = Object.values(weights).reduce((sum, w) => sum + Math.abs(w), 0);
    const limit = options.maxGrossWeight ?? 1;
    if (gross > limit + 1e-9) return `${where} gross weight ${gross} exceeds ${limit} (option maxGrossWeight)`;
    const unknown = Object.keys(weights).find((symbol) => !options.series.some((s) => s.symbol === symbol));
    return unknown === undefined ? null : `${where} weight for ${formatValue(unknown)}, which is not one of the series' symbols`;
  }
  const value = decision.value;
  if (typeof value === 'boolean' || (typeof value === 'object' && value !== null && 'exit' in value)) {
    return schemaProblem(ExitDecisionSchema, value, `${where} exit decision`);
  }
  return value === null ? null : schemaProblem(EntrySignalSchema, value, `${where} entry signal`);
}

/**
 * The checks every strategy must pass, without a test runner: a valid id and warm-up, enough
 * data given, deterministic decisions (across instances too), signals and weights that match the
 * protocol's schemas, no mutation of the input series, at least one decision made, and no
 * look-ahead (see {@link checkLookahead}). Each check's `run()` returns null or what failed.
 */
export function strategyContractChecks(options: StrategyContractOptions): readonly StrategyContractCheck[] {
  const probe = options.create();
  // Every check runs on its own copy of the series as given, so a strategy that writes its input
  // in one check cannot hide the write from another (or change the caller's data).
  const pristine = options.series.map((s) => truncatedCopy(s));
  const fresh = (): BarSeries[] => pristine.map((s) => truncatedCopy(s));
  return [
    {
      title: 'has a non-empty id and a warm-up of 0 to 2^53 − 1 bars',
      run: () => {
        const strategy = options.create();
        if (typeof strategy.id !== 'string' || strategy.id.length === 0) return `id ${formatValue(strategy.id)} must be a non-empty string`;
        if (!Number.isSafeInteger(strategy.warmup) || strategy.warmup < 0) {
          return `warmup ${formatValue(strategy.warmup)} must be a whole number of bars from 0 to ${String(Number.MAX_SAFE_INTEGER)}, as the engine requires`;
        }
        return null;
      },
    },
    {
      title: 'is given enough data by the test',
      run: () => {
        const short = options.series.find((s) => s.length < probe.warmup + 2);
        return short === undefined ? null : `series ${formatValue(short.symbol)} has ${short.length} bar${short.length === 1 ? '' : 's'}; give at least warmup + 2 = ${probe.warmup + 2}`;
      },
    },
    {
      title: 'does not look ahead',
      // First of the checks that run the strategy: a cache its module keeps, computed again for a
      // longer series, would otherwise hold the full history of the runs before, reused by every cut.
      run: () => {
        // Given the factory: every replay on its own instance, so a cache kept by one hides nothing.
        let report: ReturnType<typeof checkLookahead>;
        try {
          report = checkLookahead(options.create, fresh(), {
            checkpoints: options.lookaheadCheckpoints ?? 40,
            throwOnViolation: false,
            ...(options.onLookaheadProgress === undefined ? {} : { onProgress: options.onLookaheadProgress }),
          });
        } catch (error) {
          // A write to the data is the mutation check's to report; replays of written data prove nothing.
          if (isDataWriteError(error)) return `could not be checked: the strategy writes to its bars (${error.cause.column}[${String(error.cause.index)}] of ${error.cause.symbol}; see "does not mutate the input series")`;
          throw error;
        }
        const first = report.violations[0];
        if (first !== undefined) {
          const what =
            first.kind === 'read-ahead'
              ? `asked for a later bar (${first.withFullHistory})`
              : `was ${first.withFullHistory} with the full history and ${first.withTruncatedHistory} with ${first.truncatedAt} bars`;
          // Changed without a read ahead: state kept in the module, or chance, changes them too.
          const stateful = report.violations.every((violation) => violation.kind === 'changed') ? ` (or on ${statefulHint(true)})` : '';
          return `${report.violations.length.toLocaleString('en-US')} decision(s) depend on later bars; the first, ${first.decision} at ${violationPlace(first)} (${barTime(first.time)}), ${what}${stateful}`;
        }
        return report.comparisons > 0 ? null : 'no decision was compared: give longer series';
      },
    },
    {
      title: 'decides the same way twice and across instances',
      run: () => {
        // The same instance twice (state kept between calls: a counter, a flag), then another
        // instance (state kept in the module, or a random draw).
        const instance = options.create();
        const first = runDecisions(instance, fresh());
        if (first.length === 0) return 'made no decision at all: the series are shorter than the warm-up';
        const runs = [
          { decisions: runDecisions(instance, fresh()), which: 'on a second run of the same instance (it keeps state between calls: a decision must depend only on the bars up to it and its context)' },
          { decisions: runDecisions(options.create(), fresh()), which: `on a second instance (${statefulHint(true)})` },
        ];
        for (const { decisions, which } of runs) {
          if (decisions.length !== first.length) return `made ${first.length} decisions the first time and ${decisions.length} ${which}`;
          for (let k = 0; k < first.length; k++) {
            const a = first[k];
            const b = decisions[k];
            if (a === undefined || b === undefined) continue;
            if (a.symbol !== b.symbol || a.index !== b.index || !sameValue(a.value, b.value)) {
              return `decision at ${decisionPlace(a, options.series)} was ${formatValue(a.value)}, then ${formatValue(b.value)} ${which}`;
            }
          }
        }
        return null;
      },
    },
    {
      title: 'returns decisions that match the protocol schemas',
      run: () => {
        const strategy = options.create();
        for (const decision of runDecisions(strategy, fresh())) {
          const problem = decisionProblem(strategy, decision, options);
          if (problem !== null) return problem;
        }
        return null;
      },
    },
    {
      title: 'does not mutate the input series',
      run: () => {
        const series = fresh();
        const seal = new SeriesSeal(series);
        runDecisions(options.create(), series);
        const change = seal.firstChange();
        if (change === null) return null;
        const date = Number.isFinite(change.time) ? ` (the bar of ${barTime(change.time)})` : '';
        return `changed ${change.column}[${change.index}] of ${change.symbol}${date} from ${formatValue(change.before)} to ${formatValue(change.after)} while deciding: a strategy must not write to its bars (a history view is the data itself)`;
      },
    },
  ];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && formatValue(a) === formatValue(b);
}

/**
 * Runs one check of {@link strategyContractChecks}: null when it passed, else what failed — a
 * throw out of the check (a strategy's `StrategyError` naming the bar) included, as `threw
 * StrategyError: …`, never thrown on.
 */
export function runContractCheck(check: StrategyContractCheck): string | null {
  try {
    return check.run();
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : formatValue(error)}`;
  }
}

/**
 * Runs every check of {@link strategyContractChecks} and reports the failures; no test runner
 * needed (call it from a script, or assert `failures` is empty in any runner). For vitest,
 * `testStrategyContract` from `@ensemble/protocol/testing/vitest` registers one test per check.
 */
export function checkStrategyContract(options: StrategyContractOptions): StrategyContractReport {
  const checks = strategyContractChecks(options);
  const failures: { title: string; message: string }[] = [];
  for (const check of checks) {
    const message = runContractCheck(check);
    if (message !== null) failures.push({ title: check.title, message });
  }
  return { name: options.name ?? options.create().id, checks: checks.length, failures };
}
