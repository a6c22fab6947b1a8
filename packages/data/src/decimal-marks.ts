import { quoteValue } from '@ensemble/protocol';
import { CsvScanner, TAB } from './csv-scanner';
import { CURRENCY_SIGN, parseNumberText } from './numbers';
import type { ProblemCollector } from './problems';

/** The decimal mark of a file not separated by commas: a decimal comma or a decimal point, or none when no number has a fraction. */
export type DecimalMark = ',' | '.' | null;

/**
 * How a number of such a file writes its fraction: `,` a decimal comma that cannot be a thousands
 * separator (`1,5`, `1234,56`, `0,500`), `.` likewise a decimal point (`1.5`, `0.500`, `1.5e3`),
 * `,~` and `.~` a comma or a dot between one to three digits (not a lone 0) and three (`1,000`,
 * `12.600`: a fraction, or a thousands separator), `` no fraction (`12`, `1e3`).
 */
type Kind = ',' | '.' | ',~' | '.~' | '';

const WHOLE = /^[+-]?\d+(?:[eE][+-]?\d+)?$/;
const COMMA_AMBIGUOUS = /^[+-]?[1-9]\d{0,2},\d{3}$/;
const DOT_AMBIGUOUS = /^[+-]?[1-9]\d{0,2}\.\d{3}$/;
const COMMA_DECIMAL = /^[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const POINT_DECIMAL = /^[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function kindOf(text: string): Kind | null {
  if (WHOLE.test(text)) return '';
  if (COMMA_AMBIGUOUS.test(text)) return ',~';
  if (DOT_AMBIGUOUS.test(text)) return '.~';
  if (COMMA_DECIMAL.test(text)) return ',';
  if (POINT_DECIMAL.test(text)) return '.';
  return null;
}

/**
 * The number `text` (without a currency sign) stands for in a file not separated by commas whose
 * decimal mark is `mark` (see {@link decideDecimalMark}): whole numbers either way, fractions with
 * that mark; NaN for anything else (the caller says why).
 */
export function readDecimal(text: string, mark: DecimalMark): number {
  const kind = kindOf(text);
  if (kind === '') return parseNumberText(text);
  if (mark === ',' && (kind === ',' || kind === ',~')) return parseNumberText(text.replace(',', '.'));
  if (mark !== ',' && (kind === '.' || kind === '.~')) return parseNumberText(text);
  return Number.NaN;
}

/**
 * Why `text` (without a currency sign) is no number under the decimal mark a load names (`mark`,
 * its `decimal` option): written with the other mark (`1.5` under a decimal comma), or with what
 * under this mark is a thousands separator (`1.000` under a decimal comma, `1,000` under a point);
 * null when neither (the caller says what else is wrong).
 */
export function otherMarkProblem(text: string, mark: ',' | '.'): string | null {
  const kind = kindOf(text);
  const named = mark === ',' ? 'a decimal comma (decimal: comma)' : 'a decimal point (decimal: point)';
  const other = mark === ',' ? 'point' : 'comma';
  const swapped = mark === ',' ? text.replace('.', ',') : text.replace(',', '.');
  if (kind === (mark === ',' ? '.' : ',')) {
    return `it is written with a decimal ${other}, but the load reads numbers with ${named}: write ${swapped}, or load the file with decimal: ${other}`;
  }
  if (kind === (mark === ',' ? '.~' : ',~')) {
    const separator = mark === ',' ? 'dot' : 'comma';
    return `with ${named} its ${separator} separates thousands, which are written without separators: write ${text.replace(mark === ',' ? '.' : ',', '')}, or, if it is ${swapped}, load the file with decimal: ${other}`;
  }
  return null;
}

/** Where values of one kind were first seen, and how many there are. */
interface Seen {
  readonly row: number;
  readonly field: string | undefined;
  readonly text: string;
  count: number;
}

/**
 * The decimal mark of a file not separated by commas, decided before its rows are read, from the
 * values of the columns its layout reads (`columns`, named `names`), from the row after the header
 * (`scanner` stands on it) to the end: one mark a file. A value whose mark cannot be a thousands
 * separator (`1,5`, `1.5`, `0.500`) decides it; `1,000` and `1.000` are then a fraction under their
 * own mark and a thousands separator under the other, and, when no value decides, cannot be read
 * at all. A file with both marks, a thousands separator, or only undecidable values is one problem
 * (returned `'refused'`), named at its first value with the counts, before any row is read — so no
 * row is read the wrong way first. A decimal comma is noted (in `notes`).
 */
export function decideDecimalMark(
  scanner: CsvScanner,
  columns: readonly number[],
  names: readonly string[],
  problems: ProblemCollector,
  notes: string[],
): DecimalMark | 'refused' {
  const rows = new CsvScanner(scanner.bytes, scanner.position, undefined, scanner.separator);
  rows.nextLine = scanner.nextLine;
  const seen = new Map<Kind, Seen>();
  while (rows.nextRow()) {
    for (const column of columns) {
      if (column < 0 || column >= rows.count) continue;
      const raw = rows.field(column).trim();
      const text = raw.replace(CURRENCY_SIGN, '');
      const kind = kindOf(text);
      // A value out of any range (1.5e400) decides nothing: it is refused for itself.
      if (kind === null || kind === '' || !Number.isFinite(parseNumberText(text.replace(',', '.')))) continue;
      const previous = seen.get(kind);
      if (previous === undefined) seen.set(kind, { row: rows.line, field: names[column], text: raw, count: 1 });
      else previous.count++;
    }
  }
  const file = rows.separator === TAB ? 'tabs' : 'semicolons';
  const at = (value: Seen): string => `${String(value.count)} ${value.count === 1 ? 'value' : 'values'}, the first on line ${String(value.row)}: ${quoteValue(value.text)}`;
  const more = (value: Seen): string => (value.count > 1 ? `, and ${String(value.count - 1)} more like it` : '');
  const refuse = (value: Seen, message: string): 'refused' => {
    problems.add('non-numeric', message, { row: value.row, field: value.field, value: value.text });
    return 'refused';
  };
  const comma = seen.get(',');
  const point = seen.get('.');
  const commaOrThousands = seen.get(',~');
  const pointOrThousands = seen.get('.~');
  if (comma !== undefined && point !== undefined) {
    const stray = point.count <= comma.count ? point : comma;
    return refuse(stray, `the file writes fractions both ways: with a decimal comma (${at(comma)}) and with a decimal point (${at(point)}); with both, "1.234" could be 1.234 or 1234. Write them all one way: ${stray === point ? 'with a decimal comma, as most are' : 'with a decimal point, as most are'}`);
  }
  if (comma !== undefined && pointOrThousands !== undefined) {
    return refuse(pointOrThousands, `the file writes decimal commas (${at(comma)}), so the dot of ${quoteValue(pointOrThousands.text)} (line ${String(pointOrThousands.row)}${more(pointOrThousands)}) separates thousands: write ${pointOrThousands.text.replace('.', '')}, without it`);
  }
  if (point !== undefined && commaOrThousands !== undefined) {
    return refuse(commaOrThousands, `the file writes decimal points (${at(point)}), so the comma of ${quoteValue(commaOrThousands.text)} (line ${String(commaOrThousands.row)}${more(commaOrThousands)}) separates thousands: write ${commaOrThousands.text.replace(',', '')}, without it`);
  }
  if (comma !== undefined) {
    notes.push(`numbers read with a decimal comma (${quoteValue(comma.text)} on line ${String(comma.row)}), as the file writes them`);
    return ',';
  }
  if (point !== undefined) return '.';
  const undecided = [pointOrThousands, commaOrThousands].filter((value) => value !== undefined).sort((a, b) => a.row - b.row)[0];
  if (undecided === undefined) return null;
  const text = undecided.text.replace(CURRENCY_SIGN, '');
  const mark = text.includes(',') ? ',' : '.';
  const separator = mark === ',' ? 'comma' : 'dot';
  const commasBetweenFields = mark === '.' ? '; or save the file with commas between its fields, where a dot is a decimal point' : '';
  return refuse(
    undecided,
    `${quoteValue(undecided.text)} (line ${String(undecided.row)}${more(undecided)}) could be ${String(parseNumberText(text.replace(',', '.')))} (a decimal ${mark === ',' ? 'comma' : 'point'}) or ${String(parseNumberText(text.replace(mark, '')))} (a thousands ${separator}): every number with a fraction in this file separated by ${file} has one to three digits, a ${separator} and three digits, and none says which. Say which: pass --decimal ${mark === ',' ? 'comma' : 'point'} if they are fractions, --decimal ${mark === ',' ? 'point' : 'comma'} if the ${separator} separates thousands (data.decimal in a config, decimal in code); or write the thousands without separators (${text.replace(mark, '')})${commasBetweenFields}`,
  );
}
