import { DAY_MS, echoValue, findDuplicateProperty, findJsonSyntaxProblem, quoteValue, symbolProblem, textPosition } from '@ensemble/protocol';
import { ClockChecks, MERIDIEM, notATimeOfDay, parseTimeOfDay } from './clock-checks';
import { dateReaderOf } from './date-patterns';
import type { DateReader } from './date-patterns';
import { formatTime } from './dates';
import { jsonPathKey, numberLiteralsBeyondRange } from './json-number-literals';
import type { JsonPath } from './json-number-literals';
import { classifyBadNumber, describeBadNumber, describeBadValue, parseNumberText, valueRule } from './numbers';
import type { ProblemCollector } from './problems';
import { SeriesBuilder } from './series-builder';

const DATE_KEYS = ['date', 'time', 'timestamp', 'datetime'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `bar` with its keys lower-cased, as a CSV header's names are read (`"Close"` is `close`): the
 * same object when they already are; a problem's text when two keys differ only in case.
 */
function keysLowerCased(bar: Record<string, unknown>): Record<string, unknown> | string {
  let lower = true;
  for (const key of Object.keys(bar)) {
    if (key !== key.toLowerCase()) {
      lower = false;
      break;
    }
  }
  if (lower) return bar;
  // No prototype: a "__proto__" key stays a field.
  const out = Object.create(null) as Record<string, unknown>;
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(bar)) {
    const name = key.toLowerCase();
    const other = seen.get(name);
    if (other !== undefined) return `the bar has both ${quoteValue(other)} and ${quoteValue(key)}, one field whatever the case; keep one`;
    seen.set(name, key);
    out[name] = value;
  }
  return out;
}

/**
 * The bars of a JSON-lines file (one object per line, as `jq -c`, pandas' `to_json(lines=True)` and
 * many APIs' exports write them; blank lines skipped), or null when the text is not one: fewer than
 * two lines, or a first line that is not a JSON object. A later line that does not parse is a
 * problem naming it (the bars are then not read).
 */
function jsonLines(text: string, problems: ProblemCollector): unknown[] | null {
  const lines = text.split(/\r?\n/);
  const filled = lines.filter((line) => line.trim() !== '');
  if (filled.length < 2) return null;
  const parse = (line: string): { value: unknown } | { error: string } => {
    try {
      return { value: JSON.parse(line) as unknown };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const first = parse(filled[0] ?? '');
  if (!('value' in first) || !isRecord(first.value)) return null;
  const bars: unknown[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    const parsed = parse(line);
    if ('value' in parsed) bars.push(parsed.value);
    else problems.add('bad-json', `line ${String(k + 1)} of the JSON lines is not valid JSON: ${parsed.error}`, { row: k + 1 });
  });
  return bars;
}

function lineOfPosition(text: string, position: number): number {
  let line = 1;
  let index = text.indexOf('\n');
  while (index !== -1 && index < position) {
    line++;
    index = text.indexOf('\n', index + 1);
  }
  return line;
}

/** What stands in for a number beyond the range of doubles while a value is written as JSON; the literal replaces it after. */
const LITERAL_MARKER = '\u0001ensemble-literal-';
const MARKED_LITERAL = /"\\u0001ensemble-literal-(\d+)"/g;

/**
 * A value at `path` of the file, for a message: text as it is, anything else as JSON, a number
 * beyond the range of doubles (`1e400`: JSON.parse reads it as Infinity, JSON.stringify writes
 * that as `null`) as the file writes it, wherever it sits inside the value (`[1e400]`).
 */
function describe(value: unknown, path: JsonPath = [], literalAt?: (path: JsonPath) => string | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && !Number.isFinite(value)) return literalAt?.(path) ?? String(value);
  const literals: string[] = [];
  const paths = new Map<unknown, JsonPath>();
  try {
    const text = JSON.stringify(value, function (this: unknown, key: string, item: unknown): unknown {
      const holder = paths.get(this);
      const here = holder === undefined ? path : [...holder, Array.isArray(this) ? Number(key) : key];
      if (typeof item === 'object' && item !== null) paths.set(item, here);
      if (typeof item !== 'number' || Number.isFinite(item)) return item;
      literals.push(literalAt?.(here) ?? String(item));
      return `${LITERAL_MARKER}${String(literals.length - 1)}`;
    }) as string | undefined;
    if (text === undefined) return typeof value;
    return literals.length === 0 ? text : text.replace(MARKED_LITERAL, (_, k: string) => literals[Number(k)] ?? 'null');
  } catch {
    return typeof value;
  }
}

/** Reads one array of bar objects into a builder, reporting problems with index + 1 as the row. */
class JsonBarReader {
  private readonly problems: ProblemCollector;
  private readonly prefix: string;
  private readonly qualify: boolean;
  private readonly dates: DateReader;
  private readonly literalAt: (path: JsonPath) => string | undefined;
  private row = 0;
  /** The rules of the `time` fields' times of day across bars, as a CSV time column's. */
  private readonly clocks: ClockChecks;
  /** Whether a bar's `date` and `time` fields were joined. */
  joined = false;

  constructor(problems: ProblemCollector, prefix: string, qualify: boolean, dates: DateReader, literalAt: (path: JsonPath) => string | undefined) {
    this.problems = problems;
    this.prefix = prefix;
    this.qualify = qualify;
    this.dates = dates;
    this.literalAt = literalAt;
    this.clocks = new ClockChecks({
      kind: 'field',
      place: (row) => (this.qualify ? `${this.prefix} element ${String(row)}` : `element ${String(row)}`),
      text: () => this.timeText,
      field: () => 'time',
      report: (message, row, value) => {
        this.problems.add('bad-date', message, { row, field: this.field(row - 1, 'time'), value });
      },
    });
  }

  /** The current bar's time of day as written, for {@link clocks}. */
  private timeText = '';

  /** A field's value as the file writes it: a number beyond the range of doubles (`1e400`) as its literal, not "Infinity". */
  private written(index: number, key: string, value: unknown): string {
    return describe(value, this.qualify ? [this.prefix, index, key] : [index, key], this.literalAt);
  }

  private field(index: number, key: string): string {
    return this.qualify ? `${this.prefix}[${index}].${key}` : key;
  }

  private add(index: number, key: string, rule: Parameters<ProblemCollector['add']>[0], message: string, value?: unknown): void {
    this.problems.add(rule, message, {
      row: this.row,
      field: this.field(index, key),
      ...(value === undefined ? {} : { value: describe(value) }),
    });
  }

  private number(index: number, key: string, value: unknown, kind: 'price' | 'volume'): number {
    let parsed = Number.NaN;
    let raw = '';
    if (typeof value === 'number') {
      parsed = value;
      raw = this.written(index, key, value);
    } else if (typeof value === 'string') {
      parsed = parseNumberText(value);
      raw = value;
    } else if (value === null || value === undefined) {
      this.add(index, key, 'missing-value', `${key} is missing; every bar needs a ${key} value`);
      return Number.NaN;
    } else {
      const written = this.written(index, key, value);
      this.add(index, key, 'non-numeric', `${key} is ${quoteValue(written)}, which is not a number`, written);
      return Number.NaN;
    }
    const broken = valueRule(parsed, kind);
    if (broken === null) return parsed;
    if (!Number.isNaN(parsed)) {
      this.add(index, key, broken, describeBadValue(broken, raw, key, kind), raw);
    } else {
      const rule = typeof value === 'number' ? 'non-finite' : classifyBadNumber(raw);
      this.add(index, key, rule, describeBadNumber(rule, raw, key), raw);
    }
    return Number.NaN;
  }

  /**
   * A bar with both a `date` and a `time` field: the date's day plus the time of day, as a CSV
   * file's `Date` and `Time` columns are joined (the same forms, rules and problems), or NaN after
   * reporting why not.
   */
  private dateAndTime(index: number, bar: Record<string, unknown>): number {
    const day = this.dateOf(index, bar, 'date');
    if (Number.isNaN(day)) return Number.NaN;
    this.joined = true;
    const date = bar.date;
    // A time written in the date, midnight included, would be added to: refused, as in a CSV file.
    if (day % DAY_MS !== 0 || (typeof date === 'string' && date.trim().length > 10 && date.includes(':'))) {
      const written = this.written(index, 'date', date);
      this.add(index, 'date', 'bad-date', `${quoteValue(written)} has a time of day, and the "time" field gives one too: keep the date alone in "date" (the two fields are joined)`, written);
      return Number.NaN;
    }
    const value = bar.time;
    const raw = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : null;
    if (raw === '' || value === null) {
      this.add(index, 'time', 'missing-value', 'the time of day is empty; every bar with a "time" field beside its "date" needs one');
      return Number.NaN;
    }
    const clock = raw === null ? Number.NaN : parseTimeOfDay(raw);
    if (raw === null || Number.isNaN(clock)) {
      const written = raw ?? this.written(index, 'time', value);
      this.add(index, 'time', 'bad-date', notATimeOfDay(written), written);
      return Number.NaN;
    }
    this.timeText = raw;
    return MERIDIEM.test(raw) ? this.clocks.meridiem(day, clock, this.row, raw) : this.clocks.bare(day, clock, this.row);
  }

  private date(index: number, bar: Record<string, unknown>): number {
    if ('date' in bar && 'time' in bar) return this.dateAndTime(index, bar);
    const key = DATE_KEYS.find((candidate) => candidate in bar);
    if (key === undefined) {
      this.add(index, 'date', 'missing-value', 'the bar has no "date" (or "time") field');
      return Number.NaN;
    }
    return this.dateOf(index, bar, key);
  }

  /** The date of field `key` as epoch ms, or NaN after reporting why not. */
  private dateOf(index: number, bar: Record<string, unknown>, key: string): number {
    const value = bar[key];
    let time = Number.NaN;
    const pattern = this.dates.format !== 'auto';
    if (typeof value === 'string') time = this.dates.text(value);
    else if (typeof value === 'number') time = this.dates.number(value);
    const kept = Number.isNaN(time) && typeof value === 'string' && this.dates.keep(value, { row: this.row, field: this.field(index, key), place: this.qualify ? `${this.prefix} element ${this.row}` : `element ${this.row}` });
    if (Number.isNaN(time) && !kept) {
      const written = this.written(index, key, value);
      const message =
        typeof value === 'number' && pattern
          ? `${written} does not match the date format ${this.dates.format} (a number: epoch seconds or milliseconds are read only without a date format)`
          : ((typeof value === 'string' ? this.dates.problem(value) : null) ?? `${quoteValue(written)} is not a date; use "YYYY-MM-DD", an ISO date-time or epoch seconds/milliseconds (≥ 1e8)`);
      this.add(index, key, 'bad-date', message, written);
    }
    return time;
  }

  read(bars: readonly unknown[], builderFor: (bar: Record<string, unknown>, index: number) => SeriesBuilder | undefined): void {
    for (let index = 0; index < bars.length && !this.problems.full; index++) {
      this.row = index + 1;
      const element = bars[index];
      if (!isRecord(element)) {
        this.add(index, 'bar', 'bad-json', `element ${index} is ${quoteValue(describe(element, this.qualify ? [this.prefix, index] : [index], this.literalAt))}, not a bar object`);
        continue;
      }
      const bar = keysLowerCased(element);
      if (typeof bar === 'string') {
        this.add(index, 'bar', 'duplicate-column', bar);
        continue;
      }
      const builder = builderFor(bar, index);
      if (builder === undefined) continue;
      const time = this.date(index, bar);
      const closeKey = 'close' in bar || !('price' in bar) ? 'close' : 'price';
      const closeOnly = !('open' in bar) && !('high' in bar) && !('low' in bar);
      const open = closeOnly ? 0 : this.number(index, 'open', bar.open, 'price');
      const high = closeOnly ? 0 : this.number(index, 'high', bar.high, 'price');
      const low = closeOnly ? 0 : this.number(index, 'low', bar.low, 'price');
      const close = this.number(index, closeKey, bar[closeKey], 'price');
      const volume = 'volume' in bar ? this.number(index, 'volume', bar.volume, 'volume') : 0;
      let valid: boolean;
      if (closeOnly) valid = !Number.isNaN(close + volume);
      else if (Number.isNaN(open + high + low + close + volume)) valid = false;
      else if (high < low) {
        this.add(index, 'high', 'high-below-low', `high ${high} is below low ${low}`);
        valid = false;
      } else {
        valid = true;
        if (open < low || open > high) {
          this.add(index, 'open', 'open-outside-range', `open ${open} is outside [low ${low}, high ${high}]`);
          valid = false;
        }
        if (close < low || close > high) {
          this.add(index, closeKey, 'close-outside-range', `close ${close} is outside [low ${low}, high ${high}]`);
          valid = false;
        }
      }
      // The order of dates is checked on every bar whose date reads, valid or not, so that one
      // pass reports both (a bad bar's date still says where the file is out of order).
      if (Number.isNaN(time) || !this.inOrder(index, builder, time)) continue;
      if (!valid) builder.markRow(time, this.row);
      else if (closeOnly) builder.push(time, close, close, close, close, volume, this.row);
      else builder.push(time, open, high, low, close, volume, this.row);
    }
  }

  private inOrder(index: number, builder: SeriesBuilder, time: number): boolean {
    if (time > builder.lastTime) return true;
    const rule = time === builder.lastTime ? 'duplicate-date' : 'unsorted-dates';
    const message =
      rule === 'duplicate-date'
        ? `${echoValue(builder.symbol)} already has a bar on ${formatTime(time)} (element ${builder.lastRow - 1}); remove one of them`
        : `${formatTime(time)} comes before ${formatTime(builder.lastTime)} (element ${builder.lastRow - 1}) for ${echoValue(builder.symbol)}; sort the bars by date`;
    this.add(index, 'date', rule, message);
    return false;
  }
}

/**
 * Parses JSON bars: an array of `{ date|time, open, high, low, close, volume? }` objects (with an
 * optional `symbol` field per bar; close-only bars `{ date, close }` get open = high = low = close),
 * or an object `{ SYMBOL: [bars…] }`. Problems name the element (index + 1) and the field.
 * `unordered` builders accept bars in any date order (the loaders' `sort` option); `dates` reads
 * string dates (and epoch numbers, unless it is a date format's pattern, which reads text only).
 */
export function parseJsonBars(
  text: string,
  problems: ProblemCollector,
  defaultSymbol: string,
  unordered = false,
  dates: DateReader = dateReaderOf(undefined),
  notes: string[] = [],
): SeriesBuilder[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const before = problems.count;
    const lines = jsonLines(text, problems);
    if (lines !== null && problems.count > before) return [];
    if (lines !== null) {
      value = lines;
      notes.push('read as JSON lines: one bar object per line');
    } else {
      // The reader of run configs places the break by line and column, with what to do about it;
      // JSON.parse's message has at most a character position, and some (a trailing comma) none.
      const syntax = findJsonSyntaxProblem(text);
      if (syntax !== null) {
        const at = textPosition(text, syntax.offset);
        problems.add('bad-json', `the file is not valid JSON at line ${String(at.line)}, column ${String(at.column)}: ${syntax.message}`, { row: at.line });
        return [];
      }
      problems.add('bad-json', `the file is not valid JSON: ${message}`, {
        ...(position?.[1] === undefined ? {} : { row: lineOfPosition(text, Number(position[1])) }),
      });
      return [];
    }
  }
  // JSON.parse keeps the last of a field given twice ({"close": 1, "close": 2}): one of the two
  // values would be dropped without a word.
  const duplicate = findDuplicateProperty(text);
  if (duplicate !== null) {
    const { line, column } = textPosition(text, duplicate.offset);
    problems.add('duplicate-column', `line ${line}, column ${column}: ${duplicate.message}`, {});
  }
  // JSON.parse reads a literal beyond the range of doubles (1e400) as ±Infinity; the file's own
  // text is found, once, only when a message needs it.
  let literals: Map<string, string> | undefined;
  const literalAt = (path: JsonPath): string | undefined => (literals ??= numberLiteralsBeyondRange(text)).get(jsonPathKey(path));
  const builders: SeriesBuilder[] = [];
  const readers: JsonBarReader[] = [];
  const bySymbol = new Map<string, SeriesBuilder>();
  const builderOf = (symbol: string, capacity: number, row?: number): SeriesBuilder => {
    let builder = bySymbol.get(symbol);
    if (builder === undefined) {
      const problem = symbolProblem(symbol);
      if (problem !== null) problems.add('bad-symbol', `the symbol ${quoteValue(symbol)} ${problem}`, { row, field: 'symbol', value: symbol });
      builder = new SeriesBuilder(symbol, capacity, unordered);
      bySymbol.set(symbol, builder);
      builders.push(builder);
    }
    return builder;
  };
  if (Array.isArray(value)) {
    const reader = new JsonBarReader(problems, defaultSymbol, false, dates, literalAt);
    readers.push(reader);
    const withSymbols = value.some((bar) => isRecord(bar) && Object.keys(bar).some((key) => key.toLowerCase() === 'symbol'));
    reader.read(value, (bar, index) => {
      if (!withSymbols) return builderOf(defaultSymbol, value.length);
      const symbol = bar.symbol;
      if (typeof symbol === 'string' && symbol.trim() !== '') return builderOf(symbol.trim(), 256, index + 1);
      problems.add('missing-value', 'the bar has no "symbol" although other bars have one', {
        row: index + 1,
        field: 'symbol',
      });
      return undefined;
    });
  } else if (isRecord(value)) {
    for (const [symbol, bars] of Object.entries(value)) {
      if (!Array.isArray(bars)) {
        problems.add('bad-json', `${quoteValue(symbol)} should hold an array of bars, not ${quoteValue(describe(bars, [symbol], literalAt), 40)}`, { field: symbol });
        continue;
      }
      // A bar under one symbol naming another: which one it is of cannot be told, and the key won unsaid.
      bars.forEach((bar: unknown, index) => {
        if (!isRecord(bar)) return;
        const key = Object.keys(bar).find((name) => name.toLowerCase() === 'symbol');
        const own = key === undefined ? undefined : bar[key];
        // Symbols are matched without regard to case elsewhere (a config's "spy" finds "SPY").
        if (typeof own === 'string' && own.trim() !== '' && own.trim().toUpperCase() !== symbol.toUpperCase()) {
          problems.add('bad-symbol', `the bar says ${quoteValue(key ?? 'symbol')}: ${quoteValue(own)} but is under ${quoteValue(symbol)}; remove its symbol, or move it under ${quoteValue(own.trim())}`, { row: index + 1, field: `${symbol}[${String(index)}].${key ?? 'symbol'}`, value: own });
        }
      });
      const builder = builderOf(symbol, bars.length);
      const reader = new JsonBarReader(problems, symbol, true, dates, literalAt);
      readers.push(reader);
      reader.read(bars, () => builder);
    }
  } else {
    problems.add('bad-json', 'the JSON must be an array of bars or an object mapping each symbol to an array of bars');
  }
  if (readers.some((reader) => reader.joined)) notes.push('dates of "date" joined with the times of day of "time" (read as UTC, as a date-time without an offset is)');
  return builders;
}
