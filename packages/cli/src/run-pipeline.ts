import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { getDatasetInfo, isDatasetName, listDatasets, loadDataset, loadMarketDataFiles, repeatedFiles, resolveDateBound } from '@ensemble/data';
import type { DatasetInfo, DateInput, MarketData } from '@ensemble/data';
import { dataFiles, parseRunConfig, runOrchestrator, runSymbols } from '@ensemble/orchestrator';
import type { OrchestratorResult, RunConfig, StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, DataValidationError, EnsembleError, FileTooLargeError, MAX_JSON_FILE_BYTES, MAX_LINE_LENGTH, SeriesSeal, decodeJsonBytes, echoValue, parseJsonText, quoteValue } from '@ensemble/protocol';
import type { BarSeries, ConfigIssue, Logger } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { aboutFailedFile, nullConfigMessage, relativeBase } from '@ensemble/research';
import { collectRunConfigModules } from './run-config-modules';
import { datasetSuggestion } from './data-source';
import type { LoadedStrategyModule } from './strategy-modules';

/** A run config read from a file: parsed and validated, with where it came from. */
export interface LoadedRunConfig {
  readonly config: RunConfig;
  /** The path as given, named in error messages (e.g. `examples/dow30-inverse-vol.json`). */
  readonly source: string;
  /** Absolute directory of the config file: `data.file` and strategy files are relative to it. */
  readonly configDir: string;
  /** The strategies the config may name: the built-ins plus those of the strategy files it names. */
  readonly registry: StrategyRegistry;
  /** The strategy files the config names, loaded (none when it names only built-in strategies). */
  readonly modules: readonly LoadedStrategyModule[];
}

/** Options of {@link loadRunConfigFile} and {@link parseRunConfigText}. */
export interface RunConfigOptions {
  /** Directory a relative config path resolves against (default: the process's working directory). */
  readonly cwd?: string | undefined;
  /** The strategies a config may name (default: `strategyRegistry` of `@ensemble/strategies`). */
  readonly registry?: StrategyRegistry | undefined;
  /** The config's content when it was read already: a pipe (`--config <(…)`) gives its bytes once. */
  readonly text?: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function datasetNames(): string {
  return listDatasets()
    .map((dataset) => dataset.name)
    .join(', ');
}

/** A date bound of `data` resolved to epoch ms, or an issue at `data.<bound>`; undefined when absent or not a string/number (the schema reports those). */
function boundIssue(value: unknown, bound: 'from' | 'to', issues: ConfigIssue[]): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'string' && value === '') return undefined;
  try {
    return resolveDateBound(value, bound);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    issues.push({
      path: `data.${bound}`,
      message: `${quoteValue(String(value))} is not a date; use YYYY-MM-DD (e.g. "2005-01-31"), an ISO date-time or epoch milliseconds`,
    });
    return undefined;
  }
}

/**
 * The checks of a raw run config's `data` that need no file: a known data set name and readable,
 * ordered `from`/`to` dates. Run with the schema so that one error lists every problem.
 */
export function dataIssues(input: unknown): ConfigIssue[] {
  if (!isRecord(input) || !isRecord(input.data)) return [];
  const data = input.data;
  const issues: ConfigIssue[] = [];
  if (typeof data.dataset === 'string' && data.dataset !== '' && !isDatasetName(data.dataset)) {
    issues.push({ path: 'data.dataset', message: `unknown data set ${quoteValue(data.dataset)}; the embedded data sets are ${datasetNames()} (\`ensemble data list\` describes them)${datasetSuggestion(data.dataset)}` });
  }
  const from = boundIssue(data.from, 'from', issues);
  const to = boundIssue(data.to, 'to', issues);
  if (from !== undefined && to !== undefined && from > to) {
    issues.push({ path: 'data.to', message: `"to" (${echoValue(String(data.to))}) is before "from" (${echoValue(String(data.from))}): the date range is empty; swap them` });
  }
  return issues;
}

/** The files `data.file` of a config not yet checked names: one, each of a list's, or none (what is not a string is the schema's to refuse). */
export function configDataFiles(config: unknown): string[] {
  const data = (config as { data?: { file?: unknown } } | null | undefined)?.data;
  const files: unknown[] = Array.isArray(data?.file) ? data.file : [data?.file];
  return files.filter((file) => typeof file === 'string');
}

async function dataFileIssues(input: unknown, configDir: string, piped: boolean): Promise<ConfigIssue[]> {
  if (!isRecord(input) || !isRecord(input.data)) return [];
  const given = input.data.file;
  // One file at `data.file`, or a list's at `data.file.N`; what is not a path is the schema's to refuse.
  const entries: unknown[] = Array.isArray(given) ? given : [given];
  const files = entries.flatMap((file, k): [string, string][] => (typeof file === 'string' && file !== '' ? [[Array.isArray(given) ? `data.file.${String(k)}` : 'data.file', file]] : []));
  const issues: ConfigIssue[] = [];
  // One file named two ways (`./a.csv`, `a.csv`): a list's second is refused (the same text twice is the schema's to refuse).
  const repeated = repeatedFiles(
    files.map(([, file]) => file),
    (file) => path.resolve(configDir, file),
  );
  for (const [k, [at, file]] of files.entries()) {
    const absolute = path.resolve(configDir, file);
    const earlier = files[repeated[k] ?? -1];
    if (earlier !== undefined && earlier[1] !== file) issues.push({ path: at, message: `${quoteValue(file, MAX_LINE_LENGTH)} is the file of ${earlier[0]} (${quoteValue(earlier[1], MAX_LINE_LENGTH)}): list each file once` });
    const found = await stat(absolute).catch(() => null);
    const shown = quoteValue(file, MAX_LINE_LENGTH);
    const where = echoValue(absolute, MAX_LINE_LENGTH);
    const relativeTo = piped ? 'the working directory, the config having come from a pipe' : "the config file's directory";
    if (found === null && isDatasetName(file)) issues.push({ path: at, message: `${shown} is an embedded data set, not a file: give it as "dataset" (on its own, not joined with files)` });
    else if (found === null) issues.push({ path: at, message: `file not found: ${shown} (looked for ${where}; a relative path is relative to ${relativeTo})` });
    else if (!found.isFile()) issues.push({ path: at, message: `${shown} is not a file (${where})` });
  }
  return issues;
}

/** An unknown key (named at its own path by the protocol) also says where the fields are listed. */
function withSchemaHint(issue: ConfigIssue): ConfigIssue {
  const match = /^unknown key (.*) \(check its spelling\)$/.exec(issue.message);
  if (match === null) return issue;
  return { path: issue.path, message: `unknown key ${match[1] ?? ''} (check its spelling; \`ensemble schema\` lists every field)` };
}

/** Strategy files that did not load: their problems, and the entries (indexes) they leave unchecked. */
interface FailedFiles {
  readonly issues: readonly ConfigIssue[];
  readonly failed: ReadonlySet<number>;
}

const NO_FAILED_FILES: FailedFiles = { issues: [], failed: new Set() };

/**
 * Validates a raw run config (already parsed from JSON) with the orchestrator's `parseRunConfig`
 * plus `extra` issues, so that one `ConfigError` lists every problem by path: first those of the
 * strategy files that did not load (`files`), whose entries' strategy and parameters are not
 * checked, then the schema's and registry's, then `extra`.
 */
function validateRunConfig(input: unknown, source: string, registry: StrategyRegistry, extra: readonly ConfigIssue[], files: FailedFiles = NO_FAILED_FILES): RunConfig {
  let config: RunConfig;
  try {
    config = parseRunConfig(input, { source, registry });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const issues = error.issues.filter((issue) => !aboutFailedFile('run', issue.path, files.failed)).map(withSchemaHint);
    throw new ConfigError([...files.issues, ...issues, ...extra], { source, cause: error });
  }
  if (files.issues.length > 0 || extra.length > 0) throw new ConfigError([...files.issues, ...extra], { source });
  return config;
}

/**
 * Parses the text of a run config: JSON (a syntax error names the line and column), then the
 * orchestrator's schema and registry checks and the data checks that need no file (a known data
 * set, readable `from`/`to`). Throws one protocol `ConfigError` listing every problem by path.
 */
export function parseRunConfigText(text: string, source: string, options: Pick<RunConfigOptions, 'registry'> = {}): RunConfig {
  return parseRunConfigInput(parseJsonText(text, source), source, options);
}

/**
 * Validates a run config given as a value (e.g. a `RunConfigInput` built in code): the
 * orchestrator's schema and registry checks plus a known data set and readable, ordered
 * `from`/`to`. Throws one protocol `ConfigError` naming `source` and listing every problem by path.
 */
export function parseRunConfigInput(input: unknown, source: string, options: Pick<RunConfigOptions, 'registry'> = {}): RunConfig {
  return validateRunConfig(input, source, options.registry ?? strategyRegistry, dataIssues(input));
}

/**
 * Reads and validates a run config file before any data is loaded: a missing or unreadable file
 * is an `IO_FAILED` error naming the path; invalid JSON a `ConfigError` naming the line and
 * column; an invalid config one `ConfigError` listing every problem by path (schema, strategy
 * names and parameters, weights, an unknown data set, unreadable dates, a missing `data.file`).
 * Strategy files the config names (`"strategy": "./strategies/momentum.ts"`, relative to the
 * config file) are imported once each and their definitions join the registry; the returned
 * config names them by definition name and records `module: { path, sha256 }`. All of these are
 * bad input (CLI exit code 2).
 */
export async function loadRunConfigFile(file: string, options: RunConfigOptions = {}): Promise<LoadedRunConfig> {
  // An empty path resolves to the working directory, which would read as "it is a directory".
  if (file.trim() === '') throw new EnsembleError('IO_FAILED', `Cannot read the run config ${quoteValue(file)}: the path is empty; give the path of a JSON file.`);
  const absolute = path.resolve(options.cwd ?? process.cwd(), file);
  // A device (/dev/zero) has no end: it was read to V8's longest string and failed as "Invalid string length".
  if (await isDevice(absolute)) throw new EnsembleError('IO_FAILED', `Cannot read the run config ${quoteValue(file, MAX_LINE_LENGTH)}: it is a device, not a file; give the path of a JSON file.`);
  // Over V8's longest string it failed as "Invalid string length", after reading all of it.
  const oversized = await oversizedJsonFile(absolute);
  if (oversized !== null) {
    throw new FileTooLargeError({
      what: 'run config',
      file,
      size: oversized,
      advice: 'A run config is a few kilobytes: check that the path names one, not a data or result file (market data goes in a CSV or JSON data file the config names, data.file).',
    });
  }
  let read: string | Buffer;
  try {
    read = options.text ?? (await readFile(absolute));
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why =
      code === 'ENOENT'
        ? `no such file (looked for ${echoValue(absolute, MAX_LINE_LENGTH)}). Check the path; example configs are in the repository's examples/ directory`
        : code === 'EISDIR'
          ? 'it is a directory; give the path of a JSON file'
          : error instanceof Error
            ? error.message
            : String(error);
    throw new EnsembleError('IO_FAILED', `Cannot read the run config ${quoteValue(file, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
  }
  const text = typeof read === 'string' ? read : decodeJsonBytes(read, file);
  const { directory: configDir, piped } = await relativeBase(absolute, options.cwd ?? process.cwd());
  const parsed = parseJsonText(text, file);
  // What a sweep writes as its best-config.json when no combination finished: say so, not that an object was expected.
  if (parsed === null) {
    throw new ConfigError(
      [{ path: '', message: nullConfigMessage(file) }],
      { source: file },
    );
  }
  const { input, registry, modules, ...files } = await collectRunConfigModules(parsed, configDir, options.registry);
  const issues = [...dataIssues(input), ...(await dataFileIssues(input, configDir, piped))];
  const config = validateRunConfig(input, file, registry, issues, files);
  return { config, source: file, configDir, registry, modules };
}

/**
 * The size in bytes of `file` when it is over `MAX_JSON_FILE_BYTES` (too long to read as one
 * string: a JSON reader refuses it with a `FileTooLargeError`); null for any other file, or one
 * that cannot be looked at (its reader says why).
 */
export async function oversizedJsonFile(file: string): Promise<number | null> {
  const info = await stat(file).catch(() => null);
  return info !== null && info.size > MAX_JSON_FILE_BYTES ? info.size : null;
}

/**
 * A config's relative data file as problems name it: as seen from where the config was given
 * (`examples/prices.csv` for `prices.csv` in `examples/run.json`); from the working directory `cwd`
 * when the config's relative paths do not resolve against its own directory (a config read from
 * a pipe, see `relativeBaseOf`). An absolute path as it is.
 */
export function shownDataPath(given: string, source: string, configDir: string, cwd: string): string {
  if (path.isAbsolute(given)) return given;
  if (path.resolve(cwd, path.dirname(source)) === configDir) return path.join(path.dirname(source), given);
  return path.join(path.relative(cwd, configDir), given);
}

/** Whether `file` is a character or block device (`/dev/zero`, a terminal), which a JSON file never is. */
export async function isDevice(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && (info.isCharacterDevice() || info.isBlockDevice());
}

/** Options of {@link executeRun}. */
export interface ExecuteRunOptions {
  /** Where the config came from (a file path), named in errors. */
  readonly source?: string | undefined;
  /** Directory that a relative `data.file` resolves against: the config file's directory (default: the working directory). */
  readonly configDir?: string | undefined;
  /** The working directory `source` was given from, for naming the data file as seen from there (default: the process's). */
  readonly cwd?: string | undefined;
  /** Receives the data loader's and the orchestrator's structured events; silent by default. */
  readonly logger?: Logger | undefined;
  /** Called with (steps done, total steps) about a hundred times while the orchestrator runs, e.g. for a progress bar. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called with (bytes parsed, file size) while a `data.file` is parsed (not for the embedded data sets). */
  readonly onLoadProgress?: ((done: number, total: number) => void) | undefined;
  /** The strategies the config may name (default: `strategyRegistry` of `@ensemble/strategies`). */
  readonly registry?: StrategyRegistry | undefined;
}

/** A finished orchestrator run and the data it ran on. */
export interface RunOutcome {
  readonly result: OrchestratorResult;
  /** The loaded data: the symbols of `data.symbols` (or every symbol the run uses) over `from`..`to`. */
  readonly data: MarketData;
  /** The embedded data set's description, when the data is one. */
  readonly dataset: DatasetInfo | undefined;
}

/** The config paths that name `symbol`: in `data.symbols` when given, else in the strategies and the benchmark. */
function symbolPaths(config: RunConfig, symbol: string): string[] {
  const paths: string[] = [];
  if (config.data.symbols !== undefined) {
    config.data.symbols.forEach((candidate, k) => {
      if (candidate === symbol) paths.push(`data.symbols.${k}`);
    });
    return paths;
  }
  config.strategies.forEach((entry, i) => {
    entry.symbols.forEach((candidate, k) => {
      if (candidate === symbol) paths.push(`strategies.${i}.symbols.${k}`);
    });
  });
  if (config.benchmark === symbol) paths.push('benchmark');
  return paths;
}

/** A loader error as a problem of the config where one is to blame (unknown symbol, empty date range, missing file); others unchanged. */
function loadProblem(error: unknown, config: RunConfig, source: string | undefined): unknown {
  const options = source === undefined ? { cause: error } : { source, cause: error };
  if (DataValidationError.isInstance(error) && error.problems.length > 0) {
    if (error.problems.every((problem) => problem.rule === 'unknown-symbol')) {
      const issues = error.problems.flatMap((problem) => {
        const symbol = problem.value ?? '';
        const paths = symbolPaths(config, symbol);
        return (paths.length === 0 ? ['data'] : paths).map((at) => ({ path: at, message: problem.message }));
      });
      return new ConfigError(issues, options);
    }
    if (error.problems.length === 1 && error.problems[0]?.rule === 'no-data' && (config.data.from !== undefined || config.data.to !== undefined)) {
      const at = config.data.from === undefined ? 'data.to' : 'data.from';
      return new ConfigError([{ path: at, message: `the date range is empty: ${error.problems[0].message}` }], options);
    }
  }
  if (EnsembleError.isInstance(error) && error.code === 'DATA_NOT_FOUND') {
    const at = config.data.dataset === undefined ? 'data.file' : 'data.dataset';
    return new ConfigError([{ path: at, message: error.message }], options);
  }
  if (ConfigError.isInstance(error) && error.source === undefined) {
    // The data package names a bad bound `from`/`to`; in a run config they live under `data`.
    return new ConfigError(
      error.issues.map((issue) => ({ ...issue, path: issue.path === 'from' || issue.path === 'to' ? `data.${issue.path}` : issue.path })),
      options,
    );
  }
  return error;
}

/** The data source of `config`: the embedded data set, or `data.file` resolved against `configDir`. */
async function loadRunData(config: RunConfig, options: ExecuteRunOptions): Promise<{ data: MarketData; dataset: DatasetInfo | undefined }> {
  const { dataset, file, format, dateFormat, decimal, from, to, adjust, sort } = config.data;
  const selection: {
    symbols: string[];
    from: DateInput | undefined;
    to: DateInput | undefined;
    adjust: boolean | undefined;
    sort: boolean | undefined;
    logger: Logger | undefined;
  } = {
    symbols: config.data.symbols ?? runSymbols(config),
    from,
    to,
    adjust,
    sort,
    logger: options.logger,
  };
  if (dataset !== undefined) {
    if (!isDatasetName(dataset)) {
      throw new ConfigError([{ path: 'data.dataset', message: `unknown data set ${quoteValue(dataset)}; the embedded data sets are ${datasetNames()}${datasetSuggestion(dataset)}` }], options.source === undefined ? {} : { source: options.source });
    }
    return { data: await loadDataset(dataset, selection), dataset: getDatasetInfo(dataset) };
  }
  const given = dataFiles({ file });
  const cwd = options.cwd ?? process.cwd();
  const absolute = given.map((each) => path.resolve(options.configDir ?? cwd, each));
  const shown = given.map((each) => (options.source === undefined ? each : shownDataPath(each, options.source, options.configDir ?? cwd, cwd)));
  return { data: await loadMarketDataFiles(absolute, { ...selection, names: shown, format, dateFormat, decimal, onProgress: options.onLoadProgress }), dataset: undefined };
}

/**
 * The data of a parsed run config, as {@link executeRun} loads it: the problems a config causes
 * (an unknown symbol, an empty range, a missing file) thrown as a `ConfigError` naming the config path.
 */
export async function loadRunConfigData(config: RunConfig, options: ExecuteRunOptions): Promise<{ data: MarketData; dataset: DatasetInfo | undefined }> {
  try {
    return await loadRunData(config, options);
  } catch (error) {
    throw loadProblem(error, config, options.source);
  }
}

/**
 * Loads the data of a parsed run config — the embedded `data.dataset` or `data.file` (relative to
 * `configDir`, by default the working directory) with `data.symbols` (default: every symbol the strategies and the benchmark use)
 * over `from`..`to` — and runs the orchestrator on it with the registry (default
 * `strategyRegistry`). Data problems a config causes (an unknown symbol, an empty range, a missing
 * file) are thrown as a `ConfigError` naming the config path; bad rows as the data package's
 * `DataValidationError`; a strategy that throws under `errorPolicy: 'fail'` as a `StrategyError`
 * naming strategy, symbol and date.
 */
export async function executeRun(config: RunConfig, options: ExecuteRunOptions): Promise<RunOutcome> {
  const loaded = await loadRunConfigData(config, options);
  // A strategy file's code could write to its bars through a history view's buffer, and every
  // other sleeve on the symbol, the benchmark and the reports would read the changed bars without
  // a word: the run is checked against a copy of the data, as `backtest --strategy FILE` and a
  // sweep's jobs are, and a write fails it naming the file strategies that trade the symbol. (The
  // built-in strategies are not copied for; `checkInvariants` makes the orchestrator check itself.)
  const files = config.strategies.filter((entry) => entry.module !== undefined);
  const seal = files.length === 0 || config.checkInvariants ? null : new SeriesSeal(loaded.data.series);
  const writers = (symbol: string): string => {
    const on = files.filter((entry) => entry.symbols.includes(symbol));
    return (on.length > 0 ? on : files).map((entry) => entry.id).join(' or ');
  };
  let result: OrchestratorResult;
  try {
    result = runOrchestrator(config, loaded.data.series, {
      registry: options.registry ?? strategyRegistry,
      logger: options.logger,
      source: options.source,
      onProgress: options.onProgress,
    });
  } catch (error) {
    // A failure the write caused (a price of 0 refused, say) is reported as the write.
    seal?.verify(writers);
    throw error;
  }
  seal?.verify(writers);
  return { result, data: loaded.data, dataset: loaded.dataset };
}

/** The benchmark series of a run (the config's `benchmark` symbol in the loaded data), or undefined when the config names none. */
export function runBenchmark(result: OrchestratorResult, data: MarketData): BarSeries | undefined {
  const symbol = result.config.benchmark;
  return symbol === undefined ? undefined : data.series.find((series) => series.symbol === symbol);
}
