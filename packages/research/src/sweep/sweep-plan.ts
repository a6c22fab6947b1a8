import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createSeededRandom, dataHoles, getSeries, mixedSpacing, selectMarketData, selectRange, splitJumps } from '@ensemble/data';
import type { MarketData, SymbolHole, SymbolMixedSpacing, SymbolSplitJump } from '@ensemble/data';
import { checkRunData, parseRunConfig, runSymbols } from '@ensemble/orchestrator';
import type { RunConfig, StrategyRegistry } from '@ensemble/orchestrator';
import { inferPeriodsPerYear } from '@ensemble/performance';
import { ConfigError, DataValidationError, checkArguments, describeGiven, nullAsAbsent, objectIssue, quoteValue, shapeIssue, stringIssue, tightestBoundIssues, toConfigIssues, zodIssueMessage, arrayIssue } from '@ensemble/protocol';
import type { z } from 'zod';
import type { BarSeries, ConfigIssue } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { parseBacktestRunConfig } from '../job/backtest-config';
import type { DataRef, JobWindow, ParameterValue, ResearchJob, StrategyModuleRef } from '../job/research-job';
import { createLocalResolvers, dataRefsOf, marketDataOf } from '../job/resolvers';
import type { DataSourceInput } from '../job/resolvers';
import { collectConfigStrategyFiles } from '../job/strategy-files';
import type { CollectedConfigStrategyFiles, StrategyFileImporter } from '../job/strategy-files';
import { readJsonFile, relativeBaseOf } from '../json-file';
import { compileConstraint } from './constraint';
import type { Constraint } from './constraint';
import { bareSleeveParameter, configPathProblem, fieldParameterClash, fieldSchemaOf, fixedConfigValue, hasConfigValue, replacedParameterProblem, strategyParameterProblem, withConfigValues } from './config-path';
import { resolveObjective } from './objective';
import type { Objective } from './objective';
import { listValues, rangeValues } from './parameter-values';
import { SweepSpecSchema } from './sweep-spec';
import type { SweepSpec } from './sweep-spec';
import { planOptionsIssues } from '../argument-checks';
import { numberIssue } from '../argument-checks';

/** At most this many grid combinations (before constraints and sampling). */
export const MAX_COMBINATIONS = 1_000_000;

/** A varied parameter after expansion: its name, its config path and its values in order. */
export interface PlannedParameter {
  readonly name: string;
  readonly path: string;
  readonly values: readonly ParameterValue[];
}

/**
 * Whether a numeric parameter's own schema refuses a value just below its smallest value tried
 * (one unit for a parameter of whole numbers, else a billionth of the value), and one just above
 * its largest: a grid edge there is the parameter's limit, which no wider grid passes (a
 * strategy's `period` of at least 5).
 */
export interface ParameterLimits {
  readonly below: boolean;
  readonly above: boolean;
}

/**
 * A base config after validation: the parsed config (defaults applied, data and strategy file
 * paths absolute), its data by content, and the strategy files it names by content (every job
 * carries them).
 */
export interface BaseConfig {
  readonly kind: 'backtest' | 'run';
  readonly config: Record<string, unknown>;
  /** Its data by content: the data set or file, or one reference per file of a list, in order. */
  readonly data: readonly DataRef[];
  readonly modules: readonly StrategyModuleRef[];
  /** What loading its data did and its split-like jumps, for a summary to note. */
  readonly dataNotes: DataNotes;
}

/**
 * What the load of a base config's whole data file (or data set) did that the data does not show
 * (`MarketData.notes`: columns ignored, prices adjusted, a separator, a decimal comma, a currency
 * sign), its closes that jump by a split's ratio (`splitJumps` of `@ensemble/data`) and its
 * stretches without a bar (`dataHoles`): what
 * `ensemble backtest` notes in its summary, for a sweep's or walk-forward's to note too.
 */
export interface DataNotes {
  /** The data they are of: the base config's (its first file's reference for a list of files: every file is read the same way). */
  readonly data: DataRef;
  readonly notes: readonly string[];
  readonly splitJumps: readonly SymbolSplitJump[];
  /** Its daily and intraday symbols' longest stretches without a bar over 30 days (`dataHoles` of `@ensemble/data`). Split jumps, holes and mixed spacing are of the base's date range, as `ensemble backtest` notes them (of the whole file when `data.from` or `data.to` is varied). */
  readonly holes: readonly SymbolHole[];
  /** Its daily and intraday symbols whose bars mix spacings: daily and intraday rows in one file (`mixedSpacing` of `@ensemble/data`). */
  readonly mixedSpacing: readonly SymbolMixedSpacing[];
}

/** A planned sweep: every job to run, with what the outputs need to describe it. */
export interface SweepPlan {
  /** SHA-256 of the plan (jobs and objective): the journal's key. */
  readonly sweepId: string;
  readonly kind: 'backtest' | 'run';
  readonly parameters: readonly PlannedParameter[];
  readonly objective: Objective;
  readonly pboBlocks: number;
  /** Combinations of the full grid. */
  readonly gridSize: number;
  /** Grid combinations a constraint rejected. */
  readonly skipped: number;
  /** Admissible combinations random sampling left out (0 without sampling). */
  readonly notSampled: number;
  /** One job per combination to run, ordered by index (the combination's position in the grid). */
  readonly jobs: readonly ResearchJob[];
  /**
   * Per job, in the order of `jobs`: the per-period risk-free rate its Sharpe ratio subtracts,
   * `(1 + riskFreeRate)^(1/P) − 1` with the job's periods per year (given, or inferred from its
   * bars as its run infers them); 0 without a risk-free rate. The overfitting statistics measure
   * the same excess returns.
   */
  readonly riskFreePerPeriod: readonly number[];
  /** What loading the base config's data did, and its split-like jumps (see {@link DataNotes}). */
  readonly dataNotes: DataNotes;
  /** Per parameter (in the order of `parameters`), its limits where its schema gives them, else null (see {@link ParameterLimits}); absent: unknown. */
  readonly limits?: readonly (ParameterLimits | null)[] | undefined;
}

/** Options of {@link planSweep}. */
export interface PlanSweepOptions {
  /** Directory a relative `config` path resolves against: the spec file's (default: the working directory). */
  readonly baseDir?: string | undefined;
  /** The spec's file, named in errors. */
  readonly source?: string | undefined;
  /** The strategies configs may name (default: the sample strategies); strategy files the base config names are added. */
  readonly registry?: StrategyRegistry | undefined;
  /** How the strategy files a base config names are imported (default: Node's `import()`; the CLI imports TypeScript through tsx). */
  readonly importer?: StrategyFileImporter | undefined;
  /** A window every job measures (walk-forward), default none. */
  readonly window?: JobWindow | null | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(issues: readonly ConfigIssue[], source: string | undefined): never {
  throw new ConfigError(issues, source === undefined ? undefined : { source });
}

/** The symbols a base config names that its data lacks, by path (what would fail every job). */
function missingSymbols(kind: 'backtest' | 'run', config: Record<string, unknown>, data: MarketData): ConfigIssue[] {
  const available = data.series.map((series) => series.symbol);
  if (kind === 'run') {
    try {
      checkRunData(config as Pick<RunConfig, 'strategies' | 'benchmark'>, available.map((symbol) => ({ symbol }) as BarSeries));
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      return [...error.issues];
    }
    return [];
  }
  // As a backtest job selects them (exact, then case-insensitive), with the data package's message, as `ensemble backtest` says it.
  const named: [string, unknown][] = [
    ...(Array.isArray(config.symbols) ? config.symbols.map((symbol, k): [string, unknown] => [`symbols.${String(k)}`, symbol]) : []),
    ['benchmark', config.benchmark],
  ];
  return named.flatMap(([path, symbol]): ConfigIssue[] => {
    if (typeof symbol !== 'string') return [];
    try {
      getSeries(data, symbol);
      return [];
    } catch (error) {
      if (!DataValidationError.isInstance(error)) throw error;
      return [{ path, message: error.problems[0]?.message ?? error.message }];
    }
  });
}

/** Combinations of the varied values tried by {@link parsedBase} when the base alone is refused, at most. */
export const BASE_COMBINATION_CHECKS = 2_000;

/** How many of {@link parsedBase}'s tries are spread evenly over the grid before it fills the gaps. */
const BASE_SPREAD = 200;

/**
 * Grid indices `0 … size − 1` in the order {@link parsedBase} tries them: every `stride`-th from 0
 * (at most {@link BASE_SPREAD}, spread over the whole grid, so that a valid region in the grid's
 * later part is reached early whichever parameter varies slowest), then the ones after each of
 * those, and so on — each index once.
 */
function* spreadIndices(size: number): Generator<number> {
  const stride = Math.max(1, Math.ceil(size / BASE_SPREAD));
  for (let offset = 0; offset < stride; offset++) {
    for (let index = offset; index < size; index += stride) yield index;
  }
}

/**
 * The base config parsed; when it is refused, parsed again with the values of each grid
 * combination of `varied` set (paths that can be set and that the base leaves to a default only;
 * at most {@link BASE_COMBINATION_CHECKS}, in {@link spreadIndices}' order), and the first that
 * parses is the base. A rule between parameters (fast below slow) must
 * not be checked with a default standing in for a parameter every combination replaces: each
 * combination is checked on its own later. When none parses, the first combination's problems
 * are the base's (a problem of the base alone is the same in every combination, and the values
 * named are ones a job would run with).
 */
/**
 * Whether a config issue at `path` is about the strategy or parameters of an entry whose strategy
 * file did not load (`failed`: entry indexes, 0 for a backtest): the entry names a file, not a
 * strategy, so those issues only repeat the file's own problem.
 */
export function aboutFailedFile(kind: 'backtest' | 'run', path: string, failed: ReadonlySet<number>): boolean {
  if (kind === 'backtest') return failed.has(0) && /^(?:strategy|params|module)(?:\.|$)/.test(path);
  const match = /^strategies\.(\d+)\.(?:strategy|params|module)(?:\.|$)/.exec(path);
  return match !== null && failed.has(Number(match[1]));
}

function parsedBase(
  kind: 'backtest' | 'run',
  config: Record<string, unknown>,
  registry: StrategyRegistry,
  varied: readonly (readonly [string, readonly ParameterValue[]])[],
): Record<string, unknown> {
  const parse = (candidate: Record<string, unknown>): Record<string, unknown> => (kind === 'run' ? parseRunConfig(candidate, { registry }) : parseBacktestRunConfig(candidate, registry));
  try {
    return parse(config);
  } catch (error) {
    // Only a parameter the base leaves to its default: a value the base gives is its own, checked as given.
    const settable = varied.filter(([path, values]) => values.length > 0 && configPathProblem(config, path) === null && !hasConfigValue(config, path));
    if (!ConfigError.isInstance(error) || settable.length === 0) throw error;
    const parameters = settable.map(([path, values]): PlannedParameter => ({ name: path, path, values }));
    const size = parameters.reduce((product, parameter) => product * parameter.values.length, 1);
    let first: ConfigError | undefined;
    let tried = 0;
    for (const index of spreadIndices(size)) {
      if (tried++ === BASE_COMBINATION_CHECKS) break;
      const values = combinationValues(parameters, index);
      try {
        return parse(withConfigValues(config, parameters.map((parameter, k) => [parameter.path, values[k] ?? 0] as const)));
      } catch (problem) {
        if (!ConfigError.isInstance(problem)) throw problem;
        first ??= problem;
      }
    }
    throw first ?? error;
  }
}

/** What a config file holding `null` is: a sweep's best-config.json when the sweep had no best. */
export const NO_BEST_CONFIG =
  'the file holds null, not a config: a sweep writes that as its best-config.json when it has no best — no combination finished, or none had a value of the objective; the results.csv beside it lists each one\'s error and metrics';

/** What a config file holding `null` is: a walk-forward's last-config.json when no step chose a combination. */
export const NO_LAST_CONFIG =
  'the file holds null, not a config: a walk-forward writes that as its last-config.json when no step chose a combination; the windows.csv beside it says why for each window';

/** What the config file `file` holding `null` is, by its name: a walk-forward's last-config.json, or else a sweep's best-config.json. */
export function nullConfigMessage(file: string): string {
  return /(^|[\\/])last-config\.json$/.test(file) ? NO_LAST_CONFIG : NO_BEST_CONFIG;
}

/** The kind of config `raw` plainly is — `backtest` with a `strategy` and no `strategies`, `run` the other way round — or null when it is neither. */
export function configKindOf(raw: Record<string, unknown>): 'backtest' | 'run' | null {
  if (typeof raw.strategy === 'string' && raw.strategies === undefined) return 'backtest';
  if (Array.isArray(raw.strategies) && raw.strategy === undefined) return 'run';
  return null;
}

/**
 * The base config of a spec: read (a path relative to `baseDir`), its strategy files loaded and
 * hashed, validated, its data file made absolute and hashed. Also returns the registry with the
 * files' strategies. `varied` (path and values of each varied parameter) lets a base whose own
 * values break a rule between parameters stand when the varied values mend it ({@link parsedBase}).
 */
export async function loadBaseConfig(
  kind: 'backtest' | 'run',
  config: string | Record<string, unknown>,
  options: {
    baseDir: string;
    source: string | undefined;
    registry: StrategyRegistry;
    importer?: StrategyFileImporter | undefined;
    varied?: readonly (readonly [string, readonly ParameterValue[]])[] | undefined;
  },
): Promise<BaseConfig & { readonly registry: StrategyRegistry }> {
  checkArguments('loadBaseConfig', [
    kindIssue(kind),
    typeof config === 'string' ? null : objectIssue(config, 'config', 'the base config: a path (a string) or a config object'),
    shapeIssue(options, 'options', 'an object with baseDir and registry', { baseDir: 'string', registry: 'object' }),
  ]);
  const file = typeof config === 'string' ? resolve(options.baseDir, config) : undefined;
  const raw = file === undefined ? config : await readJsonFile(file, 'base config');
  const source = file ?? options.source;
  const prefix = (issue: ConfigIssue): ConfigIssue => (file === undefined ? { ...issue, path: issue.path === '' ? 'config' : `config.${issue.path}` } : issue);
  if (!isRecord(raw)) fail([prefix({ path: '', message: raw === null && file !== undefined ? nullConfigMessage(file) : 'must be a JSON object' })], source);
  // A base of the other kind than the spec's (a sweep's best-config.json of a backtest, under the
  // default kind "run"): said so, where its fields would each be an unknown key of the other kind.
  const other = configKindOf(raw);
  if (other !== null && other !== kind) {
    const what = other === 'backtest' ? 'a backtest config (one "strategy", no "strategies")' : 'a run config ("strategies", no "strategy")';
    fail([{ path: 'kind', message: `is "${kind}"${kind === 'run' ? ' (the default)' : ''}, but the base config is ${what}: set "kind": "${other}" in the spec` }], options.source);
  }
  const configDir = file === undefined ? options.baseDir : dirname(file);
  const given = isRecord(raw.data) ? (raw.data as DataSourceInput & Record<string, unknown>) : undefined;
  const data = given?.file === undefined ? given : { ...given, file: absoluteFiles(configDir, given.file) };
  let absolute = data === undefined ? raw : { ...raw, data };
  let registry = options.registry;
  let modules: readonly StrategyModuleRef[] = [];
  let resolved: Record<string, unknown> = absolute;
  // The problems of strategy files that did not load are listed with the config's others; the
  // strategy and parameters of their entries are not checked (they name a file, not a strategy).
  let files: Pick<CollectedConfigStrategyFiles, 'issues' | 'failed'> = { issues: [], failed: new Set() };
  try {
    let issues: CollectedConfigStrategyFiles['issues'];
    let failed: CollectedConfigStrategyFiles['failed'];
    ({ config: absolute, registry, modules, issues, failed } = await collectConfigStrategyFiles(kind, absolute, { configDir, builtIns: options.registry, importer: options.importer }));
    files = { issues, failed };
    resolved = parsedBase(kind, absolute, registry, options.varied ?? []);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const others = error.issues.filter((issue) => !aboutFailedFile(kind, issue.path, files.failed));
    fail([...files.issues, ...others].map(prefix), source);
  }
  if (files.issues.length > 0) fail(files.issues.map(prefix), source);
  let refs: DataRef[];
  try {
    refs = await dataRefsOf(data ?? {}, configDir);
  } catch (error) {
    const at = data?.file === undefined ? 'data.dataset' : 'data.file';
    const issues = ConfigError.isInstance(error) ? error.issues.map((issue) => ({ path: `data.${issue.path}`, message: issue.message })) : [{ path: at, message: error instanceof Error ? error.message : String(error) }];
    fail(issues.map((issue) => prefix({ path: issue.path, message: `cannot read the data: ${issue.message}` })), source);
  }
  const loaded = await marketDataOf(createLocalResolvers(), refs);
  const ref = refs[0];
  if (ref === undefined) fail([prefix({ path: 'data', message: 'names no data' })], source);
  const missing = missingSymbols(kind, resolved, loaded);
  if (missing.length > 0) fail(missing.map(prefix), source);
  // The base's dates must hold bars (an empty range would fail every job).
  const range = isRecord(resolved.data) ? (resolved.data as { from?: string | number; to?: string | number }) : {};
  let ranged: MarketData;
  try {
    ranged = selectRange(loaded, { from: range.from, to: range.to });
  } catch (error) {
    const problem = (error as { problems?: readonly { readonly message?: unknown }[] } | null)?.problems?.[0]?.message;
    const message = typeof problem === 'string' ? problem : error instanceof Error ? error.message : String(error);
    const bound = ConfigError.isInstance(error) ? (error.issues[0]?.path ?? 'from') : range.from === undefined ? 'to' : 'from';
    // An empty range is said as `ensemble run` and `backtest` say it; a bad bound with the data package's message.
    fail([prefix({ path: `data.${bound}`, message: ConfigError.isInstance(error) ? (error.issues[0]?.message ?? message) : `the date range is empty: ${message}` })], source);
  }
  // A backtest whose symbols all have no bar in that range (GOOG before 2004 in stocks5) would
  // fail every job alike: said once, as `ensemble backtest` says it, unless the jobs vary them.
  const variedPaths = (options.varied ?? []).map(([path]) => path);
  const chosenElsewhere = variedPaths.some((path) => path === 'symbols' || path.startsWith('symbols.') || path === 'data' || path.startsWith('data.'));
  if (kind === 'backtest' && !chosenElsewhere && Array.isArray(resolved.symbols) && resolved.symbols.length > 0) {
    const symbols = resolved.symbols.filter((symbol): symbol is string => typeof symbol === 'string');
    if (symbols.length > 0 && symbols.every((symbol) => getSeries(ranged, symbol).length === 0)) {
      const which = `${symbols.map((symbol) => quoteValue(symbol)).join(', ')} ${symbols.length === 1 ? 'has' : 'have'} no bar`;
      const between = `between ${range.from === undefined ? 'the start' : quoteValue(String(range.from))} and ${range.to === undefined ? 'the end' : quoteValue(String(range.to))}`;
      fail([prefix({ path: 'symbols', message: `${which} ${between}: every job would fail; choose a range where ${symbols.length === 1 ? 'it has' : 'they have'} bars, or another symbol` })], source);
    }
  }
  // The data the notes are of: the base's range, as `ensemble backtest` notes it — or the whole
  // file when the combinations vary the range, each reading its own part of it.
  const noted = variedPaths.some((path) => path === 'data.from' || path === 'data.to') ? loaded : ranged;
  // Jobs carry the parsed config: every default spelled out, so any field can be varied.
  return { kind, config: resolved, data: refs, modules, registry, dataNotes: { data: ref, notes: loaded.notes ?? [], splitJumps: splitJumps(noted), holes: dataHoles(noted), mixedSpacing: mixedSpacing(noted) } };
}

/**
 * Config paths that choose the data itself: a job reads the data the base config names, fixed
 * (by content) when the sweep is planned, so a value varied here would be ignored.
 */
const DATA_SOURCE_PATHS: ReadonlySet<string> = new Set(['data', 'data.dataset', 'data.file', 'data.format', 'data.dateFormat', 'data.decimal', 'data.adjust', 'data.sort']);

/**
 * The values a field's own schema refuses (a strategy parameter's type and bounds, a backtest
 * field's), each by path (`parameters.0.values.1`; for a range, the range), so that a typo is a
 * spec error before any job runs rather than a failed combination after. At most five are named.
 */
/** One varied parameter's values to check against the base config (and the other varied parameters). */
interface ValueCheck {
  readonly kind: 'backtest' | 'run';
  readonly config: Record<string, unknown>;
  readonly path: string;
  readonly values: readonly ParameterValue[];
  /** Where its values are in the spec: `parameters.N.values` or `parameters.N.range`. */
  readonly at: string;
  readonly registry: StrategyRegistry;
  /** The other varied parameters: path and values. */
  readonly others: readonly (readonly [string, readonly ParameterValue[]])[];
}

function valueIssues(check: ValueCheck): ConfigIssue[] {
  const { config, path, values, at, registry } = check;
  const field = fieldSchemaOf(config, path, registry);
  if (field === null) return wholeConfigIssues(check);
  const issues: ConfigIssue[] = [];
  values.forEach((value, k) => {
    const parsed = field.schema.safeParse(value);
    if (parsed.success || issues.length >= 5) return;
    // As run configs say it (a bound as a rule: "must be at least 1"), the tightest bound first.
    const issue = tightestBoundIssues(parsed.error.issues)[0];
    issues.push(refusal(at, k, value, field.what, issue === undefined ? 'invalid' : zodIssueMessage(issue)));
  });
  return issues;
}

/** The issue of value `k` of a parameter (at `at`: its values, or its range as a whole) that `what` refuses for `reason`. */
function refusal(at: string, k: number, value: ParameterValue, what: string, reason: string): ConfigIssue {
  return { path: at.endsWith('.range') ? at : `${at}.${String(k)}`, message: `${typeof value === 'string' ? quoteValue(value) : String(value)} is refused for ${what}: ${reason}` };
}

/** Distinct values of a parameter checked by {@link wholeConfigIssues} (each a whole config parse). */
const WHOLE_CONFIG_CHECKS = 200;

/**
 * For a path without a field schema of its own (a run config's `cash`, `commission.rate`,
 * `data.symbols`): each distinct value (the first {@link WHOLE_CONFIG_CHECKS}) set into the base
 * config, parsed whole, and the problems the parse finds at that path (not elsewhere: a rule
 * between fields may hold in a combination) named as in {@link valueIssues}. A value refused
 * there is tried again with each value of every other varied parameter (`others`), one at a time:
 * a rule between two varied fields (a fixed quantity of 0.5 whole units, valid when `fractional`
 * is varied to true) refuses a value only when no other value makes it valid.
 */
function wholeConfigIssues({ kind, config, path, values, at, registry, others }: ValueCheck): ConfigIssue[] {
  const refusedHere = (entries: [string, ParameterValue][]): ConfigIssue | undefined => {
    try {
      const candidate = withConfigValues(config, entries);
      if (kind === 'run') parseRunConfig(candidate, { registry });
      else parseBacktestRunConfig(candidate, registry);
      return undefined;
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      return error.issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}.`));
    }
  };
  const issues: ConfigIssue[] = [];
  const seen = new Set<ParameterValue>();
  for (let k = 0; k < values.length && seen.size < WHOLE_CONFIG_CHECKS && issues.length < 5; k++) {
    const value = values[k];
    if (value === undefined || seen.has(value)) continue;
    seen.add(value);
    const here = refusedHere([[path, value]]);
    if (here === undefined) continue;
    const validWithAnother = others.some(([other, otherValues]) => otherValues.some((otherValue) => refusedHere([[path, value], [other, otherValue]]) === undefined));
    if (!validWithAnother) issues.push(refusal(at, k, value, path, here.message));
  }
  return issues;
}

/** The parameters of a spec, expanded and checked against the base config. */
function planParameters(kind: 'backtest' | 'run', spec: Pick<SweepSpec, 'parameters'>, config: Record<string, unknown>, issues: ConfigIssue[], registry: StrategyRegistry): PlannedParameter[] {
  // Paths and values first, then each parameter's values against the base and the others'.
  const expanded = spec.parameters.map((parameter, k) => {
    const at = `parameters.${String(k)}`;
    // `data.file.1`: a file of a list, as fixed as the list.
    const problem = DATA_SOURCE_PATHS.has(parameter.path) || parameter.path.startsWith('data.file.')
      ? `${quoteValue(parameter.path)} cannot be varied: every combination reads the same data, chosen when the sweep is planned (the overfitting statistics compare their returns bar by bar); run one sweep per data source (data.from and data.to can be varied, and data.symbols one entry at a time, as data.symbols.0, with values a symbol each)`
      : (configPathProblem(config, parameter.path) ??
        strategyParameterProblem(config, parameter.path, registry) ??
        fieldParameterClash(config, parameter.path, registry) ??
        (kind === 'run' ? bareSleeveParameter(config, parameter.path, registry) : null) ??
        (kind === 'backtest' ? replacedParameterProblem(config, parameter.path) : null));
    if (problem !== null) issues.push({ path: `${at}.path`, message: problem });
    const values = 'values' in parameter ? listValues(parameter.values, `${at}.values`, issues) : rangeValues(parameter.range, `${at}.range`, issues);
    return { parameter, at, problem, values };
  });
  const planned = expanded.map(({ parameter, at, problem, values }): PlannedParameter => {
    if (problem === null) {
      const others = expanded.filter((other) => other.parameter !== parameter && other.problem === null).map((other) => [other.parameter.path, other.values] as const);
      issues.push(...valueIssues({ kind, config, path: parameter.path, values, at: 'values' in parameter ? `${at}.values` : `${at}.range`, registry, others }));
    }
    return { name: parameter.name ?? parameter.path.split('.').at(-1) ?? parameter.path, path: parameter.path, values };
  });
  planned.forEach((parameter, k) => {
    const first = planned.findIndex((other) => other.name === parameter.name);
    if (first !== k) issues.push({ path: `parameters.${String(k)}.name`, message: `the name ${quoteValue(parameter.name)} is taken by parameters.${String(first)}; give one of them a "name"` });
    const samePath = planned.findIndex((other) => other.path === parameter.path);
    if (samePath !== k) issues.push({ path: `parameters.${String(k)}.path`, message: `parameters.${String(samePath)} varies the same path` });
  });
  return planned;
}

/** Invalid combinations named by {@link invalidCombinations}, the rest counted. */
const NAMED_INVALID_COMBINATIONS = 5;

/** `fast=10 slow=50`: a combination by its varied values. */
function combinationText(parameters: readonly PlannedParameter[], values: readonly ParameterValue[]): string {
  return parameters.map((parameter, k) => `${parameter.name}=${String(values[k])}`).join(' ');
}

/** A constraint that leaves out exactly the combination of `values`: `scheme != "equal"`, `!(fast == 50 && slow == 50)`. */
function excludingConstraint(parameters: readonly PlannedParameter[], values: readonly ParameterValue[]): string {
  const literal = (value: ParameterValue | undefined): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));
  if (parameters.length === 1) return `${parameters[0]?.name ?? ''} != ${literal(values[0])}`;
  return `!(${parameters.map((parameter, k) => `${parameter.name} == ${literal(values[k])}`).join(' && ')})`;
}

/**
 * Every combination the constraints admit whose whole config (base config with its values set) the run or
 * backtest schema refuses — a rule between fields, such as fixed weights under `scheme: "equal"`
 * or `fast` not below `slow` — named by its values with the first problem, at most
 * {@link NAMED_INVALID_COMBINATIONS} (then a count), and a last issue saying to leave them out
 * with a constraint (at `parameters` when none is valid: the values are to change). Such a combination would only fail as a job: the sweep is refused before
 * anything runs instead.
 */
function invalidCombinations(kind: 'backtest' | 'run', config: Record<string, unknown>, parameters: readonly PlannedParameter[], combinations: readonly number[], registry: StrategyRegistry): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let count = 0;
  let first: ParameterValue[] | undefined;
  for (const index of combinations) {
    const values = combinationValues(parameters, index);
    try {
      const candidate = withConfigValues(
        config,
        parameters.map((parameter, k) => [parameter.path, values[k] ?? 0] as const),
      );
      if (kind === 'run') parseRunConfig(candidate, { registry });
      else parseBacktestRunConfig(candidate, registry);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      count++;
      first ??= values;
      if (issues.length < NAMED_INVALID_COMBINATIONS) {
        const problem = error.issues[0];
        const where = problem === undefined || problem.path === '' ? '' : `${problem.path}: `;
        issues.push({ path: `combination ${String(index)} (${combinationText(parameters, values)})`, message: `${where}${problem?.message ?? error.message}` });
      }
    }
  }
  if (first === undefined) return [];
  const more = count > issues.length ? ` (${(count - issues.length).toLocaleString('en-US')} more not listed)` : '';
  const where = '("constraints" in the spec, --constraint on the command line)';
  const names = parameters.map((parameter) => parameter.name).join(', ');
  let advice: string;
  if (count === combinations.length) advice = `none can run: change the varied values or the base config`;
  else if (count === 1) advice = `leave it out with a constraint ${where}, e.g. '${excludingConstraint(parameters, first)}'`;
  else advice = `leave them out with a constraint ${where}: a rule on ${names} that the valid ones meet (such as 'fast < slow' for two moving-average windows); '${excludingConstraint(parameters, first)}' leaves out the first alone`;
  issues.push({
    // None valid: the varied values are at fault, not a constraint (there may be none).
    path: count === combinations.length ? 'parameters' : 'constraints',
    message: `${count.toLocaleString('en-US')} of the ${combinations.length.toLocaleString('en-US')} combinations ${count === 1 ? 'has' : 'have'} an invalid config${more} and would only fail: ${advice}`,
  });
  return issues;
}

/** The values of grid combination `index` (mixed radix, the last parameter fastest). */
export function combinationValues(parameters: readonly PlannedParameter[], index: number): ParameterValue[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('combinationValues', [
    arrayIssue(parameters, 'parameters', "a plan's parameters (an array)"),
    numberIssue(index, 'index', 'a combination index'),
  ]);
  const values: ParameterValue[] = new Array<ParameterValue>(parameters.length);
  let rest = index;
  for (let k = parameters.length - 1; k >= 0; k--) {
    const options = parameters[k]?.values ?? [];
    values[k] = options[rest % options.length] ?? 0;
    rest = Math.floor(rest / options.length);
  }
  return values;
}

/** Indices of the admissible combinations: every constraint holds (names and paths both bound). */
function admissible(parameters: readonly PlannedParameter[], constraints: readonly Constraint[], gridSize: number): number[] {
  const kept: number[] = [];
  const bound = new Map<string, ParameterValue>();
  for (let index = 0; index < gridSize; index++) {
    const values = combinationValues(parameters, index);
    parameters.forEach((parameter, k) => {
      bound.set(parameter.name, values[k] ?? 0);
      bound.set(parameter.path, values[k] ?? 0);
    });
    if (constraints.every((constraint) => constraint(bound))) kept.push(index);
  }
  return kept;
}

/** `count` of `indices` drawn without replacement by a seeded partial Fisher–Yates shuffle, in ascending order. */
export function sampleIndices(indices: readonly number[], count: number, seed: number): number[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('sampleIndices', [
    arrayIssue(indices, 'indices', 'the combination indexes to sample from (an array)'),
    numberIssue(count, 'count', 'how many to keep'),
    numberIssue(seed, 'seed', 'the sampling seed'),
  ]);
  const pool = [...indices];
  const random = createSeededRandom(seed);
  const take = Math.min(count, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random.next() * (pool.length - i));
    const swap = pool[i] ?? 0;
    pool[i] = pool[j] ?? 0;
    pool[j] = swap;
  }
  return pool.slice(0, take).sort((a, b) => a - b);
}

/**
 * A config's `data.file` made absolute against `configDir`: one path or each of a list's (what is
 * not a path is left for the config's check to refuse).
 */
function absoluteFiles<T>(configDir: string, file: T): T {
  const absolute = (path: unknown): unknown => (typeof path === 'string' && !isAbsolute(path) ? resolve(configDir, path) : path);
  return (Array.isArray(file) ? file.map(absolute) : absolute(file)) as T;
}

/** The merged bar times of the data a config selects (its symbols, `data.from`, `data.to`): the steps of its run. */
export function configTimeline(kind: 'backtest' | 'run', config: Record<string, unknown>, all: MarketData): Float64Array {
  const data = (isRecord(config.data) ? config.data : {}) as { symbols?: string[]; from?: string | number; to?: string | number };
  const symbols = kind === 'run' ? (data.symbols ?? runSymbols(config as unknown as RunConfig)) : ((config.symbols as string[] | undefined) ?? data.symbols);
  return selectMarketData(all, { symbols, from: data.from, to: data.to }).timeline.time;
}

/** See {@link SweepPlan.riskFreePerPeriod}; reads the data only when a job has a risk-free rate. */
async function riskFreePerPeriod(base: BaseConfig, jobs: readonly ResearchJob[]): Promise<number[]> {
  const rateOf = (job: ResearchJob): number => (typeof job.config.riskFreeRate === 'number' ? job.config.riskFreeRate : 0);
  if (jobs.every((job) => rateOf(job) === 0)) return jobs.map(() => 0);
  const all = await marketDataOf(createLocalResolvers(), base.data);
  const inferred = new Map<string, number>();
  return jobs.map((job) => {
    const rate = rateOf(job);
    if (rate === 0) return 0;
    let periods = typeof job.config.periodsPerYear === 'number' ? job.config.periodsPerYear : undefined;
    if (periods === undefined) {
      const key = JSON.stringify([job.config.data, job.config.symbols, job.kind === 'run' ? job.config.strategies : null]);
      periods = inferred.get(key) ?? inferPeriodsPerYear(configTimeline(base.kind, job.config, all));
      inferred.set(key, periods);
    }
    // The performance package's per-period rate (quantstats).
    return Math.pow(1 + rate, 1 / periods) - 1;
  });
}

/** SHA-256 of a JSON value's text, hex. */
export function jsonDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The jobs of `combinations` over `base`, each with its parameters applied. */
export function jobsOf(base: BaseConfig, parameters: readonly PlannedParameter[], combinations: readonly number[], window: JobWindow | null): ResearchJob[] {
  return combinations.map((index): ResearchJob => {
    const values = combinationValues(parameters, index);
    const config = withConfigValues(
      base.config,
      parameters.map((parameter, k) => [parameter.path, values[k] ?? 0] as const),
    );
    return {
      version: 1,
      kind: base.kind,
      index,
      parameters: Object.fromEntries(parameters.map((parameter, k) => [parameter.name, values[k] ?? 0])),
      config,
      data: [...base.data],
      strategyModules: [...base.modules],
      window,
    };
  });
}

/** What a sweep and a walk-forward both plan: the grid of a spec over its base config. */
export type GridSpec = Pick<SweepSpec, 'kind' | 'config' | 'parameters' | 'constraints' | 'sampling' | 'objective' | 'direction'>;

/** A planned grid: the base config, the parameters, the objective and the combinations to run. */
export interface GridPlan {
  readonly base: BaseConfig;
  readonly parameters: readonly PlannedParameter[];
  readonly objective: Objective;
  readonly gridSize: number;
  readonly skipped: number;
  readonly notSampled: number;
  /** Grid indices to run, ascending. */
  readonly combinations: readonly number[];
  /** Per parameter, its limits where its schema gives them (see {@link ParameterLimits}). */
  readonly limits: readonly (ParameterLimits | null)[];
}

/** The limits of a numeric parameter whose field has a schema of its own (see {@link ParameterLimits}); null otherwise. */
function parameterLimits(config: Record<string, unknown>, parameter: PlannedParameter, registry: StrategyRegistry): ParameterLimits | null {
  const numbers = parameter.values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (numbers.length !== parameter.values.length) return null;
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const least = sorted[0];
  const most = sorted.at(-1);
  if (least === undefined || most === undefined || sorted.length < 2) return null;
  const field = fieldSchemaOf(config, parameter.path, registry);
  if (field === null) return null;
  const refused = (value: number): boolean => !field.schema.safeParse(value).success;
  // A parameter of whole numbers (its schema refuses a value between two) is probed one unit
  // beyond; any other just beyond, by a billionth of the value (a bound of 0.08 below 0.1 tried
  // is no limit of the grid; a positive one at 1 tried is not either).
  const whole = Number.isInteger(least) && refused(least + 0.5);
  const beyond = (value: number, direction: number): number => value + direction * (whole ? 1 : Math.max(Math.abs(value), 1) * 1e-9);
  return { below: refused(beyond(least, -1)), above: refused(beyond(most, 1)) };
}

/** The problem with a config kind argument (null when there is none): `backtest` or `run`. */
function kindIssue(kind: unknown): ConfigIssue | null {
  if (kind === 'backtest' || kind === 'run') return null;
  return { path: 'kind', message: `must be "backtest" or "run"; got ${describeGiven(kind)}` };
}

/**
 * Plans the grid of a parsed spec: loads and validates the base config, expands the parameters,
 * resolves the objective, applies the constraints and sampling. `extraIssues` (checks of fields
 * only the caller knows) join the same `ConfigError`.
 */
export async function planGrid(spec: GridSpec, options: PlanSweepOptions, extraIssues: readonly ConfigIssue[] = []): Promise<GridPlan> {
  checkArguments('planGrid', [
    shapeIssue(spec, 'spec', 'a parsed sweep or walk-forward spec', { kind: 'string', parameters: 'array' }) ??
      (typeof (spec as { config: unknown }).config === 'string' ? null : objectIssue((spec as { config: unknown }).config, 'spec.config', 'the base config (a path or an object)')),
    objectIssue(options, 'options', 'the planner options (an object)'),
    ...planOptionsIssues(options),
  ]);
  const source = options.source;
  const registry = options.registry ?? strategyRegistry;
  // The varied values as given (their problems are named once the base is loaded).
  const varied = spec.parameters.map((parameter) => [parameter.path, 'values' in parameter ? parameter.values : rangeValues(parameter.range, '', [])] as const);
  const { registry: withFiles, ...base } = await loadBaseConfig(spec.kind, spec.config, { baseDir: options.baseDir ?? process.cwd(), source, registry, importer: options.importer, varied });
  const issues: ConfigIssue[] = [];
  const parameters = planParameters(spec.kind, spec, base.config, issues, withFiles);
  const objective = resolveObjective(spec.objective, spec.direction, 'objective', issues);
  issues.push(...extraIssues);
  const gridSize = parameters.reduce((size, parameter) => size * parameter.values.length, 1);
  if (gridSize > MAX_COMBINATIONS) {
    // A sample is drawn from every combination the constraints admit, so it does not lift the bound.
    const advice =
      spec.sampling === undefined
        ? 'use fewer values or a coarser step, then sample some of them if they are still too many ("sampling" in a spec, --sample N on the command line)'
        : 'sampling draws from every combination the constraints admit, so the grid itself is bounded too: use fewer values or a coarser step';
    issues.push({ path: 'parameters', message: `the grid has ${gridSize.toLocaleString('en-US')} combinations, more than ${MAX_COMBINATIONS.toLocaleString('en-US')}; ${advice}` });
  }
  if (issues.length > 0) fail(issues, source);
  const known = parameters.flatMap((parameter) => [parameter.name, parameter.path]);
  // Every bad constraint is listed, under the spec's source (the file, or the command line).
  const constraintIssues: ConfigIssue[] = [];
  const constraints = spec.constraints.flatMap((text, k) => {
    try {
      return [compileConstraint(text, known, `constraints.${String(k)}`, (name) => fixedConfigValue(base.config, name, withFiles))];
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      constraintIssues.push(...error.issues);
      return [];
    }
  });
  if (constraintIssues.length > 0) fail(constraintIssues, source);
  let kept: number[];
  try {
    kept = admissible(parameters, constraints, gridSize);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    fail(error.issues, source);
  }
  if (kept.length === 0) fail([{ path: 'constraints', message: `no combination of the ${gridSize.toLocaleString('en-US')} satisfies every constraint` }], source);
  // Every combination the constraints admit, sampled or not: a sample drawn from a pool with
  // invalid combinations in it would meet others once the named ones were left out.
  const invalid = invalidCombinations(spec.kind, base.config, parameters, kept, withFiles);
  if (invalid.length > 0) fail(invalid, source);
  const combinations = spec.sampling === undefined ? kept : sampleIndices(kept, spec.sampling.random.count, spec.sampling.random.seed);
  const limits = parameters.map((parameter) => parameterLimits(base.config, parameter, withFiles));
  return { base, parameters, objective, gridSize, skipped: gridSize - kept.length, notSampled: kept.length - combinations.length, combinations, limits };
}

/** A spec parsed by `schema`, or a `ConfigError` listing every problem by path. */
export function parseSpec<TSchema extends z.ZodType>(schema: TSchema, input: unknown, source: string | undefined): z.output<TSchema> {
  const parsed = schema.safeParse(input);
  // With the input and the schema, a parameter that matches neither form (a list or a range) is
  // named by what is wrong inside it (`parameters.0.values.2`), not as "parameters.0: Invalid input".
  if (!parsed.success) fail(toConfigIssues(parsed.error, { input, schema }), source);
  return parsed.data;
}

/**
 * Plans a sweep from a spec (already parsed from JSON): validates it (every problem by path, e.g.
 * `parameters.2.range.step: must be > 0`, in one `ConfigError`), loads and validates the base
 * config, expands the grid, applies the constraints (rejected combinations are counted), samples,
 * and builds one job per combination. Bad input throws; nothing runs.
 */
export async function planSweep(input: unknown, given: PlanSweepOptions = {}): Promise<SweepPlan> {
  // From JavaScript the options can be anything: a wrong one failed inside as a TypeError.
  checkArguments('planSweep', planOptionsIssues(given));
  const options = nullAsAbsent(given, {});
  const spec = parseSpec(SweepSpecSchema, input, options.source);
  const grid = await planGrid(spec, options, spec.pboBlocks % 2 === 0 ? [] : [{ path: 'pboBlocks', message: 'must be even' }]);
  const jobs = jobsOf(grid.base, grid.parameters, grid.combinations, options.window ?? null);
  const sweepId = jsonDigest({ version: 1, objective: grid.objective, pboBlocks: spec.pboBlocks, jobs });
  return {
    sweepId,
    kind: spec.kind,
    parameters: grid.parameters,
    objective: grid.objective,
    pboBlocks: spec.pboBlocks,
    gridSize: grid.gridSize,
    skipped: grid.skipped,
    notSampled: grid.notSampled,
    jobs,
    riskFreePerPeriod: await riskFreePerPeriod(grid.base, jobs),
    dataNotes: grid.base.dataNotes,
    limits: grid.limits,
  };
}

/** Reads a sweep spec file and plans it: the base config path and data files resolve against the spec's directory. */
export async function planSweepFile(file: string, options: Omit<PlanSweepOptions, 'baseDir' | 'source'> = {}): Promise<SweepPlan> {
  checkArguments('planSweepFile', [stringIssue(file, 'file', 'the path of a sweep spec (a JSON file)'), ...planOptionsIssues(options)]);
  const absolute = resolve(file);
  return planSweep(await readJsonFile(absolute, 'sweep spec'), { ...nullAsAbsent(options, {}), baseDir: await relativeBaseOf(absolute), source: file });
}
