import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from './keys';

/** The format tag of every job this package puts on a queue. */
export const JOB_FORMAT = 'ensemble-research-job';

/**
 * What a queued job's data is: the sweep, the combination index and the job itself (plain JSON,
 * parsed by the worker's own schema — nothing read from the queue is ever evaluated as code).
 */
export const jobEnvelopeSchema = z.strictObject({
  format: z.literal(JOB_FORMAT),
  version: z.literal(1),
  sweepId: z.string().regex(QUEUE_NAME_PATTERN),
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  job: z.unknown(),
});

/** A queued job's data. */
export type JobEnvelope = z.infer<typeof jobEnvelopeSchema>;

/** The envelope of one job. */
export function envelopeOf(sweepId: string, index: number, job: unknown): JobEnvelope {
  return { format: JOB_FORMAT, version: 1, sweepId, index, job };
}

/**
 * A fingerprint of a sweep's jobs (SHA-256 over their JSON in index order): a resumed sweep must
 * be the same jobs, or its stored results would be mixed with other ones.
 */
export function jobsFingerprint(jobs: readonly { readonly index: number; readonly job: unknown }[]): string {
  const hash = createHash('sha256');
  for (const entry of [...jobs].sort((a, b) => a.index - b.index)) hash.update(`${entry.index}\n${JSON.stringify(entry.job)}\n`);
  return hash.digest('hex');
}
