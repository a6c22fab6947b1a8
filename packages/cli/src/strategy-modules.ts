import { stat } from 'node:fs/promises';
import Module, { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { whileImporting } from './process';
import { ConfigError, MAX_LINE_LENGTH, echoValue, limitLines, listValues, looksLikeStrategyPath, quoteValue, splitStrategyPath, strategyDefinitionsFromModule, unknownDefinitionText } from '@ensemble/protocol';
import { strategyModuleDigest, strategyModuleRecord } from '@ensemble/research';

export { STRATEGY_MODULE_EXTENSIONS, looksLikeStrategyPath, splitStrategyPath } from '@ensemble/protocol';
import type { StrategyDefinition, StrategyModuleFile } from '@ensemble/protocol';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { strategyRegistry } from '@ensemble/strategies';
import { COMMAND_LINE, flagText } from './flags';
import { describeFrame, localFrame, rememberStrategyFiles, strategyFrame } from './strategy-frames';

/**
 * Where a strategy came from when it was loaded from a file: the path as it was given (on the
 * command line, relative to the working directory; in a run config, relative to the config file)
 * and its digest, lower-case hex: the SHA-256 of the file's bytes, or, when it imports local files,
 * of it and them, which `files` then lists (`strategyModuleDigest` of `@ensemble/research`).
 * Recorded in every result's JSON `config`, so that a later run (a research or queue job) can name
 * the exact code it ran.
 */
export interface StrategyModuleRef {
  readonly path: string;
  readonly sha256: string;
  /** The file (first) and the local files it imports, relative to its folder; only when it imports some. */
  readonly files?: StrategyModuleFile[];
}

/** A strategy file, imported and checked: where it is, its reference and the definitions it exports. */
export interface LoadedStrategyModule {
  readonly ref: StrategyModuleRef;
  /** The file's absolute path. */
  readonly absolute: string;
  readonly definitions: readonly StrategyDefinition[];
}

/**
 * The {@link StrategyModuleRef} of a strategy file: `file` as given and its digest, over its bytes
 * and the local files it imports (read from `file` resolved against `cwd`, default the working
 * directory). A file that cannot be read, or an import that cannot be found, is a `ConfigError`
 * naming the strategy file as given.
 */
export async function strategyModuleRef(file: string, options: { readonly cwd?: string } = {}): Promise<StrategyModuleRef> {
  return { path: file, ...(await digestOf(path.resolve(options.cwd ?? process.cwd(), file), `strategy file ${echoValue(file, MAX_LINE_LENGTH)}`)) };
}

/** The digest record of a file, its problems under `source`. */
async function digestOf(absolute: string, source: string): Promise<Omit<StrategyModuleRef, 'path'>> {
  try {
    return strategyModuleRecord(await strategyModuleDigest(absolute));
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(error.issues, { source, cause: error });
  }
}

/**
 * A resolve hook (a module of its own, loaded by `module.register`): a bare import of
 * `@ensemble/*` or `zod` that the strategy file's own directory cannot resolve is resolved from
 * the CLI's installation, so that a strategy file runs before its folder has `node_modules`.
 */
const FALLBACK_HOOK = `
const fallback = ${JSON.stringify(import.meta.url)};
const shared = /^(?:@ensemble\\/[^/]+|zod)(?:\\/.*)?$/;
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !shared.test(specifier) || context.parentURL === fallback) throw error;
    return next(specifier, { ...context, parentURL: fallback });
  }
}
`;

const SHARED_PACKAGE = /^(?:@ensemble\/[^/]+|zod)(?:\/.*)?$/;

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

let fallbackRegistered = false;

/**
 * Installs the fallback resolution for both module systems: the ESM resolve hook above, and for a
 * `.ts`/`.js` file that Node treats as CommonJS (no `"type": "module"` above it), the same
 * fallback around CommonJS resolution.
 */
function registerFallbackResolution(): void {
  if (fallbackRegistered) return;
  register(`data:text/javascript,${encodeURIComponent(FALLBACK_HOOK)}`);
  const cli = createRequire(import.meta.url);
  const commonJs = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = commonJs._resolveFilename;
  commonJs._resolveFilename = function resolveFilename(this: unknown, request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'MODULE_NOT_FOUND' || !SHARED_PACKAGE.test(request)) throw error;
      return cli.resolve(request);
    }
  };
  fallbackRegistered = true;
}

/** The first lines of what an import threw, without the stack: what the file's author needs to see. */
function importFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Node's "Require stack" lists the loader's own frames (with tsx's namespace queries): not the user's.
  const stack = text.indexOf('\nRequire stack:');
  const lines = (stack < 0 ? text : text.slice(0, stack)).split('\n').filter((line) => line.trim() !== '' && !/^\s+at /.test(line));
  return limitLines(lines.slice(0, 8), (line) => echoValue(line, MAX_LINE_LENGTH)).join('\n    ');
}

/**
 * Imports a strategy file — TypeScript (through tsx, no build step) or JavaScript — and returns
 * the definitions it exports (`strategyDefinitionsFromModule` of `@ensemble/protocol`), with its
 * {@link StrategyModuleRef}. `file` is resolved against `cwd`. A missing file, a file that throws
 * while it is imported (its message, without the stack) or one that exports no definition is a
 * `ConfigError` whose source names the file and which says what it should export (exit 2).
 * `@ensemble/*` and `zod` resolve from the file's folder first, then from the CLI's installation.
 */
export async function loadStrategyModule(file: string, options: { readonly cwd: string }): Promise<LoadedStrategyModule> {
  const absolute = path.resolve(options.cwd, file);
  const source = `strategy file ${echoValue(file, MAX_LINE_LENGTH)}`;
  const definitions = await importDefinitions(file, absolute, source, options.cwd);
  // Digested after the import: a file that does not import is best described by the import's error.
  const ref: StrategyModuleRef = { path: file, ...(await digestOf(absolute, source)) };
  // Its files, so that an error it throws later can be placed in them (`strategy-frames.ts`).
  rememberStrategyFiles([absolute, ...(ref.files ?? []).map((entry) => path.resolve(path.dirname(absolute), entry.path))]);
  return { ref, absolute, definitions };
}

/**
 * What to do about a file whose import threw `error` (not a missing import): a definition that
 * `defineStrategy` refused names its field already; a throw with a frame in the file, or in a
 * local file it imports, came from that code's top level (a `JSON.parse` of bad text too), placed
 * there; a syntax error (Node's, or the TypeScript transform's) is placed by its message, or by
 * `node --check` for a JavaScript file, whose parser names no file.
 */
function thrownOnImportAdvice(error: unknown, file: string, absolute: string, cwd: string): string {
  if (!(error instanceof Error)) return 'its top-level code threw during the import, before any strategy ran: fix that code';
  if (error.name === 'ConfigError') return 'fix the definition as the message says';
  // The first frame in the file's folder: its own code or a local file it imports (a strategy file
  // known already would skip a helper's frame for the file's own further down).
  const frame = localFrame(error, path.dirname(absolute)) ?? strategyFrame(error) ?? null;
  if (frame !== null) {
    const place = `${frame.line === undefined ? 'thrown in' : 'thrown at'} ${echoValue(describeFrame(frame, cwd), MAX_LINE_LENGTH)}`;
    const where = path.resolve(frame.file) === absolute ? 'its top-level code' : 'the top-level code of a file it imports';
    return `${where} threw during the import (${place}), before any strategy ran: fix that code (--debug shows the stack trace)`;
  }
  // A top-level await in a .ts file compiled as CommonJS: no syntax error, the file's format.
  if (error.message.includes('Top-level await is currently not supported with the "cjs" output format')) {
    return 'the file is compiled as CommonJS, where a top-level await cannot be: add "type": "module" to the package.json beside it (or name it .mts), or move the await into create()';
  }
  // The TypeScript transform names the file and line; Node's own parser of a JavaScript module does not.
  if (error.message.startsWith('Transform failed')) return 'fix the syntax error the message names';
  if (error.name === 'SyntaxError') return `fix the syntax error: ${echoValue(`node --check ${file}`, MAX_LINE_LENGTH)} shows its line, or nothing when it is in a file it imports (check those the same way)`;
  return 'its top-level code threw during the import, before any strategy ran: fix that code (--debug shows the stack trace)';
}

/** The definitions of the file at `absolute` (`file` as given, for messages; `cwd` what a place in it is told relative to), imported through tsx. */
async function importDefinitions(file: string, absolute: string, source: string, cwd = process.cwd()): Promise<StrategyDefinition[]> {
  const found = await stat(absolute).catch(() => null);
  if (!found?.isFile()) {
    const why = found === null ? `file not found (looked for ${echoValue(absolute, MAX_LINE_LENGTH)})` : `${echoValue(absolute, MAX_LINE_LENGTH)} is not a file`;
    throw new ConfigError([{ path: '', message: `${why}; give the path of a .ts or .js file that does \`export default defineStrategy({...})\`` }], { source });
  }
  registerFallbackResolution();
  // Known before it runs, so that a throw of its top-level code is placed in it.
  rememberStrategyFiles([absolute]);
  let namespace: unknown;
  try {
    namespace = await whileImporting(file, () => tsImport(pathToFileURL(absolute).href, import.meta.url));
  } catch (error) {
    // A package the file imports that is not installed is no fault of the file's code; nor is a
    // missing file it imports by a relative path (Node: "Cannot find module '/abs/helper.ts'", or
    // './helper.ts' from a file compiled to CommonJS).
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const text = error instanceof Error ? error.message : String(error);
    const advice = !missing
      ? thrownOnImportAdvice(error, file, absolute, cwd)
      : /Cannot find module '(?:\.{1,2}[\\/]|\/|[A-Za-z]:[\\/]|file:)/.test(text)
        ? 'a file it imports by a relative path is missing: put it there, or fix the import'
        : 'install the package it imports next to the file (npm install NAME in its folder), or remove the import';
    throw new ConfigError([{ path: '', message: `importing it failed:\n    ${importFailure(error)}\n  ${advice}` }], { source, cause: error });
  }
  return strategyDefinitionsFromModule(namespace, file);
}

/**
 * The strategy definitions of a file (an absolute path), imported as {@link loadStrategyModule}
 * does: the importer the CLI gives the research planner and its worker threads.
 */
export async function importStrategyDefinitions(file: string): Promise<readonly StrategyDefinition[]> {
  // Imported once per thread and content (the file and the local files it imports): the planner's
  // definitions serve this thread's later needs (a sweep's check of its best combination), as a
  // worker thread's serve its jobs.
  const digest = await strategyModuleDigest(file).catch(() => null);
  const key = digest === null ? null : `${file}\u0000${digest.sha256}`;
  const known = key === null ? undefined : imported.get(key);
  if (known !== undefined) return known;
  const definitions = await importDefinitions(file, file, `strategy file ${echoValue(file, MAX_LINE_LENGTH)}`);
  if (key !== null) imported.set(key, definitions);
  // Its files, so that a job's error can be placed in them in this thread (`strategy-frames.ts`).
  rememberStrategyFiles([file, ...(digest?.files ?? []).map((entry) => path.resolve(path.dirname(file), entry.path))]);
  return definitions;
}

/** The definitions {@link importStrategyDefinitions} imported in this thread, by path and content. */
const imported = new Map<string, readonly StrategyDefinition[]>();

/**
 * The one definition a `--strategy` or `strategy` value names in a loaded file: its only one, or
 * the one named after `#`. Throws a `ConfigError` at `at` otherwise.
 */
export function pickDefinition(loaded: LoadedStrategyModule, name: string | undefined, at: string): StrategyDefinition {
  const names = loaded.definitions.map((definition) => definition.name);
  if (name !== undefined) {
    const chosen = loaded.definitions.find((definition) => definition.name === name);
    if (chosen !== undefined) return chosen;
    throw new ConfigError([{ path: at, message: `${echoValue(loaded.ref.path)} ${unknownDefinitionText(name, names)}` }], { source: COMMAND_LINE });
  }
  const [only, ...others] = loaded.definitions;
  if (only !== undefined && others.length === 0) return only;
  throw new ConfigError([{ path: at, message: `${echoValue(loaded.ref.path)} defines several strategies (${listValues(names)}); name one after "#", e.g. ${echoValue(`${loaded.ref.path}#${names[0] ?? ''}`)}` }], { source: COMMAND_LINE });
}

/**
 * The built-in registry plus the definitions of `modules`. A file's definition named like a
 * built-in strategy, or like a definition of another file, is a `ConfigError` naming both.
 */
export function registryWithModules(modules: readonly LoadedStrategyModule[], builtIns: StrategyRegistry = strategyRegistry): StrategyRegistry {
  const registry: Record<string, StrategyDefinition> = { ...builtIns };
  const origin = new Map<string, string>();
  for (const loaded of modules) {
    for (const definition of loaded.definitions) {
      const other = origin.get(definition.name);
      if (other === loaded.ref.path) continue;
      if (other !== undefined || definition.name in builtIns) {
        const clash = other === undefined ? `the built-in strategy ${quoteValue(definition.name)}` : `the strategy ${quoteValue(definition.name)} of ${echoValue(other)}`;
        throw new ConfigError([{ path: 'name', message: `defines ${quoteValue(definition.name)}, the name of ${clash}; give it another name` }], { source: `strategy file ${echoValue(loaded.ref.path)}` });
      }
      origin.set(definition.name, loaded.ref.path);
      registry[definition.name] = definition;
    }
  }
  return registry;
}

/**
 * The strategy file `--strategy` names, loaded (relative to `cwd`), or undefined when the value is
 * a registry name ({@link looksLikeStrategyPath}). A problem with the file is a `ConfigError`
 * naming it (exit 2).
 */
export async function strategyFromFile(value: string, cwd: string): Promise<{ definition: StrategyDefinition; module: StrategyModuleRef } | undefined> {
  if (!looksLikeStrategyPath(value)) return undefined;
  const { file, name } = splitStrategyPath(value);
  const loaded = await loadStrategyModule(file, { cwd });
  const definition = pickDefinition(loaded, name, flagText('--strategy', value));
  registryWithModules([loaded]);
  return { definition, module: loaded.ref };
}
