import { describe, expect, it } from 'vitest';
import { allocateCapital } from './allocate-capital';
import { AllocationConfigSchema } from './config';

describe('allocateCapital', () => {
  it('computes the scheme then applies the constraints of a parsed config', () => {
    // Inverse volatility of σ = 0.02 and 0.04 (see schemes.test.ts): raw 2/3, 1/3.
    // cashBuffer 0.1 → target 0.9; maxWeight 0.55 caps sleeve 0 and gives 0.35 to sleeve 1.
    const config = AllocationConfigSchema.parse({ scheme: 'inverse-volatility', lookback: 3, maxWeight: 0.55, cashBuffer: 0.1 });
    const { allocation, constrained } = allocateCapital(
      [
        [0.01, -0.01, 0.03],
        [0.05, -0.03, 0.01],
      ],
      config,
    );
    expect(Math.abs((allocation.weights[0] ?? 0) - 2 / 3)).toBeLessThan(1e-12);
    expect(Math.abs((constrained.weights[0] ?? 0) - 0.55)).toBeLessThan(1e-12);
    expect(Math.abs((constrained.weights[1] ?? 0) - 0.35)).toBeLessThan(1e-12);
    expect(constrained).toMatchObject({ status: 'ok', atMax: [0] });
  });

  it('takes fixed weights as targets as given: what they leave below the target stays uninvested', () => {
    // Target leverage − cashBuffer = 2 − 0.1 = 1.9; the weights sum to 0.8, so 1.1 is not invested.
    const { allocation, constrained } = allocateCapital([[], []], { scheme: 'fixed', leverage: 2, cashBuffer: 0.1 }, { fixedWeights: [0.6, 0.2] });
    expect(Array.from(constrained.weights)).toEqual([0.6, 0.2]);
    expect(constrained).toMatchObject({ target: 1.9, status: 'ok' });
    expect(constrained.sum).toBeCloseTo(0.8, 15);
    expect(Array.from(allocation.weights)).toEqual([0.6, 0.2]);
  });

  it('rejects fixed weights outside min/max weight or summing above the target, naming them', () => {
    expect(() => allocateCapital([[], []], { scheme: 'fixed', leverage: 2 }, { fixedWeights: [3, 1] })).toThrow(/sum to 4, above leverage − cashBuffer = 2/);
    expect(() => allocateCapital([[], []], { scheme: 'fixed', maxWeight: 0.5 }, { fixedWeights: [0.6, 0.2] })).toThrow(/weights\.0.*outside minWeight\.\.maxWeight \(0\.\.0\.5\)/s);
  });
});
