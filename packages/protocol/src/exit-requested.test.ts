import { describe, expect, it } from 'vitest';
import type { ExitSignal } from './strategy';
import { exitRequested } from './strategy';

describe('exitRequested', () => {
  it('reads a boolean or { exit: boolean }', () => {
    expect(exitRequested(true)).toBe(true);
    expect(exitRequested(false)).toBe(false);
    expect(exitRequested({ exit: true })).toBe(true);
    expect(exitRequested({ exit: false })).toBe(false);
  });

  it('throws a TypeError naming any other answer (a strategy written without the types)', () => {
    expect(() => exitRequested({ exit: 'yes' } as unknown as ExitSignal)).toThrow(
      new TypeError('shouldExit returned {"exit":"yes"}; it must be a boolean or { exit: boolean }'),
    );
    expect(() => exitRequested(null as unknown as boolean)).toThrow(/shouldExit returned null; it must be a boolean/);
  });
});
