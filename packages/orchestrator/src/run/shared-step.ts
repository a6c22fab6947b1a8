import type { OrchestratorOrders } from '../internal/orchestrator-orders';
import type { SleeveExecutor } from '../internal/sleeve-executor';
import type { Allocator } from '../internal/allocator';
import type { StepManagement } from './management';
import type { RunRecorder } from './recorder';
import type { Rebalancing } from './rebalancing';
import type { SharedVoting } from './shared-mode';
import type { SharedBook, Sleeve } from './sleeves';

/** What a shared-mode step works with. */
export interface SharedStepRooms {
  readonly sleeves: readonly Sleeve[];
  readonly shared: SharedBook;
  readonly voting: SharedVoting;
  readonly executor: SleeveExecutor;
  readonly orders: OrchestratorOrders;
  readonly management: StepManagement;
  readonly allocator: Allocator;
  readonly rebalancing: Rebalancing;
  readonly recorder: RunRecorder;
  readonly time: Float64Array;
  readonly nextOpen: boolean;
  /** A shadow sleeve's decision at a step (a strategy that throws is isolated, or fails the run). */
  readonly decide: (sleeve: Sleeve, t: number) => void;
}

/**
 * A step of shared mode, in ARCHITECTURE's phase order: every phase for every shadow sleeve, then
 * for the shared account. The shadows' orders fill on their own books (each shadow is what its
 * strategy would do alone); their wishes, resolved per symbol by the conflict policy, become the
 * shared account's orders.
 */
export function sharedStep(rooms: SharedStepRooms, t: number): void {
  const { sleeves, shared, executor, management, nextOpen } = rooms;
  rooms.orders.clear();
  for (const sleeve of sleeves) sleeve.runner.beginStep(t);
  shared.runner.beginStep(t);
  const voting = management.halted === null ? rooms.voting : null;
  if (nextOpen) {
    voting?.markEntriesWaiting();
    executor.begin();
    for (const sleeve of sleeves) sleeve.runner.fillAtOpen();
    executor.settle();
    voting?.withdrawFailedEntries(t);
    shared.runner.fillAtOpen();
  }
  for (const sleeve of sleeves) sleeve.runner.applyStops();
  shared.runner.applyStops();
  for (const sleeve of sleeves) sleeve.runner.markToMarket();
  shared.runner.markToMarket();
  // The shared account margin-called at this close: no vote becomes an order again.
  if (shared.runner.underMarginCall && management.halted === null) management.haltOnMarginCall(rooms.time[t] ?? Number.NaN);

  if (management.halted === null) management.manage(t, rooms.allocator.scheduleFires(rooms.time, t));
  for (const sleeve of sleeves) {
    sleeve.probe.step = t;
    rooms.decide(sleeve, t);
  }
  if (management.halted === null) rooms.voting.resolve(t);

  if (!nextOpen) {
    voting?.markEntriesWaiting();
    executor.begin();
    for (const sleeve of sleeves) sleeve.runner.fillAtClose();
    executor.settle();
    if (management.halted === null) voting?.withdrawFailedEntries(t);
    shared.runner.fillAtClose();
  }
  for (const sleeve of sleeves) sleeve.runner.endStep();
  shared.runner.endStep();
  rooms.recorder.record(t, rooms.rebalancing.reserve);
}
