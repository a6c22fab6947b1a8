import { EnsembleError } from '@ensemble/protocol';
import { failedResult, type ResearchJobResult } from '@ensemble/research';
import { z } from 'zod';

// What a worker wrote back: checked for its shape before it is handed on (the metrics object is
// the performance package's, passed through as written).
const resultSchema = z.object({
  index: z.number().int().min(0),
  status: z.enum(['ok', 'failed', 'timed-out']),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  periodReturns: z.array(z.number().nullable()),
  curve: z.object({ time: z.array(z.number()), equity: z.array(z.number().nullable()) }).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/**
 * A result JSON read from Redis for combination `index`: parsed and checked, or an
 * `EnsembleError` (`RUN_FAILED`) naming the index when it is no result of this job.
 */
export function parseStoredResult(json: string, index: number): ResearchJobResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new EnsembleError('RUN_FAILED', `The result of combination ${index} in Redis is not JSON; clean the sweep and run it again.`);
  }
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success || parsed.data.index !== index) {
    throw new EnsembleError('RUN_FAILED', `The result of combination ${index} in Redis is not a research job result of that combination; clean the sweep and run it again.`);
  }
  return value as ResearchJobResult;
}

/** The result of a job that failed for good on the queue, with the queue's code and message. */
export function queueFailedResult(index: number, error: { readonly code: string; readonly message: string }): ResearchJobResult {
  return { ...failedResult(index, new Error(error.message)), error: { code: error.code, message: error.message } };
}
