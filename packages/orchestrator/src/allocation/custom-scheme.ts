import { EnsembleError, RunError, formatValue, isThenable, isoTime } from '@ensemble/protocol';
import type { ReturnHistory, ReturnHistoryInput } from './return-history';
import { fail, prepare, schemeResult, weightIssues } from './schemes';
import type { AllocationResult, CustomAllocation, CustomOptions } from './schemes';

/**
 * Weights from a user function, validated: one finite, non-negative weight per sleeve, not all 0
 * (a `ConfigError` naming the entry otherwise). Returned as given (constraints normalise). The
 * function sees columns cut at the history length (zero-copy `subarray` views of `Float64Array`
 * columns, copies of others). The warm-up rule applies as for the data-driven schemes; an error
 * the function throws becomes a `RunError` naming the bar (its `cause`), an Ensemble error passes as it is.
 */
export function customWeights(allocate: CustomAllocation, input: ReturnHistoryInput, options: CustomOptions): AllocationResult {
  const { history, window, warmup } = prepare('custom', input, options, 'customWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const length = history.length;
  // Cut every column at `length`: zero-copy for typed arrays, a copy otherwise. The future is out of reach.
  const visible: ReturnHistory = {
    returns: history.returns.map((column) =>
      column instanceof Float64Array ? column.subarray(0, length) : Array.prototype.slice.call(column, 0, length) as number[],
    ),
    length,
  };
  // Its errors name the bar it was asked about, when known: a function can be right for months and wrong once.
  const source = options.time === undefined ? 'the weights of the custom allocation function' : `the weights the custom allocation function returned at ${isoTime(options.time)}`;
  const thrown = options.time === undefined ? 'custom allocation function' : `custom allocation function at ${isoTime(options.time)}`;
  let output: unknown;
  try {
    output = allocate({ history: visible, window, sleeveIds: options.sleeveIds, time: options.time });
  } catch (error) {
    // The project's own errors (a nested check's ConfigError) pass as they are.
    if (EnsembleError.isInstance(error)) throw error;
    throw new RunError(`The ${thrown} threw: ${thrownMessage(error)}`, { what: 'custom allocation', ...(options.time === undefined ? {} : { time: options.time }), cause: error });
  }
  if (isThenable(output)) {
    fail([{ path: 'weights', message: 'the custom allocation function returned a Promise: it runs synchronously, so it must return its weights itself (no async, no await)' }], source);
  }
  if (typeof output !== 'object' || output === null || typeof (output as { length?: unknown }).length !== 'number') {
    const given = typeof output === 'object' && output !== null ? `an object (${Object.keys(output).slice(0, 5).map((key) => JSON.stringify(key)).join(', ') || 'no keys'})` : formatValue(output);
    fail([{ path: 'weights', message: `the custom allocation function returned ${given}; return an array of ${n} weights, one per sleeve in the order of sleeveIds${options.sleeveIds === undefined ? '' : ` (${options.sleeveIds.slice(0, 5).map((id) => JSON.stringify(id)).join(', ')}${n > 5 ? ', …' : ''})`}` }], source);
  }
  const weights = output as ArrayLike<number>;
  const issues = weightIssues(weights, n, 'weights');
  if (issues.length > 0) fail(issues, source);
  return schemeResult('custom', Float64Array.from(weights), { window: window.end - window.start });
}

/** What a user function threw, as text: an error's message (even when its getter throws), else the value. */
function thrownMessage(error: unknown): string {
  if (!(error instanceof Error)) return formatValue(error);
  try {
    return error.message;
  } catch {
    return 'an error whose message cannot be read';
  }
}
