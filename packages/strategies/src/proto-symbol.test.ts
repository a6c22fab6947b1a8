import { barSeriesFromCloses } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { portfolioContextAt } from './__fixtures__/portfolio';
import { EqualWeightStrategy } from './equal-weight';
import { InverseVolatilityStrategy } from './inverse-volatility';

// Regression: a symbol named `__proto__` got no weight — `weights[symbol] = w` called
// Object.prototype's setter, which ignores a number — and its share stayed in cash.
describe('a symbol named __proto__', () => {
  const days = Array.from({ length: 30 }, (_, i) => Date.UTC(2024, 0, 1 + i));
  const closes = (start: number, step: number) => days.map((_, i) => start + step * i + (i % 3));
  const series = (name: string) => [barSeriesFromCloses(name, days, closes(10, 0.5)), barSeriesFromCloses('B', days, closes(20, -0.2))];

  it('gets the weight any other name gets, as an own property', () => {
    const context = portfolioContextAt(series('__proto__'), 29);
    const named = portfolioContextAt(series('A'), 29);
    for (const strategy of [new EqualWeightStrategy(), new InverseVolatilityStrategy({ lookback: 10 })]) {
      const weights = strategy.targetWeights(context);
      const reference = strategy.targetWeights(named);
      expect(Object.keys(weights)).toEqual(['__proto__', 'B']);
      expect(Object.getOwnPropertyDescriptor(weights, '__proto__')?.value).toBe(reference.A);
      expect(weights.B).toBe(reference.B);
      expect(Object.getPrototypeOf(weights)).toBe(Object.prototype);
    }
  });
});
