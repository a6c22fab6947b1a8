import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import type { Message, Plugin } from 'esbuild';
import { ConfigError, MAX_LINE_LENGTH, echoValue, listValues, quoteValue, checkArguments, stringIssue, shapeIssue } from '@ensemble/protocol';
import type { ConfigIssue, StrategyModuleFile } from '@ensemble/protocol';
import { sha256Hex } from './content-hash';

/**
 * What a strategy module's code is: one digest over the strategy file and every local file it
 * imports, and those files. For a file that imports no local file the digest is the SHA-256 of
 * its bytes and `files` holds it alone.
 */
export interface StrategyModuleDigest {
  /** The SHA-256 of the file's bytes when it imports no local file; otherwise of its files' paths and SHA-256s. */
  readonly sha256: string;
  /** The strategy file (`./<its name>`), then every local file it imports, transitively, in path order. */
  readonly files: readonly StrategyModuleFile[];
}

/** A recorded strategy module: its digest and, when it imports local files, those files. */
export interface StrategyModuleRecord {
  readonly sha256: string;
  readonly files?: readonly StrategyModuleFile[] | undefined;
}

/** Extensions esbuild reads for imports; a file of any other kind is hashed as bytes only. */
const CODE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx', '.json']);

/** Any other file a strategy imports (a text or binary file through a loader): hashed, not parsed. */
const otherFilesAsBytes: Plugin = {
  name: 'ensemble-other-files',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /.*/ }, (args) => (CODE_EXTENSIONS.has(extname(args.path).toLowerCase()) ? undefined : { contents: '', loader: 'empty' }));
  },
};

/** `path` relative to `from`, with "/" separators, starting with "./" or "../". */
function relativePath(from: string, path: string): string {
  const text = relative(from, path).split(sep).join('/');
  return text.startsWith('../') ? text : `./${text}`;
}

/** An esbuild error in words: where (file:line:column, relative to the strategy file's folder) and what. */
function problemOf(message: Message, folder: string): ConfigIssue {
  const location = message.location;
  const where = location === null ? '' : `${location.file}:${String(location.line)}:${String(location.column + 1)}: `;
  const unresolved = /^Could not resolve "(.*)"$/.exec(message.text);
  if (unresolved?.[1] !== undefined && location !== null && unresolved[1].startsWith('.')) {
    const wanted = resolve(folder, dirname(location.file), unresolved[1]);
    return { path: '', message: `${where}imports ${quoteValue(unresolved[1])}, which is not there (looked for ${echoValue(wanted, MAX_LINE_LENGTH)}, also with a .ts, .js or .json extension)` };
  }
  return { path: '', message: `${where}${echoValue(message.text, MAX_LINE_LENGTH)}` };
}

function isBuildFailure(error: unknown): error is { errors: Message[] } {
  return typeof error === 'object' && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}

/** The SHA-256 over a module's files, or the strategy file's own when it imports none. */
function combinedDigest(files: readonly StrategyModuleFile[]): string {
  const [entry, ...imports] = files;
  if (entry === undefined) throw new RangeError('a strategy module has at least its own file');
  if (imports.length === 0) return entry.sha256;
  // The strategy file by content only: renaming it changes no code. Its imports by path and content.
  return sha256Hex(new TextEncoder().encode(JSON.stringify(['ensemble-strategy-module/1', entry.sha256, ...imports.map((file) => [file.path, file.sha256])])));
}

/**
 * The digest of a strategy file and the local files it imports, transitively: what a strategy
 * module runs, so what a recorded module, a research job or a Redis worker's copy is checked
 * against. Local imports are found as esbuild resolves them (relative paths, tsconfig path aliases,
 * `.js` naming a `.ts`, JSON, string-literal dynamic `import()` and `require()`; type-only imports
 * are not code and are left out); packages (bare names, `node:` built-ins) are not covered. A file
 * that imports no local file has the plain SHA-256 of its bytes as its digest, so digests recorded
 * before imports were covered still hold for it. A missing import or a file esbuild cannot parse is
 * a `ConfigError` naming the file, the line and, for a missing import, the path it looked for.
 */
export async function strategyModuleDigest(file: string): Promise<StrategyModuleDigest> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('strategyModuleDigest', [
    stringIssue(file, 'file', 'the path of a strategy file (a string)'),
  ]);
  const source = `strategy file ${echoValue(file, MAX_LINE_LENGTH)}`;
  const real = await realpath(file).catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read it (${typeof code === 'string' ? code : 'unknown error'})`;
    throw new ConfigError([{ path: '', message: `${why}, looked for ${echoValue(resolve(file), MAX_LINE_LENGTH)}` }], { source, cause: error });
  });
  const folder = dirname(real);
  let inputs: string[];
  try {
    const result = await build({
      entryPoints: [real],
      absWorkingDir: folder,
      bundle: true,
      write: false,
      metafile: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      plugins: [otherFilesAsBytes],
    });
    // Keys are paths relative to the folder; `<data:…>` modules are part of the importing file's text.
    inputs = Object.keys(result.metafile.inputs).filter((key) => !key.startsWith('<'));
  } catch (error) {
    if (!isBuildFailure(error)) throw error;
    throw new ConfigError(error.errors.length === 0 ? [{ path: '', message: 'esbuild could not read its imports' }] : error.errors.map((message) => problemOf(message, folder)), { source, cause: error });
  }
  const imports: StrategyModuleFile[] = [];
  let entry: StrategyModuleFile | undefined;
  for (const key of inputs) {
    const absolute = resolve(folder, key);
    const bytes = await readFile(absolute).catch((error: unknown) => {
      throw new ConfigError([{ path: '', message: `cannot read ${echoValue(absolute, MAX_LINE_LENGTH)}, a file it imports` }], { source, cause: error });
    });
    if (absolute === real) entry = { path: `./${basename(file)}`, sha256: sha256Hex(bytes) };
    else imports.push({ path: relativePath(folder, absolute), sha256: sha256Hex(bytes) });
  }
  entry ??= { path: `./${basename(file)}`, sha256: sha256Hex(await readFile(real)) };
  imports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = [entry, ...imports];
  return { sha256: combinedDigest(files), files };
}

/** `{ sha256, files }` as a reference records it: `files` only when the module imports local files. */
export function strategyModuleRecord(digest: StrategyModuleDigest): { sha256: string; files?: StrategyModuleFile[] } {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('strategyModuleRecord', [
    shapeIssue(digest, 'digest', 'a strategy module digest (what strategyModuleDigest gives)', { sha256: 'string', files: 'array' }),
  ]);
  return digest.files.length > 1 ? { sha256: digest.sha256, files: [...digest.files] } : { sha256: digest.sha256 };
}

/** How many changed files {@link strategyModuleChange} names. */
const MAX_CHANGES_NAMED = 3;

/** The first 12 hex digits of a digest, for a message that names several. */
function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

/**
 * How a strategy module's current digest differs from a recorded one, in words that name the
 * files: "./helper.ts, which it imports, changed (…)", "it imports ./new.ts, which the record
 * does not cover", "it no longer imports …", "the strategy file itself changed (…)". For a
 * module of one file on both sides: "its SHA-256 is now …, not …". Null when the digests agree.
 * A record without `files` stands for the strategy file alone (`name`, e.g. "./edgy.ts").
 */
export function strategyModuleChange(recorded: StrategyModuleRecord, current: StrategyModuleRecord, name: string): string | null {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('strategyModuleChange', [
    shapeIssue(recorded, 'recorded', 'a strategy module record ({ sha256, files? })', { sha256: 'string', files: 'array?' }),
    shapeIssue(current, 'current', 'a strategy module record ({ sha256, files? })', { sha256: 'string', files: 'array?' }),
    stringIssue(name, 'name', 'the strategy file as named (a string)'),
  ]);
  if (recorded.sha256 === current.sha256) return null;
  const plain = `its SHA-256 is now ${current.sha256}, not ${quoteValue(recorded.sha256)}`;
  if (recorded.files === undefined && current.files === undefined) return plain;
  const [thenEntry, ...thenImports] = recorded.files ?? [{ path: name, sha256: recorded.sha256 }];
  const [nowEntry, ...nowImports] = current.files ?? [{ path: name, sha256: current.sha256 }];
  const changes: string[] = [];
  if (thenEntry !== undefined && nowEntry !== undefined && thenEntry.sha256 !== nowEntry.sha256) {
    changes.push(`the strategy file itself changed (SHA-256 now ${short(nowEntry.sha256)}, recorded ${short(thenEntry.sha256)})`);
  }
  const then = new Map(thenImports.map((file) => [file.path, file.sha256]));
  const now = new Map(nowImports.map((file) => [file.path, file.sha256]));
  // A few changed files by name, added and dropped imports as lists, so that the advice after it
  // stays on the message's line (cut at 500 characters).
  const changed = [...now].filter(([path, sha256]) => then.has(path) && then.get(path) !== sha256);
  for (const [path, sha256] of changed.slice(0, MAX_CHANGES_NAMED)) {
    changes.push(`${echoValue(path)}, which it imports, changed (SHA-256 now ${short(sha256)}, recorded ${short(then.get(path) ?? '')})`);
  }
  if (changed.length > MAX_CHANGES_NAMED) changes.push(`${String(changed.length - MAX_CHANGES_NAMED)} more files it imports changed`);
  const added = [...now.keys()].filter((path) => !then.has(path));
  if (added.length > 0) changes.push(`it imports ${listValues(added, { maxItems: MAX_CHANGES_NAMED })}, which the record does not cover (a new import, or a record made before digests covered imports)`);
  const dropped = [...then.keys()].filter((path) => !now.has(path));
  if (dropped.length > 0) changes.push(`it no longer imports ${listValues(dropped, { maxItems: MAX_CHANGES_NAMED })}`);
  return changes.length === 0 ? plain : changes.join('; ');
}
