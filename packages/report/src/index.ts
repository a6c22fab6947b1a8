export type {
  NullableNumberColumn,
  NumberColumn,
  ReportAttribution,
  ReportBenchmark,
  ReportConflict,
  ReportCorrelation,
  ReportCrossing,
  ReportEquity,
  ReportInput,
  ReportRebalance,
  ReportRiskEvent,
  ReportSleeve,
} from './report-input';
export { ReportInputSchema, parseReportInput } from './report-input';
export type { ResultJson } from './result-json';
export {
  RESULT_SCHEMA_VERSION,
  ResultJsonSchema,
  renderJson,
  resultJsonSchema,
  resultJsonSchemaText,
  toResultJson,
} from './result-json';
export type { ReadResultOptions, ResultJsonKind } from './read-result';
export { parseResultJson, readResultFile, resultJsonKind } from './read-result';
export type { SavedReportJson } from './saved-report';
export { SavedReportJsonSchema } from './saved-report';
export type {
  ConflictOutcomeSource,
  ConflictSignalSource,
  OrchestratorRebalanceSource,
  OrchestratorReportSource,
  RebalanceSchedule,
  RunReportOptions,
} from './from-orchestrator';
export { conflictOutcomeText, conflictSignalText, orchestratorReportInput, rebalanceReasonText, scheduleText } from './from-orchestrator';
export type { BacktestReportOptions, BacktestReportSource } from './from-backtest';
export { backtestReportInput } from './from-backtest';
export type { TimeFormat } from './time';
export { detectTimeFormat, formatTime, parseTime } from './time';
export type { ReportOptions } from './options';
export { DEFAULT_MAX_CHART_POINTS, DEFAULT_MAX_MARKDOWN_ROWS, DEFAULT_MAX_TABLE_ROWS } from './options';
export type { ChartId, ChartOptions, ReportChart, VegaLiteSpec } from './charts/index';
export { ALL_DRAWN, LARGEST_DRAWN, SLEEVE_COLORS, buildCharts, largestSleeves, rollingWindow, sleeveColor } from './charts/index';
/** A sleeve's weight averaged over the bars where it is defined (the reports' "Average weight"). */
export { averageWeight } from './sections';
export { benchmarkInRange, downsampleIndices, rebaseBenchmark } from './series';
export { renderSvg } from './svg';
export { renderMarkdown } from './markdown';
export type { CsvValue, ReportCsvFiles } from './csv';
export { REPORT_CSV_FILES, csvField, renderCsv, toCsvText } from './csv';
export { escapeHtml } from './html/page';
export { renderHtml } from './html/tearsheet';
export { formatMetric } from './format';
export type { OutputContent, OutputFile, TemporaryFileRegistry, WriteFilesOptions, WrittenFile } from './write';
export { MAX_NAME_BYTES, directoryCreationProblem, makeDirectory, writeFileAtomic, writeFilesAtomic, writtenInPlace } from './write';
export type { ReportFile, ReportTargets, WriteReportOptions, WrittenReportFile } from './report-generator';
export { ReportGenerator, writeReport } from './report-generator';
export type { ResearchReportInput, ResearchTrial, ResearchWindow } from './research/research-input';
export { ResearchReportInputSchema, parseResearchReportInput } from './research/research-input';
export { renderResearchHtml } from './research/research-html';
export type { StatisticReading } from './research/readings';
export { DSR_CONFIDENCE, EFFICIENCY_ROBUST, PBO_HIGH, PBO_LOW, STABILITY_PLATEAU, STABILITY_SPIKE, statisticReadings } from './research/readings';
