import { applyWeightConstraints } from './constraints';
import type { ConstrainedWeights } from './constraints';
import type { ReturnHistoryInput } from './return-history';
import { computeAllocation } from './schemes';
import type { AllocationContext, AllocationResult, AllocationSettings } from './schemes';

/** Settings of {@link allocateCapital}: the scheme's and the constraints' (a parsed `AllocationConfigSchema` fits). */
export interface CapitalAllocationSettings extends AllocationSettings {
  readonly minWeight?: number | undefined;
  readonly maxWeight?: number | undefined;
  readonly cashBuffer?: number | undefined;
  readonly leverage?: number | undefined;
}

/** Raw weights from the scheme and the constrained target weights derived from them. */
export interface CapitalAllocation {
  readonly allocation: AllocationResult;
  readonly constrained: ConstrainedWeights;
}

/**
 * Target weights for a rebalance in one call: {@link computeAllocation} on the sleeves' returns
 * up to the previous bar, then `applyWeightConstraints` with the config's min/max weight, cash
 * buffer and leverage. `constrained.weights` are fractions of portfolio equity.
 */
export function allocateCapital(
  input: ReturnHistoryInput,
  settings: CapitalAllocationSettings,
  context: AllocationContext = {},
): CapitalAllocation {
  const allocation = computeAllocation(input, settings, context);
  const constrained = applyWeightConstraints(allocation.weights, {
    ...(settings.minWeight === undefined ? {} : { minWeight: settings.minWeight }),
    ...(settings.maxWeight === undefined ? {} : { maxWeight: settings.maxWeight }),
    ...(settings.cashBuffer === undefined ? {} : { cashBuffer: settings.cashBuffer }),
    ...(settings.leverage === undefined ? {} : { leverage: settings.leverage }),
  });
  return { allocation, constrained };
}
