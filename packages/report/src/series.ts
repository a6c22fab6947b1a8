import { checkArguments, shapeIssue } from '@ensemble/protocol';
import { columnIssue, numberIssue } from './argument-checks';
import type { NumberColumn, ReportBenchmark } from './report-input';

/**
 * Indices of a curve to keep for a chart of about `maxPoints` points. A curve that short is kept
 * whole; a longer one is cut into `⌊maxPoints / 2⌋ − 1` equal buckets of bars, and each bucket
 * keeps the bars of its lowest and highest value, in time order, plus the first and last bar of
 * the curve — so peaks, troughs and the drawdowns between them survive. Indices are increasing
 * and unique; at most `maxPoints` of them.
 */
export function downsampleIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('downsampleIndices', [columnIssue(values, 'values', 'the values of a curve'), numberIssue(maxPoints, 'maxPoints', 'the most points to keep')]);
  const length = values.length;
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2) - 1);
  const indices: number[] = [0];
  const inner = length - 2;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (to <= from) continue;
    let low = from;
    let high = from;
    for (let i = from + 1; i < to; i++) {
      const value = values[i] ?? Number.NaN;
      if (value < (values[low] ?? Number.NaN)) low = i;
      if (value > (values[high] ?? Number.NaN)) high = i;
    }
    if (low === high) indices.push(low);
    else indices.push(Math.min(low, high), Math.max(low, high));
  }
  indices.push(length - 1);
  return indices;
}

/**
 * A benchmark rebased to the portfolio: the benchmark points inside the portfolio's time range,
 * scaled so that the first of them equals the portfolio's starting equity. Empty when the series
 * do not overlap or the first benchmark value there is not positive.
 */
export function rebaseBenchmark(
  portfolioTime: ArrayLike<number>,
  startEquity: number,
  benchmarkTime: ArrayLike<number>,
  benchmarkValue: ArrayLike<number>,
): { time: number[]; value: number[] } {
  checkArguments('rebaseBenchmark', [
    columnIssue(portfolioTime, 'portfolioTime', "the portfolio's times in epoch ms"),
    numberIssue(startEquity, 'startEquity', "the portfolio's starting equity"),
    columnIssue(benchmarkTime, 'benchmarkTime', "the benchmark's times in epoch ms"),
    columnIssue(benchmarkValue, 'benchmarkValue', "the benchmark's values"),
  ]);
  const first = portfolioTime[0];
  const last = portfolioTime[portfolioTime.length - 1];
  const time: number[] = [];
  const value: number[] = [];
  if (first === undefined || last === undefined) return { time, value };
  let base = Number.NaN;
  for (let i = 0; i < benchmarkTime.length; i++) {
    const t = benchmarkTime[i] ?? Number.NaN;
    if (t < first || t > last) continue;
    const v = benchmarkValue[i] ?? Number.NaN;
    if (Number.isNaN(base)) {
      if (!(v > 0)) return { time, value };
      base = v;
    }
    time.push(t);
    value.push((v / base) * startEquity);
  }
  return { time, value };
}

/**
 * The points of `benchmark` an equity chart draws against `portfolioTime` (before rebasing): those
 * inside the portfolio's time range, first to last (a `subarray` of a `Float64Array` column, a
 * copy of a plain array's range). Its times are increasing (a {@link ReportBenchmark}'s
 * are), so they are one run of points; none when the series do not overlap. A result JSON keeps
 * these, so that a report made again from the file draws the same line.
 */
export function benchmarkInRange(portfolioTime: ArrayLike<number>, benchmark: ReportBenchmark): ReportBenchmark {
  checkArguments('benchmarkInRange', [
    columnIssue(portfolioTime, 'portfolioTime', "the portfolio's times in epoch ms"),
    shapeIssue(benchmark, 'benchmark', "a report input's benchmark (name, time and value)", { time: 'column', value: 'column' }),
  ]);
  const first = portfolioTime[0] ?? Number.NaN;
  const last = portfolioTime[portfolioTime.length - 1] ?? Number.NaN;
  const time = benchmark.time;
  let start = 0;
  let end = time.length;
  // The points rebaseBenchmark keeps: first ≤ t ≤ last.
  while (start < end && !((time[start] ?? Number.NaN) >= first)) start++;
  while (end > start && !((time[end - 1] ?? Number.NaN) <= last)) end--;
  return { name: benchmark.name, time: columnRange(benchmark.time, start, end), value: columnRange(benchmark.value, start, end) };
}

function columnRange(column: NumberColumn, start: number, end: number): NumberColumn {
  return column instanceof Float64Array ? column.subarray(start, end) : column.slice(start, end);
}
