import { ConfigError, checkArguments, describeGiven } from '@ensemble/protocol';

/*
 * Conventions shared by every indicator here: the input is read as a series ordered oldest
 * first; the output is a new `Float64Array` of the same length, aligned with the input, holding
 * `NaN` until enough data has been seen; the value at `i` depends only on inputs `0..i` (causal),
 * so an indicator computed once on a full history can be shown to a strategy bar by bar.
 * A window containing `NaN` yields `NaN` (rolling functions), and recursive averages (EMA, RSI)
 * restart their seeding after a `NaN`, so leading `NaN`s (an indicator of an indicator) are fine.
 */
type Values = ArrayLike<number>;

/** The input as a `Float64Array` (itself when it already is one), so the loops stay monomorphic. */
function column(values: Values): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Throws a `ConfigError` naming `path` unless `values` is a column of numbers (an array or typed
 * array); from JavaScript anything else failed inside as a TypeError. Constant time.
 */
function assertValues(functionName: string, values: unknown, path = 'values'): void {
  if (typeof values === 'object' && values !== null && typeof (values as { length?: unknown }).length === 'number') return;
  checkArguments(functionName, [{ path, message: `must be a series of numbers (an array or typed array, oldest first); got ${describeGiven(values)}` }]);
}

function assertPeriod(functionName: string, period: number, minimum: number): void {
  if (!Number.isInteger(period) || period < minimum) {
    throw new ConfigError(
      [{ path: 'period', message: `must be an integer >= ${minimum}, got ${String(period)}` }],
      { source: `${functionName}()` },
    );
  }
}

/**
 * Simple moving average: the mean of the last `period` values, `NaN` for the first
 * `period - 1` bars (and for any window holding a `NaN`). O(n) with a compensated rolling sum,
 * accurate to about one rounding error of the window sum.
 */
export function sma(values: Values, period: number): Float64Array {
  assertValues('sma', values);
  assertPeriod('sma', period, 1);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  // Neumaier-compensated rolling sum: `sum + compensation` stays within about one rounding error
  // of the exact window sum however long the series (a plain rolling sum drifts).
  let sum = 0;
  let compensation = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const added = data[i] ?? Number.NaN;
    if (Number.isNaN(added)) {
      nanCount++;
    } else {
      const t = sum + added;
      compensation += Math.abs(sum) >= Math.abs(added) ? sum - t + added : added - t + sum;
      sum = t;
    }
    if (i >= period) {
      const removed = -(data[i - period] ?? Number.NaN);
      if (Number.isNaN(removed)) {
        nanCount--;
      } else {
        const t = sum + removed;
        compensation += Math.abs(sum) >= Math.abs(removed) ? sum - t + removed : removed - t + sum;
        sum = t;
      }
    }
    out[i] = i >= period - 1 && nanCount === 0 ? (sum + compensation) / period : Number.NaN;
  }
  return out;
}

/**
 * Exponential moving average with `alpha = 2 / (period + 1)`, seeded with the simple average of
 * the first `period` values (TA-Lib's convention): the first value is at index `period - 1`, then
 * `ema[i] = alpha * x[i] + (1 - alpha) * ema[i - 1]`. A `NaN` input yields `NaN` and restarts the
 * seeding from the next `period` finite values.
 */
export function ema(values: Values, period: number): Float64Array {
  assertValues('ema', values);
  assertPeriod('ema', period, 1);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  const alpha = 2 / (period + 1);
  let run = 0;
  let seedSum = 0;
  let previous = Number.NaN;
  for (let i = 0; i < n; i++) {
    const x = data[i] ?? Number.NaN;
    if (Number.isNaN(x)) {
      run = 0;
      seedSum = 0;
      previous = Number.NaN;
      out[i] = Number.NaN;
      continue;
    }
    run++;
    if (run < period) {
      seedSum += x;
      out[i] = Number.NaN;
    } else if (run === period) {
      seedSum += x;
      previous = seedSum / period;
      out[i] = previous;
    } else {
      previous = alpha * x + (1 - alpha) * previous;
      out[i] = previous;
    }
  }
  return out;
}

/**
 * Relative Strength Index (0..100) with Wilder's smoothing. With changes `d = x[i] - x[i-1]`,
 * gains `max(d, 0)` and losses `max(-d, 0)`: the first averages are the plain means of the first
 * `period` gains and losses (so the first value is at index `period`), then
 * `avg[i] = (avg[i-1] * (period - 1) + value[i]) / period` — an EMA with `alpha = 1 / period`.
 * `RSI = 100 * avgGain / (avgGain + avgLoss)` (equal to `100 - 100 / (1 + RS)`); a window with no
 * movement at all (both averages 0) gives the neutral 50. A `NaN` input restarts the seeding.
 */
export function rsi(values: Values, period: number): Float64Array {
  assertValues('rsi', values);
  assertPeriod('rsi', period, 1);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  if (n > 0) out[0] = Number.NaN;
  let run = 0;
  let gainSum = 0;
  let lossSum = 0;
  let averageGain = 0;
  let averageLoss = 0;
  for (let i = 1; i < n; i++) {
    const change = (data[i] ?? Number.NaN) - (data[i - 1] ?? Number.NaN);
    if (Number.isNaN(change)) {
      run = 0;
      gainSum = 0;
      lossSum = 0;
      out[i] = Number.NaN;
      continue;
    }
    const gain = change > 0 ? change : 0;
    const loss = change < 0 ? -change : 0;
    run++;
    if (run < period) {
      gainSum += gain;
      lossSum += loss;
      out[i] = Number.NaN;
      continue;
    }
    if (run === period) {
      averageGain = (gainSum + gain) / period;
      averageLoss = (lossSum + loss) / period;
    } else {
      averageGain = (averageGain * (period - 1) + gain) / period;
      averageLoss = (averageLoss * (period - 1) + loss) / period;
    }
    const total = averageGain + averageLoss;
    out[i] = total === 0 ? 50 : (100 * averageGain) / total;
  }
  return out;
}

function rollingExtreme(values: Values, period: number, functionName: string, max: boolean): Float64Array {
  assertPeriod(functionName, period, 1);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  // Monotonic deque of indices: values decreasing (max) or increasing (min) from head to tail.
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i] ?? Number.NaN;
    if (Number.isNaN(x)) {
      nanCount++;
    } else {
      while (tail > head) {
        const last = data[deque[tail - 1] ?? 0] ?? Number.NaN;
        if (max ? last <= x : last >= x) tail--;
        else break;
      }
      deque[tail++] = i;
    }
    const start = i - period + 1;
    if (start > 0 && Number.isNaN(data[start - 1] ?? Number.NaN)) nanCount--;
    while (tail > head && (deque[head] ?? 0) < start) head++;
    out[i] = start >= 0 && nanCount === 0 && tail > head ? (data[deque[head] ?? 0] ?? Number.NaN) : Number.NaN;
  }
  return out;
}

/**
 * Highest value of the last `period` values, the current one included (the upper Donchian
 * channel of `high`); `NaN` for the first `period - 1` bars. O(n) with a monotonic deque. For a
 * breakout test against the *previous* N bars, compare `x[i]` with `rollingMax(x, N)[i - 1]`.
 */
export function rollingMax(values: Values, period: number): Float64Array {
  assertValues('rollingMax', values);
  return rollingExtreme(values, period, 'rollingMax', true);
}

/**
 * Lowest value of the last `period` values, the current one included (the lower Donchian
 * channel of `low`); `NaN` for the first `period - 1` bars. O(n) with a monotonic deque.
 */
export function rollingMin(values: Values, period: number): Float64Array {
  assertValues('rollingMin', values);
  return rollingExtreme(values, period, 'rollingMin', false);
}

/**
 * Simple returns `x[i] / x[i-1] - 1` as fractions; `NaN` at index 0. Feed them to
 * {@link rollingStdDev} for the rolling volatility of a price series.
 */
export function simpleReturns(values: Values): Float64Array {
  assertValues('simpleReturns', values);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  if (n > 0) out[0] = Number.NaN;
  for (let i = 1; i < n; i++) out[i] = (data[i] ?? Number.NaN) / (data[i - 1] ?? Number.NaN) - 1;
  return out;
}

/**
 * Sample standard deviation (ddof = 1, divisor `period - 1`) of the last `period` values, not
 * annualised; `NaN` until `period` finite values are in the window. Applied to
 * `simpleReturns(close)` the first value is at index `period` (index 0 has no return).
 *
 * O(n) in practice: compensated rolling sums of `x - c` and `(x - c)²` about a shift `c`, giving
 * `m2 = S2 - S1² / period`; whenever that subtraction would lose more than three digits (the
 * window mean has moved far from `c`, e.g. after an outlier left the window) the window is
 * recomputed two-pass about its own mean. So a window of equal values gives exactly 0 and the
 * result matches a two-pass computation to ~1e-12 relative, whatever came before.
 */
export function rollingStdDev(values: Values, period: number): Float64Array {
  assertValues('rollingStdDev', values);
  assertPeriod('rollingStdDev', period, 2);
  const data = column(values);
  const n = data.length;
  const out = new Float64Array(n);
  let shift = 0;
  let s1 = 0;
  let c1 = 0;
  let s2 = 0;
  let c2 = 0;
  let valid = false;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i] ?? Number.NaN;
    if (Number.isNaN(x)) nanCount++;
    if (i >= period && Number.isNaN(data[i - period] ?? Number.NaN)) nanCount--;
    if (i < period - 1 || nanCount > 0) {
      out[i] = Number.NaN;
      valid = false;
      continue;
    }
    let rebase = !valid;
    if (valid) {
      // Neumaier-compensated updates of S1 = Σ(x - c) and S2 = Σ(x - c)²: add x[i], remove x[i - period].
      const added = x - shift;
      const removed = shift - (data[i - period] ?? Number.NaN);
      const addedSquare = added * added;
      const removedSquare = -(removed * removed);
      let t = s1 + added;
      c1 += Math.abs(s1) >= Math.abs(added) ? s1 - t + added : added - t + s1;
      s1 = t;
      t = s1 + removed;
      c1 += Math.abs(s1) >= Math.abs(removed) ? s1 - t + removed : removed - t + s1;
      s1 = t;
      t = s2 + addedSquare;
      c2 += Math.abs(s2) >= addedSquare ? s2 - t + addedSquare : addedSquare - t + s2;
      s2 = t;
      t = s2 + removedSquare;
      c2 += Math.abs(s2) >= -removedSquare ? s2 - t + removedSquare : removedSquare - t + s2;
      s2 = t;
      const sum = s1 + c1;
      const correction = (sum * sum) / period;
      if (!(s2 + c2 - correction >= 1e-3 * correction)) rebase = true;
    }
    if (rebase) {
      let mean = 0;
      for (let j = i - period + 1; j <= i; j++) mean += data[j] ?? Number.NaN;
      shift = mean / period;
      s1 = 0;
      c1 = 0;
      s2 = 0;
      c2 = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = (data[j] ?? Number.NaN) - shift;
        let t = s1 + d;
        c1 += Math.abs(s1) >= Math.abs(d) ? s1 - t + d : d - t + s1;
        s1 = t;
        t = s2 + d * d;
        c2 += Math.abs(s2) >= d * d ? s2 - t + d * d : d * d - t + s2;
        s2 = t;
      }
      valid = true;
    }
    const sum = s1 + c1;
    const m2 = s2 + c2 - (sum * sum) / period;
    out[i] = Math.sqrt(Math.max(m2, 0) / (period - 1));
  }
  return out;
}

/**
 * Crossings of `a` over `b` by the last-non-zero-difference rule (backtrader's `CrossOver`):
 * with `d[i] = a[i] - b[i]`, the value at `i` is `+1` when `d[i] > 0` and the last non-zero
 * difference before `i` was negative, `-1` when `d[i] < 0` and the last non-zero difference was
 * positive, and `0` otherwise — a tie (`d[i] = 0`) never crosses, and `+, 0, -` is a cross down
 * at the `-`. `NaN` until the bar after the first defined difference; `NaN` differences are skipped.
 */
export function crossover(a: Values, b: Values): Float64Array {
  assertValues('crossover', a, 'a');
  assertValues('crossover', b, 'b');
  if (a.length !== b.length) {
    throw new ConfigError(
      [{ path: 'b', message: `must have the same length as a (${a.length}), got ${b.length}` }],
      { source: 'crossover()' },
    );
  }
  return crossoverInto(column(a), column(b), new Float64Array(a.length));
}

/**
 * {@link crossover} of two columns of one length written into `out`, which may be `left` itself
 * (each value is read before its place is written): a strategy whose averages serve only their
 * crossings spares a column.
 */
export function crossoverInto(left: Float64Array, right: Float64Array, out: Float64Array): Float64Array {
  const n = left.length;
  let seen = false;
  let lastNonZero = 0;
  for (let i = 0; i < n; i++) {
    const d = (left[i] ?? Number.NaN) - (right[i] ?? Number.NaN);
    if (Number.isNaN(d)) {
      out[i] = Number.NaN;
      continue;
    }
    if (!seen) {
      out[i] = Number.NaN;
      seen = true;
    } else if (d > 0 && lastNonZero < 0) {
      out[i] = 1;
    } else if (d < 0 && lastNonZero > 0) {
      out[i] = -1;
    } else {
      out[i] = 0;
    }
    if (d !== 0) lastNonZero = d;
  }
  return out;
}
