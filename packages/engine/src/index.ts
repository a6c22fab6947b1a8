export type { AccountFill, AccountOptions, OpenPosition } from './account';
export { Account } from './account';
export type { BacktestEngineOptions, BacktestOptions, BacktestProgress, ReusableColumns } from './backtest-engine';
export { BacktestEngine, runBacktest } from './backtest-engine';
export type { BrokerOptions, BrokerStats } from './broker';
export { Broker } from './broker';
export type { ClosingTest, EntrySizing, TradeCosts, OrderEvent, OrderExecutor, OrderRequest, RejectReason, RejectedOrder, ShrunkOrder } from './execution';
export { SHRINK_TOLERANCE, isDustShortfall, logOrderRejected, logOrderShrunk } from './execution';
export type { CommissionModel, SlippageModel } from './costs';
export {
  DUST_FRACTION,
  NO_COMMISSION,
  NO_SLIPPAGE,
  affordableQuantity,
  buyCost,
  commissionFor,
  isDust,
  roundQuantity,
  slippedPrice,
} from './costs';
export { checkFiniteRun } from './finite-run';
export { INVARIANT_TOLERANCE, LedgerAudit } from './invariants';
export type { BacktestConfig, FillMode, ResolvedBacktestOptions } from './options';
export {
  BacktestOptionsSchema,
  CommissionModelSchema,
  SizingRuleSchema,
  SlippageModelSchema,
  StartingCashSchema,
  parseBacktestConfig,
  wholeUnitSizingProblem,
} from './options';
export { isRebalanceStep, targetQuantity } from './rebalance';
export { metricsStartEquity } from './start-equity';
export type {
  BacktestResult,
  BacktestResultJson,
  BacktestResultJsonRows,
  EquityPointJson,
  FillJson,
  OpenPositionJson,
  OrderStats,
  StrategySummary,
  TradeJson,
  WeightsOverEquity,
} from './result';
export { backtestResultJsonRows, isoTimeFormatter, serializeBacktestResult } from './result';
export type { JsonArrayMaker, JsonListMaker, JsonTextOptions, WithJsonRows } from './json-text';
export { JsonRows, jsonArrays, jsonRows, jsonTextChunks } from './json-text';
export type { SizingInput, SizingRule } from './sizing';
export { DEFAULT_SIZING, entryQuantity } from './sizing';
export type { StrategyRunnerOptions } from './runner-options';
export { StrategyRunner } from './strategy-runner';
export { mergeTimeline } from './timeline';
