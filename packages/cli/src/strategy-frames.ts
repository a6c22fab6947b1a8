import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_LINE_LENGTH, StrategyError, echoValue } from '@ensemble/protocol';

/**
 * The strategy files this process loaded (each file and the local files it imports, absolute):
 * what lets an error report say where in the user's code a strategy threw.
 */
const strategyFiles = new Set<string>();

/** Records the files of a loaded strategy module: the file itself and the local files it imports. */
export function rememberStrategyFiles(files: Iterable<string>): void {
  for (const file of files) strategyFiles.add(path.resolve(file));
}

/** Where in a strategy file an error was thrown: the file, and its line and column when the frame has them. */
export interface StrategyFrame {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/** Frames of a stack trace: `    at fn (LOCATION)` or `    at LOCATION`. */
const FRAME = /^\s+at\s/;
/** The location at the end of a frame: a path or `file:` URL (a query such as `?tsx-namespace=…` dropped), line and column. */
const LOCATION = /((?:file:\/\/)?[^\s()?]+)(?:\?[^\s()]*)?:(\d+):(\d+)\)?$/;
/**
 * A TypeScript file compiled as CommonJS (its folder has no `"type": "module"`) runs from a
 * `data:` URL whose code starts by setting `__filename`: its line and column are of the generated
 * code, so only the file is named.
 */
const COMPILED = /data:text\/javascript,__filename%3D%22(.*?)%22/;

function frameOf(line: string, known: (file: string) => boolean = (file) => strategyFiles.has(path.resolve(file))): StrategyFrame | null {
  const compiled = COMPILED.exec(line);
  if (compiled !== null) {
    let file: string;
    try {
      file = decodeURIComponent(compiled[1] ?? '');
    } catch {
      return null;
    }
    return known(file) ? { file, line: undefined, column: undefined } : null;
  }
  const location = LOCATION.exec(line);
  if (location === null) return null;
  let file = location[1] ?? '';
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return null;
    }
  }
  if (!path.isAbsolute(file) || !known(file)) return null;
  return { file, line: Number(location[2]), column: Number(location[3]) };
}

/** The first frame of `error`'s stack in a file `known` takes, or null (none, or no readable stack). */
function firstFrame(error: Error, known?: (file: string) => boolean): StrategyFrame | null {
  let stack: unknown;
  try {
    stack = error.stack;
  } catch {
    return null;
  }
  if (typeof stack !== 'string') return null;
  for (const line of stack.split('\n')) {
    if (!FRAME.test(line)) continue;
    const frame = frameOf(line, known);
    if (frame !== null) return frame;
  }
  return null;
}

/**
 * The first frame of `error`'s stack in a file under `directory` and outside `node_modules`: a
 * strategy file's own code or a local file it imports, before the files it imports are known
 * (while it is being imported). Null when there is none.
 */
export function localFrame(error: Error, directory: string): StrategyFrame | null {
  const root = path.resolve(directory) + path.sep;
  return firstFrame(error, (file) => {
    const resolved = path.resolve(file);
    return resolved.startsWith(root) && !resolved.slice(root.length).split(path.sep).includes('node_modules');
  });
}

/**
 * The first frame of `error`'s stack that lies in a loaded strategy file (or a local file it
 * imports): where the user's code threw, even from a package it called. `undefined` when no
 * strategy file was loaded (nothing to tell a strategy's own code from the rest); `null` when the
 * stack passes through none of them — the strategy's code threw nothing itself (a value it
 * returned was refused), or the strategy is a built-in one.
 */
export function strategyFrame(error: Error): StrategyFrame | null | undefined {
  return strategyFiles.size === 0 ? undefined : firstFrame(error);
}

/** A frame as a person reads it: relative to `cwd` when inside it, with `:line:column` when known. */
export function describeFrame(frame: StrategyFrame, cwd: string): string {
  const relative = path.relative(cwd, frame.file);
  const shown = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : frame.file;
  return frame.line === undefined ? shown : `${shown}:${String(frame.line)}:${String(frame.column ?? 0)}`;
}

/** Causes followed by {@link strategyErrorPlace} to the strategy's error (a research job's wraps it once). */
const MAX_CAUSES = 5;

/**
 * Where a strategy's own code threw `error`, in words: `thrown at strategies/helper.ts:2:27`, or
 * `thrown in cjs.ts` for a file compiled as CommonJS (see {@link describeFrame}; relative to
 * `cwd`, made safe to print). `error` is a `StrategyError` whose cause is what the strategy threw,
 * or an error caused by one (a research job's "a strategy was isolated"). `undefined` when no
 * strategy file was loaded (nothing tells the strategy's code from the rest); null when there is
 * no such error, when the engine refused a value the strategy returned (`refused`), or when its
 * stack passes through none of the loaded files (the strategy is a built-in one).
 */
export function strategyErrorPlace(error: unknown, cwd: string): string | null | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current instanceof Error && !StrategyError.isInstance(current); depth++) current = current.cause;
  // A value the engine refused was no throw of the strategy's code: there is nothing to place.
  if (!StrategyError.isInstance(current) || !(current.cause instanceof Error) || current.refused) return null;
  const frame = strategyFrame(current.cause);
  if (frame === undefined || frame === null) return frame;
  return `${frame.line === undefined ? 'thrown in' : 'thrown at'} ${echoValue(describeFrame(frame, cwd), MAX_LINE_LENGTH)}`;
}
