import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DataValidationError,
  EnsembleError,
  LookaheadError,
  RunError,
  StrategyError,
  StrategyNotFoundError,
  formatDataProblem,
  isRefusedValue,
  refusedValue,
} from './errors';

// eslint-disable-next-line no-control-regex -- the tests look for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const ESCAPES = '\u001b]0;PWNED\u0007\u001b[2J\u001b[31mRED\u0000';

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

  it('lists at most 20 problems, counts the rest, and escapes what it echoes', () => {
    const problems = Array.from({ length: 500 }, (_, i) => ({
      file: `prices\u001b[2J.csv`,
      row: i + 2,
      field: ESCAPES,
      rule: 'non-numeric' as const,
      message: `volume is ${ESCAPES}`,
    }));
    const error = new DataValidationError(problems);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[21]).toBe('  - … and 480 more');
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message).toContain('prices\\x1b[2J.csv:2 column "\\x1b]0;PWNED\\x07');
    expect(error.problems).toHaveLength(500);
  });

  it('names its subject when it is not market data', () => {
    const error = new DataValidationError([{ file: 'equity curve', row: 2, rule: 'non-finite', message: 'x' }], { subject: 'equity curve' });
    expect(error.message.startsWith('Invalid equity curve:')).toBe(true);
    expect(error.subject).toBe('equity curve');
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

  it('names its subject and a hint in the heading when the input is not a configuration', () => {
    const error = new ConfigError([{ path: 'trades.0.quantity', message: 'is -5' }], { source: 'bt.json', subject: 'result', hint: 'write it again with `ensemble backtest --json`' });
    expect(error.message).toBe('Invalid result in bt.json (write it again with `ensemble backtest --json`):\n  - trades.0.quantity: is -5');
    expect([error.subject, error.hint]).toEqual(['result', 'write it again with `ensemble backtest --json`']);
    expect(new ConfigError([]).subject).toBe('configuration');
  });

  it('lists at most 20 issues, keeps all of them in issues, and stays small whatever it echoes', () => {
    const huge = 'k'.repeat(1_048_576);
    const issues = Array.from({ length: 1000 }, (_, i) => ({ path: `data.${huge}${i}`, message: `unknown key "${huge}"` }));
    const error = new ConfigError(issues, { source: `run\u001b[2J.json` });
    expect(error.issues).toHaveLength(1000);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[0]).toBe('Invalid configuration in run\\x1b[2J.json:');
    expect(lines[21]).toBe('  - … and 980 more');
    expect(error.message.length).toBeLessThan(21 * 520);
  });

  it('escapes control characters in paths and messages', () => {
    const error = new ConfigError([{ path: `strategies.0.params.a\u0000b`, message: `unknown parameter ${ESCAPES}` }]);
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message).toContain('strategies.0.params.a\\x00b: unknown parameter \\x1b]0;PWNED\\x07');
  });
});

describe('StrategyError', () => {
  it('names the strategy even when its error\'s message getter throws', () => {
    class Bomb extends Error {
      override get message(): string {
        throw new Error('getter bomb');
      }
    }
    const error = new StrategyError('bomb', { symbol: 'SP500', cause: new Bomb() });
    expect(error.message).toBe('Strategy "bomb" failed on SP500: an error whose message cannot be read (its message getter threw)');
  });


  it('names the strategy, symbol and bar date', () => {
    const error = new StrategyError('sma-1', {
      symbol: 'SPX',
      time: Date.UTC(2001, 2, 5),
      cause: new TypeError('boom'),
    });
    expect(error.message).toBe('Strategy "sma-1" failed on SPX at 2001-03-05: boom');
    // An intraday bar by its date and time; the strategy's own later lines indented, so that one
    // starting "error:" cannot pass for another error of the command.
    const intraday = new StrategyError('sma-1', { symbol: 'SPX', time: Date.UTC(2001, 2, 5, 14, 30), cause: new Error('first\nerror: not ours') });
    expect(intraday.message).toBe('Strategy "sma-1" failed on SPX at 2001-03-05T14:30:00.000Z: first\n  error: not ours');
    expect(error.strategyId).toBe('sma-1');
    expect(error.symbol).toBe('SPX');
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(StrategyError.isInstance(error)).toBe(true);
  });

  it('quotes an id with control characters or a huge id safely, and survives a time that is no date', () => {
    const error = new StrategyError(`bad\u001b[2J\u0000id${'x'.repeat(1_000_000)}`, { symbol: `SP\u001b[31m`, time: 1e300, message: ESCAPES });
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message).toMatch(/^Strategy "bad\\x1b\[2J\\x00idx+…" \(1,000,010 chars\) failed on SP\\x1b\[31m at 1e\+300: \\x1b\]0;PWNED/);
    expect(error.message.length).toBeLessThan(500);
    expect(new LookaheadError('a\u001bb', 'read bar 3').message).toBe('Strategy "a\\x1bb" looks ahead: read bar 3');
  });

  it('describes a thrown non-error value', () => {
    expect(new StrategyError('s', { cause: { reason: 'x' } }).message).toBe('Strategy "s" failed: {"reason":"x"}');
  });

  it('is refused when its cause is an engine\'s refusal of a returned value, marked by refusedValue (by any copy of the package), and only then', () => {
    const refusal = refusedValue(new RangeError('shouldEnter returned strength NaN; it must be a number within 0..1'));
    expect(refusal).toBeInstanceOf(RangeError);
    expect(Object.keys(refusal)).toEqual([]);
    const refused = new StrategyError('s', { symbol: 'SPX', cause: refusal });
    expect(refused.refused).toBe(true);
    expect(refused.message).toBe('Strategy "s" failed on SPX: shouldEnter returned strength NaN; it must be a number within 0..1');
    const foreign = Object.defineProperty(new TypeError('from another copy'), Symbol.for('ensemble.refused-value'), { value: true });
    expect(isRefusedValue(foreign)).toBe(true);
    expect(new StrategyError('s', { cause: foreign }).refused).toBe(true);
    for (const cause of [new RangeError('bad bar'), 'a string', null, undefined, { refused: true }]) {
      expect(new StrategyError('s', { cause }).refused).toBe(false);
    }
    // A proxy whose every read throws is a throw of the strategy's, not a refusal.
    const hostile = new Proxy(new Error('x'), { get: () => { throw new Error('trap'); } });
    expect(isRefusedValue(hostile)).toBe(false);
    expect(new StrategyError('s', { message: 'create returned a strategy without kind' }).refused).toBe(false);
  });
});

describe('StrategyNotFoundError', () => {
  it('lists the available strategies', () => {
    const error = new StrategyNotFoundError('sma', ['buy-and-hold', 'sma-crossover']);
    expect(error.message).toContain('Unknown strategy "sma"');
    expect(error.message).toContain('buy-and-hold, sma-crossover');
  });

  // Regression: `ensemble strategies sma-crosover` listed the names without the suggestion that
  // `backtest --strategy sma-crosover` and a run config give.
  it('suggests the name a mistyped one most likely meant, whatever its case', () => {
    const names = ['buy-and-hold', 'sma-crossover', 'rsi-mean-reversion'];
    expect(new StrategyNotFoundError('sma-crosover', names).message).toBe(
      'Unknown strategy "sma-crosover" — did you mean "sma-crossover"? Available: buy-and-hold, sma-crossover, rsi-mean-reversion. Run `ensemble strategies` to list them with their parameters.',
    );
    expect(new StrategyNotFoundError('Buy-And-Hold', names).message).toContain('Unknown strategy "Buy-And-Hold" — did you mean "buy-and-hold"? Available:');
    expect(new StrategyNotFoundError('magic', names).message).toBe('Unknown strategy "magic". Available: buy-and-hold, sma-crossover, rsi-mean-reversion. Run `ensemble strategies` to list them with their parameters.');
  });

  it('echoes an unknown name safely', () => {
    const error = new StrategyNotFoundError(`sma\u001b[2J${'y'.repeat(100_000)}`, ['buy-and-hold']);
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message).toContain('Unknown strategy "sma\\x1b[2Jyyy');
    expect(error.message).toContain('(100,007 chars)');
  });
});

describe('RunError', () => {
  it('names what failed, the strategy and the bar, with its own code', () => {
    const error = new RunError('equity of "a" is not finite', { what: 'equity', strategyId: 'a', time: 0 });
    expect(error.code).toBe('RUN_FAILED');
    expect([error.what, error.strategyId, error.time]).toEqual(['equity', 'a', 0]);
    expect(RunError.isInstance(error)).toBe(true);
    expect(StrategyError.isInstance(error)).toBe(false);
  });
});
