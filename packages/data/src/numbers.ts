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

/** A sentence for a raw value that is not a usable number, by rule (the value echoed safely). */
export function describeBadNumber(rule: DataRule, raw: string, column: string): string {
  if (rule === 'missing-value') return `${column} is empty; every row needs a ${column} value`;
  if (rule === 'non-finite') return `${column} is ${quoteValue(raw)}, which is not a finite number`;
  if (PLACEHOLDER.test(raw.trim())) {
    return `${column} is ${quoteValue(raw)}, a placeholder for a missing value (Yahoo Finance writes a row of "null" for a day without prices): remove the row or fill in the value`;
  }
  return `${column} is ${quoteValue(raw)}, which is not a number (use a plain decimal such as 101.25)`;
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

/** A sentence for a parsed price or volume (not NaN) that breaks `rule` (from {@link valueRule}). */
export function describeBadValue(rule: DataRule, raw: string, column: string, kind: 'price' | 'volume'): string {
  if (rule === 'too-small') return `${column} is ${quoteValue(raw)}; prices are at least 1e-12 per unit (a smaller one is a data error: a move from it to 1 would be a return above 1e14 %)`;
  if (rule === 'too-large') {
    return kind === 'price'
      ? `${column} is ${quoteValue(raw)}; prices are at most 1e12 per unit (larger ones overflow position values)`
      : `${column} is ${quoteValue(raw)}; volumes are at most 1e18 a bar`;
  }
  return kind === 'price'
    ? `${column} is ${quoteValue(raw)}; prices must be greater than 0`
    : `${column} is ${quoteValue(raw)}; volume must not be negative`;
}
