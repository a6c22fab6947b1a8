import { z } from 'zod';
import { quoteValue } from './echo';

/**
 * How a data file writes the fraction of its numbers. `auto` (the default) decides each file's one
 * mark from its values: a file separated by commas writes decimal points; one separated by
 * semicolons or tabs a decimal comma or a decimal point, whichever a value that cannot be a
 * thousands separator shows (`1,5`, `0.500`), and is refused when none does (`12.600` could be
 * 12.6 or 12600). `point` and `comma` name the mark: every number is read with it, and one written
 * with the other mark, or with a thousands separator, is refused (naming it). A file separated by
 * commas writes a decimal comma only inside quotes (`"1,5"`).
 */
export const DECIMAL_MARKS = ['auto', 'point', 'comma'] as const;

/** One of {@link DECIMAL_MARKS}. */
export type DecimalMarkSetting = (typeof DECIMAL_MARKS)[number];

/** True when `value` is one of {@link DECIMAL_MARKS}, spelled exactly. */
export function isDecimalMarkSetting(value: unknown): value is DecimalMarkSetting {
  return typeof value === 'string' && (DECIMAL_MARKS as readonly string[]).includes(value);
}

/** What each of {@link DECIMAL_MARKS} means, for help texts and schema descriptions. */
export const DECIMAL_MARK_HELP = 'how the numbers of the data file write their fractions: "point" (1234.56), "comma" (1234,56) or "auto" (decided from the file\'s values; the default)';

/**
 * Why `value` is no decimal mark setting, and what to write instead: the marks themselves (`.`,
 * `,`), their names (`dot`, `period`, `decimal comma`) and case variants name the setting meant.
 */
export function decimalMarkProblem(value: unknown): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase().replace(/^decimal[-_ ]?/, '') : '';
  const unknown = `unknown decimal mark ${quoteValue(typeof value === 'string' ? value : String(value))}`;
  if (['.', 'dot', 'period', 'point', 'full stop'].includes(text)) return `${unknown}: write "point" (a decimal point, as in 1234.56)`;
  if ([',', 'comma'].includes(text)) return `${unknown}: write "comma" (a decimal comma, as in 1234,56)`;
  if (text === 'auto') return `${unknown}: write "auto"`;
  return `${unknown}; use "point" (1234.56), "comma" (1234,56) or "auto" (decided from the file's values)`;
}

/**
 * A decimal mark setting as configs and options take it: one of {@link DECIMAL_MARKS}; anything
 * else is refused with {@link decimalMarkProblem}'s message (its JSON Schema is the enum).
 */
export const DecimalMarkSchema = z
  .string()
  .superRefine((value, context) => {
    if (!isDecimalMarkSetting(value)) context.addIssue({ code: 'custom', message: decimalMarkProblem(value), input: value });
  })
  .pipe(z.enum(DECIMAL_MARKS))
  .meta({ enum: [...DECIMAL_MARKS] });
