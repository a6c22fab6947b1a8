/**
 * Most characters of a user value (a cell, a key, a flag's text, a strategy id) an error, summary
 * or log line repeats: 80. A longer value is cut and shown with an ellipsis and its full length.
 */
export const MAX_ECHO_LENGTH = 80;

/**
 * Most characters of one line of an error message (a problem, an issue, a path): 500. A safety
 * net under {@link MAX_ECHO_LENGTH}: a line that still grows longer is cut like an echoed value.
 */
export const MAX_LINE_LENGTH = 500;

/** Most problems or issues one error lists (20); the rest are counted as "… and N more". */
export const MAX_LISTED_PROBLEMS = 20;

/** Most lines one error message keeps (60: the listed problems, a header and room to spare). */
export const MAX_MESSAGE_LINES = 60;

const NAMED_ESCAPES: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 13: '\\r' };

/**
 * True for a character a terminal would act on instead of showing: C0 controls (NUL, BEL, ESC,
 * newline, …), DEL, C1 controls (U+0080–U+009F, including the 8-bit CSI), the line and paragraph
 * separators, and the bidirectional overrides and isolates that reorder what is shown.
 */
function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** True when `text` holds a character {@link echoValue} would escape (ESC, NUL, a newline, U+202E, …). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** The escape of a control character: `\n`, `\t`, `\r`, `\x1b` below U+0100, `\u202e` above. */
function escapeOf(code: number): string {
  const named = NAMED_ESCAPES[code];
  if (named !== undefined) return named;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `1048576` → `1,048,576`, without `Intl` (the same in every runtime and locale). */
function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

interface Clipped {
  /** The escaped text, cut to fit. */
  readonly text: string;
  /** True when the value was cut: an ellipsis and the full length follow. */
  readonly cut: boolean;
}

/**
 * Escapes `value` and cuts it so that the escaped text plus an ellipsis fits in `maxLength`
 * characters. Reads at most `maxLength` characters of `value`, whatever its length.
 */
function clip(value: string, maxLength: number): Clipped {
  const limit = Math.max(1, Math.floor(maxLength));
  let text = '';
  for (let i = 0; i < value.length; ) {
    const code = value.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const piece = isControl(code) ? escapeOf(code) : value.slice(i, i + width);
    const rest = value.length - i - width;
    // The last piece may use the whole limit; any earlier one must leave room for the ellipsis.
    if (text.length + piece.length > (rest === 0 ? limit : limit - 1)) return { text, cut: true };
    text += piece;
    i += width;
  }
  return { text, cut: false };
}

function lengthNote(value: string): string {
  return ` (${groupDigits(value.length)} chars)`;
}

/**
 * Clips `value` so that the text, its ellipsis and its length note together fit in `maxLength`
 * characters (so clipping a clipped value changes nothing).
 */
function clipWithNote(value: string, maxLength: number): { readonly text: string; readonly note: string } {
  const whole = clip(value, maxLength);
  if (!whole.cut) return { text: whole.text, note: '' };
  const note = lengthNote(value);
  return { text: `${clip(value, maxLength - note.length).text}…`, note };
}

/**
 * `value` made safe to print: control characters escaped (`\x1b`, `\x00`, `\n`, `\u202e`) and,
 * past `maxLength` characters (default {@link MAX_ECHO_LENGTH}), cut with an ellipsis and its
 * full length: `abc… (1,048,576 chars)`, all within `maxLength`. Reads only the first
 * `maxLength` characters of `value`, however long it is.
 */
export function echoValue(value: string, maxLength: number = MAX_ECHO_LENGTH): string {
  const { text, note } = clipWithNote(value, maxLength);
  return text + note;
}

/**
 * {@link echoValue} in double quotes, the length outside them: `"abc…" (1,048,576 chars)`. The way
 * every error and summary repeats a value it was given.
 */
export function quoteValue(value: string, maxLength: number = MAX_ECHO_LENGTH): string {
  const { text, note } = clipWithNote(value, maxLength);
  return `"${text}"${note}`;
}

/**
 * Values as a comma-separated list, each through {@link echoValue} (or {@link quoteValue} with
 * `quoted`, each clipped to `maxLength`, default {@link MAX_ECHO_LENGTH}), at most `maxItems`
 * (default {@link MAX_LISTED_PROBLEMS}) of them: `A, B, … and 3 more`.
 */
export function listValues(values: readonly string[], options: { readonly maxItems?: number; readonly quoted?: boolean; readonly maxLength?: number } = {}): string {
  const maxItems = options.maxItems ?? MAX_LISTED_PROBLEMS;
  const shown = values.slice(0, maxItems).map((value) => (options.quoted === true ? quoteValue(value, options.maxLength) : echoValue(value, options.maxLength)));
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(', ')}, … and ${groupDigits(more)} more` : shown.join(', ');
}

/**
 * The first `maxLines` (default {@link MAX_LISTED_PROBLEMS}) of `items` formatted as lines by
 * `format` (only those are formatted), and a last line `… and N more` (after `prefix`, default
 * `  - `) counting the rest.
 */
export function limitLines<TItem>(
  items: readonly TItem[],
  format: (item: TItem) => string,
  options: { readonly maxLines?: number; readonly prefix?: string } = {},
): string[] {
  const maxLines = options.maxLines ?? MAX_LISTED_PROBLEMS;
  const lines = items.slice(0, maxLines).map(format);
  if (items.length > maxLines) lines.push(`${options.prefix ?? '  - '}… and ${groupDigits(items.length - maxLines)} more`);
  return lines;
}

/**
 * A whole message made safe to print: control characters other than newlines escaped, each line
 * cut at {@link MAX_LINE_LENGTH} characters and at most {@link MAX_MESSAGE_LINES} lines kept (a
 * last line counts the rest). Idempotent: an already safe text comes back unchanged. Every
 * `EnsembleError` message goes through it.
 */
export function safeMessage(message: string): string {
  const lines = message.split('\n');
  const kept = lines.length > MAX_MESSAGE_LINES ? lines.slice(0, MAX_MESSAGE_LINES - 1) : lines;
  const safe = kept.map((line) => echoValue(line, MAX_LINE_LENGTH));
  if (kept.length < lines.length) safe.push(`… (${groupDigits(lines.length - kept.length)} more lines)`);
  return safe.join('\n');
}
