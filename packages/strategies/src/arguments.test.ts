import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  coerceParameterStrings,
  createStrategy,
  crossover,
  describeParameters,
  ema,
  getStrategy,
  rollingMax,
  rollingMin,
  rollingStdDev,
  rsi,
  simpleReturns,
  sma,
  smaCrossoverDefinition,
} from './index';

describe('entry points given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'length')",
  // "undefined is not iterable", "Cannot use 'in' operator to search for '_idmap' in undefined").
  const cases: [string, string, () => unknown, string[]][] = [
    ['createStrategy', 'undefined', () => createStrategy(undefined as never), ['name']],
    ['createStrategy', 'null', () => createStrategy(null as never), ['name']],
    ['createStrategy', 'an id of a number', () => createStrategy('buy-and-hold', {}, 5 as never), ['id']],
    ['getStrategy', 'undefined', () => getStrategy(undefined as never), ['name']],
    ['getStrategy', 'an object', () => getStrategy({} as never), ['name']],
    ['describeParameters', 'undefined', () => describeParameters(undefined as never), ['definition']],
    ['describeParameters', 'an object without a schema', () => describeParameters({} as never), ['definition.schema']],
    ['coerceParameterStrings', 'a string', () => coerceParameterStrings('sma-crossover' as never, {}), ['definition']],
    ['coerceParameterStrings', 'values of null', () => coerceParameterStrings(smaCrossoverDefinition, null as never), ['values']],
    ['sma', 'undefined', () => sma(undefined as never, 3), ['values']],
    ['ema', 'null', () => ema(null as never, 3), ['values']],
    ['rsi', 'a number', () => rsi(5 as never, 3), ['values']],
    ['rollingMax', 'undefined', () => rollingMax(undefined as never, 3), ['values']],
    ['rollingMin', 'undefined', () => rollingMin(undefined as never, 3), ['values']],
    ['rollingStdDev', 'undefined', () => rollingStdDev(undefined as never, 3), ['values']],
    ['simpleReturns', 'undefined', () => simpleReturns(undefined as never), ['values']],
    ['simpleReturns', 'null', () => simpleReturns(null as never), ['values']],
    ['crossover', 'undefined', () => crossover(undefined as never, [1]), ['a']],
    ['crossover', 'a second of an object', () => crossover([1], {} as never), ['b']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('says what the argument must be and what it got', () => {
    expect(() => createStrategy(undefined as never)).toThrow(/name: must be a strategy name \(a string: buy-and-hold, .*\); got undefined/);
  });

  it('takes arguments of the right kind as before', () => {
    expect(getStrategy('sma-crossover')).toBe(smaCrossoverDefinition);
    expect(() => getStrategy('nope')).toThrow('nope');
    expect(createStrategy('buy-and-hold').id).toBe('buy-and-hold');
    expect(sma([1, 2, 3], 2)).toEqual(Float64Array.of(Number.NaN, 1.5, 2.5));
    expect(coerceParameterStrings(smaCrossoverDefinition, { fast: '10' })).toEqual({ fast: 10 });
    expect(describeParameters(smaCrossoverDefinition).length).toBeGreaterThan(0);
  });
});
