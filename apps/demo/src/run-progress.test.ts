import { describe, expect, it } from 'vitest';
import { createCapturedIo } from './io';
import type { CliIo } from './io';
import { createProgressReporter, progressWanted } from './run-progress';

/** A stand-in terminal: `isTTY`, a width, and everything written kept. */
function fakeTerminal() {
  const written: string[] = [];
  return { isTTY: true, columns: 100, rows: 30, write: (text: string) => written.push(text), on: () => undefined, written };
}

describe('progressWanted', () => {
  it('only on a terminal stderr, with progress on and no info/debug logs sharing it', () => {
    const pipe = createCapturedIo();
    expect(progressWanted(pipe, { progress: true })).toBe(false);
    const tty: CliIo = { ...pipe, stderr: fakeTerminal() };
    expect(progressWanted(tty, { progress: true })).toBe(true);
    expect(progressWanted(tty, { progress: true, logLevel: 'silent' })).toBe(true);
    expect(progressWanted(tty, { progress: false })).toBe(false);
    expect(progressWanted(tty, { progress: true, logLevel: 'info' })).toBe(false);
    expect(progressWanted(tty, { progress: true, logLevel: 'debug' })).toBe(false);
  });
});

describe('createProgressReporter', () => {
  it('disabled: no callback, nothing written', () => {
    const terminal = fakeTerminal();
    const reporter = createProgressReporter(terminal, { enabled: false, label: 'run' });
    expect(reporter.onProgress).toBeUndefined();
    reporter.stop();
    expect(terminal.written).toEqual([]);
  });

  it('enabled: draws the bar from the first update and stops once', () => {
    const terminal = fakeTerminal();
    const reporter = createProgressReporter(terminal, { enabled: true, label: 'run' });
    reporter.onProgress?.(50, 200);
    const drawn = terminal.written.join('');
    expect(drawn).toContain('run [');
    expect(drawn).toContain('25% | 50/200 bars');
    reporter.stop();
    reporter.stop();
    const after = terminal.written.length;
    reporter.onProgress?.(200, 200);
    expect(terminal.written).toHaveLength(after);
  });
});
