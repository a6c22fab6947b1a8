import { StrategyError, isoTime } from '@ensemble/protocol';
import type { ErrorPolicy } from '../config';
import type { IsolatedEvent } from '../result';
import type { Sleeve } from './sleeves';

/**
 * A strategy threw (or could not start) at bar `time` (`step`: null before the first bar). With
 * `errorPolicy: 'fail'` rethrows it as a `StrategyError` naming the strategy (and symbol and time
 * when known); with `'isolate'` closes the sleeve out at its next fill, disables it, withdraws its
 * votes (shared mode) and appends an {@link IsolatedEvent} to `isolated`.
 */
export function isolateSleeve(
  sleeve: Sleeve,
  error: unknown,
  time: number,
  step: number | null,
  errorPolicy: ErrorPolicy,
  isolated: IsolatedEvent[],
): void {
  const strategyError = StrategyError.isInstance(error)
    ? error
    : new StrategyError(sleeve.entry.id, { ...(Number.isFinite(time) ? { time } : {}), cause: error });
  const symbol = strategyError.symbol ?? null;
  const at = strategyError.time ?? time;
  if (errorPolicy === 'fail') {
    sleeve.logger.error({ event: 'strategy-failed', err: strategyError, symbol, time: isoTime(at) }, strategyError.message);
    throw strategyError;
  }
  const event: IsolatedEvent = { strategyId: sleeve.entry.id, symbol, time: at, message: strategyError.message };
  // The error stays reachable for its stack (where the strategy threw), outside every JSON form.
  Object.defineProperty(event, 'error', { value: strategyError, enumerable: false });
  isolated.push(event);
  sleeve.active = false;
  sleeve.error = strategyError.message;
  sleeve.runner.closeOut('isolate');
  sleeve.runner.disable();
  const probe = sleeve.probe;
  for (let k = 0; k < probe.direction.length; k++) probe.want(k, 0, 0);
  // Its votes leave even where it was flat: under policy `net` a flat vote dilutes the target, and
  // the vote without it is taken again, not only where its wish changed.
  probe.changed.fill(1);
  sleeve.logger.error(
    { event: 'strategy-isolated', err: strategyError, symbol, time: isoTime(at), step },
    `strategy ${sleeve.entry.id} isolated: ${strategyError.message}`,
  );
}

/** A sleeve's decision at step `t` of the timeline `time`: a strategy that throws is isolated, or fails the run (see {@link isolateSleeve}). */
export function decideOrIsolate(sleeve: Sleeve, t: number, time: Float64Array, errorPolicy: ErrorPolicy, isolated: IsolatedEvent[]): void {
  if (!sleeve.runner.active) return;
  try {
    sleeve.runner.decide();
  } catch (error) {
    isolateSleeve(sleeve, error, time[t] ?? Number.NaN, t, errorPolicy, isolated);
  }
}
