import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { exitProcess } from './process';

/** The signals after which the CLI removes its temporary files before it exits (128 + the signal's number: 130, 143). */
export const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const live = new Set<string>();
let listening = false;

/** Removes every temporary file still registered (synchronously: the process is about to exit). */
export function removeTemporaryFiles(): void {
  for (const file of live) {
    try {
      rmSync(file, { force: true });
    } catch {
      // Nothing more can be done on the way out; the next file may still go.
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeTemporaryFiles();
  exitProcess(128 + constants.signals[signal]);
}

function listen(on: boolean): void {
  if (on === listening) return;
  listening = on;
  for (const signal of CLEANUP_SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
}

/**
 * Registers a temporary file (before it is created): until {@link releaseTemporaryFile}, an interrupt
 * (SIGINT, SIGTERM) removes it and exits with 128 + the signal's number. The handlers are installed
 * only while some file is registered, so outside of writing an interrupt stops the CLI as usual —
 * a handler would otherwise wait for a long synchronous computation to end.
 */
export function trackTemporaryFile(file: string): void {
  live.add(file);
  listen(true);
}

/** Unregisters a temporary file that was renamed or removed; the last one removes the signal handlers. */
export function releaseTemporaryFile(file: string): void {
  live.delete(file);
  if (live.size === 0) listen(false);
}

/** The temporary files registered now (for tests). */
export function trackedTemporaryFiles(): readonly string[] {
  return [...live];
}
