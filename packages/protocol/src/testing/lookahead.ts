import type { BarSeries } from '../bars';
import { SeriesCursor } from '../context';
import { LookaheadError, StrategyError } from '../errors';
import { formatValue } from '../format-value';
import { computeIndicators } from '../indicators';
import { SeriesSeal } from '../series-seal';
import type { AnyStrategy, PortfolioContext, PortfolioStrategy, Strategy, StrategyContext } from '../strategy';
import { isPortfolioStrategy } from '../strategy';
import { createTimeline } from '../timeline';
import { barTime } from '../time';
import type { AccountView, Position } from '../trading';

/** Options of {@link checkLookahead}. */
export interface LookaheadOptions {
  /**
   * How many truncation points to replay (spread evenly over the bars after warm-up, always
   * including the first and last). Default 40; every bar when the series is shorter.
   */
  readonly checkpoints?: number;
  /** Throw a {@link LookaheadError} on a violation (default true); otherwise only report it. */
  readonly throwOnViolation?: boolean;
  /**
   * Called after each replay with the bars replayed so far and the total, the full history's
   * pass included (per series for signal strategies, timeline steps for portfolio strategies):
   * a long check (many checkpoints, long series) can show its progress.
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Counts the bars replayed for {@link LookaheadOptions.onProgress}. */
type Tick = (bars: number) => void;

/**
 * A decision that read the future: one that changed when the future was cut off (`kind`
 * `changed`), or one that asked its context for a bar after the one being decided and so threw a
 * {@link LookaheadError} (`read-ahead`; both texts are then that error).
 */
export interface LookaheadViolation {
  readonly kind: 'changed' | 'read-ahead';
  /** The symbol of the bar decided; `*` for a portfolio strategy's weights (a step of the timeline, over every symbol). */
  readonly symbol: string;
  /** Index of the bar (timeline step for portfolio strategies) whose decision changed. */
  readonly index: number;
  readonly time: number;
  /** Length of the truncated history that changed it. */
  readonly truncatedAt: number;
  readonly decision: 'enter' | 'exit-long' | 'exit-short' | 'weights';
  readonly withFullHistory: string;
  readonly withTruncatedHistory: string;
}

/** Where a violation is, in words: `SPY bar 66`, or `step 66` for a portfolio strategy's weights (over every symbol). */
export function violationPlace(violation: Pick<LookaheadViolation, 'symbol' | 'index'>): string {
  return violation.symbol === '*' ? `step ${String(violation.index)}` : `${violation.symbol} bar ${String(violation.index)}`;
}

/**
 * What else changes a past decision when the future is cut off. Given one instance, the check
 * replays it over shorter histories, so a strategy that keeps state between calls (a counter, a
 * position it tracks itself) decides otherwise on the replay without reading ahead; given a
 * factory, every replay has an instance of its own, and only state outside it (in the strategy's
 * module) or chance does.
 */
export function statefulHint(factory: boolean): string {
  return factory
    ? 'state kept outside the instance — in the strategy\'s module — or chance (a random draw): a decision must depend only on the bars up to it and the context it is given'
    : 'state kept between calls — a counter, a flag set on an earlier bar: a decision must depend only on the bars up to it and the context it is given';
}

/** The outcome of {@link checkLookahead}. */
export interface LookaheadReport {
  readonly ok: boolean;
  /** Number of (truncation, bar) decisions compared. */
  readonly comparisons: number;
  readonly violations: readonly LookaheadViolation[];
}

const CASH = 100_000;
const account: AccountView = Object.freeze({ cash: CASH, equity: CASH });

/** A non-finite number as JSON cannot write it: a marked string, unquoted again below. */
function markNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? `\u0000${String(value)}` : value;
}

/** The text of a decision that asked for a bar ahead (a {@link LookaheadError}): a violation by itself. */
const READ_AHEAD = 'threw LookaheadError: ';

/** What a decision is: what its `StrategyError` says was being decided. */
export type DecisionKind = 'enter' | 'exit-long' | 'exit-short' | 'weights';

export const DECIDING: Record<DecisionKind, string> = {
  enter: 'whether to enter',
  'exit-long': 'whether to exit a long position',
  'exit-short': 'whether to exit a short position',
  weights: 'its target weights',
};

/** A decision of the full-history pass that threw something other than a {@link LookaheadError}. */
interface ThrownDecision {
  readonly decision: DecisionKind;
  readonly symbol: string | undefined;
  readonly time: number;
  readonly error: unknown;
}

/**
 * A decision as comparable text: JSON, but NaN and ±Infinity kept apart from null. A
 * {@link LookaheadError} (the context asked for a bar ahead) becomes {@link READ_AHEAD} and its
 * message. Any other throw is compared as its message and, on the full-history pass, recorded in
 * `thrown` (see {@link failOnThrown}).
 */
function describe(run: () => unknown, thrown: ThrownDecision[] | null, place: Omit<ThrownDecision, 'error'>): string {
  let value: unknown;
  try {
    value = run();
  } catch (error) {
    if (LookaheadError.isInstance(error)) return `${READ_AHEAD}${error.message}`;
    thrown?.push({ ...place, error });
    return `threw ${error instanceof Error ? error.message : formatValue(error)}`;
  }
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value, markNonFinite) as string | undefined;
  return text === undefined ? formatValue(value) : text.replace(/"\\u0000(NaN|-?Infinity)"/g, '$1');
}

/**
 * The first `length` bars of `series` as fresh columns, each with a buffer of its own: what a
 * decision on bar `length - 1` may see, with nothing after it reachable by any path (a view's
 * `buffer` included).
 */
export function truncatedCopy(series: BarSeries, length: number = series.length): BarSeries {
  const n = Math.max(0, Math.min(series.length, Math.floor(length)));
  return {
    symbol: series.symbol,
    length: n,
    time: series.time.slice(0, n),
    open: series.open.slice(0, n),
    high: series.high.slice(0, n),
    low: series.low.slice(0, n),
    close: series.close.slice(0, n),
    volume: series.volume.slice(0, n),
  };
}

function syntheticPosition(strategyId: string, series: BarSeries, side: Position['side'], entryIndex: number): Position {
  return Object.freeze({
    strategyId,
    symbol: series.symbol,
    side,
    quantity: 1,
    entryPrice: series.close[entryIndex] ?? 1,
    entryTime: series.time[entryIndex] ?? 0,
    entryCommission: 0,
  });
}

type Decisions = { enter: string; exitLong: string; exitShort: string }[];

/**
 * Fails with a `StrategyError` naming the bar and the decision on the first decision of the full
 * history that threw (other than reading ahead), unless no run would ask it: `shouldExit` with a
 * position of a side the strategy never enters there (a long-only strategy may refuse a short it
 * never holds). A decision never made cannot be compared; the engine would stop there too.
 */
function failOnThrown(strategyId: string, thrown: readonly ThrownDecision[], enters: { readonly long: boolean; readonly short: boolean }): void {
  const first = thrown.find((entry) => (entry.decision === 'exit-long' ? enters.long : entry.decision === 'exit-short' ? enters.short : true));
  if (first === undefined) return;
  const { error } = first;
  const reason = error instanceof Error ? error.message : formatValue(error);
  const asked =
    first.decision === 'weights'
      ? 'checkLookahead asks every step after the warm-up'
      : 'checkLookahead asks every bar after the warm-up, and shouldExit with a position of each side the strategy enters';
  throw new StrategyError(strategyId, {
    ...(first.symbol === undefined ? {} : { symbol: first.symbol }),
    time: first.time,
    cause: error,
    message: `threw while deciding ${DECIDING[first.decision]} (${asked}): ${reason}`,
  });
}

function signalDecisions(strategy: Strategy, series: BarSeries, entryIndex: number, thrown: ThrownDecision[] | null = null): Decisions {
  const cursor = new SeriesCursor(series, computeIndicators(strategy, series), strategy.id);
  cursor.setAccount(CASH, CASH);
  const context = cursor.context;
  const long = syntheticPosition(strategy.id, series, 'long', entryIndex);
  const short = syntheticPosition(strategy.id, series, 'short', entryIndex);
  const out: Decisions = [];
  for (let i = 0; i < series.length; i++) {
    if (i + 1 < strategy.warmup) {
      out.push({ enter: '-', exitLong: '-', exitShort: '-' });
      continue;
    }
    cursor.moveTo(i);
    cursor.setPosition(null);
    const place = (decision: DecisionKind) => ({ decision, symbol: series.symbol, time: series.time[i] ?? Number.NaN });
    const enter = describe(() => strategy.shouldEnter(context), thrown, place('enter'));
    const held = i > entryIndex;
    cursor.setPosition(long);
    const exitLong = held ? describe(() => strategy.shouldExit(context, long), thrown, place('exit-long')) : '-';
    cursor.setPosition(short);
    const exitShort = held ? describe(() => strategy.shouldExit(context, short), thrown, place('exit-short')) : '-';
    out.push({ enter, exitLong, exitShort });
  }
  return out;
}

function checkpointsFor(first: number, last: number, count: number): number[] {
  if (last < first) return [];
  if (last - first + 1 <= count) return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  const points = new Set<number>();
  for (let k = 0; k < count; k++) points.add(Math.round(first + ((last - first) * k) / (count - 1)));
  return [...points];
}

/** The truncation lengths the check replays over `length` bars (timeline steps). */
function replayLengths(strategy: AnyStrategy, length: number, checkpoints: number): number[] {
  return checkpointsFor(Math.max(1, strategy.warmup), length - 1, checkpoints);
}

/** A decision that differed between two histories: its bar (step), kind, and its value with the shorter one. */
interface Difference {
  readonly index: number;
  readonly kind: number;
  readonly truncatedAt: number;
  readonly value: string;
}

/**
 * Replays the cuts in ascending order, then the full history, comparing each history with the
 * next longer one on the bars they share: a decision that differs from the full history's differs
 * somewhere along that chain, so every such decision is found while only one replay is held at a
 * time. Ascending, every replay is the longest its strategy (or its module) has seen yet: an
 * indicator it caches from an earlier, shorter history is computed again, never reused from the
 * full history (which would hide what it reads ahead). A decision whose value with some cut is not
 * the full history's changes somewhere along the chain, and its last change is to the value the
 * full history keeps: the latest difference of each decision is its violation, reported with the
 * longest cut that still differed (one per decision, in bar order). `replay(length)` gives each
 * bar's decisions, one text per kind.
 */
function compareReplays(
  lengths: readonly number[],
  replay: (length: number | null) => readonly (readonly string[])[],
  tick: Tick,
): { readonly comparisons: number; readonly full: readonly (readonly string[])[]; readonly differences: readonly Difference[] } {
  // The latest difference of each decision (bar and kind), by `index * kinds + kind`: the last
  // change along the chain is to the value the full history keeps, so it is always a violation,
  // and there is one at most per decision — memory bounded by the bars, however many cuts.
  const latest = new Map<number, Difference>();
  let comparisons = 0;
  let previous: readonly (readonly string[])[] | null = null;
  let previousLength = 0;
  const compare = (shorter: readonly (readonly string[])[], longer: readonly (readonly string[])[], length: number): void => {
    for (let i = 0; i < length; i++) {
      const a = shorter[i];
      const b = longer[i];
      if (a === undefined || b === undefined) continue;
      comparisons++;
      for (let kind = 0; kind < a.length; kind++) if (a[kind] !== b[kind]) latest.set(i * a.length + kind, { index: i, kind, truncatedAt: length, value: a[kind] ?? '' });
    }
  };
  for (const length of lengths) {
    const current = replay(length);
    tick(length);
    if (previous !== null) compare(previous, current, previousLength);
    previous = current;
    previousLength = length;
  }
  const full = replay(null);
  if (previous !== null) compare(previous, full, previousLength);
  // In bar order (then kind), as the decisions are.
  const differences = [...latest.entries()].sort(([a], [b]) => a - b).map(([, difference]) => difference);
  return { comparisons, full, differences };
}

const SIGNAL_KINDS = ['enter', 'exit-long', 'exit-short'] as const;

function checkSignal(make: () => Strategy, strategy: Strategy, series: BarSeries, checkpoints: number, tick: Tick): { comparisons: number; violations: LookaheadViolation[] } {
  const entryIndex = Math.max(0, strategy.warmup - 1);
  const thrown: ThrownDecision[] = [];
  const texts = (decisions: Decisions): string[][] => decisions.map((d) => [d.enter, d.exitLong, d.exitShort]);
  const { comparisons, full, differences } = compareReplays(
    replayLengths(strategy, series.length, checkpoints),
    (length) => {
      if (length !== null) return texts(signalDecisions(make(), truncatedCopy(series, length), entryIndex));
      const decisions = texts(signalDecisions(make(), series, entryIndex, thrown));
      tick(series.length);
      return decisions;
    },
    tick,
  );
  failOnThrown(strategy.id, thrown, { long: full.some((entry) => entry[0]?.includes('"side":"long"') === true), short: full.some((entry) => entry[0]?.includes('"side":"short"') === true) });
  const violations: LookaheadViolation[] = [];
  // A decision that asked for a bar ahead read the future, whatever it returned elsewhere.
  full.forEach((entry, i) => {
    entry.forEach((text, kind) => {
      if (!text.startsWith(READ_AHEAD)) return;
      violations.push({ kind: 'read-ahead', symbol: series.symbol, index: i, time: series.time[i] ?? Number.NaN, truncatedAt: i + 1, decision: SIGNAL_KINDS[kind] ?? 'enter', withFullHistory: text, withTruncatedHistory: text });
    });
  });
  for (const { index, kind, truncatedAt, value } of differences) {
    violations.push({
      kind: 'changed',
      symbol: series.symbol,
      index,
      time: series.time[index] ?? Number.NaN,
      truncatedAt,
      decision: SIGNAL_KINDS[kind] ?? 'enter',
      withFullHistory: full[index]?.[kind] ?? '',
      withTruncatedHistory: value,
    });
  }
  return { comparisons, violations };
}

function portfolioDecisions(strategy: PortfolioStrategy, series: readonly BarSeries[], thrown: ThrownDecision[] | null = null): string[] {
  const timeline = createTimeline(series);
  const cursors = series.map((s) => new SeriesCursor(s, {}, strategy.id));
  const symbols = series.map((s) => s.symbol);
  const out: string[] = [];
  for (let step = 0; step < timeline.length; step++) {
    if (step + 1 < strategy.warmup) {
      out.push('-');
      continue;
    }
    const tradable: string[] = [];
    const visible = new Map<string, StrategyContext>();
    series.forEach((s, k) => {
      const map = timeline.barIndex[k];
      const cursor = cursors[k];
      if (map === undefined || cursor === undefined) return;
      if (map[step] !== -1) tradable.push(s.symbol);
      let last = -1;
      for (let t = step; t >= 0 && last === -1; t--) last = map[t] ?? -1;
      if (last >= 0) visible.set(s.symbol, cursor.moveTo(last));
    });
    const context: PortfolioContext = {
      time: timeline.time[step] ?? Number.NaN,
      step,
      symbols,
      tradable,
      bars: (symbol) => visible.get(symbol) ?? null,
      account,
      positions: new Map(),
    };
    out.push(describe(() => strategy.targetWeights(context), thrown, { decision: 'weights', symbol: undefined, time: context.time }));
  }
  return out;
}

function checkPortfolio(make: () => PortfolioStrategy, strategy: PortfolioStrategy, series: readonly BarSeries[], checkpoints: number, tick: Tick): { comparisons: number; violations: LookaheadViolation[] } {
  const timeline = createTimeline(series);
  const thrown: ThrownDecision[] = [];
  /** The series as they stood at step `length - 1`. */
  const cutAt = (length: number): BarSeries[] => {
    const cutoff = timeline.time[length - 1] ?? Number.NEGATIVE_INFINITY;
    return series.map((s) => {
      let n = 0;
      while (n < s.length && (s.time[n] ?? Number.POSITIVE_INFINITY) <= cutoff) n++;
      return truncatedCopy(s, n);
    });
  };
  const { comparisons, full, differences } = compareReplays(
    replayLengths(strategy, timeline.length, checkpoints),
    (length) => {
      if (length !== null) return portfolioDecisions(make(), cutAt(length)).map((text) => [text]);
      const decisions = portfolioDecisions(make(), series, thrown).map((text) => [text]);
      tick(timeline.length);
      return decisions;
    },
    tick,
  );
  failOnThrown(strategy.id, thrown, { long: true, short: true });
  const violations: LookaheadViolation[] = [];
  full.forEach(([text = ''], step) => {
    if (!text.startsWith(READ_AHEAD)) return;
    violations.push({ kind: 'read-ahead', symbol: '*', index: step, time: timeline.time[step] ?? Number.NaN, truncatedAt: step + 1, decision: 'weights', withFullHistory: text, withTruncatedHistory: text });
  });
  for (const { index, truncatedAt, value } of differences) {
    violations.push({
      kind: 'changed',
      symbol: '*',
      index,
      time: timeline.time[index] ?? Number.NaN,
      truncatedAt,
      decision: 'weights',
      withFullHistory: full[index]?.[0] ?? '',
      withTruncatedHistory: value,
    });
  }
  return { comparisons, violations };
}

/**
 * Replays `strategy` on truncated copies of `series` and compares every decision made on the
 * truncated history with the decision for the same bar on the full history. Any difference
 * means a decision depended on bars after the one being decided (for instance an indicator
 * computed with a centred or shifted window, or a read through a `history()` view's `buffer`:
 * the copies are fresh arrays, so nothing after the cut is reachable by any path); so does a
 * decision that asked its context for a bar ahead (`ctx.close(-1)`), which throws a
 * {@link LookaheadError} there. Throws a {@link LookaheadError} listing the first violations
 * unless `throwOnViolation` is false, and — always — a `StrategyError` if the strategy wrote to
 * its data (checked bit for bit; the strategy runs on copies, so `series` stays as it was) or
 * threw anything else while deciding (naming the bar and the decision).
 *
 * Give a factory (`() => strategy`, e.g. `() => definition.create(params, id)`) rather than an
 * instance: every replay then gets an instance of its own, so an indicator an instance caches
 * from the full history cannot hide what it reads ahead. The cuts are replayed in ascending order
 * before the full history (each compared with the next longer one; see `compareReplays`), so a
 * cache kept in the strategy's module is computed again for each, never the full history's
 * reused by every cut — unless a full-history run earlier in the process filled it. Given an
 * instance, every replay uses it.
 */
export function checkLookahead(
  subject: AnyStrategy | (() => AnyStrategy),
  series: BarSeries | readonly BarSeries[],
  options: LookaheadOptions = {},
): LookaheadReport {
  // A factory gives every replay an instance of its own: nothing one kept (a cached indicator) reaches another.
  const make = typeof subject === 'function' ? subject : () => subject;
  const strategy = make();
  const given: readonly BarSeries[] = Array.isArray(series) ? series : [series as BarSeries];
  // The strategy runs on copies: a write is caught on them and leaves the caller's data as it was.
  const list = given.map((s) => truncatedCopy(s, s.length));
  const checkpoints = Math.max(2, options.checkpoints ?? 40);
  const seal = new SeriesSeal(list);
  let comparisons = 0;
  const violations: LookaheadViolation[] = [];
  const { onProgress } = options;
  let tick: Tick = () => undefined;
  if (onProgress !== undefined) {
    const steps = isPortfolioStrategy(strategy) ? [createTimeline(list).length] : list.map((s) => s.length);
    const total = steps.reduce((sum, length) => sum + length + replayLengths(strategy, length, checkpoints).reduce((bars, cut) => bars + cut, 0), 0);
    let done = 0;
    tick = (bars) => {
      done += bars;
      onProgress(done, total);
    };
  }
  if (isPortfolioStrategy(strategy)) {
    const result = checkPortfolio(() => make() as PortfolioStrategy, strategy, list, checkpoints, tick);
    comparisons += result.comparisons;
    for (const violation of result.violations) violations.push(violation);
  } else {
    for (const s of list) {
      const result = checkSignal(() => make() as Strategy, strategy, s, checkpoints, tick);
      comparisons += result.comparisons;
      for (const violation of result.violations) violations.push(violation);
    }
  }
  seal.verify(() => strategy.id);
  if (violations.length > 0 && options.throwOnViolation !== false) {
    const lines = violations.slice(0, 5).map(
      (v) =>
        `${violationPlace(v)} (${barTime(v.time)}) ${v.decision}: ${
          v.kind === 'read-ahead' ? `asked for a bar ahead (${v.withFullHistory.slice(READ_AHEAD.length)})` : `${v.withFullHistory} with the full history, ${v.withTruncatedHistory} with ${v.truncatedAt} bars`
        }`,
    );
    throw new LookaheadError(
      strategy.id,
      `${violations.length.toLocaleString('en-US')} decision(s) changed when later bars were removed or asked for a later bar:\n  ${lines.join('\n  ')}${violations.every((v) => v.kind === 'changed') ? `\n(A decision that changes without asking for a later bar can also come from ${statefulHint(typeof subject === 'function')}.)` : ''}`,
    );
  }
  return { ok: violations.length === 0, comparisons, violations };
}
