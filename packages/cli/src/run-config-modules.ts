import path from 'node:path';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, StrategyModuleFilesSchema, echoValue } from '@ensemble/protocol';
import { strategyModuleChange } from '@ensemble/research';
import type { StrategyModuleRecord } from '@ensemble/research';
import type { ConfigIssue } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { loadStrategyModule, looksLikeStrategyPath, pickDefinition, registryWithModules, splitStrategyPath } from './strategy-modules';
import type { LoadedStrategyModule } from './strategy-modules';

/** A raw run config with its strategy files loaded: what `parseRunConfig` then checks. */
export interface RunConfigWithModules {
  /**
   * The raw config with every entry that named a file rewritten: `strategy` is the file's
   * definition name and `module` records `{ path, sha256 }`. The same value when no entry names a file.
   */
  readonly input: unknown;
  /** The built-in strategies plus those of the files. */
  readonly registry: StrategyRegistry;
  /** Every distinct file loaded, once each, in first-use order. */
  readonly modules: readonly LoadedStrategyModule[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file a config entry names: by `strategy` (a path) or, with a strategy name, by `module.path` (a recorded run). */
interface EntryFile {
  readonly index: number;
  readonly file: string;
  readonly name: string | undefined;
  /** The digest (and files) the entry recorded, to check the file against. */
  readonly recorded: StrategyModuleRecord | undefined;
  readonly at: string;
}

function entryFile(entry: unknown, index: number): EntryFile | undefined {
  if (!isRecord(entry) || typeof entry.strategy !== 'string') return undefined;
  if (looksLikeStrategyPath(entry.strategy)) {
    const { file, name } = splitStrategyPath(entry.strategy);
    return { index, file, name, recorded: undefined, at: `strategies.${index}.strategy` };
  }
  const recorded = entry.module;
  if (!isRecord(recorded) || typeof recorded.path !== 'string' || recorded.path === '') return undefined;
  // Read before the config's schema has checked it: files that are not a list of files describe nothing.
  const files = StrategyModuleFilesSchema.safeParse(recorded.files).data;
  return {
    index,
    file: recorded.path,
    name: entry.strategy,
    recorded: typeof recorded.sha256 === 'string' ? { sha256: recorded.sha256, ...(files === undefined ? {} : { files }) } : undefined,
    at: `strategies.${index}.module.path`,
  };
}

/** The issues of a strategy file's error, at the config path that named the file. */
function issuesAt(error: unknown, at: string, file: string): ConfigIssue[] {
  if (!ConfigError.isInstance(error)) throw error;
  return error.issues.map((issue) => ({
    path: at,
    message: `strategy file ${echoValue(file)}${issue.path === '' || issue.path === at ? '' : ` (${issue.path})`}: ${issue.message}`,
  }));
}

/** {@link collectRunConfigModules}'s outcome: the config as far as its files loaded, and what failed. */
export interface CollectedRunConfigModules extends RunConfigWithModules {
  /** The problems of the files that did not load (missing, failing to import, changed since recorded…), at the config paths that name them. */
  readonly issues: readonly ConfigIssue[];
  /** The entries (indexes into `strategies`) whose file did not load: left as written, so their strategy and parameters cannot be checked. */
  readonly failed: ReadonlySet<number>;
}

/**
 * Loads the strategy files a raw run config names — `"strategy": "./strategies/momentum.ts"`
 * (relative to `configDir`), or a strategy name with a recorded `module` — each distinct file
 * once, and returns the config rewritten to name each file's definition, with the registry that
 * holds them. A missing file, one that fails to import or exports no definition, a `#name` the
 * file lacks, a file's definition named like one of `builtIns` and a recorded digest the file (or a local file it imports) no longer has are one `ConfigError` naming the
 * config path and the file (`source`: the config).
 */
export async function loadRunConfigModules(input: unknown, configDir: string, source: string, builtIns: StrategyRegistry = strategyRegistry): Promise<RunConfigWithModules> {
  const collected = await collectRunConfigModules(input, configDir, builtIns);
  if (collected.issues.length > 0) throw new ConfigError([...collected.issues], { source });
  return { input: collected.input, registry: collected.registry, modules: collected.modules };
}

/**
 * {@link loadRunConfigModules} without throwing: the problems of the files that did not load are
 * returned with the entries they concern, the other entries rewritten, so that a caller can list
 * them with the rest of the config's problems (one file failing to import hid every other entry's
 * parameter errors).
 */
export async function collectRunConfigModules(input: unknown, configDir: string, builtIns: StrategyRegistry = strategyRegistry): Promise<CollectedRunConfigModules> {
  const none: CollectedRunConfigModules = { input, registry: builtIns, modules: [], issues: [], failed: new Set() };
  if (!isRecord(input) || !Array.isArray(input.strategies)) return none;
  const entries = input.strategies as unknown[];
  const files = entries.map(entryFile);
  if (files.every((file) => file === undefined)) return none;

  const loads = new Map<string, Promise<LoadedStrategyModule>>();
  const issues: ConfigIssue[] = [];
  const rewritten = [...entries];
  const modules: LoadedStrategyModule[] = [];
  const failed = new Set<number>();
  for (const named of files) {
    if (named === undefined) continue;
    const absolute = path.resolve(configDir, named.file);
    let load = loads.get(absolute);
    if (load === undefined) {
      load = loadStrategyModule(named.file, { cwd: configDir });
      loads.set(absolute, load);
    }
    try {
      const loaded = await load;
      if (!modules.includes(loaded)) modules.push(loaded);
      const change = named.recorded === undefined ? null : strategyModuleChange(named.recorded, loaded.ref, `./${path.basename(loaded.absolute)}`);
      if (change !== null) {
        issues.push({
          path: `strategies.${named.index}.module.sha256`,
          message: `strategy file ${echoValue(named.file)} has changed since this config recorded it: ${change}; restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now`,
        });
        failed.add(named.index);
        continue;
      }
      const definition = pickDefinition(loaded, named.name, named.at);
      rewritten[named.index] = { ...(entries[named.index] as Record<string, unknown>), strategy: definition.name, module: { ...loaded.ref, path: named.file } };
    } catch (error) {
      issues.push(...issuesAt(error, named.at, named.file));
      failed.add(named.index);
    }
  }
  return { input: { ...input, strategies: rewritten }, registry: registryWithModules(modules, builtIns), modules, issues, failed };
}
