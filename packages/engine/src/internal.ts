/**
 * `@ensemble/engine/internal`: the engine's execution internals that another executor of orders
 * (the orchestrator's) builds on. Not part of the stable API: it may change in any minor release.
 */
export type { Admission, AdmittedFill, BookState, ExecutionCosts, RejectedAdmission } from './admit-order';
export { AdmissionSlot, admitOrder, bookEquity, saleProceeds } from './admit-order';
export { commissionBeforeMinimum } from './costs';
export { OrderSlot, logFill } from './execution';
export { orderCounts, resultOrderCounts } from './broker';
export { cappedFillCount, isCappedFill } from './quantity-cap';
export { SteppedColumn } from './stepped-column';
export { fillJson, openPositionJson, tradeJson } from './result';
