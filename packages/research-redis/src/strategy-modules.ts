import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnsembleError, MAX_LINE_LENGTH, quoteValue } from '@ensemble/protocol';
import { sha256Hex, type StrategyModuleRef } from '@ensemble/research';

/**
 * A job names a strategy module this worker may not run: none of that name under its
 * `--strategies-dir`, or one whose SHA-256 differs. `STRATEGY_NOT_FOUND`; names the expected file
 * and hash.
 */
export class StrategyModuleError extends EnsembleError {
  /** The file name expected under the strategies directory. */
  readonly file: string;
  readonly sha256: string;

  constructor(message: string, details: { file: string; sha256: string }) {
    super('STRATEGY_NOT_FOUND', message);
    this.name = 'StrategyModuleError';
    this.file = details.file;
    this.sha256 = details.sha256;
  }

  static override isInstance(error: unknown): error is StrategyModuleError {
    return EnsembleError.isInstance(error) && error.name === 'StrategyModuleError';
  }
}

/**
 * The worker's own copy of a job's strategy module: `<strategiesDir>/<file name of ref.path>`,
 * and only when its SHA-256 is the reference's. The job's path itself (a path on the machine that
 * planned it) is never opened. Throws a {@link StrategyModuleError} otherwise.
 */
export async function localStrategyModule(ref: StrategyModuleRef, strategiesDir: string | undefined): Promise<StrategyModuleRef> {
  const name = basename(ref.path);
  const expected = `${quoteValue(name, MAX_LINE_LENGTH)} with SHA-256 ${ref.sha256}`;
  if (strategiesDir === undefined) {
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, but this worker runs only built-in strategies: start it with --strategies-dir DIR holding that file.`, { file: name, sha256: ref.sha256 });
  }
  if (name === '' || name === '.' || name === '..') {
    throw new StrategyModuleError(`The job names no strategy module file (${quoteValue(ref.path, MAX_LINE_LENGTH)}).`, { file: name, sha256: ref.sha256 });
  }
  const path = join(strategiesDir, name);
  const bytes = await readFile(path).catch(() => null);
  if (bytes === null) {
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, which is not in this worker's strategies directory ${quoteValue(strategiesDir, MAX_LINE_LENGTH)}: copy it there.`, { file: name, sha256: ref.sha256 });
  }
  const actual = sha256Hex(bytes);
  if (actual !== ref.sha256) {
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, but ${quoteValue(path, MAX_LINE_LENGTH)} has SHA-256 ${actual}: copy the version the sweep was planned with.`, { file: name, sha256: ref.sha256 });
  }
  return { path, sha256: ref.sha256 };
}
