import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EnsembleError, checkArguments, shapeIssue, describeGiven, stringIssue } from '@ensemble/protocol';
import { makeDirectory } from '@ensemble/report';
import { sha256Hex } from '@ensemble/research';
import type { Redis } from 'ioredis';
import { datasetKeyParts, sweepRegistryKey, type SweepKeys } from './keys';
import { redisIssue, keysIssue, bytesIssue } from './argument-checks';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * A dataset a job refers to is not in Redis (the sweep was cleaned, or the coordinator never
 * stored it), or its bytes there do not hash to the reference. `DATA_NOT_FOUND` / `DATA_INVALID`.
 */
export class DatasetFetchError extends EnsembleError {
  readonly sha256: string;
  readonly sweepId: string;

  constructor(kind: 'missing' | 'corrupt', details: { sha256: string; sweepId: string; actual?: string }) {
    // From JavaScript the arguments can be anything: undefined details failed as a TypeError.
    checkArguments('DatasetFetchError', [
      (['missing', 'corrupt'] as unknown[]).includes(kind) ? null : { path: 'kind', message: `must be "missing" or "corrupt"; got ${describeGiven(kind)}` },
      shapeIssue(details, 'details', 'the details ({ sha256, sweepId, actual? })', { sha256: 'string', sweepId: 'string', actual: 'string?' }),
    ]);
    super(
      kind === 'missing' ? 'DATA_NOT_FOUND' : 'DATA_INVALID',
      kind === 'missing'
        ? `Dataset ${details.sha256} of sweep ${details.sweepId} is not in Redis: the sweep was cleaned or its coordinator never stored it; restart the sweep from its coordinator.`
        : `Dataset ${details.sha256} of sweep ${details.sweepId} in Redis hashes to ${details.actual ?? '?'}: it was altered; clean the sweep, and every other sweep of the same data (a new sweep copies it from them), and run it again.`,
    );
    this.name = 'DatasetFetchError';
    this.sha256 = details.sha256;
    this.sweepId = details.sweepId;
  }

  static override isInstance(error: unknown): error is DatasetFetchError {
    return EnsembleError.isInstance(error) && error.name === 'DatasetFetchError';
  }
}

/**
 * Stores `bytes` under their SHA-256 in the sweep's keys, once (SET NX: a second store of the same
 * content writes nothing). Returns the hash.
 */
export async function storeDataset(redis: Redis, keys: SweepKeys, bytes: Uint8Array): Promise<string> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('storeDataset', [
    redisIssue(redis),
    keysIssue(keys),
    bytesIssue(bytes, 'bytes'),
  ]);
  const sha256 = sha256Hex(bytes);
  await redis.set(keys.dataset(sha256), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX');
  return sha256;
}

// Copies dataset ARGV[3] from the newest other registered sweep (registry KEYS[1]) that holds it
// into this sweep's key (KEYS[2]), inside Redis: a new sweep of data Redis already holds needs no
// read, hash or upload of the file. Each sweep keeps its own copy, so cleaning one never takes data
// from another. A registry entry that names no sweep is passed over.
const COPY_FROM_SWEEP = `
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[1] and string.match(id, '^[%w][%w._-]*$') then
    if redis.call('COPY', ARGV[2] .. id .. ARGV[3], KEYS[2]) == 1 then return 1 end
  end
end
return 0`;

/**
 * Gives the sweep dataset `sha256` by copying it, inside Redis, from another sweep of the registry
 * that holds it; false when none does (or the sweep holds it already). The copy is checked against
 * the hash where every dataset is: by the worker that fetches it.
 */
export async function copyDatasetFromSweep(redis: Redis, keys: SweepKeys, sha256: string): Promise<boolean> {
  const { head, tail } = datasetKeyParts(keys.prefix, sha256);
  return (await redis.eval(COPY_FROM_SWEEP, 2, sweepRegistryKey(keys.prefix), keys.dataset(sha256), keys.sweepId, head, tail)) === 1;
}

/**
 * A worker's datasets by content, as files: each is fetched from Redis on first use, checked
 * against its hash and written to `<directory>/<sha256>/<name>` (the original file name is kept, as
 * loaders read a symbol from it), where the worker's threads read it (and keep it parsed, by hash).
 * A file already there is used when it still hashes right, else fetched again; concurrent requests
 * for one hash share one fetch.
 */
export class DatasetCache {
  private readonly files = new Map<string, Promise<string>>();
  private readonly directory: string;
  /** How many datasets were fetched from Redis (not found on disk). */
  fetches = 0;

  constructor(directory: string) {
    // From JavaScript the arguments can be anything: a wrong kind failed at the first fetch, as a TypeError from node:path.
    checkArguments('DatasetCache', [stringIssue(directory, 'directory', 'the directory the datasets are written under (a string)')]);
    this.directory = directory;
  }

  /**
   * The local path of dataset `sha256` of the sweep, named `name`; a {@link DatasetFetchError}
   * when Redis does not hold it or holds other bytes.
   */
  file(redis: Redis, keys: SweepKeys, sha256: string, name: string): Promise<string> {
    try {
      // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
      checkArguments('DatasetCache.file', [
        redisIssue(redis),
        keysIssue(keys),
        stringIssue(sha256, 'sha256', "the dataset's SHA-256 (64 hex digits)"),
        stringIssue(name, 'name', "the dataset's file name (a string)"),
      ]);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (!SHA256_PATTERN.test(sha256)) return Promise.reject(new DatasetFetchError('missing', { sha256: 'a malformed hash', sweepId: keys.sweepId }));
    const key = `${sha256}/${name}`;
    let entry = this.files.get(key);
    if (entry === undefined) {
      entry = this.load(redis, keys, sha256, name);
      this.files.set(key, entry);
      // A failed fetch is not remembered: the next job tries again.
      entry.catch(() => this.files.delete(key));
    }
    return entry;
  }

  private async load(redis: Redis, keys: SweepKeys, sha256: string, name: string): Promise<string> {
    const directory = join(this.directory, sha256);
    const file = join(directory, basename(name) === '' ? 'data' : basename(name));
    const cached = await readFile(file).catch(() => null);
    if (cached !== null && sha256Hex(cached) === sha256) return file;
    const bytes = await redis.getBuffer(keys.dataset(sha256));
    this.fetches++;
    if (bytes === null) throw new DatasetFetchError('missing', { sha256, sweepId: keys.sweepId });
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new DatasetFetchError('corrupt', { sha256, sweepId: keys.sweepId, actual });
    // One level at a time: the recursive mkdir never returns under a parent that refuses new entries (/proc).
    await makeDirectory(directory);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
    return file;
  }
}
