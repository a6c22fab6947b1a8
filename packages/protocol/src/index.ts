export type { Bar, BarColumn, BarSeries, PriceField } from './bars';
export {
  BAR_COLUMNS,
  allocateBarSeries,
  barAt,
  barSeriesFromBars,
  barSeriesFromCloses,
  seriesTimeIssue,
  seriesValueIssue,
  markSeriesChecked,
  seriesToBars,
  sliceSeriesByTime,
  truncateSeries,
} from './bars';
export type { Timeline } from './timeline';
export { createTimeline } from './timeline';
export type {
  AccountView,
  EquityCurve,
  EquityPoint,
  Fill,
  FillReason,
  Order,
  OrderSide,
  Position,
  PositionSide,
  Trade,
} from './trading';
export { FILL_REASONS, PORTFOLIO_EXIT_REASONS, closedByPortfolio } from './trading';
export type {
  AnyStrategy,
  EntrySignal,
  ExitSignal,
  IndicatorColumns,
  PortfolioContext,
  PortfolioStrategy,
  RebalanceRule,
  Strategy,
  StrategyContext,
  TargetWeights,
} from './strategy';
export { PRICE_FIELDS, exitRequested, isPortfolioStrategy } from './strategy';
export { SeriesCursor } from './context';
export { computeIndicators } from './indicators';
export type { SeriesChange } from './series-seal';
export { SeriesSeal, isDataWriteError } from './series-seal';
export { formatValue, isThenable, thenableProblem } from './format-value';
export { EXPONENT_FROM, MISSING, formatNumber, formatPrice, formatQuantity, priceDecimals } from './format-number';
export type { CalendarPeriod } from './calendar';
export { DAY_MS, calendarPeriodKey, calendarPeriodStart, daysFromCivil, monthIndexOf, monthIndexOfDay, monthStartMs } from './calendar';
export { barTime, isoTime } from './time';
export type { DateFormat } from './date-format';
export { DATE_FORMATS, DateFormatSchema, TWO_DIGIT_YEARS, dateFormatProblem, fullYear, isDateFormat } from './date-format';
export type { DecimalMarkSetting } from './decimal-mark';
export { DECIMAL_MARKS, DECIMAL_MARK_HELP, DecimalMarkSchema, decimalMarkProblem, isDecimalMarkSetting } from './decimal-mark';
export type { StrategyDefinition } from './definition';
export type { StrategyOfKind, StrategySpec } from './define-strategy';
export { STRATEGY_NAME_PATTERN, STRATEGY_NAME_RULE, checkedStrategyDefinition, defineStrategy, strategyDefinitionIssues } from './define-strategy';
export { REBALANCE_RULE_FORMS, isRebalanceRule, rebalanceRuleProblem } from './rebalance-rule';
export { STRATEGY_MODULE_EXTENSIONS, looksLikeStrategyPath, splitStrategyPath, strategyDefinitionsFromModule, unknownDefinitionText } from './strategy-module';
export type { StrategyModuleFile } from './strategy-module-files';
export { StrategyModuleFileSchema, StrategyModuleFilesSchema } from './strategy-module-files';
export { buildStrategy, parseStrategyParams, strategyParamIssues } from './strategy-params';
export {
  BarSchema,
  EntrySignalSchema,
  EquityPointSchema,
  ExitDecisionSchema,
  RebalanceRuleSchema,
  TargetWeightsSchema,
  parseConfig,
} from './schemas';
export { tightestBoundIssues, toConfigIssues, zodIssueMessage } from './config-issues';
export { arrayIssue, callbackIssue, checkArguments, describeGiven, loggerIssue, nullAsAbsent, objectIssue, optionsIssue, registryIssue, shapeIssue, stringIssue } from './hook-issues';
export type { FieldKind } from './hook-issues';
export type { ConfigIssueContext } from './config-issues';
export { closestMatch, editDistance } from './suggest';
export { decodeJsonBytes, findDuplicateProperty, findJsonSyntaxProblem, parseJsonText, textPosition } from './json-reader';
export type { JsonSyntaxProblem, TextPosition } from './json-reader';
export type { ConfigErrorOptions, ConfigIssue, DataProblem, DataRule, EnsembleErrorCode } from './errors';
export {
  ConfigError,
  DataValidationError,
  EnsembleError,
  FileTooLargeError,
  InvariantError,
  LookaheadError,
  RunError,
  StrategyError,
  StrategyNotFoundError,
  formatDataProblem,
  isRefusedValue,
  refusedValue,
} from './errors';
export {
  MAX_ECHO_LENGTH,
  MAX_LINE_LENGTH,
  MAX_LISTED_PROBLEMS,
  MAX_MESSAGE_LINES,
  echoValue,
  hasControlCharacters,
  limitLines,
  listValues,
  quoteValue,
  safeMessage,
} from './echo';
export { DECIMAL_PATTERN, parseDecimal } from './decimal';
export {
  MAX_AMOUNT,
  MAX_JSON_FILE_BYTES,
  MIN_CASH,
  MIN_CASH_RULE,
  MAX_PRICE,
  MIN_PRICE,
  MAX_QUANTITY,
  MAX_SYMBOL_LENGTH,
  MAX_VOLUME,
  MAX_PERIODS_PER_YEAR,
  MIN_PERIODS_PER_YEAR,
  PERIODS_PER_YEAR_RULE,
  periodsPerYearProblem,
  STRATEGY_ID_PATTERN,
  STRATEGY_ID_RULE,
  symbolProblem,
} from './limits';
export type { LogFn, LogRecord, Logger } from './logger';
export { createMemoryLogger, noopLogger } from './logger';
