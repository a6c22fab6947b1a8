import { arrayIssue, checkArguments, describeGiven } from '@ensemble/protocol';
import type { ConfigIssue, Fill, Trade } from '@ensemble/protocol';
import { rowsIssue } from './argument-checks';
import { parseReportInput } from './report-input';
import type { ReportInput } from './report-input';
import { detectTimeFormat, formatTime } from './time';
import type { TimeFormat } from './time';

/** A CSV cell value: text, a number (written in full precision), or null/undefined (an empty cell). */
export type CsvValue = string | number | null | undefined;

/**
 * One CSV field (RFC 4180): numbers in JavaScript's shortest round-trip form, non-finite numbers
 * and null as empty fields, and text quoted — with inner quotes doubled — when it holds a comma,
 * a quote, a line break or leading/trailing spaces.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // From JavaScript the argument can be anything: an object was written as `[object Object]`, and
  // an array holding a comma failed inside as a TypeError.
  if (typeof value !== 'string') checkArguments('csvField', [cellIssue(value, 'value')]);
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The problem with a CSV cell (null when there is none): a string, a number, null or undefined. */
function cellIssue(value: unknown, path: string): ConfigIssue | null {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number') return null;
  return { path, message: `must be a CSV cell value (a string, a number, null or undefined); got ${describeGiven(value)}` };
}

/** A row's cells as CSV fields, or a `ConfigError` naming the first row or cell of another kind (`rows[2][1]`). */
function csvLine(row: unknown, path: string): string {
  if (!Array.isArray(row)) checkArguments('toCsvText', [{ path, message: `must be a row (an array of cell values); got ${describeGiven(row)}` }]);
  const cells = row as readonly unknown[];
  for (const [k, cell] of cells.entries()) {
    const issue = cellIssue(cell, `${path}[${String(k)}]`);
    if (issue !== null) checkArguments('toCsvText', [issue]);
  }
  return (cells as readonly CsvValue[]).map(csvField).join(',');
}

/** Rows to CSV text: one header row, `\n` line ends, a final newline. */
export function toCsvText(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError, and
  // an object among the cells was written as `[object Object]`.
  checkArguments('toCsvText', [arrayIssue(header, 'header', 'the column names (an array of strings)'), rowsIssue(rows)]);
  const lines = [csvLine(header, 'header')];
  let k = 0;
  for (const row of rows) lines.push(csvLine(row, `rows[${String(k++)}]`));
  return `${lines.join('\n')}\n`;
}

/** The file names of a report's CSV exports ({@link ReportCsvFiles}), `weights.csv` last (sleeves only). */
export const REPORT_CSV_FILES = ['equity.csv', 'trades.csv', 'fills.csv', 'weights.csv'] as const;

/** The CSV exports of a report, by file name. `weights.csv` only exists when there are sleeves. */
export interface ReportCsvFiles {
  /**
   * `time,equity,cash[,reserve][,gross_exposure],equity_<sleeve>…`: the portfolio curve (with the
   * cash no sleeve holds, Σ sleeves + reserve = equity, and the value of every position held,
   * longs and shorts alike, when the input gives them) and each sleeve's equity (empty where a
   * sleeve has no bar).
   */
  readonly 'equity.csv': string;
  /** Every closed trade of the portfolio, one per row. */
  readonly 'trades.csv': string;
  /** Every fill of the portfolio, one per row. */
  readonly 'fills.csv': string;
  /** `time,<sleeve>…`: each sleeve's weight (fraction of portfolio equity) at each bar. */
  readonly 'weights.csv'?: string;
}

function equityCsv(input: ReportInput, timeFormat: TimeFormat): string {
  const { time, equity, cash, reserve, grossExposure } = input.portfolio.equity;
  const header = [
    'time',
    'equity',
    'cash',
    ...(reserve === undefined ? [] : ['reserve']),
    ...(grossExposure === undefined ? [] : ['gross_exposure']),
    ...input.sleeves.map((sleeve) => `equity_${sleeve.id}`),
  ];
  // Sleeve times are portfolio times (validated), so one cursor per sleeve walks along.
  const cursors = input.sleeves.map(() => 0);
  const lines: string[] = [header.map(csvField).join(',')];
  for (let i = 0; i < time.length; i++) {
    const t = time[i] ?? Number.NaN;
    let line = `${formatTime(t, timeFormat)},${csvField(equity[i])},${csvField(cash[i])}`;
    if (reserve !== undefined) line += `,${csvField(reserve[i])}`;
    if (grossExposure !== undefined) line += `,${csvField(grossExposure[i])}`;
    input.sleeves.forEach((sleeve, k) => {
      const sleeveTime = sleeve.equity.time;
      let j = cursors[k] ?? 0;
      while (j < sleeveTime.length && (sleeveTime[j] ?? Number.POSITIVE_INFINITY) < t) j++;
      cursors[k] = j;
      line += `,${sleeveTime[j] === t ? csvField(sleeve.equity.equity[j]) : ''}`;
    });
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

function tradesCsv(trades: readonly Trade[], timeFormat: TimeFormat): string {
  const header = ['strategy_id', 'symbol', 'side', 'quantity', 'entry_time', 'entry_price', 'exit_time', 'exit_price', 'commission', 'pnl', 'return', 'bars_held', 'exit_reason'];
  return toCsvText(
    header,
    trades.map((trade) => [
      trade.strategyId,
      trade.symbol,
      trade.side,
      trade.quantity,
      formatTime(trade.entryTime, timeFormat),
      trade.entryPrice,
      formatTime(trade.exitTime, timeFormat),
      trade.exitPrice,
      trade.commission,
      trade.pnl,
      trade.returnPct,
      trade.barsHeld,
      trade.exitReason,
    ]),
  );
}

function fillsCsv(fills: readonly Fill[], timeFormat: TimeFormat): string {
  const header = ['time', 'strategy_id', 'symbol', 'side', 'quantity', 'price', 'commission', 'slippage', 'reason'];
  return toCsvText(
    header,
    fills.map((fill) => [
      formatTime(fill.time, timeFormat),
      fill.strategyId,
      fill.symbol,
      fill.side,
      fill.quantity,
      fill.price,
      fill.commission,
      fill.slippage,
      fill.reason,
    ]),
  );
}

function weightsCsv(input: ReportInput, timeFormat: TimeFormat): string {
  const time = input.portfolio.equity.time;
  const lines: string[] = [['time', ...input.sleeves.map((sleeve) => sleeve.id)].map(csvField).join(',')];
  for (let i = 0; i < time.length; i++) {
    let line = formatTime(time[i] ?? Number.NaN, timeFormat);
    for (const sleeve of input.sleeves) line += `,${csvField(sleeve.weight[i])}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The CSV exports: equity (portfolio and sleeves), trades, fills, and weights when there are
 * sleeves. Times as in the JSON result (`YYYY-MM-DD` for daily data, full ISO otherwise), numbers
 * in full precision. Validates `input` first.
 */
export function renderCsv(input: ReportInput): ReportCsvFiles {
  return csvReport(parseReportInput(input));
}

/** {@link renderCsv} for an input already validated. */
export function csvReport(report: ReportInput): ReportCsvFiles {
  const timeFormat = detectTimeFormat(report);
  const files = {
    'equity.csv': equityCsv(report, timeFormat),
    'trades.csv': tradesCsv(report.portfolio.trades, timeFormat),
    'fills.csv': fillsCsv(report.portfolio.fills, timeFormat),
  };
  return report.sleeves.length === 0 ? files : { ...files, 'weights.csv': weightsCsv(report, timeFormat) };
}
