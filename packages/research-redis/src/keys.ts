import { ConfigError, quoteValue, checkArguments, stringIssue } from '@ensemble/protocol';
import { indexIssue } from './argument-checks';

/** Sweep ids and key prefixes: 1–64 letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The key prefix when none is given. */
export const DEFAULT_PREFIX = 'ensemble';

/** Throws a `ConfigError` naming `field` unless `value` matches {@link QUEUE_NAME_PATTERN}. */
export function checkQueueName(value: string, field: string): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('checkQueueName', [
    stringIssue(value, 'value', 'a queue name or prefix (a string)'),
    stringIssue(field, 'field', 'the option it was given as (a string)'),
  ]);
  if (!QUEUE_NAME_PATTERN.test(value)) {
    throw new ConfigError([{ path: field, message: `${quoteValue(value)} is not a valid name: use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit` }]);
  }
  return value;
}

/**
 * Every Redis key of one sweep. The sweep's BullMQ queue is named `sweep-<id>` under `prefix`
 * (its keys `<prefix>:sweep-<id>:…`); Ensemble's own keys of the sweep live under
 * `<prefix>:sweep-<id>:ensemble:…`, a colon after `ensemble`, so no BullMQ job id (which cannot
 * contain a colon) collides with them.
 */
export interface SweepKeys {
  readonly prefix: string;
  readonly sweepId: string;
  /** The BullMQ queue name of the sweep. */
  readonly queueName: string;
  /** Hash: the sweep's meta data (`total` jobs, `created` time, `attempts`). */
  readonly meta: string;
  /** Hash: combination index → result JSON, each written once (HSETNX). */
  readonly results: string;
  /** Hash: combination index → the fingerprint of its job (its count is the sweep's total). */
  readonly fingerprints: string;
  /** The binary part of the result of combination `index` (raw doubles), when it has one. */
  binaryResult(index: number): string;
  /** Hash: combination index → the binary part of its result, as jobs of envelope formats 1 and 2 have it stored. */
  readonly binaryResults: string;
  /** Where a worker writes the binary part of a result before the script that stores the result claims it (`token`: that write's own). */
  incomingBinary(index: number, token: string): string;
  /** List: combination indexes in the order their results were stored (each once). */
  readonly done: string;
  /** Hash: `<worker id>:count|first|last` → results it stored for this sweep, and when (ms). */
  readonly workers: string;
  /** Hash: worker id → its compatibility tag, for each worker that left the sweep as running other code. */
  readonly refusals: string;
  /**
   * Hash: BullMQ job id → the lock token of the worker that started running it (set when the job
   * gets a thread, removed when it ends): a job BullMQ holds as active whose lock has another
   * token, or none here, was only fetched ahead.
   */
  readonly started: string;
  /** The dataset stored under its SHA-256 (hex). */
  dataset(sha256: string): string;
  /** A pattern matching every Ensemble key of the sweep (for cleanup). */
  readonly ownPattern: string;
}

/** The key of the registry of sweeps (sorted set: sweep id, scored by its creation time). */
export function sweepRegistryKey(prefix: string): string {
  // From JavaScript the arguments can be anything: a wrong kind made the key `undefined:sweeps`.
  checkArguments('sweepRegistryKey', [stringIssue(prefix, 'prefix', 'a key prefix (a string, e.g. DEFAULT_PREFIX)')]);
  return `${prefix}:sweeps`;
}

/** The channel a coordinator announces a new (or re-stored) sweep on, so workers join at once. */
export function sweepChannel(prefix: string): string {
  return `${prefix}:sweeps:announce`;
}

/** The length of the short sweep id the research summaries print (`Sweep e56d801a6ee4`): the least prefix `resolveSweepId` takes. */
export const SHORT_SWEEP_ID_LENGTH = 12;

/** A sweep id as the summaries print it: its first {@link SHORT_SWEEP_ID_LENGTH} characters. */
export function shortSweepId(sweepId: string): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('shortSweepId', [
    stringIssue(sweepId, 'sweepId', 'a sweep id (a string)'),
  ]);
  return sweepId.slice(0, SHORT_SWEEP_ID_LENGTH);
}

/** Whether `value` can name a sweep (a registry entry that cannot is foreign, written by hand or by another program). */
export function isSweepId(value: string): boolean {
  return QUEUE_NAME_PATTERN.test(value);
}

/** The keys of sweep `sweepId` under `prefix` (both checked against {@link QUEUE_NAME_PATTERN}). */
export function sweepKeys(prefix: string, sweepId: string): SweepKeys {
  checkQueueName(prefix, 'prefix');
  checkQueueName(sweepId, 'sweepId');
  const queueName = `sweep-${sweepId}`;
  const own = `${prefix}:${queueName}:ensemble`;
  return {
    prefix,
    sweepId,
    queueName,
    meta: `${own}:meta`,
    results: `${own}:results`,
    binaryResult: (index) => `${own}:binary:${String(index)}`,
    binaryResults: `${own}:binary`,
    incomingBinary: (index, token) => `${own}:incoming:${String(index)}:${token}`,
    fingerprints: `${own}:jobs`,
    done: `${own}:done`,
    workers: `${own}:workers`,
    refusals: `${own}:refusals`,
    started: `${own}:started`,
    dataset: (sha256) => {
      const { head, tail } = datasetKeyParts(prefix, sha256);
      return `${head}${sweepId}${tail}`;
    },
    ownPattern: `${own}:*`,
  };
}

/**
 * The key of dataset `sha256` of any sweep under `prefix` is `<head><sweep id><tail>` (what
 * {@link SweepKeys.dataset} gives): a new sweep looks for the data in other sweeps by these.
 */
export function datasetKeyParts(prefix: string, sha256: string): { readonly head: string; readonly tail: string } {
  return { head: `${prefix}:sweep-`, tail: `:ensemble:data:${sha256}` };
}

/** The BullMQ job id of a combination: `<sweepId>-<index>` (re-adding it is a no-op). */
export function jobIdOf(sweepId: string, index: number): string {
  // From JavaScript the arguments can be anything: a wrong kind made an id such as `undefined-NaN`.
  checkArguments('jobIdOf', [stringIssue(sweepId, 'sweepId', 'a sweep id (a string)'), indexIssue(index)]);
  return `${sweepId}-${index}`;
}
