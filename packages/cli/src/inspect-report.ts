import { formatDate, formatTime } from '@ensemble/data';
import type { DataGap, DatasetInfo, DateReading, MarketDataSummary } from '@ensemble/data';
import { MAX_LINE_LENGTH, echoValue } from '@ensemble/protocol';
import { formatCount, formatCounted, formatNumber, formatPrice, formatTable } from './format';

/** How many gaps per symbol the text report lists before summarising the rest. */
const GAPS_SHOWN = 10;

const dateOrDash = (time: number | null) => (time === null ? '–' : formatDate(time));

function describeGap(gap: DataGap): string {
  const range = `${formatDate(gap.from)} → ${formatDate(gap.to)}`;
  return gap.kind === 'missing-bars'
    ? `missing bars  ${range}  ${formatCounted(gap.bars, 'timeline step')} without a bar`
    : `calendar gap  ${range}  ${formatCount(gap.days)} days between bars`;
}

/** The text report of `ensemble data inspect`: a headline, a per-symbol table and the gaps. */
export function renderInspection(summary: MarketDataSummary, dataset?: DatasetInfo, notes: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push(dataset === undefined ? echoValue(summary.source, MAX_LINE_LENGTH) : `${dataset.name} — ${dataset.description}`);
  if (dataset !== undefined) lines.push(`source: ${dataset.source}; licence ${dataset.license}`);
  const symbols = summary.symbols.length;
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
  if (withGaps.length === 0) {
    lines.push(`gaps: none (no missing bars, no calendar gap over ${threshold})`);
  } else {
    lines.push(`gaps (missing bars inside a symbol's range; calendar gaps over ${threshold}):`);
    const width = Math.max(...withGaps.map((s) => s.symbol.length));
    for (const s of withGaps) {
      for (const gap of s.gaps.slice(0, GAPS_SHOWN)) lines.push(`  ${s.symbol.padEnd(width)}  ${describeGap(gap)}`);
      if (s.gaps.length > GAPS_SHOWN) lines.push(`  ${s.symbol.padEnd(width)}  … and ${formatCount(s.gaps.length - GAPS_SHOWN)} more (see --json)`);
    }
  }
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
    })),
  };
}
