import cliProgress from 'cli-progress';
import { formatCount, formatNumber } from './format';
import type { CliIo, TextSink } from './io';

/** A progress display for one phase of long work: pass `onProgress` to it, call `stop()` when it ends (also on failure). */
export interface ProgressReporter {
  /** Receives (done, total), total 0 when unknown; undefined when nothing is drawn, so the work skips the calls. */
  readonly onProgress: ((done: number, total: number) => void) | undefined;
  /** Removes the line (if one was drawn). Safe to call more than once. */
  stop(): void;
}

/** What a phase counts: bars (shown as counts) or bytes (shown in MB). */
export type ProgressUnit = 'bars' | 'bytes';

/** Options of {@link createProgressReporter}. */
export interface ProgressOptions {
  readonly enabled: boolean;
  /** Names the phase at the start of the line, e.g. `load`, `run`, `write`. */
  readonly label: string;
  /** Default `bars`. */
  readonly unit?: ProgressUnit | undefined;
}

function isTerminal(sink: TextSink): boolean {
  return (sink as { isTTY?: unknown }).isTTY === true;
}

/**
 * Whether to draw progress on the CLI's stderr: only when stderr is a terminal, progress was not
 * turned off (`--no-progress`), and no `info`/`debug` logs share the stream. Never in a pipe.
 */
export function progressWanted(io: CliIo, options: { readonly progress: boolean; readonly logLevel?: string | undefined }): boolean {
  if (!options.progress || !isTerminal(io.stderr)) return false;
  return options.logLevel !== 'info' && options.logLevel !== 'debug';
}

const silent: ProgressReporter = { onProgress: undefined, stop: () => undefined };

/** An amount in the phase's unit: `1,050` bars, `150.2 MB`. */
function amount(value: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? formatNumber(value / 1_000_000, 1) : formatCount(value);
}

/** Seconds as `45s`, `3m05s`, `1h02m`. */
function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Seconds left at the pace since the first report (`from` done then, `elapsedMs` ago): null before
 * there is a pace. Measuring from the first report leaves out whatever came before it (set-up, a
 * first block of rows).
 */
export function secondsLeft(done: number, total: number, from: number, elapsedMs: number): number | null {
  if (done >= total) return 0;
  if (!(done > from) || !(elapsedMs > 0)) return null;
  return ((elapsedMs / (done - from)) * (total - done)) / 1000;
}

/**
 * The line of a phase: with a total, a bar, the percentage, done/total and the time left —
 * `run   [█████░░░░░] 52% | 1,050/2,021 bars | ETA 12s`, `load  [██░░░░░░░░] 21% | 70.1/330.5 MB |
 * ETA 25s` (`…` while `left` is null); without one (total 0), the amount so far — `write 123.4 MB`.
 */
export function progressLine(label: string, unit: ProgressUnit, done: number, total: number, left: number | null, barsize = 30): string {
  const shown = unit === 'bytes' ? 'MB' : unit;
  if (!(total > 0)) return `${label} ${amount(done, unit)} ${shown}`;
  const fraction = Math.min(1, Math.max(0, done / total));
  const complete = Math.round(fraction * barsize);
  const bar = `${'\u2588'.repeat(complete)}${'\u2591'.repeat(barsize - complete)}`;
  return `${label} [${bar}] ${Math.floor(fraction * 100)}% | ${amount(done, unit)}/${amount(total, unit)} ${shown} | ETA ${left === null ? '…' : duration(left)}`;
}

/**
 * A one-line progress display on `stream` (a cli-progress bar formatted by {@link progressLine}),
 * started on the first update and cleared when it stops; a no-op reporter when `enabled` is false.
 * Updates are drawn at most 10 times a second, also from inside synchronous work.
 */
export function createProgressReporter(stream: TextSink, options: ProgressOptions): ProgressReporter {
  if (!options.enabled) return silent;
  const unit = options.unit ?? 'bars';
  let started = 0;
  let startDone = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: (_options, params) =>
        progressLine(options.label, unit, params.value, params.total, secondsLeft(params.value, params.total, startDone, Date.now() - started)),
      clearOnComplete: true,
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let stopped = false;
  return {
    onProgress: (done, total) => {
      if (stopped) return;
      if (started === 0) {
        started = Date.now();
        startDone = done;
        bar.start(total, done);
      } else {
        if (bar.getTotal() !== total) bar.setTotal(total);
        bar.update(done);
      }
    },
    stop: () => {
      if (started !== 0 && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/**
 * A phase's callback for work that counts without a total (the bytes written so far): `done` is
 * passed on as (done, 0). Undefined when nothing is drawn.
 */
export function countOnly(onProgress: ProgressReporter['onProgress']): ((done: number) => void) | undefined {
  return onProgress === undefined
    ? undefined
    : (done) => {
        onProgress(done, 0);
      };
}

/** Makes the reporter of each phase of a command, all enabled or all not. */
export type ProgressPhases = (label: string, unit: ProgressUnit) => ProgressReporter;

/** Phases that draw nothing (the default of the pipeline functions). */
export const NO_PROGRESS: ProgressPhases = () => silent;

/** The phases of a command on `stream`: each a {@link createProgressReporter} when `enabled`, silent otherwise. */
export function progressPhases(stream: TextSink, enabled: boolean): ProgressPhases {
  return (label, unit) => createProgressReporter(stream, { enabled, label, unit });
}

/** Runs `work` with the reporter of one phase, and stops the reporter when the work ends or fails. */
export async function withProgress<T>(
  phases: ProgressPhases,
  label: string,
  unit: ProgressUnit,
  work: (onProgress: ProgressReporter['onProgress']) => T | Promise<T>,
): Promise<T> {
  const reporter = phases(label, unit);
  try {
    return await work(reporter.onProgress);
  } finally {
    reporter.stop();
  }
}
