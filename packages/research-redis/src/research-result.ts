import { EnsembleError, checkArguments, shapeIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { bytesToDoubles, doublesToBytes, failedResult, type ResearchJobResult } from '@ensemble/research';
import { z } from 'zod';
import type { StoredResult } from './result-store';
import { bytesIssue, indexIssue, numberIssue } from './argument-checks';

// What a worker wrote back: checked for its shape before it is handed on (the metrics object is
// the performance package's, passed through as written).
const resultSchema = z.object({
  index: z.number().int().min(0),
  status: z.enum(['ok', 'failed', 'timed-out']),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  periodReturns: z.array(z.never()).length(0),
  curve: z.object({ time: z.array(z.number()), equity: z.array(z.number().nullable()) }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/**
 * A research result as stored: its period returns as raw little-endian doubles (the binary part),
 * the rest as JSON (a curve as JSON arrays). A run's returns are most of its result; as raw
 * doubles they cost no text conversion and keep every bit (-0, NaN), as the local executor's
 * transfer does.
 */
export function encodeResult(result: ResearchJobResult): StoredResult {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('encodeResult', [
    shapeIssue(result, 'result', 'a job result (what runResearchJob returns)', { index: 'number', periodReturns: 'column' }),
  ]);
  const { curve, periodReturns } = result;
  const plainCurve = curve === undefined ? {} : { curve: { time: Array.from(curve.time), equity: Array.from(curve.equity) } };
  return { json: JSON.stringify({ ...result, periodReturns: [], ...plainCurve }), binary: asBuffer(doublesToBytes(periodReturns)) };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The problem with a stored result argument (null when there is none): `{ json, binary }` as readResults gives it. */
function storedIssue(stored: unknown): ConfigIssue | null {
  const issue = shapeIssue(stored, 'stored', 'a stored result ({ json, binary }, what readResults gives)', { json: 'string' });
  if (issue !== null) return issue;
  const { binary } = stored as { binary?: unknown };
  return binary === null ? null : bytesIssue(binary, 'stored.binary');
}

/**
 * A result read from Redis for combination `index`: parsed and checked, or an `EnsembleError`
 * (`RUN_FAILED`) naming the index when it is no result of this job.
 */
export function parseStoredResult(stored: StoredResult, index: number): ResearchJobResult {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('parseStoredResult', [storedIssue(stored), indexIssue(index)]);
  const invalid = (): EnsembleError =>
    new EnsembleError('RUN_FAILED', `The result of combination ${index} in Redis is not a research job result of that combination; clean the sweep and run it again.`);
  let value: unknown;
  try {
    value = JSON.parse(stored.json);
  } catch {
    throw invalid();
  }
  const parsed = resultSchema.safeParse(value);
  const binary = stored.binary;
  if (!parsed.success || parsed.data.index !== index || (binary !== null && binary.length % 8 !== 0)) throw invalid();
  const { curve } = parsed.data;
  // Spread first, so the keys keep the order they were stored in.
  return {
    ...(value as Omit<ResearchJobResult, 'periodReturns' | 'curve'>),
    periodReturns: binary === null ? new Float64Array(0) : bytesToDoubles(binary),
    ...(curve === undefined ? {} : { curve: { time: Float64Array.from(curve.time), equity: Float64Array.from(curve.equity, (value) => value ?? Number.NaN) } }),
  };
}

/** The result of a job that failed for good on the queue, with the queue's code and message. */
export function queueFailedResult(index: number, error: { readonly code: string; readonly message: string }): ResearchJobResult {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('queueFailedResult', [
    numberIssue(index, 'index', 'the combination index'),
    shapeIssue(error, 'error', 'an error ({ code, message })', { code: 'string', message: 'string' }),
  ]);
  return { ...failedResult(index, new Error(error.message)), error: { code: error.code, message: error.message } };
}
