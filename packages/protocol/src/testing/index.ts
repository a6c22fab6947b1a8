export type { LookaheadOptions, LookaheadReport, LookaheadViolation } from './lookahead';
export { checkLookahead } from './lookahead';
export type { StrategyContractOptions } from './contract';
export { testStrategyContract } from './contract';
