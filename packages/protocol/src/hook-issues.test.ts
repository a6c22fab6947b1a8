import { describe, expect, it } from 'vitest';
import { callbackIssue, loggerIssue, registryIssue } from './hook-issues';
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
});
