export type { LookaheadOptions, LookaheadReport, LookaheadViolation } from './lookahead';
export { checkLookahead, violationPlace } from './lookahead';
export type { StrategyContractCheck, StrategyContractOptions, StrategyContractReport } from './contract';
export { checkStrategyContract, runContractCheck, strategyContractChecks } from './contract';
export type { ConfigIssuesThrown } from './config-issues';
export { configIssuesOf } from './config-issues';
