import path from 'node:path';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, echoValue, quoteValue } from '@ensemble/protocol';
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
  /** The SHA-256 the entry recorded, to check the file against. */
  readonly sha256: string | undefined;
  readonly at: string;
}

function entryFile(entry: unknown, index: number): EntryFile | undefined {
  if (!isRecord(entry) || typeof entry.strategy !== 'string') return undefined;
  if (looksLikeStrategyPath(entry.strategy)) {
    const { file, name } = splitStrategyPath(entry.strategy);
    return { index, file, name, sha256: undefined, at: `strategies.${index}.strategy` };
  }
  const recorded = entry.module;
  if (!isRecord(recorded) || typeof recorded.path !== 'string' || recorded.path === '') return undefined;
  return { index, file: recorded.path, name: entry.strategy, sha256: typeof recorded.sha256 === 'string' ? recorded.sha256 : undefined, at: `strategies.${index}.module.path` };
}

/** The issues of a strategy file's error, at the config path that named the file. */
function issuesAt(error: unknown, at: string, file: string): ConfigIssue[] {
  if (!ConfigError.isInstance(error)) throw error;
  return error.issues.map((issue) => ({
    path: at,
    message: `strategy file ${echoValue(file)}${issue.path === '' || issue.path === at ? '' : ` (${issue.path})`}: ${issue.message}`,
  }));
}

/**
 * Loads the strategy files a raw run config names — `"strategy": "./strategies/momentum.ts"`
 * (relative to `configDir`), or a strategy name with a recorded `module` — each distinct file
 * once, and returns the config rewritten to name each file's definition, with the registry that
 * holds them. A missing file, one that fails to import or exports no definition, a `#name` the
 * file lacks, a file's definition named like one of `builtIns` and a recorded `sha256` the file no longer has are one `ConfigError` naming the
 * config path and the file (`source`: the config).
 */
export async function loadRunConfigModules(input: unknown, configDir: string, source: string, builtIns: StrategyRegistry = strategyRegistry): Promise<RunConfigWithModules> {
  if (!isRecord(input) || !Array.isArray(input.strategies)) return { input, registry: builtIns, modules: [] };
  const entries = input.strategies as unknown[];
  const files = entries.map(entryFile);
  if (files.every((file) => file === undefined)) return { input, registry: builtIns, modules: [] };

  const loads = new Map<string, Promise<LoadedStrategyModule>>();
  const issues: ConfigIssue[] = [];
  const rewritten = [...entries];
  const modules: LoadedStrategyModule[] = [];
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
      if (named.sha256 !== undefined && named.sha256 !== loaded.ref.sha256) {
        issues.push({
          path: `strategies.${named.index}.module.sha256`,
          message: `strategy file ${echoValue(named.file)} has changed since this config recorded it: its SHA-256 is now ${loaded.ref.sha256}, not ${quoteValue(named.sha256)}`,
        });
        continue;
      }
      const definition = pickDefinition(loaded, named.name, named.at);
      rewritten[named.index] = { ...(entries[named.index] as Record<string, unknown>), strategy: definition.name, module: { path: named.file, sha256: loaded.ref.sha256 } };
    } catch (error) {
      issues.push(...issuesAt(error, named.at, named.file));
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { source });
  return { input: { ...input, strategies: rewritten }, registry: registryWithModules(modules), modules };
}
