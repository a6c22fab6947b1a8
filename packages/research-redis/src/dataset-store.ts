import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnsembleError } from '@ensemble/protocol';
import type { Redis } from 'ioredis';
import type { SweepKeys } from './keys';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** The SHA-256 of `bytes`, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A dataset a job refers to is not in Redis (the sweep was cleaned, or the coordinator never
 * stored it), or its bytes there do not hash to the reference. `DATA_NOT_FOUND` / `DATA_INVALID`.
 */
export class DatasetFetchError extends EnsembleError {
  readonly sha256: string;
  readonly sweepId: string;

  constructor(kind: 'missing' | 'corrupt', details: { sha256: string; sweepId: string; actual?: string }) {
    super(
      kind === 'missing' ? 'DATA_NOT_FOUND' : 'DATA_INVALID',
      kind === 'missing'
        ? `Dataset ${details.sha256} of sweep ${details.sweepId} is not in Redis: the sweep was cleaned or its coordinator never stored it; restart the sweep from its coordinator.`
        : `Dataset ${details.sha256} of sweep ${details.sweepId} in Redis hashes to ${details.actual ?? '?'}: it was altered; clean the sweep and run it again.`,
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
  const sha256 = sha256Hex(bytes);
  await redis.set(keys.dataset(sha256), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX');
  return sha256;
}

/**
 * A worker's datasets by content: fetched from Redis on first use, checked against their hash,
 * kept in memory (and, with `cacheDir`, in `<cacheDir>/<sha256>` — a file there that no longer
 * hashes right is fetched again). Concurrent requests for one hash share one fetch.
 */
export class DatasetCache {
  private readonly memory = new Map<string, Promise<Buffer>>();
  private readonly cacheDir: string | undefined;
  /** How many datasets were fetched from Redis (not served from memory or disk). */
  fetches = 0;

  constructor(options: { cacheDir?: string } = {}) {
    this.cacheDir = options.cacheDir;
  }

  /** The bytes of dataset `sha256` of the sweep; a {@link DatasetFetchError} when absent or altered. */
  get(redis: Redis, keys: SweepKeys, sha256: string): Promise<Buffer> {
    if (!SHA256_PATTERN.test(sha256)) return Promise.reject(new DatasetFetchError('missing', { sha256: 'a malformed hash', sweepId: keys.sweepId }));
    let entry = this.memory.get(sha256);
    if (entry === undefined) {
      entry = this.load(redis, keys, sha256);
      this.memory.set(sha256, entry);
      // A failed fetch is not remembered: the next job tries again.
      entry.catch(() => this.memory.delete(sha256));
    }
    return entry;
  }

  private async load(redis: Redis, keys: SweepKeys, sha256: string): Promise<Buffer> {
    const file = this.cacheDir === undefined ? undefined : join(this.cacheDir, sha256);
    if (file !== undefined) {
      const cached = await readFile(file).catch(() => null);
      if (cached !== null && sha256Hex(cached) === sha256) return cached;
    }
    const bytes = await redis.getBuffer(keys.dataset(sha256));
    this.fetches++;
    if (bytes === null) throw new DatasetFetchError('missing', { sha256, sweepId: keys.sweepId });
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new DatasetFetchError('corrupt', { sha256, sweepId: keys.sweepId, actual });
    if (file !== undefined && this.cacheDir !== undefined) {
      await mkdir(this.cacheDir, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, file);
    }
    return bytes;
  }
}
