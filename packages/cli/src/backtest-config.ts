import path from 'node:path';
import { resolveDateBound } from '@ensemble/data';
import { ConfigError } from '@ensemble/protocol';
import { parseBacktestRunConfig } from '@ensemble/research';
import { dataFiles } from '@ensemble/orchestrator';
import { DEFAULT_TRADES_SHOWN } from './backtest-options';
import type { BacktestOutputs, BacktestPlan } from './backtest-options';
import type { OutputTarget } from './output-targets';
import { loadRunConfigModules } from './run-config-modules';
import { dataIssues } from './run-pipeline';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a config file holds a single-strategy backtest (`strategy` at the top, no `strategies`):
 * the `best-config.json` of a sweep over a backtest, or any backtest config of the research specs.
 */
export function isBacktestConfig(input: unknown): input is Record<string, unknown> {
  return isRecord(input) && input.strategy !== undefined && input.strategies === undefined;
}

/**
 * Plans a backtest config as `ensemble backtest` runs one: the strategy file it names (its
 * `strategy` path, or `module: { path, sha256 }` as a sweep records it, relative to the config)
 * loaded and checked against the recorded SHA-256, the config checked by the research package's
 * schema (what the sweep's jobs ran), the data, engine and metric options taken from it. So the
 * run reproduces the metrics the sweep recorded for that combination. Throws one `ConfigError`
 * naming `source` and the config paths.
 */
export async function planBacktestConfig(
  input: Record<string, unknown>,
  source: string,
  configDir: string,
  outputs: BacktestOutputs,
  targets: readonly OutputTarget[],
): Promise<BacktestPlan> {
  let loaded: Awaited<ReturnType<typeof loadRunConfigModules>>;
  try {
    // The run-config loader handles strategy files entry by entry: the backtest is its one entry.
    loaded = await loadRunConfigModules({ strategies: [input] }, configDir, source);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(
      error.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^strategies\.0\./, '') })),
      { source, cause: error },
    );
  }
  const entry = (loaded.input as { strategies: unknown[] }).strategies[0];
  // The run config's checks of `data` that need no file (a known data set, ordered dates), listed
  // with the schema's and the strategy's problems in one error, as for a run config.
  const dataProblems = dataIssues(entry);
  let config: ReturnType<typeof parseBacktestRunConfig>;
  try {
    config = parseBacktestRunConfig(entry, loaded.registry, source);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const known = new Set(error.issues.map((issue) => `${issue.path}\u0000${issue.message}`));
    throw new ConfigError([...dataProblems.filter((issue) => !known.has(`${issue.path}\u0000${issue.message}`)), ...error.issues], { source, cause: error });
  }
  if (dataProblems.length > 0) throw new ConfigError(dataProblems, { source });
  const definition = loaded.registry[config.strategy];
  if (definition === undefined) throw new ConfigError([{ path: 'strategy', message: 'is not a known strategy' }], { source });
  const params = definition.schema.parse(config.params) as Record<string, unknown>;
  const module = loaded.modules[0];
  const { data } = config;
  const bound = (value: string | number | undefined, which: 'from' | 'to'): number | undefined => {
    if (value === undefined) return undefined;
    try {
      return resolveDateBound(value, which);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new ConfigError(error.issues.map((issue) => ({ ...issue, path: `data.${which}` })), { source, cause: error });
    }
  };
  if ((data.dataset === undefined) === (data.file === undefined)) {
    throw new ConfigError([{ path: 'data', message: 'give "dataset" or "file", not both or neither' }], { source });
  }
  const from = bound(data.from, 'from');
  const to = bound(data.to, 'to');
  const { cash, fill, commission, slippage, sizing, fractional, closeAtEnd, checkInvariants, rebalance } = config;
  const files = dataFiles(data).map((file) => path.resolve(configDir, file));
  return {
    source: data.dataset ?? files[0] ?? '',
    files,
    sourceFlag: data.dataset === undefined ? '--data' : '--dataset',
    format: data.format,
    dateFormat: data.dateFormat,
    decimal: data.decimal,
    adjust: data.adjust === true,
    sort: data.sort === true,
    symbols: config.symbols ?? data.symbols ?? [],
    from,
    to,
    rangeText: { from: data.from === undefined ? undefined : String(data.from), to: data.to === undefined ? undefined : String(data.to) },
    strategy: { definition, strategy: definition.create(params, definition.name), params },
    strategyModule: module?.ref,
    engine: { cash, fill, commission, slippage, sizing, fractional, closeAtEnd, rebalance: rebalance ?? null, checkInvariants },
    riskFreeRate: config.riskFreeRate,
    periodsPerYear: config.periodsPerYear,
    benchmark: config.benchmark === undefined ? { kind: 'auto' } : config.benchmark === null ? { kind: 'none' } : { kind: 'symbol', symbol: config.benchmark },
    tradesShown: DEFAULT_TRADES_SHOWN,
    outputs,
    targets,
    config: { source, symbolsPath: config.symbols === undefined ? 'data.symbols' : 'symbols' },
  };
}
