import { quoteValue } from '@ensemble/protocol';
import { parseNumberText } from './numbers';
import type { ProblemCollector } from './problems';

/**
 * How a number of a file not separated by commas writes its fraction: `,` a decimal comma
 * (`1,5`), `.` a decimal point that cannot be a thousands dot (`1.5`, `1234.5`, `1.12345`, `1.5e3`),
 * `~` one dot with three digits after one to three (`1.000`, `110.123`: 1 or 1000, 110.123 or
 * 110123), `` no fraction (`12`, `1e3`).
 */
export type DecimalMark = ',' | '.' | '~' | '';

/** A decimal comma, with an optional exponent. */
const COMMA_DECIMAL = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
/** One dot between one to three digits and three: a decimal point or a thousands dot. */
const AMBIGUOUS_DOT = /^[+-]?\d{1,3}\.\d{3}$/;
/** A decimal point, with an optional exponent. */
const POINT_DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Digits, with an optional exponent: the same with either mark. */
const WHOLE = /^[+-]?\d+(?:[eE][+-]?\d+)?$/;

/** The number `text` stands for in a file not separated by commas, and its mark; NaN and null for no number. */
export function readDecimal(text: string): { readonly value: number; readonly mark: DecimalMark | null } {
  if (WHOLE.test(text)) return { value: parseNumberText(text), mark: '' };
  if (COMMA_DECIMAL.test(text)) return { value: parseNumberText(text.replace(',', '.')), mark: ',' };
  if (AMBIGUOUS_DOT.test(text)) return { value: parseNumberText(text), mark: '~' };
  if (POINT_DECIMAL.test(text)) return { value: parseNumberText(text), mark: '.' };
  return { value: Number.NaN, mark: null };
}

/** Where a mark was first seen, and how many valid values had it. */
interface Seen {
  readonly row: number;
  readonly field: string | undefined;
  readonly text: string;
  count: number;
}

/**
 * The decimal marks of a file not separated by commas, one mark a file: the first value with an
 * unambiguous mark (`,` or `.`) decides it, and a value with the other mark is refused. A value
 * with one dot and three digits after it (`1.000`) is a decimal under a decimal point, a thousands
 * dot under a decimal comma, and, in a file where nothing says which, cannot be read at all. Values
 * are taken as they come, and what is wrong is said once, at the end ({@link DecimalMarks.finish}),
 * with the counts: a stray value among 300 is named, not the 299 others.
 */
export class DecimalMarks {
  private comma: Seen | null = null;
  private point: Seen | null = null;
  private ambiguous: Seen | null = null;
  /** The mark of the first value with an unambiguous one. */
  private decided: ',' | '.' | null = null;

  /**
   * Records a valid value's mark; false when the file's mark refuses it (the value is then not to
   * be used; {@link DecimalMarks.finish} says why).
   */
  accept(mark: DecimalMark, where: { readonly row: number; readonly field: string | undefined; readonly value: string }): boolean {
    if (mark === '') return true;
    const seen = (previous: Seen | null): Seen => {
      if (previous !== null) {
        previous.count++;
        return previous;
      }
      return { row: where.row, field: where.field, text: where.value, count: 1 };
    };
    if (mark === ',') this.comma = seen(this.comma);
    else if (mark === '.') this.point = seen(this.point);
    else this.ambiguous = seen(this.ambiguous);
    if (mark !== '~') this.decided ??= mark;
    return this.decided === null ? true : this.decided === ',' ? mark === ',' : mark !== ',';
  }

  /**
   * At the end of the file: one problem when its marks disagree, or when its only fractions are
   * ambiguous; otherwise a note (in `notes`) when it wrote decimal commas.
   */
  finish(problems: ProblemCollector, notes: string[], file: 'semicolons' | 'tabs'): void {
    const { comma, point, ambiguous } = this;
    const at = (seen: Seen): string => `${String(seen.count)} ${seen.count === 1 ? 'value' : 'values'}, the first on line ${String(seen.row)}: ${quoteValue(seen.text)}`;
    const place = (seen: Seen) => ({ row: seen.row, field: seen.field, value: seen.text });
    const more = (seen: Seen): string => (seen.count > 1 ? `, and ${String(seen.count - 1)} more like it` : '');
    if (comma !== null && point !== null) {
      const stray = point.count <= comma.count ? point : comma;
      problems.add(
        'non-numeric',
        `the file writes fractions both ways: with a decimal comma (${at(comma)}) and with a decimal point (${at(point)}); with both, "1.234" could be 1.234 or 1234. Write them all one way: ${stray === point ? 'with a decimal comma, as most are' : 'with a decimal point, as most are'}`,
        place(stray),
      );
      return;
    }
    if (comma !== null && ambiguous !== null) {
      problems.add(
        'non-numeric',
        `the file writes decimal commas (${at(comma)}), so the dot of ${quoteValue(ambiguous.text)} (line ${String(ambiguous.row)}${more(ambiguous)}) separates thousands: write ${ambiguous.text.replace('.', '')}, without it`,
        place(ambiguous),
      );
      return;
    }
    if (ambiguous !== null && point === null) {
      const { text } = ambiguous;
      problems.add(
        'non-numeric',
        `${quoteValue(text)} (line ${String(ambiguous.row)}${more(ambiguous)}) could be ${String(parseNumberText(text))} (a decimal point) or ${String(parseNumberText(text.replace('.', '')))} (a thousands dot): in this file separated by ${file} every number with a dot has one to three digits, the dot and three digits, and none says which — no decimal comma, no fraction of another length. Write the thousands without dots, the fractions with a decimal comma, or save the file with commas between its fields, where a dot is a decimal point`,
        place(ambiguous),
      );
      return;
    }
    if (comma !== null) notes.push(`numbers read with a decimal comma (${quoteValue(comma.text)} on line ${String(comma.row)}), as the file writes them`);
  }
}
