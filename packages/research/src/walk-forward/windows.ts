import { arrayIssue, barTime, checkArguments, monthIndexOf, monthStartMs, shapeIssue, stringIssue, describeGiven } from '@ensemble/protocol';
import { columnIssue } from '../argument-checks';
import type { ConfigIssue } from '@ensemble/protocol';
import { issueListIssue } from '../argument-checks';

/** A window length: a number of bars, calendar days (`"10d"`) or weeks (`"2w"`), or calendar months (`"6m"`) or years (`"3y"`). */
export type WindowLength = number | string;

/** How windows move: `rolling` (the train window slides by the test length) or `anchored` (it starts at the first bar and grows). */
export type WindowMode = 'rolling' | 'anchored';

/** Bars of a window: epoch ms of the first and the last (inclusive) and how many. */
export interface WindowSpan {
  readonly start: number;
  readonly end: number;
  readonly bars: number;
}

/** One walk-forward step: a train window and the test window that follows it. */
export interface WalkForwardWindow {
  readonly index: number;
  readonly train: WindowSpan;
  readonly test: WindowSpan;
}

/** A length parsed: bars, days (a week is 7) or months (a year is 12). */
interface ParsedLength {
  readonly unit: 'bars' | 'days' | 'months';
  readonly count: number;
}

const CALENDAR = /^([1-9]\d{0,3})(d|w|m|y)$/;

const DAY_MS = 86_400_000;

/** What each unit of a parsed length is called in messages. */
const UNIT_NAMES = { bars: 'bars', days: 'days or weeks', months: 'months or years' } as const;

/** A window length as bars or months, or an issue at `path`. */
export function parseWindowLength(length: WindowLength, path: string, issues: ConfigIssue[]): ParsedLength | null {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('parseWindowLength', [
    typeof length === 'number' || typeof length === 'string' ? null : { path: 'length', message: `must be a window length: a number of bars or a duration such as "2y"; got ${describeGiven(length)}` },
    stringIssue(path, 'path', 'the config path of the length (a string)'),
    issueListIssue(issues),
  ]);
  if (typeof length === 'number') {
    if (Number.isInteger(length) && length >= 1) return { unit: 'bars', count: length };
    issues.push({ path, message: 'a number of bars must be a whole number ≥ 1' });
    return null;
  }
  const match = CALENDAR.exec(length);
  if (match === null) {
    issues.push({ path, message: 'must be a number of bars (e.g. 60), calendar days or weeks (e.g. "10d", "2w") or calendar months or years (e.g. "6m", "3y")' });
    return null;
  }
  const count = Number(match[1]);
  const unit = match[2];
  if (unit === 'd' || unit === 'w') return { unit: 'days', count: unit === 'w' ? count * 7 : count };
  return { unit: 'months', count: unit === 'y' ? count * 12 : count };
}

/** Epoch ms `count` of a parsed length's calendar unit (days or months) after `time`. */
function advance(time: number, unit: 'days' | 'months', count: number): number {
  return unit === 'days' ? time + count * DAY_MS : addMonths(time, count);
}

/**
 * Epoch ms `months` calendar months after `time` (UTC), the day of the month kept, or the last
 * instant of a shorter target month (31 January + 1 month = the end of February).
 */
export function addMonths(time: number, months: number): number {
  const month = monthIndexOf(time);
  const offset = time - monthStartMs(month);
  return Math.min(monthStartMs(month + months) + offset, monthStartMs(month + months + 1) - 1);
}

/** First index of sorted `time` at or after `at` (binary search; `time.length` when none is). */
export function firstAtOrAfter(time: ArrayLike<number>, at: number): number {
  let low = 0;
  let high = time.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((time[middle] ?? Number.POSITIVE_INFINITY) < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

function span(time: ArrayLike<number>, from: number, to: number): WindowSpan {
  return { start: time[from] ?? Number.NaN, end: time[to - 1] ?? Number.NaN, bars: to - from };
}

/**
 * The walk-forward windows over the sorted bar times `time`: train then test, the next step
 * moved on by the test length, until no test bar is left (the last test window may be short).
 * Lengths in bars count bars; in days or weeks, calendar days of 24 hours (a week is 7) from the
 * first bar; in months or years, calendar months from the first bar (UTC). A train
 * window needs 2 bars or more; steps whose test window holds no bar (a gap in the data) are left
 * out. Train and test must use the same unit (days and weeks are one, months and years another).
 */
export function walkForwardWindows(
  time: ArrayLike<number>,
  options: { readonly train: WindowLength; readonly test: WindowLength; readonly mode: WindowMode },
  issues: ConfigIssue[],
): WalkForwardWindow[] {
  checkArguments('walkForwardWindows', [
    columnIssue(time, 'time', 'the timeline in epoch ms'),
    shapeIssue(options, 'options', 'the windows of a walk-forward spec (train, test and mode)', { mode: 'string' }),
    arrayIssue(issues, 'issues', 'the array the problems found are added to'),
  ]);
  const train = parseWindowLength(options.train, 'windows.train', issues);
  const test = parseWindowLength(options.test, 'windows.test', issues);
  if (train === null || test === null) return [];
  if (train.unit !== test.unit) {
    issues.push({ path: 'windows.test', message: `must be in the same unit as "train" (${UNIT_NAMES[train.unit]})` });
    return [];
  }
  const n = time.length;
  const bounds: [number, number, number][] = [];
  if (train.unit === 'bars') {
    for (let step = 0; step * test.count + train.count < n; step++) {
      const trainEnd = step * test.count + train.count;
      bounds.push([options.mode === 'rolling' ? step * test.count : 0, trainEnd, Math.min(trainEnd + test.count, n)]);
    }
  } else {
    const unit = train.unit;
    const first = time[0] ?? 0;
    const last = time[n - 1] ?? 0;
    for (let step = 0; advance(first, unit, step * test.count + train.count) <= last; step++) {
      const trainStart = options.mode === 'rolling' ? firstAtOrAfter(time, advance(first, unit, step * test.count)) : 0;
      const trainEnd = firstAtOrAfter(time, advance(first, unit, step * test.count + train.count));
      bounds.push([trainStart, trainEnd, firstAtOrAfter(time, advance(first, unit, (step + 1) * test.count + train.count))]);
    }
  }
  const windows = bounds
    .filter(([trainStart, trainEnd, testEnd]) => trainEnd - trainStart >= 2 && testEnd > trainEnd)
    .map(([trainStart, trainEnd, testEnd], index) => ({ index, train: span(time, trainStart, trainEnd), test: span(time, trainEnd, testEnd) }));
  if (windows.length === 0) {
    const bars = `${n.toLocaleString('en-US')} bar${n === 1 ? '' : 's'}`;
    // Windows that fit the data but whose train windows hold under 2 bars need to be longer; no
    // window at all (the data shorter than a train window and a test) needs shorter ones.
    const trainTooShort = bounds.length > 0 && bounds.every(([trainStart, trainEnd]) => trainEnd - trainStart < 2);
    // Bars: a train window of 1 bar is too short whatever the data (a window needs 2 bars, one return).
    const message =
      train.unit === 'bars' && train.count < 2
        ? `a train window needs at least 2 bars (one return to measure); "train" is ${String(train.count)}`
        : trainTooShort
          ? `every train window of ${JSON.stringify(options.train)} holds fewer than 2 bars of the data (one return to measure); use a longer "train"`
          : bounds.length === 0 && n > 0
            ? `the data's ${bars} (${barTime(time[0] ?? Number.NaN)} to ${barTime(time[n - 1] ?? Number.NaN)}) are shorter than a train window of ${JSON.stringify(options.train)} followed by a test bar; use a shorter "train", or more data`
            : `the data's ${bars} hold no train window of at least 2 bars followed by a test bar; use shorter windows, or more data`;
    issues.push({ path: train.unit === 'bars' && train.count < 2 ? 'windows.train' : 'windows', message });
  }
  return windows;
}

/** Bars between two test windows that no test window holds (see {@link untestedBars}). */
export interface UntestedBars {
  /** How many bars. */
  readonly bars: number;
  /** How many stretches of them (each between two test windows). */
  readonly stretches: number;
  /** The first stretch. */
  readonly first: WindowSpan;
}

/**
 * The bars of `time` after the first test window's start that no test window holds, or null when
 * the test windows cover every bar from there on: a step left out because its train window held
 * fewer than 2 bars (a `"3d"` train over a weekend, a gap in the data) leaves its test bars out of
 * the stitched out-of-sample curve, which would otherwise read as covering the whole period.
 */
export function untestedBars(time: ArrayLike<number>, windows: readonly WalkForwardWindow[]): UntestedBars | null {
  let bars = 0;
  let stretches = 0;
  let first: WindowSpan | null = null;
  for (let k = 1; k < windows.length; k++) {
    const after = firstAtOrAfter(time, (windows[k - 1]?.test.end ?? Number.NaN) + 1);
    const next = firstAtOrAfter(time, windows[k]?.test.start ?? Number.NaN);
    if (next <= after) continue;
    bars += next - after;
    stretches++;
    first ??= span(time, after, next);
  }
  return first === null ? null : { bars, stretches, first };
}

/** The last test window of a walk-forward when the data ends before the length asked of it. */
export interface ShortTestWindow {
  /** The window's index. */
  readonly index: number;
  /** The test length asked (`windows.test`). */
  readonly asked: WindowLength;
  /** Bars the window holds. */
  readonly bars: number;
  /** The share of the asked length it holds, in bars or in calendar time (from 0 to 1). */
  readonly share: number;
  /** Epoch ms of the data's last bar, where the window ends. */
  readonly end: number;
}

/**
 * The last of `windows` (as {@link walkForwardWindows} placed them over `time`) when its test
 * window ends at the data's last bar and holds less than 90 % of the test length asked — in bars,
 * or in calendar time counting the last bar's spacing as covered — else null. Its out-of-sample
 * figures then measure a shorter period than the other windows' (a `"30y"` test on 20 years of
 * data holds what is left after the train window).
 */
export function shortLastTestWindow(
  time: ArrayLike<number>,
  options: { readonly train: WindowLength; readonly test: WindowLength },
  windows: readonly WalkForwardWindow[],
): ShortTestWindow | null {
  checkArguments('shortLastTestWindow', [
    columnIssue(time, 'time', 'the timeline in epoch ms'),
    shapeIssue(options, 'options', 'the windows of a walk-forward spec (train and test)', {}),
    Array.isArray(windows) ? null : { path: 'windows', message: `must be the walk-forward's windows (an array); got ${describeGiven(windows)}` },
  ]);
  const ignored: ConfigIssue[] = [];
  const train = parseWindowLength(options.train, 'windows.train', ignored);
  const test = parseWindowLength(options.test, 'windows.test', ignored);
  const window = windows.at(-1);
  const n = time.length;
  const last = time[n - 1] ?? Number.NaN;
  if (window?.test.end !== last || train?.unit !== test?.unit || train === null || test === null) return null;
  let share: number;
  if (test.unit === 'bars') {
    share = window.test.bars / test.count;
  } else {
    const unit = test.unit;
    const first = time[0] ?? 0;
    // The window's step: the last whose test window starts at the window's first test bar.
    const start = firstAtOrAfter(time, window.test.start);
    let step = 0;
    while (firstAtOrAfter(time, advance(first, unit, (step + 1) * test.count + train.count)) <= start) step++;
    const from = advance(first, unit, step * test.count + train.count);
    const to = advance(first, unit, (step + 1) * test.count + train.count);
    const spacing = n > 1 ? last - (time[n - 2] ?? last) : 0;
    share = Math.min(1, (last + spacing - from) / (to - from));
  }
  return share < 0.9 ? { index: window.index, asked: options.test, bars: window.test.bars, share, end: last } : null;
}
