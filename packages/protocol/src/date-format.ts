import { z } from 'zod';
import { quoteValue } from './echo';
import { closestMatch } from './suggest';

/**
 * How a data file writes its dates: `auto` (the default: every form the loaders detect, a day and
 * a month as two numbers before the year refused as ambiguous, two-digit years refused), or the
 * order of year, month and day with the separator the file uses. In a pattern, `YYYY` is four
 * digits, `YY` exactly two (read with {@link TWO_DIGIT_YEARS}' pivot) and `MM`, `DD` one or two; a
 * time of day after the date (`T` or a space, then `HH:MM[:SS[.fff]]` and an optional zone) is
 * read when present, as in ISO date-times. Two-digit years come only after the day and the month.
 */
export const DATE_FORMATS = [
  'auto',
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
  'DD/MM/YYYY',
  'DD.MM.YYYY',
  'DD-MM-YYYY',
  'MM/DD/YYYY',
  'MM.DD.YYYY',
  'MM-DD-YYYY',
  'DD/MM/YY',
  'DD.MM.YY',
  'DD-MM-YY',
  'MM/DD/YY',
  'MM.DD.YY',
  'MM-DD-YY',
] as const;

/**
 * How a pattern's two-digit year (`YY`) is read, POSIX strptime's `%y` pivot: 69–99 are
 * 1969–1999, 00–68 are 2000–2068. The sentence help texts, schema descriptions and messages use.
 */
export const TWO_DIGIT_YEARS = "YY has two digits: 69–99 are 1969–1999, 00–68 are 2000–2068, as POSIX strptime's %y";

/** The year a two-digit `YY` (0–99) stands for: {@link TWO_DIGIT_YEARS}. */
export function fullYear(twoDigits: number): number {
  return twoDigits >= 69 ? 1900 + twoDigits : 2000 + twoDigits;
}

/** One of {@link DATE_FORMATS}. */
export type DateFormat = (typeof DATE_FORMATS)[number];

/** True when `value` is one of {@link DATE_FORMATS}, spelled exactly. */
export function isDateFormat(value: unknown): value is DateFormat {
  return typeof value === 'string' && (DATE_FORMATS as readonly string[]).includes(value);
}

const DAY_FIRST = 'DD/MM/YYYY (or DD.MM.YYYY, DD-MM-YYYY: the separator the file uses)';
const MONTH_FIRST = 'MM/DD/YYYY (or MM.DD.YYYY, MM-DD-YYYY: the separator the file uses)';

/** strftime directives (backtrader's `dtformat`, pandas' `format`) as the pattern letters they stand for. */
const STRFTIME: Readonly<Record<string, string>> = { '%d': 'DD', '%m': 'MM', '%Y': 'YYYY', '%y': 'YY', '%H': 'HH', '%M': 'MI', '%S': 'SS' };

/** `text` as pattern letters: strftime directives replaced, upper case, `D`/`M` widened to `DD`/`MM`. */
function asPattern(text: string): string {
  const letters = text.replace(/%[dmYyHMS]/g, (directive) => STRFTIME[directive] ?? directive).toUpperCase();
  return letters
    .split(/([-/. T:])/)
    .map((part) => (part === 'D' ? 'DD' : part === 'M' ? 'MM' : part))
    .join('');
}

/**
 * Why `value` is no date format, and what to write instead: a known format spelled another way
 * (`dd/mm/yyyy`, `%d/%m/%Y`, `d/m/yyyy`) names its spelling here, a time of day in the format
 * is said to need none, `day-first`/`month-first` name the patterns, two-digit years are said to
 * be unread; anything else lists the formats.
 */
export function dateFormatProblem(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const quoted = quoteValue(typeof value === 'string' ? value : String(value));
  const unknown = `unknown date format ${quoted}`;
  if (/^day[-_ ]?first$/i.test(text) || /^dayfirst\s*=\s*true$/i.test(text)) return `${unknown}: day first is ${DAY_FIRST}`;
  if (/^month[-_ ]?first$/i.test(text)) return `${unknown}: month first is ${MONTH_FIRST}`;
  if (/^iso(?:[-_ ]?8601)?$/i.test(text)) return `${unknown}: write YYYY-MM-DD (a time of day after the date is read when present)`;
  const pattern = asPattern(text);
  const date = pattern.split(/[T ]/)[0] ?? '';
  const spelled = isDateFormat(date) ? date : undefined;
  if (spelled !== undefined && date !== pattern) {
    return `${unknown}: a format names the date only (a time of day after it, HH:MM[:SS], is read when present); write ${spelled}`;
  }
  if (spelled !== undefined) {
    const year = spelled.endsWith('YY') && !spelled.endsWith('YYYY') ? TWO_DIGIT_YEARS : 'YYYY has four';
    return `${unknown}: write ${spelled} (${/[a-z]/.test(text.replace(/%[A-Za-z]/g, '')) ? 'upper case; ' : ''}in the file DD and MM may have one or two digits, ${year})`;
  }
  if (/^YY[-/.]/.test(date)) return `${unknown}: a two-digit year is read only after the day and the month (DD/MM/YY, MM/DD/YY, with -, / or .); a year first needs four digits (YYYY-MM-DD)`;
  const match = closestMatch(text, DATE_FORMATS.slice(1));
  return `${unknown}; use one of ${DATE_FORMATS.join(', ')}${match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`}`;
}

/**
 * A date format as configs and options take it: one of {@link DATE_FORMATS}; anything else is
 * refused with {@link dateFormatProblem}'s message (its JSON Schema is the enum).
 */
export const DateFormatSchema = z
  .string()
  .superRefine((value, context) => {
    if (!isDateFormat(value)) context.addIssue({ code: 'custom', message: dateFormatProblem(value), input: value });
  })
  .pipe(z.enum(DATE_FORMATS))
  .meta({ enum: [...DATE_FORMATS] });
