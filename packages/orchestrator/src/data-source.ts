import { DateFormatSchema, DecimalMarkSchema, MAX_SYMBOL_LENGTH, TWO_DIGIT_YEARS } from '@ensemble/protocol';
import { z } from 'zod';

/** A symbol as a config names it: 1–64 characters (what market data may hold). */
export const symbolSchema = z
  .string()
  .min(1)
  .max(MAX_SYMBOL_LENGTH, { message: `must be at most ${MAX_SYMBOL_LENGTH} characters, the longest symbol market data may hold` });

/**
 * Epoch numbers below this magnitude are ambiguous: the date strings of the data package (and the
 * CLI's `--from`) read them as seconds, while a number here is milliseconds. Refused, so that one
 * number never means two days.
 */
const EPOCH_MS_MIN = 1e11;

const dateBound = z
  .union([
    z.string().min(1),
    z
      .number()
      .refine((value) => Number.isFinite(value) && Math.abs(value) >= EPOCH_MS_MIN, {
        message: 'a number is epoch milliseconds, at least 100000000000 (1973-03-03) in size; a smaller one reads as seconds or a year elsewhere, so write the date as text, e.g. "2005-01-03"',
      })
      .meta({ anyOf: [{ minimum: EPOCH_MS_MIN }, { maximum: -EPOCH_MS_MIN }] }),
  ])
  .optional();

/** Where the bars come from. The orchestrator only describes data; the caller (the CLI) loads it. */
export const DataSourceSchema = z
  .strictObject({
    dataset: z
      .string()
      .min(1)
      .optional()
      .describe('An embedded data set of @ensemble/data: "sp500", "dow30" or "stocks5". Give this or "file"'),
    file: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe(
        'A CSV or JSON file of bars, relative to the config file, or a list of them joined on one timeline (e.g. one CSV per symbol, each series named after its file: ["data/AAPL.csv", "data/MSFT.csv"]); a symbol may come from one file only. Give this or "dataset"',
      ),
    format: z
      .enum(['ohlcv', 'long', 'wide', 'json'])
      .optional()
      .describe('Layout of "file" (default: detected from its header): ohlcv, long (symbol,date,price), wide (date,SYM1,…) or json'),
    dateFormat: DateFormatSchema.optional().describe(
      `How "file" writes its dates (default: auto, detected; a day and a month before the year such as 01/03/1995 and a two-digit year are refused, never guessed): DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD, or DD/MM/YY, MM/DD/YY, with the file's separator (-, / or .); DD and MM take one or two digits; ${TWO_DIGIT_YEARS}; a time of day after the date is read when present`,
    ),
    decimal: DecimalMarkSchema.optional().describe(
      'How the numbers of "file" write their fractions (default: auto, decided from its values: a file separated by commas writes decimal points, one separated by semicolons or tabs a decimal comma or a decimal point, and 12.600 alone, 12.6 or 12600, is refused): "point" (1234.56) or "comma" (1234,56) names the mark, and a number written with the other mark or with a thousands separator is refused',
    ),
    adjust: z
      .boolean()
      .optional()
      .describe('Scale open, high, low and close by the adjusted close column (Yahoo Finance\'s "Adj Close") / close, row by row (default: false, prices as traded; the summary notes an ignored adjusted close)'),
    sort: z
      .boolean()
      .optional()
      .describe('Sort the rows by date, e.g. a newest-first download (default: false, rows must be in date order)'),
    symbols: z
      .array(symbolSchema)
      .optional()
      .describe('Symbols to load (default: every symbol the strategies and the benchmark use)'),
    from: dateBound.describe('First date to keep, e.g. "2005-01-01", or epoch milliseconds (inclusive; default: the first bar)'),
    to: dateBound.describe('Last date to keep, e.g. "2009-12-31" (inclusive, whole day), or epoch milliseconds (default: the last bar)'),
  })
  // The JSON Schema says what the check below refuses: exactly one source, "format", "dateFormat" and "decimal" with "file" only.
  .meta({ oneOf: [{ required: ['dataset'] }, { required: ['file'] }], dependentRequired: { format: ['file'], dateFormat: ['file'], decimal: ['file'] } })
  .superRefine((value, context) => {
    if ((value.dataset === undefined) === (value.file === undefined)) {
      context.addIssue({ code: 'custom', path: [], message: 'give exactly one of "dataset" (an embedded data set) and "file" (a path)' });
    }
    if (Array.isArray(value.file)) {
      const seen = new Map<string, number>();
      value.file.forEach((file, k) => {
        const earlier = seen.get(file);
        if (earlier !== undefined) context.addIssue({ code: 'custom', path: ['file', k], message: `${JSON.stringify(file)} is listed twice (also at data.file.${earlier}); list each file once` });
        else seen.set(file, k);
      });
    }
    if (value.format !== undefined && value.file === undefined) {
      context.addIssue({ code: 'custom', path: ['format'], message: '"format" applies to "file" only; embedded data sets know their layout' });
    }
    if (value.dateFormat !== undefined && value.file === undefined) {
      context.addIssue({ code: 'custom', path: ['dateFormat'], message: '"dateFormat" applies to "file" only; embedded data sets write their dates as YYYY-MM-DD' });
    }
    if (value.decimal !== undefined && value.file === undefined) {
      context.addIssue({ code: 'custom', path: ['decimal'], message: '"decimal" applies to "file" only; embedded data sets write decimal points' });
    }
  })
  .describe('The market data of the run');

/** A run config's data source (see {@link DataSourceSchema}). */
export type DataSource = z.output<typeof DataSourceSchema>;

/** The files a data source names, in order (`file` as one path or a list); empty for an embedded data set. */
export function dataFiles(source: { readonly file?: string | readonly string[] | undefined }): readonly string[] {
  const { file } = source;
  return file === undefined ? [] : typeof file === 'string' ? [file] : file;
}
