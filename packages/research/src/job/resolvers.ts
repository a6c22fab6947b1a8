import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { combineMarketData, datasetUrl, getDatasetInfo, parseMarketData, readDataBytes, repeatedFiles } from '@ensemble/data';
import type { MarketData } from '@ensemble/data';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, DataValidationError, EnsembleError, describeGiven, MAX_LINE_LENGTH, quoteValue, checkArguments, arrayIssue, stringIssue, objectIssue, registryIssue } from '@ensemble/protocol';
import type { ConfigIssue, DataProblem, DateFormat, DecimalMarkSetting, StrategyDefinition } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { sha256Hex } from './content-hash';
import type { ResearchResolvers } from './run-research-job';
import type { DataRef, StrategyModuleRef } from './research-job';
import { strategyModuleChange, strategyModuleDigest, strategyModuleRecord } from './module-digest';
import type { StrategyModuleDigest } from './module-digest';
import { importStrategyFile } from './strategy-files';
import type { StrategyFileImporter } from './strategy-files';
import { functionIssue } from '../argument-checks';

export { sha256Hex } from './content-hash';

/** Where a config's data comes from: an embedded data set, or a file relative to `baseDir`. */
export interface DataSourceInput {
  readonly dataset?: string | undefined;
  /** One file, or a list joined on one timeline (one CSV per symbol, say). */
  readonly file?: string | readonly string[] | undefined;
  readonly format?: 'ohlcv' | 'long' | 'wide' | 'json' | undefined;
  readonly adjust?: boolean | undefined;
  readonly sort?: boolean | undefined;
  readonly dateFormat?: DateFormat | undefined;
  readonly decimal?: DecimalMarkSetting | undefined;
}

/**
 * How the bytes are read: the config's `adjust`, `sort`, `dateFormat` and `decimal`, kept in the
 * reference only when set (a `dateFormat` or `decimal` of `auto` is the default, left out).
 */
function readingOf(source: DataSourceInput): Pick<DataRef, 'adjust' | 'sort' | 'dateFormat' | 'decimal'> {
  return {
    ...(source.adjust === true ? { adjust: true } : {}),
    ...(source.sort === true ? { sort: true } : {}),
    ...(source.dateFormat === undefined || source.dateFormat === 'auto' ? {} : { dateFormat: source.dateFormat }),
    ...(source.decimal === undefined || source.decimal === 'auto' ? {} : { decimal: source.decimal }),
  };
}

async function bytesOf(ref: Pick<DataRef, 'name' | 'file'>): Promise<Uint8Array> {
  if (ref.name !== undefined) return readDataBytes(await datasetUrl(getDatasetInfo(ref.name).name));
  return readDataBytes(ref.file ?? '');
}

/**
 * The content reference of a config's data: the data set name or the file's absolute path (a
 * relative `file` resolves against `baseDir`), how its rows are read (`adjust`, `sort`, `dateFormat`, `decimal`, when set),
 * with the SHA-256 of its bytes. Reads the bytes once.
 */
export async function dataRefOf(source: DataSourceInput, baseDir: string): Promise<DataRef> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('dataRefOf', [
    objectIssue(source, 'source', "a config's data source (an object with dataset or file)"),
    stringIssue(baseDir, 'baseDir', 'the directory a relative file resolves against (a string)'),
  ]);
  if (source.dataset !== undefined) {
    const name = getDatasetInfo(source.dataset).name;
    return { name, ...readingOf(source), sha256: sha256Hex(await bytesOf({ name })) };
  }
  if (typeof source.file !== 'string' && source.file !== undefined) {
    if (source.file.length !== 1) throw new TypeError('dataRefOf takes one file; use dataRefsOf for a list');
    return dataRefOf({ ...source, file: source.file[0] }, baseDir);
  }
  const file = isAbsolute(source.file ?? '') ? (source.file ?? '') : resolve(baseDir, source.file ?? '');
  // A pipe gives its bytes once: the planner would read it here, then block (a named pipe) or read
  // other bytes (a shell's pipe as /dev/stdin) when it loads the data again, as would each worker.
  const kind = await stat(file).then(
    (found) => (found.isFile() || found.isDirectory() ? null : found.isFIFO() ? 'a pipe' : found.isSocket() ? 'a socket' : 'a device'),
    () => null,
  );
  if (kind !== null) {
    const why = kind === 'a device' ? '' : `, and ${kind} gives it only once`;
    throw new Error(`${quoteValue(file, MAX_LINE_LENGTH)} is ${kind}, not a file: research reads its data from a file, more than once (to plan it, then in each worker)${why}; save the data to a file first (e.g. cat … > prices.csv)`);
  }
  const ref = { file, ...readingOf(source), sha256: sha256Hex(await bytesOf({ file })) };
  return source.format === undefined ? ref : { ...ref, format: source.format };
}

/**
 * The content references of a config's data ({@link dataRefOf}): one for an embedded data set or
 * a file, one per file, in order, for a list of files (each read the same way; every file that
 * cannot be read is an issue at `file.N` of one `ConfigError`).
 */
export async function dataRefsOf(source: DataSourceInput, baseDir: string): Promise<DataRef[]> {
  checkArguments('dataRefsOf', [
    objectIssue(source, 'source', "a config's data source (an object with dataset or file)"),
    stringIssue(baseDir, 'baseDir', 'the directory a relative file resolves against (a string)'),
  ]);
  if (source.dataset !== undefined || typeof source.file === 'string' || source.file === undefined) return [await dataRefOf(source, baseDir)];
  // Every file that cannot be read is named (`file.N`), not only the first.
  const refs: DataRef[] = [];
  const issues: ConfigIssue[] = [];
  // One file named two ways (`./a.csv`, `a.csv`) would clash with itself.
  const repeated = repeatedFiles(source.file, (file) => (isAbsolute(file) ? file : resolve(baseDir, file)));
  for (const [k, file] of source.file.entries()) {
    const earlier = repeated[k] ?? -1;
    if (earlier >= 0) {
      issues.push({ path: `file.${String(k)}`, message: `${quoteValue(file, MAX_LINE_LENGTH)} is the file of file.${String(earlier)}: list each file once` });
      continue;
    }
    try {
      refs.push(await dataRefOf({ ...source, file }, baseDir));
    } catch (error) {
      issues.push({ path: `file.${String(k)}`, message: error instanceof Error ? error.message : describeGiven(error) });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return refs;
}

/** Combined data per resolvers and list of references (see {@link marketDataOf}). */
const combined = new WeakMap<ResearchResolvers, Map<string, Promise<MarketData>>>();

/**
 * The market data of a job's references: the one reference's data, or every reference's joined
 * on one timeline (`combineMarketData` of `@ensemble/data`: a symbol found in two files is
 * refused), kept per `resolvers` for the jobs after.
 */
export function marketDataOf(resolvers: ResearchResolvers, refs: readonly DataRef[]): Promise<MarketData> {
  const first = refs[0];
  if (first === undefined) return Promise.reject(new EnsembleError('CONFIG_INVALID', 'The job names no data.'));
  if (refs.length === 1) return resolvers.marketData(first);
  let cache = combined.get(resolvers);
  if (cache === undefined) {
    cache = new Map();
    combined.set(resolvers, cache);
  }
  const key = JSON.stringify(refs.map(dataKey));
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const loading = Promise.allSettled(refs.map((ref) => resolvers.marketData(ref))).then((settled) => combineMarketData(loadedParts(settled)));
  loading.catch(() => cache.delete(key));
  cache.set(key, loading);
  return loading;
}

/**
 * The data of every file of settled loads; when some failed, every file's data problems together
 * (as `loadMarketDataFiles` reports them), or the first other failure.
 */
function loadedParts(settled: readonly PromiseSettledResult<MarketData>[]): MarketData[] {
  const parts: MarketData[] = [];
  const problems: DataProblem[] = [];
  let truncated = false;
  let other: unknown;
  for (const result of settled) {
    if (result.status === 'fulfilled') parts.push(result.value);
    else if (DataValidationError.isInstance(result.reason)) {
      problems.push(...result.reason.problems);
      truncated ||= result.reason.truncated;
    } else other ??= result.reason;
  }
  if (other !== undefined) throw other instanceof Error ? other : new Error(`a data file could not be loaded: ${describeGiven(other)}`);
  if (problems.length > 0) throw new DataValidationError(problems, { truncated });
  return parts;
}

/**
 * Loads strategy modules into a registry: each module's digest ({@link strategyModuleDigest}: the
 * file and the local files it imports) must match its reference (a changed file is refused, naming
 * which one changed), and every definition it exports (through `importer`, default
 * {@link importStrategyFile}) is added by its name to `base` (default: the sample strategies).
 */
export async function loadStrategyModules(
  modules: readonly StrategyModuleRef[],
  base: StrategyRegistry = strategyRegistry,
  importer: StrategyFileImporter = importStrategyFile,
): Promise<StrategyRegistry> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('loadStrategyModules', [
    arrayIssue(modules, 'modules', 'the strategy modules to load (an array of { path, sha256 })'),
    registryIssue(base, 'base'),
    functionIssue(importer, 'importer', 'a strategy file importer', true),
  ]);
  const registry: Record<string, StrategyDefinition> = { ...base };
  for (const module of modules) {
    const file = quoteValue(module.path, MAX_LINE_LENGTH);
    let digest: StrategyModuleDigest;
    try {
      digest = await strategyModuleDigest(module.path);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new ConfigError(
        error.issues.map((issue) => ({ path: 'strategyModules', message: `${file}: ${issue.message}` })),
        { cause: error },
      );
    }
    const change = strategyModuleChange(module, strategyModuleRecord(digest), `./${basename(module.path)}`);
    if (change !== null) {
      throw new ConfigError([{ path: 'strategyModules', message: `${file} changed since the research was planned: ${change}; plan it again, or restore what changed` }]);
    }
    for (const definition of await importer(module.path)) registry[definition.name] = definition;
  }
  return registry;
}

/** Options of {@link createLocalResolvers}. */
export interface LocalResolversOptions {
  /** How strategy files are imported (default {@link importStrategyFile}: Node's `import()`). */
  readonly importer?: StrategyFileImporter | undefined;
}

/**
 * What a parsed data set is kept under: its digest and where it came from. The same bytes parse
 * differently under another name (a one-symbol CSV file's symbol is its file name; an embedded data
 * set's is the data set's) or read another way (adjusted, sorted, its dates or decimals in another format), so
 * the digest alone is not enough.
 */
function dataKey(ref: DataRef): string {
  return JSON.stringify([ref.sha256, ref.name ?? null, ref.file ?? null, ref.format ?? null, ref.adjust === true, ref.sort === true, ref.dateFormat ?? 'auto', ref.decimal ?? 'auto']);
}

/**
 * Resolvers for {@link runResearchJob} on this machine: market data is read, checked against its
 * SHA-256 and parsed once per data set or file (every symbol, every bar) and kept for later jobs;
 * strategy modules are loaded once per set of references (so once per worker thread for a whole
 * sweep).
 */
export function createLocalResolvers(options: LocalResolversOptions = {}): ResearchResolvers {
  const data = new Map<string, Promise<MarketData>>();
  const registries = new Map<string, Promise<StrategyRegistry>>();
  return {
    marketData(ref: DataRef): Promise<MarketData> {
      const key = dataKey(ref);
      const cached = data.get(key);
      if (cached !== undefined) return cached;
      const loading = (async (): Promise<MarketData> => {
        const bytes = await bytesOf(ref);
        const reading = readingOf(ref);
        if (sha256Hex(bytes) !== ref.sha256) {
          throw new EnsembleError('DATA_INVALID', `The data ${quoteValue(ref.name ?? ref.file ?? '', MAX_LINE_LENGTH)} changed since the research was planned (its SHA-256 differs); plan it again.`);
        }
        if (ref.name !== undefined) {
          const info = getDatasetInfo(ref.name);
          const parsed = parseMarketData(bytes, { file: info.file, format: info.format, ...reading, ...(info.format === 'ohlcv' ? { symbol: info.symbols[0] } : {}) });
          return { ...parsed, source: info.name };
        }
        return parseMarketData(bytes, { file: ref.file, ...reading, ...(ref.format === undefined ? {} : { format: ref.format }) });
      })();
      loading.catch(() => data.delete(key));
      data.set(key, loading);
      return loading;
    },
    registry(modules: readonly StrategyModuleRef[]): Promise<StrategyRegistry> {
      const key = modules.map((module) => `${module.sha256}:${module.path}`).join('\n');
      const cached = registries.get(key);
      if (cached !== undefined) return cached;
      const loading = loadStrategyModules(modules, strategyRegistry, options.importer);
      registries.set(key, loading);
      return loading;
    },
  };
}
