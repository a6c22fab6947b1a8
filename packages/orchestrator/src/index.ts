export {
  ALLOCATION_SCHEMES,
  AllocationConfigSchema,
  CALENDAR_PERIODS,
  DEFAULT_LOOKBACK,
  DriftBandsSchema,
  MAX_LEVERAGE,
  RebalanceConfigSchema,
  WeightConstraintsSchema,
} from './allocation/config';
export type {
  AllocationConfig,
  ParsedAllocationConfig,
  ParsedRebalanceConfig,
  RebalanceConfig,
  WeightConstraintsConfig,
} from './allocation/config';
export type { ReturnHistory, ReturnHistoryInput, ReturnWindow } from './allocation/return-history';
export { toReturnHistory, trailingWindow } from './allocation/return-history';
export type {
  AllocationResult,
  AllocationScheme,
  CustomAllocation,
  CustomAllocationInput,
  CustomOptions,
  PerformanceMetric,
  PerformanceOptions,
  UnestimatedReason,
  WindowOptions,
} from './allocation/schemes';
export { computeAllocation } from './allocation/compute-allocation';
export type { AllocationContext, AllocationSettings } from './allocation/compute-allocation';
export {
  DEFAULT_ALLOCATION_PERIODS_PER_YEAR,
  DEFAULT_MIN_INVESTED,
  equalWeights,
  fixedWeights,
  inverseVolatilityWeights,
  riskParityWeights,
} from './allocation/schemes';
export { performanceWeights } from './allocation/performance-scheme';
export { customWeights } from './allocation/custom-scheme';
export type {
  RiskParityConvergence,
  RiskParityMethod,
  RiskParityOptions,
  RiskParitySolution,
} from './allocation/risk-parity';
export {
  DEFAULT_RISK_PARITY_MAX_ITERATIONS,
  DEFAULT_RISK_PARITY_TOLERANCE,
  riskContributions,
  solveRiskParity,
} from './allocation/risk-parity';
export type { ConstrainedWeights, ConstraintFeasibility, ConstraintStatus } from './allocation/constraints';
export { applyWeightConstraints, constraintFeasibility } from './allocation/constraints';
export type { CapitalAllocation, CapitalAllocationSettings } from './allocation/allocate-capital';
export { allocateCapital } from './allocation/allocate-capital';
export type {
  DriftBands,
  DriftMeasure,
  RebalanceDecision,
  RebalancePeriod,
  RebalanceReason,
  RebalanceRuleConfig,
  RebalanceSchedule,
  RebalanceState,
} from './allocation/rebalance';
export { needsRebalance } from './allocation/rebalance';
export type { SleeveMatrix, StatisticsOptions } from './allocation/statistics';
export {
  correlationMatrix,
  diversificationRatio,
  sampleCovariance,
  sampleVolatilities,
} from './allocation/statistics';
export type {
  CapitalMode,
  ConflictPolicy,
  ErrorPolicy,
  ParseRunConfigOptions,
  RunConfig,
  RunConfigInput,
  StrategyEntry,
  StrategyRegistry,
  TransferMode,
} from './config';
export type { DataSource } from './data-source';
export { DataSourceSchema, dataFiles } from './data-source';
export {
  CAPITAL_MODES,
  CONFLICT_POLICIES,
  ERROR_POLICIES,
  RiskLimitsSchema,
  RunConfigSchema,
  SharedRunConfigSchema,
  SleevesRunConfigSchema,
  StrategyEntrySchema,
  TRANSFER_MODES,
  parseRunConfig,
  runConfigJsonSchema,
  toRebalanceRule,
} from './config';
export { checkRunData, runSymbols } from './run-data';
export { MODE_ONLY_FIELDS } from './config-checks';
export type { ConflictInput, ConflictOutcome } from './conflicts';
export { NET_FLAT_TOLERANCE, resolveConflict } from './conflicts';
export { investedShare } from './run/shared-mode';
export type { Attribution, AttributionInput, AttributionPeriod } from './attribution';
export { computeAttribution } from './attribution';
export type {
  ConflictEvent,
  ConflictEventInput,
  CrossingSummary,
  IsolatedEvent,
  OrchestratorOrderStats,
  OrchestratorResult,
  PortfolioCurve,
  RebalanceEvent,
  RiskEvent,
  TransferOrder,
  RiskEventKind,
  SleeveCorrelation,
  SleeveResult,
  SleevesWeightsOverEquity,
} from './result';
export type {
  AttributionPeriodJson,
  DrawdownPeriodJson,
  OrchestratorFillJson,
  OrchestratorResultJson,
  OrchestratorResultJsonRows,
  OrchestratorTradeJson,
  PerformanceResultJson,
  PeriodReturnJson,
  PortfolioPointJson,
  SleevePointJson,
  SleeveResultJson,
} from './result/json';
export { orchestratorResultJsonRows, serializeOrchestratorResult } from './result/json';
export type { OrchestratorOptions } from './orchestrator';
export { StrategyOrchestrator, runOrchestrator } from './orchestrator';
