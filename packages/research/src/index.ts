export type {
  DataRef,
  JobExecutor,
  JobExecutorRunOptions,
  JobWindow,
  ParameterValue,
  ResearchJob,
  ResearchJobResult,
  ResearchJobStatus,
  StrategyModuleRef,
} from './job/research-job';
export { DataRefSchema, JobWindowSchema, ParameterValueSchema, StrategyModuleRefSchema, researchJobSchema } from './job/research-job';
export type { BacktestRunConfig, BacktestRunConfigInput } from './job/backtest-config';
export { BacktestRunConfigSchema, backtestConfigJsonSchema, parseBacktestRunConfig } from './job/backtest-config';
export type { ResearchResolvers, RunResearchJobOptions } from './job/run-research-job';
export { failedResult, prepareResearchJob, runResearchJob } from './job/run-research-job';
export { JobResultError, checkJobResult } from './job/job-result-check';
export type { JobResultJson } from './job/job-result-json';
export { jobResultFromJson, jobResultToJson } from './job/job-result-json';
export type { DataSourceInput, LocalResolversOptions } from './job/resolvers';
export type { ConfigStrategyFiles, StrategyFileImporter } from './job/strategy-files';
export { importStrategyFile, loadConfigStrategyFiles } from './job/strategy-files';
export { createLocalResolvers, dataRefOf, dataRefsOf, loadStrategyModules, marketDataOf, sha256Hex } from './job/resolvers';
export type { StrategyModuleDigest, StrategyModuleRecord } from './job/module-digest';
export { strategyModuleChange, strategyModuleDigest, strategyModuleRecord } from './job/module-digest';
export { holdUntil, registryHeldUntil, stepsBefore } from './job/trade-window';
export type { LocalExecutor, LocalExecutorOptions } from './executor/local-executor';
export { createLocalExecutor } from './executor/local-executor';
export { createInProcessExecutor } from './executor/in-process-executor';
export type { Journal, OpenJournalOptions } from './executor/journal';
export { computingPackageVersions, JOURNAL_FILE, openJournal, withDirectoryJournal } from './executor/journal';
export { LOCK_FILE, withDirectoryLock } from './executor/directory-lock';
export type { JobsOutcome, ResearchProgress, RunJobsOptions } from './executor/run-jobs';
export { runJobs } from './executor/run-jobs';
export type { Constraint } from './sweep/constraint';
export { compileConstraint } from './sweep/constraint';
export type { Objective, ObjectiveDirection } from './sweep/objective';
export { MINIMISED_METRICS, OBJECTIVE_METRICS, compareByObjective, nearestMetric, objectiveValue, resolveObjective } from './sweep/objective';
export { UNBOUNDED_JSON, objectiveFromJson } from './sweep/result-json';
export { MAX_RANGE_VALUES, rangeValues } from './sweep/parameter-values';
export type { SweepParameter, SweepSpec, SweepSpecInput } from './sweep/sweep-spec';
export { SweepParameterSchema, SweepSamplingSchema, SweepSpecSchema, sweepSpecJsonSchema } from './sweep/sweep-spec';
export type { SweepCounts, SweepResult, SweepRow, RunSweepOptions } from './sweep/run-sweep';
export { rankResults, runSweep } from './sweep/run-sweep';
export type { SweepPbo, SweepStatistics, Trial } from './sweep/sweep-statistics';
export { sweepStatistics } from './sweep/sweep-statistics';
export type { SweepOutputOptions } from './sweep/sweep-outputs';
export { SWEEP_OUTPUT_FILES, relocateConfig, sweepOutputFiles, sweepResultsCsv, writeSweepOutputs } from './sweep/sweep-outputs';
export type { JournalResumed, SweepDirectoryOptions, SweepDirectoryOutcome } from './sweep/sweep-directory';
export { runSweepToDirectory } from './sweep/sweep-directory';
export type { ShortTestWindow, UntestedBars, WalkForwardWindow, WindowLength, WindowMode, WindowSpan } from './walk-forward/windows';
export { addMonths, parseWindowLength, shortLastTestWindow, untestedBars, walkForwardWindows } from './walk-forward/windows';
export type { WalkForwardSpec, WalkForwardSpecInput } from './walk-forward/walk-forward-spec';
export { WalkForwardSpecSchema, walkForwardSpecJsonSchema } from './walk-forward/walk-forward-spec';
export type { WalkForwardPlan } from './walk-forward/walk-forward-plan';
export { planWalkForward, planWalkForwardFile } from './walk-forward/walk-forward-plan';
export type { RunWalkForwardOptions, TrainFailures, WalkForwardResult, WalkForwardStep } from './walk-forward/run-walk-forward';
export { runWalkForward } from './walk-forward/run-walk-forward';
export type { WalkForwardDirectoryOutcome } from './walk-forward/walk-forward-outputs';
export { WALK_FORWARD_OUTPUT_FILES, runWalkForwardToDirectory, walkForwardOutputFiles, walkForwardWindowsCsv } from './walk-forward/walk-forward-outputs';
export type { BaseConfig, DataNotes, GridPlan, GridSpec, PlanSweepOptions, PlannedParameter, SweepPlan } from './sweep/sweep-plan';
export { BASE_COMBINATION_CHECKS, MAX_COMBINATIONS, NO_BEST_CONFIG, NO_LAST_CONFIG, aboutFailedFile, combinationValues, configKindOf, loadBaseConfig, nullConfigMessage, planGrid, planSweep, planSweepFile, sampleIndices } from './sweep/sweep-plan';
export { readJsonFile, relativeBase, relativeBaseOf } from './json-file';
export {
  EULER_MASCHERONI,
  PBO_TIE_TOLERANCE,
  deflatedSharpeRatio,
  expectedMaxSharpe,
  normalCdf,
  normalDensity,
  normalQuantile,
  parameterStability,
  perPeriodSharpe,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  returnMoments,
} from './statistics/index';
export type {
  BacktestOverfittingOptions,
  BacktestOverfittingResult,
  DeflatedSharpeInput,
  DeflatedSharpeResult,
  DimensionOptions,
  EvaluatedPoint,
  LogitCount,
  OverfittingDirection,
  OverfittingMetric,
  ParameterStabilityOptions,
  ParameterStabilityResult,
  ResolvedDimension,
  ReturnMoments,
  SharpeEstimate,
  StabilityNeighbour,
  StabilityPoint,
  TrialSharpeSpread,
} from './statistics/index';
export type { ResearchReportOptions } from './report/research-report-input';
export { sweepReportInput, walkForwardReportInput } from './report/research-report-input';
export { bytesToDoubles, doublesToBytes } from './job/raw-doubles';
