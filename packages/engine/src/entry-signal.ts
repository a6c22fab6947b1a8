import type { EntrySignal } from '@ensemble/protocol';
import { closestMatch, formatValue, isThenable, quoteValue, refusedValue, thenableProblem } from '@ensemble/protocol';

/** The fields of an {@link EntrySignal}. */
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['side', 'strength', 'stopLoss', 'takeProfit']);

/** Fields a strategy might give an entry to size it, which the run's sizing does instead. */
const SIZE_WORDS: ReadonlySet<string> = new Set(['size', 'quantity', 'qty', 'units', 'shares', 'amount', 'weight', 'percent']);

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
  // A field the protocol does not know is refused, not ignored: a typo (`stoploss`) or a size
  // (`size`, `quantity`) would otherwise run as if it were not there.
  for (const key in signal) {
    if (Object.hasOwn(signal, key) && !ENTRY_FIELDS.has(key)) {
      // A size asked for is no misspelt side: it gets no suggestion, the sizing advice says where sizes come from.
      const match = SIZE_WORDS.has(key.toLowerCase()) ? undefined : closestMatch(key, [...ENTRY_FIELDS]);
      throw refusedValue(
        new TypeError(
          `shouldEnter returned an entry with the field ${quoteValue(key)}${match === undefined ? '' : ` (did you mean ${quoteValue(match)}?)`}, which the protocol does not know: an entry is { side: 'long' | 'short', strength?, stopLoss?, takeProfit? } — its size comes from the run's sizing, scaled by strength`,
        ),
      );
    }
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
