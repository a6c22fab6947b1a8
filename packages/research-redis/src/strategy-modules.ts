import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, listValues, quoteValue, checkArguments, stringIssue, shapeIssue } from '@ensemble/protocol';
import { strategyModuleChange, strategyModuleDigest, strategyModuleRecord, type StrategyModuleDigest, type StrategyModuleRef } from '@ensemble/research';

/**
 * A job names a strategy module this worker may not run: none of that name under its
 * `--strategies-dir`, or one whose SHA-256 differs. `STRATEGY_NOT_FOUND`; names the expected file
 * and hash.
 */
export class StrategyModuleError extends EnsembleError {
  /** The file expected under the strategies directory: its name, or its relative path (`a/mine.ts`) when the sweep's modules share file names. */
  readonly file: string;
  readonly sha256: string;

  constructor(message: string, details: { file: string; sha256: string }) {
    // From JavaScript the arguments can be anything: undefined details failed as a TypeError.
    checkArguments('StrategyModuleError', [stringIssue(message, 'message', 'the message (a string)'), shapeIssue(details, 'details', 'the details ({ file, sha256 })', { file: 'string', sha256: 'string' })]);
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
 * The worker's own copy of a job's strategy module: `<strategiesDir>/<file name of ref.path>`
 * (`<strategiesDir>/<ref.relativePath>` when the plan's modules share file names, e.g.
 * `a/mine.ts` and `b/mine.ts`), and only when its digest is the reference's — the digest of that file and of the local files it
 * imports, found relative to it under `strategiesDir` as on the machine that planned the job
 * (`strategyModuleDigest` of `@ensemble/research`). The job's path itself (a path on the machine
 * that planned it) is never opened. Throws a {@link StrategyModuleError} naming the file that is
 * missing or differs otherwise.
 */
export async function localStrategyModule(ref: StrategyModuleRef, strategiesDir: string | undefined): Promise<StrategyModuleRef> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('localStrategyModule', [
    shapeIssue(ref, 'ref', 'a strategy module reference ({ path, sha256 })', { path: 'string', sha256: 'string' }),
    strategiesDir === undefined ? null : stringIssue(strategiesDir, 'strategiesDir', 'the strategies directory (a string), or left out'),
  ]);
  // Two modules of the plan share a file name: each is looked for at its path relative to the
  // folder holding them all and the files they import (checked by the job's schema never to leave the directory).
  const name = ref.relativePath ?? basename(ref.path);
  const expected = `${quoteValue(name, MAX_LINE_LENGTH)} with SHA-256 ${ref.sha256}`;
  const imports = ref.files === undefined ? '' : ` and the files it imports (${listValues(ref.files.slice(1).map((file) => file.path), { maxItems: 5 })}), at the same paths relative to it`;
  if (strategiesDir === undefined) {
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, but this worker runs only built-in strategies: start it with --strategies-dir DIR holding that file${imports}.`, { file: name, sha256: ref.sha256 });
  }
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new StrategyModuleError(`The job names no strategy module file (${quoteValue(ref.path, MAX_LINE_LENGTH)}).`, { file: name, sha256: ref.sha256 });
  }
  const path = join(strategiesDir, ...name.split('/'));
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) {
    // Why a path and not a file name goes on a line of its own: a message line is cut at 500 characters.
    const [where, why] =
      ref.relativePath === undefined
        ? ['copy it there', '']
        : [
            `copy it there as ${quoteValue(name, MAX_LINE_LENGTH)}`,
            `\nThe sweep's strategy files share a file name, so each is looked for at its path relative to the deepest folder holding them all and the files they import${plannedFolder(ref.path, name)}.\nMake the strategies directory a copy of that folder's tree.`,
          ];
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, which is not in this worker's strategies directory ${quoteValue(strategiesDir, MAX_LINE_LENGTH)}: ${where}${imports}.${why}`, { file: name, sha256: ref.sha256 });
  }
  let digest: StrategyModuleDigest;
  try {
    digest = await strategyModuleDigest(path);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    // One line per problem: each names a file and a line, and a path it looked for.
    const problems = error.issues.map((issue) => `\n  ${issue.message}`).join('');
    throw new StrategyModuleError(
      `The job needs the strategy module ${expected}, but this worker cannot read what ${quoteValue(path, MAX_LINE_LENGTH)} imports:${problems}\nCopy the version the sweep was planned with${imports}.`,
      { file: name, sha256: ref.sha256 },
    );
  }
  const change = strategyModuleChange(ref, strategyModuleRecord(digest), `./${basename(path)}`);
  if (change !== null) {
    // A file of its own: one line, as before. With imports, the advice goes on a line of its own: a
    // message line is cut at 500 characters, and what the worker adds goes after it.
    const [what, advice] =
      ref.files === undefined && digest.files.length === 1
        ? [`${quoteValue(path, MAX_LINE_LENGTH)} has SHA-256 ${digest.sha256}`, ': copy']
        : [`in ${quoteValue(path, MAX_LINE_LENGTH)}, ${change}`, '.\nCopy'];
    throw new StrategyModuleError(`The job needs the strategy module ${expected}, but ${what}${advice} the version the sweep was planned with${imports}.`, { file: name, sha256: ref.sha256 });
  }
  return { ...ref, path };
}

/** How much of the planning machine's folder a message shows: its line stays under `MAX_LINE_LENGTH`. */
const FOLDER_LENGTH = 250;

/**
 * `, "<folder>" where the sweep was planned`: the planning machine's folder that `relativePath`
 * is relative to, for the user to know which folder to copy; read from the job's path as text
 * (a Windows planner's `\` taken as `/`), never opened. Empty when the path does not end so.
 */
function plannedFolder(path: string, relativePath: string): string {
  const planned = path.replaceAll('\\', '/');
  if (!planned.endsWith(`/${relativePath}`)) return '';
  const folder = path.slice(0, path.length - relativePath.length - 1);
  return folder === '' ? '' : `, ${quoteValue(folder, FOLDER_LENGTH)} where the sweep was planned`;
}
