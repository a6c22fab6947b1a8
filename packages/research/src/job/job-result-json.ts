import type { PerformanceMetrics } from '@ensemble/performance';
import { z } from 'zod';
import { JobResultError } from './job-result-check';
import { bytesToDoubles, doublesToBytes } from './raw-doubles';
import type { ResearchJobResult, ResearchJobStatus } from './research-job';
import { checkArguments, shapeIssue } from '@ensemble/protocol';

/**
 * A {@link ResearchJobResult} as plain JSON (what {@link jobResultToJson} gives): the period
 * returns as base64 of raw little-endian doubles (`periodReturnsF64`, every bit kept: -0, NaN) with
 * `periodReturns` empty, a window's curve as JSON arrays (NaN as null). The research journal's
 * lines are in this form; a form with `periodReturns` as a JSON array is read too.
 */
export interface JobResultJson {
  readonly index: number;
  readonly status: ResearchJobStatus;
  readonly metrics: PerformanceMetrics | null;
  readonly periodReturns: readonly (number | null)[];
  readonly curve?: { readonly time: readonly (number | null)[]; readonly equity: readonly (number | null)[] };
  readonly error?: { readonly code: string; readonly message: string };
  readonly periodReturnsF64?: string;
}

const column = z.array(z.number().nullable());

const jobResultJsonSchema = z.object({
  index: z.number().int().nonnegative(),
  status: z.enum(['ok', 'failed', 'timed-out']),
  // Every metric is a number or null (JSON's form of a metric that cannot be computed): a string
  // in a hand-edited journal line would otherwise be ranked, and written to results.csv, as it is.
  metrics: z.record(z.string(), z.number().nullable()).nullable(),
  periodReturns: column.optional(),
  periodReturnsF64: z.base64().optional(),
  curve: z.object({ time: column, equity: column }).refine((curve) => curve.time.length === curve.equity.length, { message: 'time and equity must be as many' }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/**
 * `result` as plain JSON, for sending a result where a `Float64Array` cannot go (an HTTP body, a
 * message queue, a file): `JSON.stringify` of the result itself would turn each column into an
 * object of indexes. {@link jobResultFromJson} gives it back. Keys in a fixed order, so the same
 * result gives the same text.
 */
export function jobResultToJson(result: ResearchJobResult): JobResultJson {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('jobResultToJson', [
    shapeIssue(result, 'result', 'a job result (what runResearchJob returns)', { index: 'number', status: 'string', periodReturns: 'column' }),
  ]);
  const { index, status, metrics, periodReturns, curve, error } = result;
  const bytes = doublesToBytes(periodReturns);
  return {
    index,
    status,
    metrics,
    periodReturns: [],
    ...(curve === undefined ? {} : { curve: { time: Array.from(curve.time), equity: Array.from(curve.equity) } }),
    ...(error === undefined ? {} : { error }),
    periodReturnsF64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

/** A JSON array of numbers as a `Float64Array` (null, JSON's form of NaN, read as NaN). */
function doublesOfJson(values: readonly (number | null)[]): Float64Array {
  return Float64Array.from(values, (value) => value ?? Number.NaN);
}

/**
 * The result a {@link jobResultToJson} form (parsed JSON) stands for, with its columns as
 * `Float64Array`s again. Anything else is a {@link JobResultError} naming the field.
 */
export function jobResultFromJson(value: unknown): ResearchJobResult {
  const parsed = jobResultJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? 'value' : issue.path.join('.');
    const index = typeof value === 'object' && value !== null && typeof (value as { index?: unknown }).index === 'number' ? (value as { index: number }).index : undefined;
    throw new JobResultError(`Not a research job result in its JSON form (jobResultToJson): ${field}: ${issue?.message ?? 'invalid'}.`, { index, field });
  }
  const { index, status, periodReturns, periodReturnsF64, curve, error } = parsed.data;
  return {
    index,
    status,
    metrics: parsed.data.metrics as PerformanceMetrics | null,
    periodReturns: periodReturnsF64 === undefined ? doublesOfJson(periodReturns ?? []) : bytesToDoubles(Buffer.from(periodReturnsF64, 'base64')),
    ...(curve === undefined ? {} : { curve: { time: doublesOfJson(curve.time), equity: doublesOfJson(curve.equity) } }),
    ...(error === undefined ? {} : { error }),
  };
}
