import { MAX_PRICE, MAX_VOLUME, MIN_PRICE, fullYear } from '@ensemble/protocol';
import type { OhlcvColumns } from './csv-row-reader';
import { COMMA, NEWLINE, RETURN } from './csv-scanner';
import type { CsvScanner } from './csv-scanner';
import type { SymbolTable } from './csv-symbol-table';
import type { DayMonthDates } from './day-month-order';
import type { FixedWidthDate, SinglePassDates } from './date-patterns';
import { civilToMs } from './dates';
import { DecimalScanner } from './numbers';
import type { SeriesBuilder } from './series-builder';

const ROLE_IGNORE = 0;
const ROLE_DATE = 1;
const ROLE_OPEN = 2;
const ROLE_HIGH = 3;
const ROLE_LOW = 4;
const ROLE_CLOSE = 5;
const ROLE_VOLUME = 6;
const ROLE_SYMBOL = 7;

/**
 * The single-pass path for plain OHLCV rows (unquoted fields, ten-character dates — `YYYY-MM-DD`,
 * or the two-digit day and month of the load's date format, `03/01/2000`, or its eight characters
 * with a two-digit year, `03/01/00` — plain decimal numbers, valid values, dates in order): each
 * byte is read once and the bar appended. Under `auto`, a valid row whose date is a day and a
 * month before the year (`03/01/2000`) is read too: its date is kept for the column's one problem,
 * as the general path keeps it, and no bar is appended. Anything else — quotes, other date forms,
 * exponents, blanks, a rule broken — returns false with the scanner untouched, and the row takes
 * the general path, which reports problems precisely.
 */
export class OhlcvFastPath {
  private readonly scanner: CsvScanner;
  private readonly roles: Int8Array;
  private readonly single: SeriesBuilder | undefined;
  private readonly table: SymbolTable;
  private readonly values = new Float64Array(8);
  private readonly decimals = new DecimalScanner();
  private readonly separator: number;
  private readonly separatorAt: number;
  private readonly secondSeparatorAt: number;
  private readonly yearAt: number;
  private readonly monthAt: number;
  private readonly dayAt: number;
  private readonly eight: FixedWidthDate | undefined;
  private readonly dayMonth: DayMonthDates | undefined;
  /** Where the date of the row being read starts and ends, when it is a day-month date kept under `auto`. */
  private keptStart = 0;
  private keptEnd = 0;
  /** Rows read whose day-month date was kept: they appended no bar. */
  keptRows = 0;

  constructor(scanner: CsvScanner, columns: OhlcvColumns, width: number, single: SeriesBuilder | undefined, table: SymbolTable, dates: SinglePassDates) {
    const date = dates.tenCharacters;
    this.eight = dates.eightCharacters;
    this.dayMonth = dates.dayMonth;
    this.scanner = scanner;
    this.separator = date.separator;
    this.separatorAt = date.firstSeparatorAt;
    this.secondSeparatorAt = date.secondSeparatorAt;
    this.yearAt = date.yearAt;
    this.monthAt = date.monthAt;
    this.dayAt = date.dayAt;
    this.single = single;
    this.table = table;
    const roles = new Int8Array(width).fill(ROLE_IGNORE);
    roles[columns.date] = ROLE_DATE;
    roles[columns.open] = ROLE_OPEN;
    roles[columns.high] = ROLE_HIGH;
    roles[columns.low] = ROLE_LOW;
    roles[columns.close] = ROLE_CLOSE;
    if (columns.volume !== -1) roles[columns.volume] = ROLE_VOLUME;
    if (columns.symbol !== -1) roles[columns.symbol] = ROLE_SYMBOL;
    this.roles = roles;
  }

  /** Reads and appends the row at the scanner's position; false when it needs the general path. */
  tryRow(): boolean {
    const scanner = this.scanner;
    const bytes = scanner.bytes;
    const length = bytes.length;
    const roles = this.roles;
    const values = this.values;
    const decimals = this.decimals;
    const width = roles.length;
    let p = scanner.position;
    let builder = this.single;
    values[ROLE_VOLUME] = 0;
    for (let column = 0; column < width; column++) {
      const role = roles[column] ?? ROLE_IGNORE;
      if (role === ROLE_DATE) {
        const separator = this.separator;
        if (p + 10 > length || bytes[p + this.separatorAt] !== separator || bytes[p + this.secondSeparatorAt] !== separator) {
          // Not the ten characters: the load's other form, if it has one.
          p = this.otherDateAt(bytes, p, length);
          if (p === -1) return false;
        } else {
          const y = p + this.yearAt;
          const m = p + this.monthAt;
          const d = p + this.dayAt;
          // Each digit minus '0' as an unsigned number: above 9 for any byte that is not a digit.
          const y0 = ((bytes[y] ?? 0) - 48) >>> 0;
          const y1 = ((bytes[y + 1] ?? 0) - 48) >>> 0;
          const y2 = ((bytes[y + 2] ?? 0) - 48) >>> 0;
          const y3 = ((bytes[y + 3] ?? 0) - 48) >>> 0;
          const m0 = ((bytes[m] ?? 0) - 48) >>> 0;
          const m1 = ((bytes[m + 1] ?? 0) - 48) >>> 0;
          const d0 = ((bytes[d] ?? 0) - 48) >>> 0;
          const d1 = ((bytes[d + 1] ?? 0) - 48) >>> 0;
          if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return false;
          const year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
          const month = m0 * 10 + m1;
          const day = d0 * 10 + d1;
          const time = civilToMs(year, month, day);
          if (Number.isNaN(time)) return false;
          values[ROLE_DATE] = time;
          p += 10;
        }
      } else if (role === ROLE_IGNORE || role === ROLE_SYMBOL) {
        const start = p;
        let c = 0;
        while (p < length && (c = bytes[p] ?? 0) !== COMMA && c !== NEWLINE && c !== RETURN) {
          if (c === 34) return false;
          p++;
        }
        if (role === ROLE_SYMBOL) {
          if (p === start || bytes[start] === 32 || bytes[p - 1] === 32) return false;
          builder = this.table.get(bytes, start, p, scanner.nextLine);
        }
      } else {
        p = decimals.scan(bytes, p, length);
        if (p === -1) return false;
        values[role] = decimals.value;
      }
      if (column < width - 1) {
        if (bytes[p] !== COMMA) return false;
        p++;
      } else {
        if (bytes[p] === RETURN) p++;
        if (p < length) {
          if (bytes[p] !== NEWLINE) return false;
          p++;
        }
      }
    }
    if (builder === undefined) return false;
    const time = values[ROLE_DATE] ?? 0;
    const open = values[ROLE_OPEN] ?? 0;
    const high = values[ROLE_HIGH] ?? 0;
    const low = values[ROLE_LOW] ?? 0;
    const close = values[ROLE_CLOSE] ?? 0;
    const volume = values[ROLE_VOLUME];
    if (!(low >= MIN_PRICE && high >= low && high <= MAX_PRICE && open >= low && open <= high && close >= low && close <= high && volume >= 0 && volume <= MAX_VOLUME)) {
      return false;
    }
    if (!(time > builder.lastTime)) {
      // NaN: a day-month date kept under auto; its valid row adds no bar, as on the general path.
      if (!Number.isNaN(time) || this.dayMonth === undefined) return false;
      const line = scanner.nextLine;
      this.dayMonth.keep(bytes, this.keptStart, this.keptEnd, line);
      this.keptRows++;
      scanner.position = p;
      scanner.nextLine = line + 1;
      return true;
    }
    const line = scanner.nextLine;
    builder.push(time, open, high, low, close, volume, line);
    scanner.position = p;
    scanner.nextLine = line + 1;
    return true;
  }

  /**
   * Reads a date other than the ten characters at `p`: the eight of a two-digit-year pattern, or,
   * under `auto`, a day-month date to keep (its value NaN). Where it ends, or -1 for the general path.
   */
  private otherDateAt(bytes: Uint8Array, p: number, length: number): number {
    const eight = this.eight;
    if (eight !== undefined) {
      const separator = eight.separator;
      if (p + 8 > length || bytes[p + eight.firstSeparatorAt] !== separator || bytes[p + eight.secondSeparatorAt] !== separator) return -1;
      const y = p + eight.yearAt;
      const m = p + eight.monthAt;
      const d = p + eight.dayAt;
      const y0 = ((bytes[y] ?? 0) - 48) >>> 0;
      const y1 = ((bytes[y + 1] ?? 0) - 48) >>> 0;
      const m0 = ((bytes[m] ?? 0) - 48) >>> 0;
      const m1 = ((bytes[m + 1] ?? 0) - 48) >>> 0;
      const d0 = ((bytes[d] ?? 0) - 48) >>> 0;
      const d1 = ((bytes[d + 1] ?? 0) - 48) >>> 0;
      if (y0 > 9 || y1 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return -1;
      const time = civilToMs(fullYear(y0 * 10 + y1), m0 * 10 + m1, d0 * 10 + d1);
      if (Number.isNaN(time)) return -1;
      this.values[ROLE_DATE] = time;
      return p + 8;
    }
    const dayMonth = this.dayMonth;
    if (dayMonth === undefined) return -1;
    const end = dayMonth.scan(bytes, p, length);
    if (end === -1) return -1;
    this.keptStart = p;
    this.keptEnd = end;
    this.values[ROLE_DATE] = Number.NaN;
    return end;
  }
}
