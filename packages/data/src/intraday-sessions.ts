import { DAY_MS } from '@ensemble/protocol';

/**
 * The trading sessions of one symbol's intraday bars, as the bars show them: the breaks that
 * recur between bars (the night, a lunch break, the weekend) are read off the data, not assumed.
 * Times of day are UTC, in ms after midnight.
 */
export interface IntradaySessions {
  /** Times of day at which a session usually opens (the bar after a usual break), ascending; empty when the bars run without a recurring break. */
  readonly opens: readonly number[];
  /** Times of day of a session's usual last bar (the bar before a usual break), ascending; empty without a recurring break. */
  readonly closes: readonly number[];
  /**
   * UTC weekdays (0 Sunday … 6 Saturday) of the sessions' usual last bars: their trading days, as
   * an exchange dates a session that opens the evening before (Sydney's opens at 23:00 UTC the day
   * before while daylight saving lasts, at 00:00 UTC after); all seven without a recurring break.
   */
  readonly weekdays: readonly number[];
  /** The median spacing of the bars, in ms. */
  readonly spacing: number;
}

/** A hole in intraday bars: bars missing in or at the edges of a session (`intraday`), or whole sessions without a bar (`session`). */
export interface IntradayGap {
  readonly kind: 'intraday' | 'session';
  /** The bar before the hole, epoch ms. */
  readonly from: number;
  /** The bar after it, epoch ms. */
  readonly to: number;
  /** Bars missing at the usual spacing (`intraday`), or sessions without a bar (`session`). */
  readonly bars: number;
  /** Calendar days from `from` to `to`. */
  readonly days: number;
}

/** Two bars further apart than this many spacings have bars missing between them, or a break. */
const GAP_SPACINGS = 1.5;
/** A break recurs when its (close, open) times of day come back on at least this share of the nights. */
const USUAL_SHARE = 0.25;

function timeOfDay(time: number): number {
  return ((time % DAY_MS) + DAY_MS) % DAY_MS;
}

function weekdayOf(day: number): number {
  // 1970-01-01, day 0, was a Thursday.
  return (((day + 4) % 7) + 7) % 7;
}

/** `value` modulo a day, in [0, DAY_MS). */
function modDay(value: number): number {
  return ((value % DAY_MS) + DAY_MS) % DAY_MS;
}

/**
 * Infers the sessions of sorted intraday bar times spaced `spacing` ms apart (their median): a
 * break is a gap of more than 1.5 spacings whose pair of times of day (last bar before, first bar
 * after) comes back at least twice and on at least a quarter of the nights (calendar days with a
 * bar, less one) — or, in bars of two days, the gap across the change of date; its times of day are the sessions' closes and opens, and a weekday is a
 * trading day when sessions close on it at least a quarter as often as on the busiest weekday.
 */
export function inferIntradaySessions(times: ArrayLike<number>, spacing: number): IntradaySessions {
  const pairs = new Map<string, { close: number; open: number; count: number; crosses: boolean }>();
  let days = 0;
  let lastDay = Number.NaN;
  for (let i = 0; i < times.length; i++) {
    const time = times[i] ?? 0;
    const day = Math.floor(time / DAY_MS);
    if (day !== lastDay) {
      days++;
      lastDay = day;
    }
    if (i === 0 || !(time - (times[i - 1] ?? 0) > GAP_SPACINGS * spacing)) continue;
    const close = timeOfDay(times[i - 1] ?? 0);
    const open = timeOfDay(time);
    const key = `${String(close)}:${String(open)}`;
    const crosses = Math.floor((times[i - 1] ?? 0) / DAY_MS) !== day;
    const pair = pairs.get(key);
    if (pair === undefined) pairs.set(key, { close, open, count: 1, crosses });
    else {
      pair.count++;
      pair.crosses ||= crosses;
    }
  }
  const nights = days - 1;
  const opens = new Set<number>();
  const closes = new Set<number>();
  for (const pair of pairs.values()) {
    // Bars of two days have one night, which cannot recur: the gap across the change of date is it.
    if ((pair.count >= 2 && pair.count >= USUAL_SHARE * nights) || (nights === 1 && pair.crosses)) {
      opens.add(pair.open);
      closes.add(pair.close);
    }
  }
  const ascending = (a: number, b: number) => a - b;
  if (opens.size === 0) return { opens: [], closes: [], weekdays: [0, 1, 2, 3, 4, 5, 6], spacing };
  // Sessions closed per weekday: every bar before a usual break, and the last bar. By the close, not
  // the open: a session that opens before midnight UTC (Sydney's, Tokyo's evening futures) would
  // count on the day before, and on its own day once daylight saving moves its open past midnight.
  const closed = new Float64Array(7);
  for (let i = 0; i < times.length; i++) {
    const time = times[i] ?? 0;
    const next = times[i + 1];
    if (next !== undefined && !(next - time > GAP_SPACINGS * spacing && closes.has(timeOfDay(time)) && opens.has(timeOfDay(next)))) continue;
    const weekday = weekdayOf(Math.floor(time / DAY_MS));
    closed[weekday] = (closed[weekday] ?? 0) + 1;
  }
  const busiest = closed.reduce((most, count) => Math.max(most, count), -Infinity);
  const weekdays: number[] = [];
  for (let weekday = 0; weekday < 7; weekday++) if ((closed[weekday] ?? 0) >= USUAL_SHARE * busiest) weekdays.push(weekday);
  return { opens: [...opens].sort(ascending), closes: [...closes].sort(ascending), weekdays, spacing };
}

/**
 * The holes in sorted intraday bar times with sessions `sessions`. A gap of more than 1.5
 * spacings inside one session (its bars around are nearer each other than the session's edges
 * allow) has `round(gap / spacing) − 1` bars missing; a gap across a break has the bars missing
 * between its last bar and the usual close, and between the usual open and its first bar, and
 * the sessions the break skipped on trading weekdays (a weekend skips none; a holiday, or a day
 * missing from the data, one). Without a recurring break every such gap is inside the session.
 */
export function intradayGaps(times: ArrayLike<number>, sessions: IntradaySessions): IntradayGap[] {
  const { opens, closes, weekdays, spacing } = sessions;
  const gaps: IntradayGap[] = [];
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1] ?? 0;
    const to = times[i] ?? 0;
    const length = to - from;
    if (!(length > GAP_SPACINGS * spacing)) continue;
    const days = length / DAY_MS;
    if (opens.length === 0) {
      gaps.push({ kind: 'intraday', from, to, bars: Math.round(length / spacing) - 1, days });
      continue;
    }
    const close = timeOfDay(from);
    const open = timeOfDay(to);
    // From the last bar to the nearest usual close after it, and from the nearest usual open before the first bar.
    let tail = closes.includes(close) ? 0 : DAY_MS;
    if (tail !== 0) for (const usual of closes) tail = Math.min(tail, modDay(usual - close));
    let head = opens.includes(open) ? 0 : DAY_MS;
    if (head !== 0) for (const usual of opens) head = Math.min(head, modDay(open - usual));
    if (tail + head >= length) {
      gaps.push({ kind: 'intraday', from, to, bars: Math.round(length / spacing) - 1, days });
      continue;
    }
    const edges = Math.round(tail / spacing) + Math.round(head / spacing);
    if (edges > 0) gaps.push({ kind: 'intraday', from, to, bars: edges, days });
    // The break itself: its usual length from that close to that open, plus whole days skipped.
    const usualBreak = modDay(open - head - (close + tail));
    const skipped = Math.round((length - tail - head - usualBreak) / DAY_MS);
    // The sessions skipped would have closed on the days after the usual close that ended the last one.
    const closeDay = Math.floor((from + tail) / DAY_MS);
    let missing = 0;
    for (let k = 1; k <= skipped; k++) if (weekdays.includes(weekdayOf(closeDay + k))) missing++;
    if (missing > 0) gaps.push({ kind: 'session', from, to, bars: missing, days });
  }
  return gaps;
}
