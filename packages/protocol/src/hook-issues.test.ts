import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { arrayIssue, callbackIssue, checkArguments, describeGiven, loggerIssue, nullAsAbsent, objectIssue, optionsIssue, registryIssue, shapeIssue, stringIssue } from './hook-issues';
import { createMemoryLogger, noopLogger } from './logger';

describe('hook issues: what a call was given besides its options', () => {
  it('takes absent hooks and hooks of the right kind', () => {
    expect(loggerIssue(undefined)).toBeNull();
    expect(loggerIssue(null)).toBeNull();
    expect(loggerIssue(noopLogger)).toBeNull();
    expect(loggerIssue(createMemoryLogger())).toBeNull();
    expect(callbackIssue(undefined, 'onProgress', 'called with (done, total)')).toBeNull();
    expect(callbackIssue(null, 'onProgress', 'called with (done, total)')).toBeNull();
    expect(callbackIssue(() => undefined, 'onProgress', 'called with (done, total)')).toBeNull();
    expect(registryIssue({})).toBeNull();
  });

  it('names the hook, what it must be and what it got', () => {
    expect(loggerIssue(5)).toEqual({ path: 'logger', message: expect.stringMatching(/^must be a logger with debug, info, warn, error and child methods .*got number 5\. Leave it out/) as unknown });
    // An object lacking methods says which.
    expect(loggerIssue({ info: () => undefined, warn: () => undefined })?.message).toContain('got an object without debug, error, child');
    expect(loggerIssue(console)?.message).toContain('without child');
    expect(callbackIssue('x', 'onProgress', 'called with (done, total)')).toEqual({
      path: 'onProgress',
      message: 'must be a function called with (done, total); got the string "x". Leave it out if not needed',
    });
    expect(callbackIssue({}, 'allocate', 'of returns')?.message).toContain('got an object');
    expect(registryIssue(undefined)?.message).toContain('pass { registry }');
    expect(registryIssue(null)?.message).toContain('pass { registry }');
    expect(registryIssue([])?.message).toContain('got an array');
    expect(registryIssue('strategies', 'options.registry')).toEqual({ path: 'options.registry', message: expect.stringContaining('got the string "strategies"') as unknown });
  });

  it('checks the shape of an entry point\'s arguments: objects, options, arrays, strings', () => {
    expect(objectIssue({}, 'data', 'market data')).toBeNull();
    expect(objectIssue(new Map(), 'data', 'market data')).toBeNull();
    expect(objectIssue(null, 'data', 'market data')).toEqual({ path: 'data', message: 'must be market data; got null' });
    expect(objectIssue([], 'data', 'market data')?.message).toBe('must be market data; got an array');
    expect(objectIssue(5, 'data', 'market data')?.message).toBe('must be market data; got number 5');
    expect(optionsIssue(undefined)).toBeNull();
    expect(optionsIssue(null)).toBeNull();
    expect(optionsIssue({})).toBeNull();
    expect(optionsIssue('x')).toEqual({ path: 'options', message: 'must be an object of options, or left out; got the string "x"' });
    expect(optionsIssue([], 'range')?.path).toBe('range');
    expect(arrayIssue([], 'symbols', 'an array of symbols')).toBeNull();
    expect(arrayIssue({ length: 0 }, 'symbols', 'an array of symbols')?.message).toBe('must be an array of symbols; got an object');
    expect(stringIssue('', 'path', 'a file path')).toBeNull();
    expect(stringIssue(NaN, 'path', 'a file path')?.message).toBe('must be a file path; got number NaN');
    expect(describeGiven(undefined)).toBe('undefined');
    const absent = {};
    expect(nullAsAbsent(null, absent)).toBe(absent);
    expect(nullAsAbsent(undefined, absent)).toBe(absent);
    const given = { symbol: 'A' };
    expect(nullAsAbsent(given, absent)).toBe(given);
    expect(describeGiven(() => 1)).toBe('a function');
  });

  it('throws one ConfigError naming the function and listing every problem, or nothing', () => {
    expect(() => {
      checkArguments('toCsv', [null, null]);
    }).not.toThrow();
    let error: unknown;
    try {
      checkArguments('toCsv', [objectIssue(5, 'data', 'market data'), null, optionsIssue('x')]);
    } catch (thrown) {
      error = thrown;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const configError = error as ConfigError;
    expect(configError.issues.map((issue) => issue.path)).toEqual(['data', 'options']);
    expect(configError.message).toBe('Invalid arguments to toCsv:\n  - data: must be market data; got number 5\n  - options: must be an object of options, or left out; got the string "x"');
  });

  it('checks the fields an entry point reads of an object argument, by kind', () => {
    const fields = { equity: 'object', trades: 'array', time: 'column', name: 'string?', run: 'function?' } as const;
    const ok = { equity: {}, trades: [], time: new Float64Array(2), extra: 1 };
    expect(shapeIssue(ok, 'result', 'a result', fields)).toBeNull();
    expect(shapeIssue({ ...ok, time: [1, 2], name: 'x', run: () => 0 }, 'result', 'a result', fields)).toBeNull();
    expect(shapeIssue(null, 'result', 'a result', fields)).toEqual({ path: 'result', message: 'must be a result; got null' });
    expect(shapeIssue({ ...ok, equity: [] }, 'result', 'a result', fields)).toEqual({ path: 'result.equity', message: 'must be an object (a result); got an array' });
    expect(shapeIssue({ ...ok, trades: undefined }, 'result', 'a result', fields)?.path).toBe('result.trades');
    expect(shapeIssue({ ...ok, time: 'x' }, 'result', 'a result', fields)?.message).toBe('must be a column of numbers (an array or typed array) (a result); got the string "x"');
    expect(shapeIssue({ ...ok, name: 5 }, '', 'a result', fields)).toEqual({ path: 'name', message: 'must be a string or left out (a result); got number 5' });
  });
});
