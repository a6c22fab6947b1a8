import type { WalkForwardResult } from '@ensemble/research';
import { describe, expect, it } from 'vitest';
import { oneLine, parameterText, walkForwardFailure } from './research-failure';

describe('the error of a research run in which nothing ran to the end', () => {
  it('keeps a configuration error\'s reason, on its issue lines, not only its header', () => {
    const message = 'every combination failed on the train window (2 of 2); the first, combination 0: Invalid configuration:\n  - params.fast: fast (60) must be less than slow (50)';
    expect(oneLine(message)).toBe('every combination failed on the train window (2 of 2); the first, combination 0: Invalid configuration: params.fast: fast (60) must be less than slow (50)');
    // Only the steps and `aborted` are read.
    const result = { aborted: false, steps: [{ index: 0, status: 'no-choice', error: { code: 'TRAIN_FAILED', message } }] } as unknown as WalkForwardResult;
    expect(walkForwardFailure(result)?.message).toBe(`no step of the walk-forward ran out of sample (1 step: 1 no-choice); the first, step 0: ${oneLine(message)}.`);
  });

  it('lists the first three lines of a long error, then says there are more', () => {
    expect(oneLine('Invalid configuration:\n  - a: one\n  - b: two\n  - c: three')).toBe('Invalid configuration: a: one b: two …');
  });
});

// Regression: a string parameter's newline was printed raw in the sweep summary, breaking its line
// (`label=a|b` then a line break), where `run` escapes it.
describe('parameterText', () => {
  it('escapes control characters of a string value, and prints numbers and booleans as they are', () => {
    expect(parameterText({ label: 'a\nb\u202e', fast: 10, short: true })).toBe('label=a\\nb\\u202e fast=10 short=true');
  });
});
