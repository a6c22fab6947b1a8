import { formatDate, formatTime } from '@ensemble/data';
import { JUMP_FACTOR } from '@ensemble/data';
import type { DataGap, DatasetInfo, DateReading, MarketDataSummary, PriceJump } from '@ensemble/data';
import { MAX_LINE_LENGTH, echoValue } from '@ensemble/protocol';
import { clockTime, formatCount, formatCounted, formatNumber, formatPrice, formatTable } from './format';
import { mixedSpacingText } from './data-source';

/** How many gaps per symbol the text report lists before summarising the rest. */
const GAPS_SHOWN = 10;

const DAY_MS = 86_400_000;

function describeGap(gap: DataGap): string {
  switch (gap.kind) {
    case 'missing-bars':
      return `missing bars  ${formatDate(gap.from)} → ${formatDate(gap.to)}  ${formatCounted(gap.bars, 'timeline step')} without a bar`;
    case 'calendar':
      return `calendar gap  ${formatDate(gap.from)} → ${formatDate(gap.to)}  ${formatCount(gap.days)} days between bars`;
    case 'intraday':
      return `in a session  ${clockTime(gap.from)} → ${clockTime(gap.to)}  ${formatCounted(gap.bars, 'bar')} missing at the usual spacing`;
    case 'session':
      return `sessions      ${clockTime(gap.from)} → ${clockTime(gap.to)}  ${formatCounted(gap.bars, 'session')} without a bar (a holiday, or data missing)`;
  }
}

/** One jump: its bars, the closes and the change, and the split it reads as. */
function describeJump(jump: PriceJump, when: (time: number) => string): string {
  const change = `${jump.change > 0 ? '+' : ''}${formatNumber(jump.change * 100, 2)}%`;
  const split = jump.split === null ? '' : `, as a ${jump.split} ${jump.toClose > jump.fromClose ? 'reverse split' : 'split'} would`;
  return `${when(jump.from)} → ${when(jump.to)}  close ${formatPrice(jump.fromClose)} → ${formatPrice(jump.toClose)} (${change}${split})`;
}


/** A UTC time of day in ms as `HH:MM`, with `:SS` when it has seconds. */
function timeOfDay(ms: number): string {
  const clock = new Date(ms).toISOString().slice(11, 19);
  return clock.endsWith(':00') ? clock.slice(0, 5) : clock;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** An intraday symbol's sessions in words, for its note. */
function describeSessions(summary: MarketDataSummary['series'][number]): string | null {
  const sessions = summary.sessions;
  if (sessions === undefined) return null;
  if (sessions.opens.length === 0) {
    return `${summary.symbol}: its bars run without a recurring break, so no session is inferred; every gap of more than 1.5 bar spacings is listed`;
  }
  const opens = sessions.opens.map(timeOfDay).join(', ');
  const closes = sessions.closes.map(timeOfDay).join(', ');
  const weekdays = sessions.weekdays.map((day) => WEEKDAYS[day] ?? String(day)).join(' ');
  return `${summary.symbol}: sessions as its bars show them (UTC) open at ${opens}, have their last bar at ${closes}, on ${weekdays}; bars missing in a session and sessions without a bar are listed, the breaks between sessions are not`;
}

/** The text report of `ensemble data inspect`: a headline, a per-symbol table and the gaps. */
export function renderInspection(summary: MarketDataSummary, dataset?: DatasetInfo, notes: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push(dataset === undefined ? echoValue(summary.source, MAX_LINE_LENGTH) : `${dataset.name} — ${dataset.description}`);
  if (dataset !== undefined) lines.push(`source: ${dataset.source}; licence ${dataset.license}`);
  const symbols = summary.symbols.length;
  // Bars with a time of day (intraday, or daily bars stamped 16:00) are shown with it: the first and
  // last bar's time is what `--from`/`--to` with a time of day need, and dates alone hid it.
  const ends = [summary.first, summary.last, ...summary.series.flatMap((s) => [s.first, s.last])];
  const withClock = ends.some((time) => time !== null && time % DAY_MS !== 0);
  const dateOrDash = (time: number | null) => (time === null ? '–' : withClock ? clockTime(time) : formatDate(time));
  lines.push(
    [
      `format ${summary.format}`,
      formatCounted(symbols, 'symbol'),
      formatCounted(summary.bars, 'bar'),
      `${dateOrDash(summary.first)} → ${dateOrDash(summary.last)}`,
      summary.frequency,
      formatCounted(summary.timelineLength, 'timeline step'),
    ].join(' · '),
  );
  if (summary.dates !== undefined) lines.push(`dates: ${describeDates(summary.dates)}`);
  for (const note of notes) lines.push(`note: ${echoValue(note, MAX_LINE_LENGTH)}`);
  lines.push('');
  lines.push(
    formatTable(
      [
        { header: 'symbol' },
        { header: 'bars', align: 'right' },
        { header: 'first' },
        { header: 'last' },
        { header: 'first close', align: 'right' },
        { header: 'last close', align: 'right' },
        { header: 'frequency' },
        { header: 'missing bars', align: 'right' },
        { header: 'long gaps', align: 'right' },
      ],
      summary.series.map((s) => [
        s.symbol,
        formatCount(s.bars),
        dateOrDash(s.first),
        dateOrDash(s.last),
        formatPrice(s.firstClose),
        formatPrice(s.lastClose),
        s.frequency,
        formatCount(s.missingBars),
        formatCount(s.gaps.filter((gap) => gap.kind === 'calendar').length),
      ]),
    ),
  );
  const withGaps = summary.series.filter((s) => s.gaps.length > 0);
  lines.push('');
  const threshold = gapThreshold(summary);
  const intraday = summary.series.some((s) => s.sessions !== undefined);
  if (withGaps.length === 0) {
    lines.push(`gaps: none (no missing bars, no calendar gap over ${threshold}${intraday ? ', no bar missing in a session, no session without a bar' : ''})`);
  } else {
    lines.push(`gaps (missing bars inside a symbol's range; calendar gaps over ${threshold}${intraday ? "; bars missing in an intraday symbol's sessions, and its sessions without a bar" : ''}):`);
    const width = withGaps.reduce((widest, s) => Math.max(widest, s.symbol.length), 0);
    for (const s of withGaps) {
      for (const gap of s.gaps.slice(0, GAPS_SHOWN)) lines.push(`  ${s.symbol.padEnd(width)}  ${describeGap(gap)}`);
      if (s.gaps.length > GAPS_SHOWN) lines.push(`  ${s.symbol.padEnd(width)}  … and ${formatCount(s.gaps.length - GAPS_SHOWN)} more (see --json)`);
    }
  }
  const withJumps = summary.series.filter((s) => s.jumps.length > 0);
  if (withJumps.length > 0) {
    // A split in prices not adjusted for it reads as a loss (or gain) of half the position in a
    // backtest: said before anything runs on them.
    const up = formatNumber((JUMP_FACTOR - 1) * 100, 0);
    const down = formatNumber((1 - 1 / JUMP_FACTOR) * 100, 1);
    lines.push('');
    lines.push(`price jumps (a close ${up}% above or ${down}% below the one before; a split in prices not adjusted for it reads so, and a backtest takes it as a real move):`);
    const width = withJumps.reduce((widest, s) => Math.max(widest, s.symbol.length), 0);
    for (const s of withJumps) {
      for (const jump of s.jumps.slice(0, GAPS_SHOWN)) lines.push(`  ${s.symbol.padEnd(width)}  ${describeJump(jump, dateOrDash)}`);
      if (s.jumps.length > GAPS_SHOWN) lines.push(`  ${s.symbol.padEnd(width)}  … and ${formatCount(s.jumps.length - GAPS_SHOWN)} more (see --json)`);
    }
    if (withJumps.some((s) => s.jumps.some((jump) => jump.split !== null))) {
      lines.push('note: a jump at a split\'s ratio is most likely a split: use prices adjusted for splits (--adjust scales them by an adjusted close column), or check the data at those dates');
    }
  }
  for (const s of summary.series) {
    const note = describeSessions(s);
    if (note !== null) lines.push(`note: ${note}`);
  }
  for (const s of summary.series) if (s.mixed !== undefined) lines.push(`note: ${mixedSpacingText(s.mixed)}`);
  for (const s of summary.series.filter((series) => series.sparse)) {
    lines.push(
      `note: ${s.symbol} has ${s.frequency} bars on a ${summary.frequency} timeline: the steps between its bars are not missing bars; only its calendar gaps (over ${days(s.gapDays)} days) count`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** How the dates were read, in words: `DD/MM/YYYY (given)`, `YYYY-MM-DD (detected)`, `YYYY-MM-DD, month names (detected)`. */
function describeDates(dates: DateReading): string {
  if ('given' in dates) return `${dates.given} (given)`;
  return dates.detected.length === 0 ? 'none read (detected)' : `${dates.detected.join(', ')} (detected)`;
}

/** A number of days as given: whole, or to two decimals (1.5 spacings of 5.5 days is 8.25). */
function days(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatNumber(value, 2);
}

/** The calendar-gap threshold in words: `5 days`, or `5 days (MONTHLY: 46.5)` where a symbol has its own. */
function gapThreshold(summary: MarketDataSummary): string {
  const own = summary.series.filter((s) => s.gapDays !== summary.gapDays).map((s) => `${s.symbol}: ${days(s.gapDays)}`);
  return `${days(summary.gapDays)} days${own.length === 0 ? '' : ` (${own.join(', ')})`}`;
}

/** The `--json` form of an inspection: dates as ISO strings, every gap listed. */
export function inspectionToJson(summary: MarketDataSummary, dataset?: DatasetInfo, notes: readonly string[] = []): unknown {
  const date = (time: number | null) => (time === null ? null : formatTime(time));
  return {
    valid: true,
    source: summary.source,
    ...(dataset === undefined ? {} : { dataset }),
    format: summary.format,
    symbols: summary.symbols,
    bars: summary.bars,
    timelineLength: summary.timelineLength,
    first: date(summary.first),
    last: date(summary.last),
    frequency: summary.frequency,
    gapDays: summary.gapDays,
    ...(summary.dates === undefined ? {} : { dates: summary.dates }),
    ...(notes.length === 0 ? {} : { notes }),
    series: summary.series.map((s) => ({
      symbol: s.symbol,
      bars: s.bars,
      first: date(s.first),
      last: date(s.last),
      firstClose: s.firstClose,
      lastClose: s.lastClose,
      frequency: s.frequency,
      missingBars: s.missingBars,
      sparse: s.sparse,
      gapDays: s.gapDays,
      gaps: s.gaps.map((gap) => ({ kind: gap.kind, from: formatTime(gap.from), to: formatTime(gap.to), bars: gap.bars, days: gap.days })),
      jumps: s.jumps.map((jump) => ({ from: formatTime(jump.from), to: formatTime(jump.to), fromClose: jump.fromClose, toClose: jump.toClose, change: jump.change, split: jump.split })),
      ...(s.sessions === undefined
        ? {}
        : {
            sessions: {
              opens: s.sessions.opens.map(timeOfDay),
              closes: s.sessions.closes.map(timeOfDay),
              weekdays: s.sessions.weekdays.map((day) => WEEKDAYS[day] ?? String(day)),
              spacingMinutes: s.sessions.spacing / 60_000,
            },
          }),
      ...(s.mixed === undefined ? {} : { mixedSpacing: { frequency: s.mixed.frequency, bars: s.mixed.bars, first: formatTime(s.mixed.first), spacingMinutes: s.mixed.spacingMs / 60_000 } }),
    })),
  };
}
