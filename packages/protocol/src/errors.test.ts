import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DataValidationError,
  EnsembleError,
  StrategyError,
  StrategyNotFoundError,
  formatDataProblem,
} from './errors';

describe('EnsembleError', () => {
  it('is recognised by its brand, also when created by another copy of the package', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('ensemble.error')]: true,
      code: 'DATA_INVALID',
      name: 'DataValidationError',
    });
    expect(EnsembleError.isInstance(foreign)).toBe(true);
    expect(DataValidationError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(false);
    expect(EnsembleError.isInstance(new Error('plain'))).toBe(false);
    expect(EnsembleError.isInstance(null)).toBe(false);
    expect(EnsembleError.isInstance('DATA_INVALID')).toBe(false);
  });

  it('keeps code, name and cause', () => {
    const cause = new Error('disk');
    const error = new EnsembleError('IO_FAILED', 'could not write', { cause });
    expect(error.code).toBe('IO_FAILED');
    expect(error.name).toBe('EnsembleError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('DataValidationError', () => {
  it('lists every problem with file, line and column, and repeats the first in its fields', () => {
    const error = new DataValidationError([
      { file: 'prices.csv', row: 3, field: 'close', rule: 'non-numeric', message: 'expected a number, got "abc"', value: 'abc' },
      { file: 'prices.csv', row: 7, field: 'high', rule: 'high-below-low', message: 'high 9 is below low 10' },
    ]);
    expect(error.code).toBe('DATA_INVALID');
    expect(error.file).toBe('prices.csv');
    expect(error.row).toBe(3);
    expect(error.field).toBe('close');
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('prices.csv:3 column "close": expected a number, got "abc"');
    expect(error.message).toContain('prices.csv:7 column "high": high 9 is below low 10');
  });

  it('says when the list was cut short', () => {
    const error = new DataValidationError([{ rule: 'bad-date', message: 'bad date' }], { truncated: true });
    expect(error.truncated).toBe(true);
    expect(error.message).toContain('more problems not listed');
  });

  it('formats problems without a file', () => {
    expect(formatDataProblem({ rule: 'empty-file', message: 'no rows' })).toBe('no rows');
    expect(formatDataProblem({ row: 2, field: 'date', rule: 'bad-date', message: 'x' })).toBe('row 2 column "date": x');
  });
});

describe('ConfigError', () => {
  it('lists every issue by path and names the source', () => {
    const error = new ConfigError(
      [
        { path: 'strategies.0.params.fast', message: 'fast must be below slow' },
        { path: '', message: 'unknown key "cahs"' },
      ],
      { source: 'run.json' },
    );
    expect(error.message).toBe(
      'Invalid configuration in run.json:\n  - strategies.0.params.fast: fast must be below slow\n  - (root): unknown key "cahs"',
    );
    expect(ConfigError.isInstance(error)).toBe(true);
  });
});

describe('StrategyError', () => {
  it('names the strategy, symbol and bar date', () => {
    const error = new StrategyError('sma-1', {
      symbol: 'SPX',
      time: Date.UTC(2001, 2, 5),
      cause: new TypeError('boom'),
    });
    expect(error.message).toBe('Strategy "sma-1" failed on SPX at 2001-03-05: boom');
    expect(error.strategyId).toBe('sma-1');
    expect(error.symbol).toBe('SPX');
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(StrategyError.isInstance(error)).toBe(true);
  });

  it('describes a thrown non-error value', () => {
    expect(new StrategyError('s', { cause: { reason: 'x' } }).message).toBe('Strategy "s" failed: {"reason":"x"}');
  });
});

describe('StrategyNotFoundError', () => {
  it('lists the available strategies', () => {
    const error = new StrategyNotFoundError('sma', ['buy-and-hold', 'sma-crossover']);
    expect(error.message).toContain('Unknown strategy "sma"');
    expect(error.message).toContain('buy-and-hold, sma-crossover');
  });
});
