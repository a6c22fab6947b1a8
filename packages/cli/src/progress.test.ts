import { describe, expect, it } from 'vitest';
import { createCapturedIo } from './io';
import type { CliIo } from './io';
import { countOnly, createProgressReporter, progressLine, progressPhases, progressWanted, secondsLeft, withProgress } from './progress';

/** A stand-in terminal: a captured stderr that claims to be one, and every write kept. */
function fakeTerminal() {
  const io = createCapturedIo({ terminal: true });
  return { stream: io.stderr, written: io.errWrites };
}

describe('progressWanted', () => {
  it('only on a terminal stderr, with progress on and no info/debug logs sharing it', () => {
    const pipe = createCapturedIo();
    expect(progressWanted(pipe, { progress: true })).toBe(false);
    const tty: CliIo = { ...pipe, stderr: fakeTerminal().stream };
    expect(progressWanted(tty, { progress: true })).toBe(true);
    expect(progressWanted(tty, { progress: true, logLevel: 'silent' })).toBe(true);
    expect(progressWanted(tty, { progress: false })).toBe(false);
    expect(progressWanted(tty, { progress: true, logLevel: 'info' })).toBe(false);
    expect(progressWanted(tty, { progress: true, logLevel: 'debug' })).toBe(false);
  });
});

describe('secondsLeft', () => {
  it('the pace since the first report times what is left', () => {
    // First report at 50 of 200; 10 s later at 100: 0.2 s a bar, 100 bars to go = 20 s.
    expect(secondsLeft(100, 200, 50, 10_000)).toBe(20);
    // 1,050 of 2,021 in 65 s from 0: 971 × 65 / 1,050 = 63,115 / 1,050 = 60.1095 s.
    expect(secondsLeft(1_050, 2_021, 0, 65_000)).toBeCloseTo(60.1095, 4);
    expect(secondsLeft(50, 200, 50, 10_000)).toBeNull();
    expect(secondsLeft(60, 200, 50, 0)).toBeNull();
    expect(secondsLeft(200, 200, 50, 0)).toBe(0);
  });
});

describe('progressLine', () => {
  it('bars: a bar, the percentage (rounded down), done/total and the time left', () => {
    expect(progressLine('run', 'bars', 50, 200, 30, 8)).toBe('run [██░░░░░░] 25% | 50/200 bars | ETA 30s');
    expect(progressLine('run', 'bars', 1_050, 2_021, 60.1095, 10)).toBe('run [█████░░░░░] 51% | 1,050/2,021 bars | ETA 1m00s');
    expect(progressLine('run', 'bars', 0, 2_021, null, 4)).toBe('run [░░░░] 0% | 0/2,021 bars | ETA …');
    expect(progressLine('run', 'bars', 2_021, 2_021, 0, 4)).toBe('run [████] 100% | 2,021/2,021 bars | ETA 0s');
    // 9,999 s = 2 h 46 min 39 s.
    expect(progressLine('run', 'bars', 1, 10_000, 9_999, 4)).toBe('run [░░░░] 0% | 1/10,000 bars | ETA 2h46m');
    expect(progressLine('run', 'bars', 5, 10, 59.6, 4)).toBe('run [██░░] 50% | 5/10 bars | ETA 1m00s');
  });

  it('bytes: in MB with one decimal; without a total only the amount so far', () => {
    expect(progressLine('load ', 'bytes', 70_100_000, 330_500_000, 18.57, 10)).toBe('load  [██░░░░░░░░] 21% | 70.1/330.5 MB | ETA 19s');
    expect(progressLine('write', 'bytes', 1_234_567_890, 0, null)).toBe('write 1,234.6 MB');
  });
});

describe('createProgressReporter', () => {
  it('disabled: no callback, nothing written', () => {
    const terminal = fakeTerminal();
    const reporter = createProgressReporter(terminal.stream, { enabled: false, label: 'run' });
    expect(reporter.onProgress).toBeUndefined();
    reporter.stop();
    expect(terminal.written()).toEqual([]);
  });

  it('enabled: draws the bar from the first update and stops once', () => {
    const terminal = fakeTerminal();
    const reporter = createProgressReporter(terminal.stream, { enabled: true, label: 'run' });
    reporter.onProgress?.(50, 200);
    const drawn = terminal.written().join('');
    expect(drawn).toContain('run [');
    expect(drawn).toContain('25% | 50/200 bars');
    reporter.stop();
    reporter.stop();
    const after = terminal.written().length;
    reporter.onProgress?.(200, 200);
    expect(terminal.written()).toHaveLength(after);
  });

  it('bytes without a total: the amount written so far', () => {
    const terminal = fakeTerminal();
    const reporter = createProgressReporter(terminal.stream, { enabled: true, label: 'write', unit: 'bytes' });
    countOnly(reporter.onProgress)?.(1_500_000);
    expect(terminal.written().join('')).toContain('write 1.5 MB');
    reporter.stop();
  });
});

describe('withProgress', () => {
  it('hands the phase its callback and stops the display when the work ends or fails', async () => {
    const terminal = fakeTerminal();
    const phases = progressPhases(terminal.stream, true);
    await expect(
      withProgress(phases, 'load ', 'bytes', (onProgress) => {
        onProgress?.(10_000_000, 40_000_000);
        throw new Error('bad row');
      }),
    ).rejects.toThrow('bad row');
    const drawn = terminal.written().join('');
    expect(drawn).toContain('load  [');
    expect(drawn).toContain('25% | 10.0/40.0 MB');
    // Stopped: the cursor is shown again and the line cleared.
    const stoppedAt = drawn.lastIndexOf('10.0/40.0 MB');
    expect(drawn.slice(stoppedAt)).toContain('\u001b[?25h');
    expect(terminal.written().at(-1)).toBe('\u001b[2K');
    expect(await withProgress(progressPhases(terminal.stream, false), 'run  ', 'bars', (onProgress) => onProgress)).toBeUndefined();
  });
});
