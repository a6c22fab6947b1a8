import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, StrategyModuleFilesSchema, echoValue, listValues, looksLikeStrategyPath, quoteValue, splitStrategyPath, strategyDefinitionsFromModule, unknownDefinitionText, checkArguments, stringIssue, objectIssue, shapeIssue, describeGiven } from '@ensemble/protocol';
import type { ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { strategyModuleChange, strategyModuleDigest, strategyModuleRecord } from './module-digest';
import type { StrategyModuleRecord } from './module-digest';
import type { StrategyModuleRef } from './research-job';

/**
 * Imports one strategy file (an absolute path) and returns the strategy definitions it exports.
 * A file that is missing, fails to import or exports no definition throws a `ConfigError` whose
 * source names the file.
 */
export type StrategyFileImporter = (file: string) => Promise<readonly StrategyDefinition[]>;

/** What to do when Node's `import()` cannot load a TypeScript strategy file. */
const TYPESCRIPT_ADVICE =
  "Node's import() has no TypeScript loader here: give an importer that has one (tsx's tsImport: PlanSweepOptions.importer, and in worker threads a workerUrl module whose createLocalResolvers({ importer }) uses it — see the research README, \"Strategy files from code\"), compile the file to JavaScript, or run it with the ensemble CLI, which loads TypeScript itself";

/**
 * The `ConfigError` of a strategy file that `import()` could not load: the error's first line, and
 * for a TypeScript file Node has no loader for, what to do.
 */
export function importFailure(file: string, error: unknown): ConfigError {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const typeScript = (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?tsx?$/i.test(file);
  return new ConfigError([{ path: '', message: `importing it failed: ${echoValue(message)}${typeScript ? `; ${TYPESCRIPT_ADVICE}` : ''}` }], {
    source: `strategy file ${echoValue(file)}`,
    cause: error,
  });
}

/**
 * The default {@link StrategyFileImporter}: Node's `import()` and `strategyDefinitionsFromModule`
 * of `@ensemble/protocol`. JavaScript files always; TypeScript files when the thread has a
 * TypeScript loader (`node --import tsx` gives the main thread one, not the local executor's
 * worker threads: there a `workerUrl` module's importer does, as the `ensemble` CLI's does).
 */
export async function importStrategyFile(file: string): Promise<readonly StrategyDefinition[]> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('importStrategyFile', [
    stringIssue(file, 'file', 'the path of a strategy file (a string)'),
  ]);
  let namespace: unknown;
  try {
    namespace = await import(pathToFileURL(file).href);
  } catch (error) {
    throw importFailure(file, error);
  }
  return strategyDefinitionsFromModule(namespace, file);
}

/** What to do about a recorded strategy module whose files changed. */
const RECORDED_ADVICE = 'restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now';

/** A config with its strategy files loaded: entries name definitions, the registry holds them. */
export interface ConfigStrategyFiles {
  /** The config with each file reference rewritten to `strategy: <definition name>`, `module: { path (absolute), sha256, files? }`. */
  readonly config: Record<string, unknown>;
  /** `builtIns` plus the files' definitions. */
  readonly registry: StrategyRegistry;
  /** Every distinct file, absolute, with its digest (and the files it covers), in first-use order: what jobs carry. */
  readonly modules: readonly StrategyModuleRef[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file a strategy reference names: `strategy: "./x.ts[#name]"`, or a strategy name with a recorded `module`. */
interface FileReference {
  readonly file: string;
  readonly name: string | undefined;
  /** The recorded digest (and files), to check the file against. */
  readonly recorded: StrategyModuleRecord | undefined;
  /** Config path of the reference, for errors. */
  readonly at: string;
}

function fileReference(entry: Record<string, unknown>, at: string): FileReference | undefined {
  if (typeof entry.strategy !== 'string') return undefined;
  if (looksLikeStrategyPath(entry.strategy)) return { ...splitStrategyPath(entry.strategy), recorded: undefined, at: `${at}strategy` };
  const recorded = entry.module;
  if (!isRecord(recorded) || typeof recorded.path !== 'string' || recorded.path === '') return undefined;
  // Read before the config's schema has checked it: files that are not a list of files describe nothing.
  const files = StrategyModuleFilesSchema.safeParse(recorded.files).data;
  return {
    file: recorded.path,
    name: entry.strategy,
    recorded: typeof recorded.sha256 === 'string' ? { sha256: recorded.sha256, ...(files === undefined ? {} : { files }) } : undefined,
    at: `${at}module.path`,
  };
}

/** A file's definitions and digest, loaded once per absolute path. */
interface LoadedFile {
  readonly absolute: string;
  /** Its digest, with the files it covers when it imports local files. */
  readonly record: ReturnType<typeof strategyModuleRecord>;
  readonly definitions: readonly StrategyDefinition[];
}

async function loadFile(absolute: string, importer: StrategyFileImporter): Promise<LoadedFile> {
  await readFile(absolute).catch((error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'file not found' : `cannot read it (${typeof code === 'string' ? code : 'unknown error'})`;
    throw new ConfigError([{ path: '', message: `${why}, looked for ${echoValue(absolute)}; give the path of a .ts or .js strategy file` }], { source: `strategy file ${echoValue(absolute)}` });
  });
  // Imported first: a file that does not import is best described by the importer's error.
  const definitions = await importer(absolute);
  return { absolute, record: strategyModuleRecord(await strategyModuleDigest(absolute)), definitions };
}

/** The definition a reference picks in its file: the only one, or the one named after `#` (or recorded). */
function pick(loaded: LoadedFile, reference: FileReference): StrategyDefinition | string {
  const names = loaded.definitions.map((definition) => definition.name);
  if (reference.name !== undefined) {
    return loaded.definitions.find((definition) => definition.name === reference.name) ?? unknownDefinitionText(reference.name, names);
  }
  const [only, ...others] = loaded.definitions;
  if (only !== undefined && others.length === 0) return only;
  return `defines several strategies (${listValues(names)}); name one after "#", e.g. ${echoValue(`${reference.file}#${names[0] ?? ''}`)}`;
}

/**
 * Loads the strategy files a raw config names — a run config's `strategies[].strategy` or a
 * backtest config's `strategy` that is a path (`"./strategies/mine.ts"`, `"./many.ts#name"`,
 * relative to `configDir`), or a strategy name with a recorded `module: { path, sha256, files? }` —
 * each distinct file once through `importer`, with its digest ({@link strategyModuleDigest}: the file
 * and the local files it imports). Returns the config with each reference
 * rewritten to the definition's name and its `module` (absolute path, digest), the registry with
 * the definitions added to `builtIns`, and the files as job references. Problems (a missing file,
 * one that throws on import or exports no definition, a recorded digest the file no longer has, a
 * `#name` it lacks, a name taken by a built-in or another file) are one `ConfigError` by config path.
 */
export async function loadConfigStrategyFiles(
  kind: 'backtest' | 'run',
  input: Record<string, unknown>,
  options: { readonly configDir: string; readonly builtIns: StrategyRegistry; readonly importer?: StrategyFileImporter | undefined },
): Promise<ConfigStrategyFiles> {
  const collected = await collectConfigStrategyFiles(kind, input, options);
  if (collected.issues.length > 0) throw new ConfigError([...collected.issues]);
  return { config: collected.config, registry: collected.registry, modules: collected.modules };
}

/** {@link loadConfigStrategyFiles}'s files, and the problems of those that did not load with the entries (indexes; 0 for a backtest) they leave unchecked. */
export interface CollectedConfigStrategyFiles extends ConfigStrategyFiles {
  readonly issues: readonly ConfigIssue[];
  readonly failed: ReadonlySet<number>;
}

/**
 * {@link loadConfigStrategyFiles} without throwing: the other entries rewritten, the problems of
 * the files that did not load returned with the entries they concern, so that a caller can list
 * them with the config's other problems.
 */
export async function collectConfigStrategyFiles(
  kind: 'backtest' | 'run',
  input: Record<string, unknown>,
  options: { readonly configDir: string; readonly builtIns: StrategyRegistry; readonly importer?: StrategyFileImporter | undefined },
): Promise<CollectedConfigStrategyFiles> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('loadConfigStrategyFiles', [
    (['backtest', 'run'] as unknown[]).includes(kind) ? null : { path: 'kind', message: `must be "backtest" or "run"; got ${describeGiven(kind)}` },
    objectIssue(input, 'input', 'a raw config (an object)'),
    shapeIssue(options, 'options', 'the loading options', { configDir: 'string', builtIns: 'object', importer: 'function?' }),
  ]);
  const entries: [Record<string, unknown>, string][] =
    kind === 'backtest' ? [[input, '']] : Array.isArray(input.strategies) ? input.strategies.map((entry, k): [Record<string, unknown>, string] => [isRecord(entry) ? entry : {}, `strategies.${String(k)}.`]) : [];
  const references = entries.map(([entry, at]) => fileReference(entry, at));
  if (references.every((reference) => reference === undefined)) return { config: input, registry: options.builtIns, modules: [], issues: [], failed: new Set() };

  const importer = options.importer ?? importStrategyFile;
  const loads = new Map<string, Promise<LoadedFile>>();
  const issues: ConfigIssue[] = [];
  const registry: Record<string, StrategyDefinition> = { ...options.builtIns };
  const origin = new Map<string, string>();
  const modules: StrategyModuleRef[] = [];
  const rewritten = entries.map(([entry]) => entry);
  const failed = new Set<number>();
  for (const [k, reference] of references.entries()) {
    if (reference === undefined) continue;
    const absolute = resolve(options.configDir, reference.file);
    const file = `strategy file ${echoValue(reference.file)}`;
    let load = loads.get(absolute);
    if (load === undefined) {
      load = loadFile(absolute, importer);
      loads.set(absolute, load);
    }
    let loaded: LoadedFile;
    try {
      loaded = await load;
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      issues.push(...error.issues.map((issue) => ({ path: reference.at, message: `${file}${issue.path === '' ? '' : ` (${issue.path})`}: ${issue.message}` })));
      failed.add(k);
      continue;
    }
    const change = reference.recorded === undefined ? null : strategyModuleChange(reference.recorded, loaded.record, `./${basename(absolute)}`);
    if (change !== null) {
      issues.push({ path: reference.at, message: `${file} has changed since this config recorded it: ${change}; ${RECORDED_ADVICE}` });
      failed.add(k);
      continue;
    }
    const definition = pick(loaded, reference);
    if (typeof definition === 'string') {
      issues.push({ path: reference.at, message: `${file} ${definition}` });
      failed.add(k);
      continue;
    }
    const other = origin.get(definition.name);
    if ((other !== undefined && other !== absolute) || (other === undefined && definition.name in options.builtIns)) {
      issues.push({ path: reference.at, message: `${file} defines ${quoteValue(definition.name)}, the name of ${other === undefined ? 'a built-in strategy' : `a strategy of ${echoValue(other)}`}; give it another name` });
      failed.add(k);
      continue;
    }
    origin.set(definition.name, absolute);
    registry[definition.name] = definition;
    if (!modules.some((module) => module.path === absolute)) modules.push({ path: absolute, ...loaded.record });
    const [entry] = entries[k] ?? [{}];
    rewritten[k] = { ...entry, strategy: definition.name, module: { path: absolute, ...loaded.record } };
  }
  const config = kind === 'backtest' ? (rewritten[0] ?? input) : { ...input, strategies: rewritten };
  return { config, registry, modules: withRelativePaths(modules), issues, failed };
}

/**
 * A Redis worker finds a module under its strategies directory by file name. When two modules
 * share one (`a/mine.ts`, `b/mine.ts`), that cannot tell them apart: then every module gets its
 * `relativePath`, its path relative to the deepest folder holding them all and the local files
 * they import (the digest's `files`, e.g. `../../lib/sma.ts`), where workers look instead; that
 * folder's tree is what a worker's strategies directory must hold. Without such a clash the
 * references are left as they are, so the jobs, and the sweep id, stay what they were.
 */
function withRelativePaths(modules: readonly StrategyModuleRef[]): StrategyModuleRef[] {
  const names = new Set(modules.map((module) => basename(module.path)));
  if (names.size === modules.length) return [...modules];
  const folders = modules.flatMap((module) => [
    dirname(module.path),
    // `files` paths are relative to the strategy file's folder, with `/` separators; the first is the file itself.
    ...(module.files ?? []).slice(1).map((file) => dirname(resolve(dirname(module.path), ...file.path.split('/')))),
  ]);
  const root = folders.reduce(commonFolder);
  return modules.map((module) => ({ ...module, relativePath: relative(root, module.path).split(sep).join('/') }));
}

/** The deepest folder holding both absolute folders `a` and `b`. */
function commonFolder(a: string, b: string): string {
  let folder = a;
  while (!holds(folder, b) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** Whether `path` is `folder` or inside it (both absolute). */
function holds(folder: string, path: string): boolean {
  const way = relative(folder, path);
  return way !== '..' && !way.startsWith(`..${sep}`) && !isAbsolute(way);
}
