import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { datasetUrl, getDatasetInfo, parseMarketData, readDataBytes } from '@ensemble/data';
import type { MarketData } from '@ensemble/data';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, quoteValue } from '@ensemble/protocol';
import type { StrategyDefinition } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import type { ResearchResolvers } from './run-research-job';
import type { DataRef, StrategyModuleRef } from './research-job';

/** The SHA-256 of `bytes`, 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a config's data comes from: an embedded data set, or a file relative to `baseDir`. */
export interface DataSourceInput {
  readonly dataset?: string | undefined;
  readonly file?: string | undefined;
  readonly format?: 'ohlcv' | 'long' | 'wide' | 'json' | undefined;
}

async function bytesOf(ref: Pick<DataRef, 'name' | 'file'>): Promise<Uint8Array> {
  if (ref.name !== undefined) return readDataBytes(datasetUrl(getDatasetInfo(ref.name).name));
  return readDataBytes(ref.file ?? '');
}

/**
 * The content reference of a config's data: the data set name or the file's absolute path (a
 * relative `file` resolves against `baseDir`), with the SHA-256 of its bytes. Reads the bytes once.
 */
export async function dataRefOf(source: DataSourceInput, baseDir: string): Promise<DataRef> {
  if (source.dataset !== undefined) {
    const name = getDatasetInfo(source.dataset).name;
    return { name, sha256: sha256Hex(await bytesOf({ name })) };
  }
  const file = isAbsolute(source.file ?? '') ? (source.file ?? '') : resolve(baseDir, source.file ?? '');
  const ref = { file, sha256: sha256Hex(await bytesOf({ file })) };
  return source.format === undefined ? ref : { ...ref, format: source.format };
}

function isDefinition(value: unknown): value is StrategyDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof StrategyDefinition, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    (candidate.kind === 'signal' || candidate.kind === 'portfolio') &&
    typeof candidate.create === 'function' &&
    typeof candidate.schema === 'object'
  );
}

/**
 * Loads strategy modules into a registry: each file's SHA-256 must match its reference (a changed
 * file is refused), and every export that is a `StrategyDefinition` is added by its name to
 * `base` (default: the sample strategies).
 */
export async function loadStrategyModules(modules: readonly StrategyModuleRef[], base: StrategyRegistry = strategyRegistry): Promise<StrategyRegistry> {
  const registry: Record<string, StrategyDefinition> = { ...base };
  for (const module of modules) {
    const digest = sha256Hex(await readDataBytes(module.path));
    if (digest !== module.sha256) {
      throw new ConfigError([
        { path: 'strategyModules', message: `${quoteValue(module.path, MAX_LINE_LENGTH)} changed since the research was planned (its SHA-256 differs); plan it again` },
      ]);
    }
    const exports = (await import(pathToFileURL(module.path).href)) as Record<string, unknown>;
    for (const value of Object.values(exports)) if (isDefinition(value)) registry[value.name] = value;
  }
  return registry;
}

/**
 * Resolvers for {@link runResearchJob} on this machine: market data is read, checked against its
 * SHA-256 and parsed once per digest (every symbol, every bar) and kept for later jobs; strategy
 * modules are loaded once per set of references.
 */
export function createLocalResolvers(): ResearchResolvers {
  const data = new Map<string, Promise<MarketData>>();
  const registries = new Map<string, Promise<StrategyRegistry>>();
  return {
    marketData(ref: DataRef): Promise<MarketData> {
      const cached = data.get(ref.sha256);
      if (cached !== undefined) return cached;
      const loading = (async (): Promise<MarketData> => {
        const bytes = await bytesOf(ref);
        if (sha256Hex(bytes) !== ref.sha256) {
          throw new EnsembleError('DATA_INVALID', `The data ${quoteValue(ref.name ?? ref.file ?? '', MAX_LINE_LENGTH)} changed since the research was planned (its SHA-256 differs); plan it again.`);
        }
        if (ref.name !== undefined) {
          const info = getDatasetInfo(ref.name);
          const parsed = parseMarketData(bytes, { file: info.file, format: info.format, ...(info.format === 'ohlcv' ? { symbol: info.symbols[0] } : {}) });
          return { ...parsed, source: info.name };
        }
        return parseMarketData(bytes, { file: ref.file, ...(ref.format === undefined ? {} : { format: ref.format }) });
      })();
      loading.catch(() => data.delete(ref.sha256));
      data.set(ref.sha256, loading);
      return loading;
    },
    registry(modules: readonly StrategyModuleRef[]): Promise<StrategyRegistry> {
      const key = modules.map((module) => `${module.sha256}:${module.path}`).join('\n');
      const cached = registries.get(key);
      if (cached !== undefined) return cached;
      const loading = loadStrategyModules(modules);
      registries.set(key, loading);
      return loading;
    },
  };
}
