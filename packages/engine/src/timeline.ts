/**
 * Alias of the protocol's `createTimeline` (which merges the sorted columns), kept for callers of
 * the engine's earlier name.
 */
export { createTimeline as mergeTimeline } from '@ensemble/protocol';
