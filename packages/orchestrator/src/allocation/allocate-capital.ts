import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { applyWeightConstraints, parseConstraints } from './constraints';
import type { ConstrainedWeights } from './constraints';
import type { ReturnHistoryInput } from './return-history';
import { computeAllocation } from './compute-allocation';
import type { AllocationContext, AllocationSettings } from './compute-allocation';
import type { AllocationResult } from './schemes';

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
 * Target weights for a rebalance in one call, the one place where a scheme's weights become
 * targets: {@link computeAllocation} on the sleeves' returns up to the previous bar, then
 * `applyWeightConstraints` with the config's min/max weight, cash buffer and leverage (weights
 * scaled to `leverage − cashBuffer`). `fixed` weights are targets as given instead: each must be
 * finite, ≥ 0 and within min/max weight, and together at most `leverage − cashBuffer`; what they
 * leave below it is not invested (status `ok`). `constrained.weights` are fractions of portfolio
 * equity. Throws `ConfigError` for fixed weights that break those rules.
 */
export function allocateCapital(
  input: ReturnHistoryInput,
  settings: CapitalAllocationSettings,
  context: AllocationContext = {},
): CapitalAllocation {
  const constraints = constraintsOf(settings);
  if (settings.scheme === 'fixed' && context.fixedWeights !== undefined) return fixedAllocation(context.fixedWeights, constraints);
  const allocation = computeAllocation(input, settings, context);
  return { allocation, constrained: applyWeightConstraints(allocation.weights, constraints) };
}

/**
 * The constraints among `settings`, those set only, in this key order. Assigned one by one: four
 * conditional spreads per rebalance were a visible share of it.
 */
function constraintsOf(settings: CapitalAllocationSettings): Parameters<typeof parseConstraints>[0] {
  const constraints: { minWeight?: number; maxWeight?: number; cashBuffer?: number; leverage?: number } = {};
  if (settings.minWeight !== undefined) constraints.minWeight = settings.minWeight;
  if (settings.maxWeight !== undefined) constraints.maxWeight = settings.maxWeight;
  if (settings.cashBuffer !== undefined) constraints.cashBuffer = settings.cashBuffer;
  if (settings.leverage !== undefined) constraints.leverage = settings.leverage;
  return constraints;
}

/** `fixed`: the weights as given, checked against the constraints (see {@link allocateCapital}). */
function fixedAllocation(given: ArrayLike<number>, constraints: Parameters<typeof parseConstraints>[0]): CapitalAllocation {
  const { minWeight, maxWeight, leverage, cashBuffer } = parseConstraints(constraints);
  const target = leverage - cashBuffer;
  const weights = Float64Array.from(given);
  const issues: ConfigIssue[] = [];
  const atMin: number[] = [];
  const atMax: number[] = [];
  let sum = 0;
  weights.forEach((weight, i) => {
    if (!(Number.isFinite(weight) && weight >= 0)) issues.push({ path: `weights.${i}`, message: `must be a finite number ≥ 0, got ${weight}` });
    else if (weight < minWeight || (maxWeight !== undefined && weight > maxWeight)) {
      issues.push({ path: `weights.${i}`, message: `weight ${weight} is outside minWeight..maxWeight (${minWeight}..${maxWeight ?? target})` });
    }
    if (weight === minWeight && minWeight > 0) atMin.push(i);
    if (weight === maxWeight) atMax.push(i);
    sum += weight;
  });
  if (issues.length === 0 && sum > target * (1 + 1e-12)) {
    issues.push({ path: 'weights', message: `the fixed weights sum to ${sum}, above leverage − cashBuffer = ${target}; lower them or raise leverage` });
  }
  if (issues.length > 0) throw new ConfigError(issues, { source: 'fixed weights' });
  return {
    allocation: { scheme: 'fixed', weights: Float64Array.from(weights), warmup: false, window: 0, estimates: null, unestimated: [], unestimatedReasons: [], invested: null, convergence: null },
    constrained: { weights, target, sum, status: 'ok', atMin, atMax },
  };
}
