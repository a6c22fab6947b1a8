import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { FlagProblems } from './flags';
import { createCapturedIo } from './io';
import { strayArgumentProblems } from './stray-arguments';
import { BACKTEST_CONFIG_HINT } from './required-options';

async function backtest(...args: string[]) {
  const io = createCapturedIo();
  const code = await main(['node', 'ensemble', 'backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble backtest: an unknown flag or a stray word says what to type instead (exit 2, nothing run)', () => {
  it('--fast 10: fast is a parameter of the strategy, so --param fast=10', async () => {
    const { code, out, err } = await backtest('--fast', '10');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('--fast 10: unknown flag: fast is a parameter of sma-crossover; give it as --param fast=10');
    expect(err).not.toContain('Did you mean --cash');
  });

  it('--param fast 10: the missing "=" explained with the argument to type', async () => {
    const { code, err } = await backtest('--param', 'fast', '10', '--param', 'slow=30');
    expect(code).toBe(2);
    expect(err).toContain('--param fast 10: a parameter is one argument, key=value: --param fast=10');
    expect(err).not.toContain('too many arguments');
    // Reported once, not again by the parameter checks.
    expect(err.match(/--param fast/g)).toHaveLength(2);
  });

  it('another unknown flag: the nearest known flag, listed with every other flag problem', async () => {
    const { code, err } = await backtest('--fil', 'close', '--cash', '-5');
    expect(code).toBe(2);
    expect(err).toContain('--fil close: unknown flag; did you mean --fill? (`ensemble backtest --help` lists every flag)');
    expect(err).toContain('--cash -5');
  });

  it('--config: a config file runs with `ensemble run --config`, said before a missing --strategy', async () => {
    for (const args of [['--config', 'best-config.json'], ['--config=best-config.json', '--strategy', 'sma-crossover']]) {
      const io = createCapturedIo();
      const code = await main(['node', 'ensemble', 'backtest', ...args], io);
      expect(code).toBe(2);
      expect(io.out()).toBe('');
      expect(io.err()).toContain(`error: ${BACKTEST_CONFIG_HINT}`);
      expect(io.err()).not.toContain("required option '--strategy");
    }
    expect(BACKTEST_CONFIG_HINT).toContain('`ensemble run --config FILE`');
  });

  it('a right flag still runs: the leftovers are only what the parser could not place', async () => {
    const { code } = await backtest('--param', 'fast=10', '--param', 'slow=30', '--from', '2019-01-01', '--no-progress');
    expect(code).toBe(0);
  });
});

describe('strayArgumentProblems', () => {
  const context = { command: 'ensemble backtest', knownFlags: ['--fill', '--from', '--cash', '--log-level'], strategy: 'sma-crossover' };

  function messages(args: readonly string[], params: readonly string[] = []): { issues: string[]; explained: string[] } {
    const problems = new FlagProblems();
    const explained = strayArgumentProblems(problems, args, params, context);
    return { issues: problems.issues.map((issue) => `${issue.path}: ${issue.message}`), explained: [...explained] };
  }

  it('names a parameter given as a flag, with its value inline, after it, or missing', () => {
    expect(messages(['--slow=30']).issues).toEqual(['--slow=30: unknown flag: slow is a parameter of sma-crossover; give it as --param slow=30']);
    expect(messages(['--slow', '-30']).issues).toEqual(['--slow -30: unknown flag: slow is a parameter of sma-crossover; give it as --param slow=-30']);
    expect(messages(['--slow']).issues).toEqual(['--slow: unknown flag: slow is a parameter of sma-crossover; give it as --param slow=VALUE']);
  });

  it('suggests the nearest flag by edit distance, else the nearest parameter, else the help', () => {
    expect(messages(['--form', '2020-01-01']).issues).toEqual(['--form 2020-01-01: unknown flag; did you mean --from? (`ensemble backtest --help` lists every flag)']);
    expect(messages(['--fats', '5']).issues).toEqual(['--fats 5: unknown flag; did you mean the parameter fast of sma-crossover: --param fast=5?']);
    expect(messages(['--colour', 'red']).issues).toEqual(['--colour red: unknown flag; `ensemble backtest --help` lists every flag']);
  });

  it('pairs values left over with --param keys that lack "=", in order; other words are unexpected', () => {
    const { issues, explained } = messages(['10', '30', 'extra'], ['fast', 'slow', 'x=1']);
    expect(issues).toEqual([
      '--param fast 10: a parameter is one argument, key=value: --param fast=10',
      '--param slow 30: a parameter is one argument, key=value: --param slow=30',
      'extra: unexpected argument: ensemble backtest takes only flags (`ensemble backtest --help` lists every flag)',
    ]);
    expect(explained).toEqual(['fast', 'slow']);
  });

  it('echoes what was typed safely, and knows no parameters of an unknown strategy', () => {
    const problems = new FlagProblems();
    strayArgumentProblems(problems, ['--\u001b[2J'], [], { ...context, strategy: 'nope' });
    expect(problems.issues[0]?.path).toBe('--\\x1b[2J');
    expect(() => {
      problems.throwIfAny();
    }).toThrow(ConfigError);
  });
});
