import type { EntrySignal } from '@ensemble/protocol';
import { formatValue, isThenable, refusedValue, thenableProblem } from '@ensemble/protocol';

/** A value with its type when a number is expected: `"0.5" (a string)`, `NaN`. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? formatValue(value) : `${formatValue(value)} (a ${value === null ? 'null' : typeof value})`;
}

/**
 * Throws when `signal` is not a valid {@link EntrySignal}, naming the bad field and what it must be:
 * an error marked as a refused value (`refusedValue`), as the strategy's own code threw nothing.
 */
export function checkEntrySignal(signal: unknown): asserts signal is EntrySignal {
  if (isThenable(signal)) throw refusedValue(new TypeError(thenableProblem('shouldEnter')));
  if (typeof signal !== 'object' || signal === null) {
    throw refusedValue(new TypeError(`shouldEnter returned ${formatValue(signal)}; it must return null or { side: 'long' | 'short', strength?, stopLoss?, takeProfit? }`));
  }
  const { side, strength, stopLoss, takeProfit } = signal as Record<string, unknown>;
  if (side !== 'long' && side !== 'short') {
    throw refusedValue(new TypeError(`shouldEnter returned side ${formatValue(side)}; it must be 'long' or 'short'`));
  }
  if (strength !== undefined && !(typeof strength === 'number' && strength >= 0 && strength <= 1)) {
    throw refusedValue(new RangeError(`shouldEnter returned strength ${describeNumber(strength)}; it must be a number within 0..1`));
  }
  if (stopLoss !== undefined && !(typeof stopLoss === 'number' && stopLoss > 0 && Number.isFinite(stopLoss))) {
    throw refusedValue(new RangeError(`shouldEnter returned stopLoss ${describeNumber(stopLoss)}; it must be a positive finite price`));
  }
  if (takeProfit !== undefined && !(typeof takeProfit === 'number' && takeProfit > 0 && Number.isFinite(takeProfit))) {
    throw refusedValue(new RangeError(`shouldEnter returned takeProfit ${describeNumber(takeProfit)}; it must be a positive finite price`));
  }
}
