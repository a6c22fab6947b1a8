import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetCache, DatasetFetchError, sha256Hex, storeDataset } from './dataset-store';
import { sweepKeys } from './keys';
import { startRedisServer, type TestRedisServer } from './testing/redis-server';

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

let server: TestRedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('storeDataset and DatasetCache', () => {
  const keys = sweepKeys('test', 'data-1');
  const bytes = new TextEncoder().encode('abc');

  it('stores a dataset once under its SHA-256', async () => {
    expect(sha256Hex(bytes)).toBe(ABC_SHA256);
    expect(await storeDataset(redis, keys, bytes)).toBe(ABC_SHA256);
    await storeDataset(redis, keys, bytes);
    expect(await redis.keys('test:*:data:*')).toEqual([`test:sweep-data-1:ensemble:data:${ABC_SHA256}`]);
    expect((await redis.getBuffer(keys.dataset(ABC_SHA256)))?.toString()).toBe('abc');
  });

  it('fetches once, then serves from memory; concurrent gets share the fetch', async () => {
    await storeDataset(redis, keys, bytes);
    const cache = new DatasetCache();
    const [a, b] = await Promise.all([cache.get(redis, keys, ABC_SHA256), cache.get(redis, keys, ABC_SHA256)]);
    expect(a.toString()).toBe('abc');
    expect(b.toString()).toBe('abc');
    await cache.get(redis, keys, ABC_SHA256);
    expect(cache.fetches).toBe(1);
  });

  it('refuses bytes that do not hash to the reference, and a missing dataset', async () => {
    const other = sweepKeys('test', 'data-2');
    await redis.set(other.dataset(ABC_SHA256), 'abd');
    const corrupt = await rejection(new DatasetCache().get(redis, other, ABC_SHA256));
    expect(DatasetFetchError.isInstance(corrupt) && corrupt.code).toBe('DATA_INVALID');
    const missing = await rejection(new DatasetCache().get(redis, other, 'f'.repeat(64)));
    expect(DatasetFetchError.isInstance(missing) && missing.code).toBe('DATA_NOT_FOUND');
    expect((missing as Error).message).toContain('data-2');
  });

  it('keeps datasets on disk by hash and fetches again when the file no longer hashes right', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ensemble-cache-'));
    try {
      const own = sweepKeys('test', 'data-3');
      await storeDataset(redis, own, bytes);
      const first = new DatasetCache({ cacheDir: directory });
      await first.get(redis, own, ABC_SHA256);
      expect(readFileSync(join(directory, ABC_SHA256), 'utf8')).toBe('abc');
      await redis.del(own.dataset(ABC_SHA256));
      const second = new DatasetCache({ cacheDir: directory });
      expect((await second.get(redis, own, ABC_SHA256)).toString()).toBe('abc');
      expect(second.fetches).toBe(0);
      writeFileSync(join(directory, ABC_SHA256), 'tampered');
      await storeDataset(redis, own, bytes);
      const third = new DatasetCache({ cacheDir: directory });
      expect((await third.get(redis, own, ABC_SHA256)).toString()).toBe('abc');
      expect(third.fetches).toBe(1);
      expect(readFileSync(join(directory, ABC_SHA256), 'utf8')).toBe('abc');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
