import { DECIMAL_PATTERN, MAX_PRICE, MAX_VOLUME, MIN_PRICE, parseDecimal, quoteValue } from '@ensemble/protocol';
import type { DataRule } from '@ensemble/protocol';
import { decodeRange } from './bytes';

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** Words and marks data exports write where a value is missing (Yahoo Finance's `null`, FRED's `.`, spreadsheets' `#N/A`). */
const PLACEHOLDER = /^(null|none|nil|n\/a|na|#n\/a|-|\.)$/i;

/** Parses a decimal number in text (`[+-]digits[.digits][e±digits]`) exactly as `Number()`, or NaN. */
export function parseNumberText(text: string): number {
  return parseDecimal(text.trim());
}

/**
 * Reads plain decimals (`[+-]digits[.digits]`) from UTF-8 bytes without allocating, exactly as
 * `Number()` would: an integer mantissa of at most 15 significant digits divided by a power of ten
 * is correctly rounded. One scanner serves any number of reads; `value` holds the last one.
 */
export class DecimalScanner {
  /** The value of the last successful {@link DecimalScanner.scan}. */
  value = 0;

  /**
   * Reads the decimal starting at `bytes[start]`, up to `end` or the first byte that cannot
   * continue it. Returns the position after it, or -1 when there is no exact fast reading: no
   * digit, more than 15 significant or 22 fraction digits (the caller takes a slower exact path).
   */
  scan(bytes: Uint8Array, start: number, end: number): number {
    let p = start;
    let c = bytes[p] ?? 0;
    const negative = c === 45;
    if (negative || c === 43) p++;
    let mantissa = 0;
    let significant = 0;
    let fraction = 0;
    let seenDot = false;
    let anyDigit = false;
    for (; p < end; p++) {
      c = bytes[p] ?? 0;
      const digit = c - 48;
      if (digit >= 0 && digit <= 9) {
        mantissa = mantissa * 10 + digit;
        if (mantissa !== 0) significant++;
        if (seenDot) fraction++;
        anyDigit = true;
      } else if (c === 46 && !seenDot) {
        seenDot = true;
      } else {
        break;
      }
    }
    if (!anyDigit || significant > 15 || fraction > 22) return -1;
    const value = fraction === 0 ? mantissa : mantissa / (POW10[fraction] ?? 1);
    this.value = negative ? -value : value;
    return p;
  }
}

const decimals = new DecimalScanner();

/**
 * Parses the decimal number in the UTF-8 `bytes[start, end)` without allocating (see
 * {@link DecimalScanner}); exponents and longer mantissas take a slower exact path. Returns NaN
 * for anything that is not a plain decimal number (empty, `NaN`, `Infinity`, `0x1F`).
 */
export function parseNumberAt(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end) return Number.NaN;
  if (decimals.scan(bytes, start, end) === end) return decimals.value;
  return parseDecimal(decodeRange(bytes, start, end));
}

/** Which rule a raw value that did not parse as a finite number breaks. */
export function classifyBadNumber(raw: string): DataRule {
  const trimmed = raw.trim();
  if (trimmed === '') return 'missing-value';
  if (NON_FINITE.test(trimmed)) return 'non-finite';
  if (DECIMAL_PATTERN.test(trimmed)) return 'non-finite';
  return 'non-numeric';
}

/** Whether `raw` is a placeholder for a missing value (`null`, `N/A`, `-`, …) rather than a number. */
export function isPlaceholder(raw: string): boolean {
  return PLACEHOLDER.test(raw.trim());
}

/** A sentence for a raw value that is not a usable number, by rule (the value echoed safely). */
export function describeBadNumber(rule: DataRule, raw: string, column: string, decimalCommas = false): string {
  if (rule === 'missing-value') return `${column} is empty; every row needs a ${column} value`;
  if (rule === 'non-finite') return `${column} is ${quoteValue(raw)}, which is not a finite number`;
  if (PLACEHOLDER.test(raw.trim())) {
    return `${column} is ${quoteValue(raw)}, a placeholder for a missing value (Yahoo Finance writes a row of "null" for a day without prices): remove the row or fill in the value`;
  }
  const hint = formattedNumberHint(raw.trim(), decimalCommas);
  if (hint !== null) return `${column} is ${quoteValue(raw)}, which is not a plain number: ${hint}`;
  return `${column} is ${quoteValue(raw)}, which is not a number (use a plain decimal such as 101.25)`;
}

/** Digits grouped in threes by commas, with an optional decimal point: `1,234.5`, `12,345,678`. */
const THOUSANDS_COMMAS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
/** Digits grouped in threes by dots or spaces, with a decimal comma: `1.234,5`, `1 234,5`. */
const THOUSANDS_DOTS = /^[+-]?\d{1,3}([. \u00a0\u202f]\d{3})+(,\d*)?$/;
/** A decimal comma alone: `1234,5`, `0,25`. */
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
/** A number with a magnitude suffix, as investing.com writes volumes: `1.5K`, `58.41M`, `2B`. */
const MAGNITUDE_SUFFIX = /^[+-]?(\d+(\.\d*)?|\.\d+)\s?([kmbt])$/i;
/** A number with a currency sign before or after it: `$184.25`, `184.25 €`. */
const CURRENCY = /^[+-]?[$€£¥]\s?[+-]?[\d.,]+$|^[+-]?[\d.,]+\s?[$€£¥]$/;
/** A percentage: `-0.75%`. */
const PERCENT = /^[+-]?[\d.,]+\s?%$/;
const MAGNITUDES: Readonly<Record<string, string>> = { k: '1,000', m: '1,000,000', b: '1,000,000,000', t: '1,000,000,000,000' };

/** A currency sign before or after a number, as a price may have it (`$1.5`, `1,5 €`). */
export const CURRENCY_SIGN = /^[$€£¥]\s?|\s?[$€£¥]$/;

/**
 * What a spreadsheet or a web page's export did to a number, and how to write it, or null when
 * the text looks like none of them: thousands separators (`1,234.5`), a decimal comma (`1234,5`,
 * `1.234,5`), a magnitude suffix (`58.41M`), a currency sign (`$184.25`) or a percent sign. A
 * comma between digits is never read as either separator: `1,234` is 1234 in one locale and
 * 1.234 in another. A currency sign a price may have is looked past (`$1,234.50` has thousands
 * separators). In a file whose numbers may have a decimal comma (`decimalCommas`: one separated by
 * semicolons or tabs), dots or spaces between groups of digits are thousands separators to drop,
 * the decimal comma kept.
 */
function formattedNumberHint(text: string, decimalCommas: boolean): string | null {
  const bare = text.replace(CURRENCY_SIGN, '');
  if (THOUSANDS_COMMAS.test(bare)) {
    const plain = bare.replaceAll(',', '');
    // `1,234` alone could be a decimal comma too.
    const also = /^[+-]?\d{1,3},\d{3}$/.test(bare) ? ` (or ${bare.replace(',', '.')}, if the comma is a decimal comma)` : '';
    return `it has thousands separators; write ${plain}${also}, without them (save the file with the number format "General", not with separators)`;
  }
  if (decimalCommas && THOUSANDS_DOTS.test(bare)) {
    return `it has thousands separators; write ${bare.replace(/[. \u00a0\u202f]/g, '')}, without them (save the file with the number format "General", not with separators)`;
  }
  if (THOUSANDS_DOTS.test(bare) || DECIMAL_COMMA.test(bare)) {
    const plain = bare.replace(/[. \u00a0\u202f]/g, '').replace(',', '.');
    // A decimal comma alone (quoted, in a file separated by commas) is read as it is by a load that says so.
    const asIs = DECIMAL_COMMA.test(bare) ? '; or, to read the file as it is, pass --decimal comma (data.decimal in a config, decimal in code)' : '';
    return `it is written with a decimal comma; write ${plain}, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas)${asIs}`;
  }
  const suffix = MAGNITUDE_SUFFIX.exec(text);
  if (suffix !== null) {
    const unit = MAGNITUDES[(suffix[3] ?? '').toLowerCase()] ?? '';
    return `it is abbreviated with "${suffix[3] ?? ''}" (× ${unit}), which loses digits; write the whole number (download the data with full values)`;
  }
  if (CURRENCY.test(text)) return `it has a currency sign; write ${text.replace(/[$€£¥\s]/g, '')}, the number alone`;
  if (PERCENT.test(text)) return 'it is a percentage (a change, not a price or a volume); remove the column, or give the column its own name';
  return null;
}

/**
 * The rule a parsed price or volume breaks, or null when it is usable: a price is at least
 * `MIN_PRICE` (1e-12) and at most `MAX_PRICE` (1e12); a volume is ≥ 0 and at most `MAX_VOLUME`
 * (1e18). A decimal beyond the range of doubles (±Infinity) is too large or not positive like any
 * other; NaN (no number) is `non-finite` here, and its text tells the caller more
 * (`classifyBadNumber`).
 */
export function valueRule(value: number, kind: 'price' | 'volume'): DataRule | null {
  if (kind === 'price' ? value >= MIN_PRICE && value <= MAX_PRICE : value >= 0 && value <= MAX_VOLUME) return null;
  if (Number.isNaN(value)) return 'non-finite';
  if (kind === 'price') return value > MAX_PRICE ? 'too-large' : value > 0 ? 'too-small' : 'non-positive-price';
  return value > MAX_VOLUME ? 'too-large' : 'negative-volume';
}

/**
 * The rule a price's written text breaks, from the rule its parsed value breaks: a positive number
 * too small for a double (`1e-400`, `1,5e-400` with a decimal comma) reads as 0, and is too small
 * rather than not positive.
 */
export function writtenRule(rule: DataRule, raw: string): DataRule {
  return rule === 'non-positive-price' && /^\+?\d*[.,]?\d*[1-9]\d*[.,]?\d*e-\d+$/i.test(raw.trim()) ? 'too-small' : rule;
}

/** A sentence for a parsed price or volume (not NaN) that breaks `rule` (from {@link valueRule}). */
export function describeBadValue(rule: DataRule, raw: string, column: string, kind: 'price' | 'volume'): string {
  if (writtenRule(rule, raw) === 'too-small') return `${column} is ${quoteValue(raw)}; prices are at least 1e-12 per unit (a smaller one is a data error: a move from it to 1 would be a return above 1e14 %)`;
  if (rule === 'too-large') {
    return kind === 'price'
      ? `${column} is ${quoteValue(raw)}; prices are at most 1e12 per unit (larger ones overflow position values)`
      : `${column} is ${quoteValue(raw)}; volumes are at most 1e18 a bar`;
  }
  return kind === 'price'
    ? `${column} is ${quoteValue(raw)}; prices must be greater than 0`
    : `${column} is ${quoteValue(raw)}; volume must not be negative`;
}
