import cliProgress from 'cli-progress';
import type { CliIo, TextSink } from './io';

/** A progress display for a long computation: pass `onProgress` to it, call `stop()` when it ends (also on failure). */
export interface ProgressReporter {
  /** Receives (done, total); undefined when nothing is drawn, so the computation skips the calls. */
  readonly onProgress: ((done: number, total: number) => void) | undefined;
  /** Removes the bar (if one was drawn). Safe to call more than once. */
  stop(): void;
}

function isTerminal(sink: TextSink): boolean {
  return (sink as { isTTY?: unknown }).isTTY === true;
}

/**
 * Whether to draw a progress bar on the CLI's stderr: only when stderr is a terminal, progress was
 * not turned off (`--no-progress`), and no `info`/`debug` logs share the stream.
 */
export function progressWanted(io: CliIo, options: { readonly progress: boolean; readonly logLevel?: string | undefined }): boolean {
  if (!options.progress || !isTerminal(io.stderr)) return false;
  return options.logLevel !== 'info' && options.logLevel !== 'debug';
}

const silent: ProgressReporter = { onProgress: undefined, stop: () => undefined };

/**
 * A cli-progress bar on `stream` labelled `label` (`run  [=====-----]  52% | 1,050/2,021 bars`),
 * started on the first update and cleared when it stops; a no-op reporter when `enabled` is false.
 */
export function createProgressReporter(stream: TextSink, options: { readonly enabled: boolean; readonly label: string; readonly unit?: string }): ProgressReporter {
  if (!options.enabled) return silent;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit ?? 'bars'}`,
      barsize: 30,
      clearOnComplete: true,
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    onProgress: (done, total) => {
      if (stopped) return;
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.update(done);
      }
    },
    stop: () => {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
