import { ConfigError, noopLogger } from '@ensemble/protocol';
import type { ConfigIssue, Logger } from '@ensemble/protocol';

/** Options shared by every report renderer. */
export interface ReportOptions {
  /**
   * Curves longer than this many points are downsampled for charts (first and last bar plus the
   * lowest and highest bar of each bucket are kept); tables, metrics, JSON and CSV keep every
   * point. Default 5,000; at least 10.
   */
  readonly maxChartPoints?: number;
  /** Rows shown in an HTML table (trades, fills, logs) before a note says how many were left out. Default 2,000. */
  readonly maxTableRows?: number;
  /** Rows of each event list (rebalances, conflicts, risk events) in the Markdown report. Default 20. */
  readonly maxMarkdownRows?: number;
  /** Render charts as inline SVG in the Markdown report. Default true. */
  readonly markdownCharts?: boolean;
  /** Receives structured events (`debug` for downsampling and rendering, `info` for written files). Silent by default. */
  readonly logger?: Logger;
}

/** {@link ReportOptions} with every default filled in. */
export interface ResolvedReportOptions {
  readonly maxChartPoints: number;
  readonly maxTableRows: number;
  readonly maxMarkdownRows: number;
  readonly markdownCharts: boolean;
  readonly logger: Logger;
}

/** Default of {@link ReportOptions.maxChartPoints}. */
export const DEFAULT_MAX_CHART_POINTS = 5000;
/** Default of {@link ReportOptions.maxTableRows}. */
export const DEFAULT_MAX_TABLE_ROWS = 2000;
/** Default of {@link ReportOptions.maxMarkdownRows}. */
export const DEFAULT_MAX_MARKDOWN_ROWS = 20;

/** Fills in defaults and checks the options, throwing a `ConfigError` that lists every bad one. */
export function resolveOptions(options: ReportOptions = {}): ResolvedReportOptions {
  const issues: ConfigIssue[] = [];
  const integer = (name: keyof ReportOptions, value: number | undefined, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min) issues.push({ path: name, message: `must be an integer ≥ ${min}, got ${value}` });
    return value;
  };
  const resolved = {
    maxChartPoints: integer('maxChartPoints', options.maxChartPoints, DEFAULT_MAX_CHART_POINTS, 10),
    maxTableRows: integer('maxTableRows', options.maxTableRows, DEFAULT_MAX_TABLE_ROWS, 1),
    maxMarkdownRows: integer('maxMarkdownRows', options.maxMarkdownRows, DEFAULT_MAX_MARKDOWN_ROWS, 0),
    markdownCharts: options.markdownCharts ?? true,
    logger: options.logger ?? noopLogger,
  };
  if (issues.length > 0) throw new ConfigError(issues, { source: 'report options' });
  return resolved;
}
