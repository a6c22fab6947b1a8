import type { PerformanceMetrics } from '@ensemble/performance';
import { DateFormatSchema, DecimalMarkSchema, StrategyModuleFilesSchema } from '@ensemble/protocol';
import { z } from 'zod';

/** A SHA-256 digest as 64 lowercase hex digits. */
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a SHA-256 digest: 64 lowercase hex digits' });

/**
 * Market data a job needs, by content: an embedded data set (`name`) or a file (`file`, an
 * absolute path on the machine that planned the job), with the SHA-256 of its bytes. A worker
 * loads each digest once and refuses bytes that do not match it.
 */
export const DataRefSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('An embedded data set of @ensemble/data, e.g. "sp500"'),
    file: z.string().min(1).optional().describe('Absolute path of a CSV or JSON data file'),
    format: z.enum(['ohlcv', 'long', 'wide', 'json']).optional().describe('Layout of "file" (default: detected)'),
    adjust: z.literal(true).optional().describe('Prices scaled by the adjusted close column (the config\'s "data.adjust"); absent when not'),
    sort: z.literal(true).optional().describe('Rows sorted by date (the config\'s "data.sort"); absent when not'),
    dateFormat: DateFormatSchema.optional().describe('How the file writes its dates (the config\'s "data.dateFormat"); absent for auto'),
    decimal: DecimalMarkSchema.optional().describe('How the file writes the fractions of its numbers (the config\'s "data.decimal"); absent for auto'),
    sha256: sha256Schema.describe('SHA-256 of the data bytes'),
  })
  .refine((value) => (value.name === undefined) !== (value.file === undefined), { message: 'give exactly one of "name" and "file"' })
  .describe('Market data by content');

/** A strategy module a job's config names, by path and content. */
export const StrategyModuleRefSchema = z
  .strictObject({
    path: z.string().min(1).describe('Absolute path of the module'),
    sha256: sha256Schema.describe('SHA-256 of the module file, or of it and the local files it imports (see "files")'),
    files: StrategyModuleFilesSchema.optional(),
    relativePath: z
      .string()
      .refine(isPlainRelativePath, { message: 'must be a relative path of "/"-separated names, none of them "." or ".." (e.g. "a/mine.ts")' })
      .optional()
      .describe(
        'Where a Redis worker looks for the module under its strategies directory, "/"-separated: its path relative to the deepest folder holding every strategy module of the plan and the local files they import. Only when two of them share a file name; otherwise the worker looks for the file name',
      ),
  })
  .describe('A strategy module by path and content');

/** A path of `/`-separated names relative to a folder that never leaves it: no empty, `.` or `..` part, no backslash. */
function isPlainRelativePath(value: string): boolean {
  return value.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\\'));
}

/** One parameter value of a combination. */
export const ParameterValueSchema = z.union([z.number(), z.string(), z.boolean()], { error: 'must be a number, a string or a boolean (true, false)' });

/**
 * The bars a job measures: bars from `warmupStart` (default `start`) feed the indicators, but no
 * strategy enters a position before `start`; metrics and period returns cover `start`..`end`
 * (epoch ms, inclusive).
 */
export const JobWindowSchema = z
  .strictObject({
    start: z.number().describe('First measured bar, epoch ms; no entry before it'),
    end: z.number().describe('Last bar, epoch ms (inclusive)'),
    warmupStart: z.number().optional().describe('First bar fed to the run (indicator warm-up), epoch ms; default "start"'),
  })
  .refine((value) => value.start <= value.end && (value.warmupStart === undefined || value.warmupStart <= value.start), {
    message: 'needs warmupStart ≤ start ≤ end',
  });

/**
 * One unit of research work, plain JSON: the fully resolved config of one combination (parameters
 * applied), which config kind it is, the combination's index and parameters, its data and strategy
 * modules by content, and an optional window. Never file contents, never code.
 */
export const researchJobSchema = z
  .strictObject({
    version: z.literal(1).describe('Job format version'),
    kind: z.enum(['backtest', 'run']).describe('"backtest": one strategy in the engine; "run": an orchestrator run config'),
    index: z.number().int().min(0).describe('Combination index in the plan (results are ordered by it)'),
    parameters: z.record(z.string(), ParameterValueSchema).describe('The varied parameters of this combination, by name'),
    config: z.record(z.string(), z.unknown()).describe('The resolved config of this combination'),
    data: z.array(DataRefSchema).min(1).describe('The market data the config reads, by content: one data set or file, or the files of a list, in order, joined on one timeline'),
    strategyModules: z.array(StrategyModuleRefSchema).describe('Strategy modules the config names (may be empty)'),
    window: JobWindowSchema.nullable().describe('The measured window, or null for the whole data'),
  })
  .describe('A research job');

/** A research job (see {@link researchJobSchema}). */
export type ResearchJob = z.output<typeof researchJobSchema>;

/** Market data by content (see {@link DataRefSchema}). */
export type DataRef = z.output<typeof DataRefSchema>;

/** A strategy module by path and content. */
export type StrategyModuleRef = z.output<typeof StrategyModuleRefSchema>;

/** The measured window of a job. */
export type JobWindow = z.output<typeof JobWindowSchema>;

/** A parameter value: a number, a string or a boolean. */
export type ParameterValue = z.output<typeof ParameterValueSchema>;

/** How a job ended. */
export type ResearchJobStatus = 'ok' | 'failed' | 'timed-out';

/**
 * What a job gives back. `metrics` are the performance package's scalar metrics (null when the
 * job did not finish); `periodReturns` the simple returns of the measured equity curve (one per
 * bar after the first; with close fills, a whole run's start from its cash, one per bar, as its
 * metrics do), for PBO and the deflated Sharpe ratio; `curve` the measured equity curve,
 * for jobs with a window only (walk-forward stitches it); `error` a failure's code and message.
 * The long columns are `Float64Array`s, as the engine's curves are: a worker thread hands them
 * over by transferring their buffers, and the journal and the queue store them as raw doubles,
 * every bit kept (-0, NaN). Everything else is plain JSON.
 */
export interface ResearchJobResult {
  readonly index: number;
  readonly status: ResearchJobStatus;
  readonly metrics: PerformanceMetrics | null;
  readonly periodReturns: Float64Array;
  readonly curve?: { readonly time: Float64Array; readonly equity: Float64Array };
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link JobExecutor.run}. */
export interface JobExecutorRunOptions {
  /** Called once per job as it finishes, in any order. */
  onResult(result: ResearchJobResult): void;
  /** Stops the run: queued jobs are not started, running ones are stopped; `run` then resolves. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs research jobs somewhere (local worker threads, a queue) and reports each result as it
 * finishes. `run` resolves once every job has reported, or once `signal` aborts (jobs not finished
 * by then do not report).
 */
export interface JobExecutor {
  run(jobs: readonly ResearchJob[], options: JobExecutorRunOptions): Promise<void>;
}
