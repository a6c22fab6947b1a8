import { createHash } from 'node:crypto';
import { echoValue, MAX_LINE_LENGTH, checkArguments, describeGiven, stringIssue } from '@ensemble/protocol';
import { z } from 'zod';
import { indexIssue, jsonValueIssue } from './argument-checks';
import { QUEUE_NAME_PATTERN } from './keys';

/** The format tag of every job this package puts on a queue. */
export const JOB_FORMAT = 'ensemble-research-job';

const envelopeFields = {
  format: z.literal(JOB_FORMAT),
  sweepId: z.string().regex(QUEUE_NAME_PATTERN),
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  job: z.unknown(),
};

/**
 * What a queued job's data is: the sweep, the combination index, the job itself (plain JSON,
 * parsed by the worker's own schema — nothing read from the queue is ever evaluated as code) and,
 * since version 2, the sweep's compatibility tag, which a worker checks on every job it takes
 * (version 1, without it, is still read: its sweep's tag is checked when the worker joins).
 * Version 3 says where its coordinator reads a result's binary part: in a key of its own per
 * combination (`…:binary:<index>`); a job of an earlier version has it stored where its
 * coordinator reads it, in the sweep's `…:binary` hash.
 */
export const jobEnvelopeSchema = z.discriminatedUnion('version', [
  z.strictObject({ ...envelopeFields, version: z.literal(1) }),
  z.strictObject({ ...envelopeFields, version: z.literal(2), compatibility: z.string() }),
  z.strictObject({ ...envelopeFields, version: z.literal(3), compatibility: z.string() }),
]);

/** A queued job's data. */
export type JobEnvelope = z.infer<typeof jobEnvelopeSchema>;

/** The newest envelope format this package reads. */
export const JOB_FORMAT_VERSION = 3;

/**
 * True for an envelope of a format newer than this package reads (a newer coordinator queued it): a
 * worker hands such a job back for workers that read it, rather than failing it as malformed.
 */
export function isNewerEnvelope(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { format, version } = data as { format?: unknown; version?: unknown };
  return format === JOB_FORMAT && typeof version === 'number' && Number.isInteger(version) && version > JOB_FORMAT_VERSION;
}

/** The envelope of one job of a sweep started with the compatibility tag `compatibility` ('' for none). */
export function envelopeOf(sweepId: string, index: number, job: unknown, compatibility: string): JobEnvelope {
  // From JavaScript the arguments can be anything: a wrong kind made an envelope every worker refuses.
  checkArguments('envelopeOf', [
    stringIssue(sweepId, 'sweepId', 'a sweep id (a string)'),
    indexIssue(index),
    jsonValueIssue(job, 'job', 'a job'),
    stringIssue(compatibility, 'compatibility', "the sweep's compatibility tag (a string, '' for none)"),
  ]);
  return { format: JOB_FORMAT, version: JOB_FORMAT_VERSION, sweepId, index, job, compatibility };
}

/**
 * A job's fingerprint (SHA-256 of its JSON): stored per combination index, so a sweep resumed, or
 * grown by a later batch (walk-forward runs its test jobs after its train jobs), is refused when
 * an index would name another job — its stored result would be another job's.
 */
export function jobFingerprint(job: unknown): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  // A queue is generic over its jobs: any value JSON can write is one.
  const writable = job !== undefined && typeof job !== 'function' && typeof job !== 'symbol' && typeof job !== 'bigint';
  checkArguments('jobFingerprint', [writable ? null : { path: 'job', message: `must be a job JSON can write (an object, an array, a string, a number, …); got ${describeGiven(job)}` }]);
  return createHash('sha256').update(JSON.stringify(job)).digest('hex');
}

/**
 * How long a worker's refusal of a sweep counts as current, ms of the Redis server's clock: a
 * worker that leaves a sweep writes its refusal again at every look for sweeps (every second by
 * default), so one older than this is from a worker that stopped looking (closed or killed).
 */
export const REFUSAL_FRESH_MS = 60_000;

/** A worker's refusal of a sweep as stored (its tag, and when it last wrote it by the server's clock). */
export function refusalValue(compatibility: string, atMs: number): string {
  return JSON.stringify({ compatibility, at: atMs });
}

/** A stored refusal read back, or null for a value this package did not write. */
export function parseRefusal(value: string): { readonly compatibility: string; readonly at: number } | null {
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { compatibility, at } = parsed as { compatibility?: unknown; at?: unknown };
    return typeof compatibility === 'string' && typeof at === 'number' && Number.isFinite(at) ? { compatibility, at } : null;
  } catch {
    return null;
  }
}

/** The Redis server's clock, ms (`TIME`): workers and coordinators on different machines compare refusals by it. */
export async function serverTimeMs(redis: { time(): Promise<readonly (string | number)[]> }): Promise<number> {
  const reply = await redis.time();
  return Number(reply[0]) * 1000 + Math.floor(Number(reply[1]) / 1000);
}

/** A sweep's compatibility tag (what its workers must run) in a message: as given, or in words when there is none. */
export function describeCompatibility(tag: string): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('describeCompatibility', [
    stringIssue(tag, 'tag', 'a compatibility tag (a string)'),
  ]);
  return tag === '' ? 'no compatibility tag' : echoValue(tag, MAX_LINE_LENGTH);
}

/**
 * Two compatibility tags in a message, each cut to the comma-separated items the other lacks (a
 * research tag lists a version per package: an upgrade of one package names that package only).
 */
export function compatibilityDifference(theirs: string, ours: string): { readonly theirs: string; readonly ours: string } {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('compatibilityDifference', [
    stringIssue(theirs, 'theirs', 'a compatibility tag (a string)'),
    stringIssue(ours, 'ours', 'a compatibility tag (a string)'),
  ]);
  const items = (tag: string): string[] => (tag === '' ? [] : tag.split(', '));
  const [a, b] = [items(theirs), items(ours)];
  const only = (list: readonly string[], other: readonly string[]): string => describeCompatibility(list.filter((item) => !other.includes(item)).join(', '));
  return { theirs: only(a, b), ours: only(b, a) };
}
