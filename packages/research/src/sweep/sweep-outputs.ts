import { isAbsolute, join, relative, resolve } from 'node:path';
import { toCsvText, writeFilesAtomic } from '@ensemble/report';
import type { CsvValue, OutputFile, TemporaryFileRegistry, WrittenFile } from '@ensemble/report';
import { OBJECTIVE_METRICS } from './objective';
import type { SweepResult } from './run-sweep';
import { objectiveCsvValue, researchJsonText } from './result-json';
import { checkArguments, nullAsAbsent, optionsIssue, stringIssue, objectIssue } from '@ensemble/protocol';
import { outDirIssue, sweepResultIssue } from '../argument-checks';

/** The files a sweep writes to its output directory. */
export const SWEEP_OUTPUT_FILES = ['results.json', 'results.csv', 'best-config.json', 'summary.json'] as const;

/** Options of {@link writeSweepOutputs}. */
export interface SweepOutputOptions {
  /** Registers the temporary files while they exist (e.g. for a CLI's interrupt cleanup). */
  readonly temporaryFiles?: TemporaryFileRegistry | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `module` with an absolute `path` made relative to `outDir`. */
function relocateModule(entry: unknown, outDir: string): unknown {
  if (!isRecord(entry) || !isRecord(entry.module) || typeof entry.module.path !== 'string' || !isAbsolute(entry.module.path)) return entry;
  return { ...entry, module: { ...entry.module, path: relative(resolve(outDir), entry.module.path) } };
}

/**
 * `config` with an absolute `data.file` (or each of its list) and absolute strategy file paths (`module.path` of a
 * backtest config or of a run config's strategies) made relative to `outDir`, where the config is
 * written (a run config's files are relative to it).
 */
export function relocateConfig(config: Record<string, unknown>, outDir: string): Record<string, unknown> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('relocateConfig', [
    objectIssue(config, 'config', 'a config (an object)'),
    stringIssue(outDir, 'outDir', 'the output directory (a string)'),
  ]);
  const data = config.data;
  const relocated = (file: unknown): unknown => (typeof file === 'string' && isAbsolute(file) ? relative(resolve(outDir), file) : file);
  const withData = !isRecord(data) || data.file === undefined ? config : { ...config, data: { ...data, file: Array.isArray(data.file) ? data.file.map(relocated) : relocated(data.file) } };
  const withModule = relocateModule(withData, outDir) as Record<string, unknown>;
  return Array.isArray(withModule.strategies) ? { ...withModule, strategies: withModule.strategies.map((entry) => relocateModule(entry, outDir)) } : withModule;
}

/**
 * The CSV of every combination, one line each: rank, index, status, the parameters, the objective
 * (`Infinity` when unbounded), every metric, the error (its lines joined).
 */
export function sweepResultsCsv(result: SweepResult): string {
  checkArguments('sweepResultsCsv', [sweepResultIssue(result, 'rows')]);
  const names = result.parameters.map((parameter) => parameter.name);
  // A parameter named like a fixed column (a strategy parameter "index", or one named "sharpe")
  // gets its column as "param.<name>", so that no two columns share a name.
  const fixed = new Set<string>(['rank', 'index', 'status', 'objective', ...OBJECTIVE_METRICS, 'errorCode', 'error']);
  const columns = names.map((name) => (fixed.has(name) ? `param.${name}` : name));
  const header = ['rank', 'index', 'status', ...columns, 'objective', ...OBJECTIVE_METRICS, 'errorCode', 'error'];
  const rows = result.rows.map((row): CsvValue[] => [
    row.rank,
    row.index,
    row.status,
    ...names.map((name) => {
      const value = row.parameters[name];
      return typeof value === 'boolean' ? String(value) : value;
    }),
    objectiveCsvValue(row.objective),
    ...OBJECTIVE_METRICS.map((metric) => row.metrics?.[metric] ?? null),
    row.error?.code ?? null,
    row.error === null ? null : row.error.message.split('\n').map((line) => line.trim()).join(' '),
  ]);
  return toCsvText(header, rows);
}

/**
 * The output files of a sweep in `outDir`: `results.json` and `results.csv` (every finished
 * combination, ranked), `best-config.json` (the best combination's config, runnable as it is:
 * a data file is relative to the output directory) and `summary.json` (counts, the best
 * combination, the overfitting statistics). An unbounded objective (and a stability drop or
 * spread derived from one) is written as the string `"Infinity"` (`"-Infinity"`), which
 * `objectiveFromJson` reads back. The same result gives the same bytes.
 */
export function sweepOutputFiles(result: SweepResult, outDir: string): OutputFile[] {
  checkArguments('sweepOutputFiles', [sweepResultIssue(result), outDirIssue(outDir)]);
  const { sweepId, kind, objective, parameters, counts, aborted } = result;
  const best = result.best === null ? null : { index: result.best.index, parameters: result.best.parameters, objective: result.best.objective, metrics: result.best.metrics };
  return [
    { path: join(outDir, 'results.json'), content: researchJsonText({ version: 1, sweepId, kind, objective, parameters, counts, aborted, rows: result.rows }) },
    { path: join(outDir, 'results.csv'), content: sweepResultsCsv(result) },
    { path: join(outDir, 'best-config.json'), content: researchJsonText(result.bestConfig === null ? null : relocateConfig(result.bestConfig, outDir)) },
    { path: join(outDir, 'summary.json'), content: researchJsonText({ version: 1, sweepId, kind, objective, counts, aborted, best, statistics: result.statistics }) },
  ];
}

/** Writes {@link sweepOutputFiles} atomically (all renamed into place once every one is complete), creating `outDir`. */
export function writeSweepOutputs(result: SweepResult, outDir: string, options: SweepOutputOptions = {}): Promise<WrittenFile[]> {
  checkArguments('writeSweepOutputs', [sweepResultIssue(result), outDirIssue(outDir), optionsIssue(options)]);
  const { temporaryFiles } = nullAsAbsent(options, {});
  return writeFilesAtomic(sweepOutputFiles(result, outDir), { createDirectories: true, ...(temporaryFiles === undefined ? {} : { temporaryFiles }) });
}
