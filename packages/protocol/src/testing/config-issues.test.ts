import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { configIssuesOf } from './config-issues';

describe('configIssuesOf: the ConfigError a call throws, for tables of bad inputs', () => {
  const error = new ConfigError([
    { path: 'input', message: 'must be a string' },
    { path: 'options.x', message: 'must be a number' },
  ]);

  it('reads a thrown and a rejected ConfigError alike', async () => {
    const expected = { heading: error.message.split('\n')[0], paths: ['input', 'options.x'] };
    expect(await configIssuesOf(() => {
      throw error;
    })).toEqual(expected);
    expect(await configIssuesOf(() => Promise.reject(error))).toEqual(expected);
  });

  it('fails a call that succeeds or throws something else, saying what it got', async () => {
    await expect(configIssuesOf(() => 5)).rejects.toThrow('expected a ConfigError, got none');
    await expect(configIssuesOf(() => Promise.resolve())).rejects.toThrow('expected a ConfigError, got none');
    await expect(
      configIssuesOf(() => {
        throw new TypeError('x is not a function');
      }),
    ).rejects.toThrow('expected a ConfigError, got TypeError: x is not a function');
  });
});
