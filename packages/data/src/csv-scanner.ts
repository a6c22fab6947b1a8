import { bytesEqual, decodeRange } from './bytes';

/** Byte values the CSV parsers look for. */
export const COMMA = 44;
export const SEMICOLON = 59;
export const NEWLINE = 10;
export const RETURN = 13;
export const QUOTE = 34;
export const SPACE = 32;
export const TAB = 9;

/** Rows between two progress reports of a {@link CsvScanner}. */
export const PROGRESS_ROWS = 65_536;

/**
 * Walks UTF-8 CSV bytes row by row without allocating: each field is a `[start, end)` byte range
 * (quotes removed, blanks around the value trimmed, inside quotes too), so numbers and dates parse
 * in place. Blank lines, and lines of separators alone,
 * are skipped; `line` is the 1-based line where the current row starts. Fields may be quoted
 * (`"a,b"`, `""` for a quote, line breaks inside quotes); `\n` and `\r\n` both end a row.
 */
export class CsvScanner {
  readonly bytes: Uint8Array;
  /** Line of the current row (1-based). */
  line = 0;
  /** Fields in the current row. */
  count = 0;
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  /** Per field: 0 plain, 1 quoted, 2 quoted with `""` escapes to undo. */
  quoted = new Uint8Array(32);
  /** The field of the current row whose opening quote is never closed (it runs to the end of the input), or −1. */
  unclosed = -1;
  /** Byte offset where the next row starts. */
  position = 0;
  /** Line number at `position`. */
  nextLine = 1;
  /** The byte between fields: a comma, or a semicolon or a tab (see {@link detectSeparator}). */
  readonly separator: number;
  private readonly onProgress: ((bytesDone: number, bytesTotal: number) => void) | undefined;
  private rowsToProgress = PROGRESS_ROWS;

  /** `onProgress` is called with (bytes scanned, total bytes) every {@link PROGRESS_ROWS} rows. */
  constructor(bytes: Uint8Array, start = 0, onProgress?: (bytesDone: number, bytesTotal: number) => void, separator = COMMA) {
    this.bytes = bytes;
    this.position = start;
    this.onProgress = onProgress;
    this.separator = separator;
  }

  /**
   * Counts a row about to be read (by {@link CsvScanner.nextRow} or a parser's fast path that
   * moves `position` itself) and reports the progress every {@link PROGRESS_ROWS} rows.
   */
  countRow(): void {
    if (this.onProgress !== undefined && --this.rowsToProgress === 0) {
      this.rowsToProgress = PROGRESS_ROWS;
      this.onProgress(this.position, this.bytes.length);
    }
  }

  /** Moves to the next non-blank row; false at the end of the input. */
  nextRow(): boolean {
    this.countRow();
    const bytes = this.bytes;
    const length = bytes.length;
    let p = this.position;
    const separator = this.separator;
    for (;;) {
      let q = p;
      let c = 0;
      // A line of blanks and separators alone (`;;;;;`, what a spreadsheet leaves of cleared cells) is blank too.
      while (q < length && ((c = bytes[q] ?? 0) === SPACE || c === TAB || c === RETURN || c === separator)) q++;
      if (q >= length) {
        this.position = length;
        return false;
      }
      if (c !== NEWLINE) break;
      p = q + 1;
      this.nextLine++;
    }
    this.line = this.nextLine;
    this.unclosed = -1;
    let count = 0;
    // Blanks before a value: a tab too, unless tabs separate the fields (then it ends an empty one).
    const tabBlank = separator !== TAB;
    for (;;) {
      let c = 0;
      while (p < length && ((c = bytes[p] ?? 0) === SPACE || (c === TAB && tabBlank))) p++;
      if (count === this.starts.length) this.grow();
      if (p < length && c === QUOTE) {
        let q = p + 1;
        let kind = 1;
        while (q < length) {
          c = bytes[q] ?? 0;
          if (c === QUOTE) {
            if (bytes[q + 1] !== QUOTE) break;
            kind = 2;
            q += 2;
            continue;
          }
          if (c === NEWLINE) this.nextLine++;
          q++;
        }
        if (q >= length) this.unclosed = count;
        let start = p + 1;
        let end = q;
        while (start < end && ((c = bytes[start] ?? 0) === SPACE || c === TAB || c === RETURN)) start++;
        while (end > start && ((c = bytes[end - 1] ?? 0) === SPACE || c === TAB || c === RETURN)) end--;
        this.starts[count] = start;
        this.ends[count] = end;
        this.quoted[count] = kind;
        p = q + 1;
        while (p < length && (c = bytes[p] ?? 0) !== separator && c !== NEWLINE) p++;
      } else {
        const start = p;
        while (p < length && (c = bytes[p] ?? 0) !== separator && c !== NEWLINE) p++;
        let end = p;
        while (end > start && ((c = bytes[end - 1] ?? 0) === SPACE || c === TAB || c === RETURN)) end--;
        this.starts[count] = start;
        this.ends[count] = end;
        this.quoted[count] = 0;
      }
      count++;
      if (p >= length) {
        this.position = length;
        break;
      }
      if (bytes[p] === NEWLINE) {
        this.position = p + 1;
        this.nextLine++;
        break;
      }
      p++;
    }
    this.count = count;
    return true;
  }

  /** The text of field `index` of the current row (allocates). */
  field(index: number): string {
    if (index >= this.count) return '';
    const raw = decodeRange(this.bytes, this.starts[index] ?? 0, this.ends[index] ?? 0);
    return this.quoted[index] === 2 ? raw.replaceAll('""', '"') : raw;
  }

  /** True when field `index` of the current row holds exactly the UTF-8 bytes `value`, compared in place. */
  fieldEquals(index: number, value: Uint8Array): boolean {
    if (this.quoted[index] === 2) return this.field(index) === decodeRange(value, 0, value.length);
    return bytesEqual(this.bytes, this.starts[index] ?? 0, this.ends[index] ?? 0, value);
  }

  /** True when field `index` is empty. */
  isEmpty(index: number): boolean {
    return this.starts[index] === this.ends[index];
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const quoted = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    quoted.set(this.quoted);
    this.starts = starts;
    this.ends = ends;
    this.quoted = quoted;
  }
}

/**
 * The byte between the fields of a CSV file and where its header line starts: a first line
 * `sep=;` (Excel's line naming the separator) names it, and the header is the line after;
 * otherwise the header line (its first non-blank one) tells, outside quotes, by the separator it
 * holds most of — a comma, a semicolon (a spreadsheet's CSV in a locale that writes decimal
 * commas) or a tab, a comma on a tie (so every file read before reads as before) and for a header
 * of one field. A header `Date;Open;…;Change, %` is separated by semicolons.
 */
export function detectSeparator(bytes: Uint8Array, start = 0): { readonly separator: number; readonly headerAt: number; readonly headerLine: number; readonly named: boolean } {
  let p = start;
  const length = bytes.length;
  let line = 1;
  for (; p < length && ((bytes[p] ?? 0) === NEWLINE || bytes[p] === RETURN || bytes[p] === SPACE); p++) if (bytes[p] === NEWLINE) line++;
  const named = separatorLine(bytes, p);
  if (named !== null) return { separator: named.separator, headerAt: named.next, headerLine: line + 1, named: true };
  const counts = new Map<number, number>([
    [COMMA, 0],
    [SEMICOLON, 0],
    [TAB, 0],
  ]);
  let quoted = false;
  for (; p < length; p++) {
    const c = bytes[p] ?? 0;
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === NEWLINE) break;
    else if (counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let separator = COMMA;
  for (const [candidate, count] of counts) if (count > (counts.get(separator) ?? 0)) separator = candidate;
  return { separator, headerAt: start, headerLine: 1, named: false };
}

/** Excel's `sep=;` line at `at` (`sep=` and one character, then the line's end): the separator and where the next line starts; null for any other line. */
function separatorLine(bytes: Uint8Array, at: number): { readonly separator: number; readonly next: number } | null {
  const head = [115, 101, 112, 61]; // "sep="
  for (let k = 0; k < head.length; k++) if ((bytes[at + k] ?? 0) !== head[k] && (bytes[at + k] ?? 0) !== (head[k] ?? 0) - 32) return null;
  // Any one character: one this loader does not separate by (`sep=|`) is refused by the parser, named.
  const separator = bytes[at + 4] ?? 0;
  if (separator === NEWLINE || separator === RETURN || separator === 0) return null;
  let p = at + 5;
  while (p < bytes.length && (bytes[p] === SPACE || bytes[p] === RETURN)) p++;
  if (p < bytes.length && bytes[p] !== NEWLINE) return null;
  return { separator, next: Math.min(bytes.length, p + 1) };
}

/** Number of rows the input can hold at most (lines after the header), to size columns up front. */
export function countDataLines(bytes: Uint8Array, start = 0): number {
  let lines = 0;
  let index = bytes.indexOf(NEWLINE, start);
  while (index !== -1) {
    lines++;
    index = bytes.indexOf(NEWLINE, index + 1);
  }
  if (bytes.length > start && bytes[bytes.length - 1] !== NEWLINE) lines++;
  return Math.max(0, lines - 1);
}
