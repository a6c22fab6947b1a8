import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisForFile, rejectionOf, withDirectory } from '../test/helpers';
import { sha256Hex } from '@ensemble/research';
import { copyDatasetFromSweep, DatasetCache, DatasetFetchError, storeDataset } from './dataset-store';
import { sweepKeys, sweepRegistryKey } from './keys';

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

const local = redisForFile();

describe('storeDataset and DatasetCache', () => {
  const keys = sweepKeys('test', 'data-1');
  const bytes = new TextEncoder().encode('abc');

  it('stores a dataset once under its SHA-256', async () => {
    expect(sha256Hex(bytes)).toBe(ABC_SHA256);
    expect(await storeDataset(local.redis, keys, bytes)).toBe(ABC_SHA256);
    await storeDataset(local.redis, keys, bytes);
    expect(await local.redis.keys('test:*:data:*')).toEqual([`test:sweep-data-1:ensemble:data:${ABC_SHA256}`]);
    expect((await local.redis.getBuffer(keys.dataset(ABC_SHA256)))?.toString()).toBe('abc');
  });

  it('writes a dataset to disk once under its hash and original name; concurrent requests share the fetch', async () => {
    await storeDataset(local.redis, keys, bytes);
    await withDirectory(async (directory) => {
      const cache = new DatasetCache(directory);
      const [a, b] = await Promise.all([cache.file(local.redis, keys, ABC_SHA256, 'prices.csv'), cache.file(local.redis, keys, ABC_SHA256, 'prices.csv')]);
      expect(a).toBe(join(directory, ABC_SHA256, 'prices.csv'));
      expect(b).toBe(a);
      expect(readFileSync(a, 'utf8')).toBe('abc');
      await cache.file(local.redis, keys, ABC_SHA256, 'prices.csv');
      expect(cache.fetches).toBe(1);
    });
  });

  it('refuses bytes that do not hash to the reference, and a missing dataset', async () => {
    await withDirectory(async (directory) => {
      const other = sweepKeys('test', 'data-2');
      await local.redis.set(other.dataset(ABC_SHA256), 'abd');
      const corrupt = await rejectionOf(new DatasetCache(directory).file(local.redis, other, ABC_SHA256, 'a.csv'));
      expect(DatasetFetchError.isInstance(corrupt) && corrupt.code).toBe('DATA_INVALID');
      const missing = await rejectionOf(new DatasetCache(directory).file(local.redis, other, 'f'.repeat(64), 'a.csv'));
      expect(DatasetFetchError.isInstance(missing) && missing.code).toBe('DATA_NOT_FOUND');
      expect((missing as Error).message).toContain('data-2');
    });
  });

  it('reuses a file on disk that hashes right, and fetches again one that does not', async () => {
    await withDirectory(async (directory) => {
      const own = sweepKeys('test', 'data-3');
      await storeDataset(local.redis, own, bytes);
      const path = await new DatasetCache(directory).file(local.redis, own, ABC_SHA256, 'x.csv');
      await local.redis.del(own.dataset(ABC_SHA256));
      const second = new DatasetCache(directory);
      expect(await second.file(local.redis, own, ABC_SHA256, 'x.csv')).toBe(path);
      expect(second.fetches).toBe(0);
      writeFileSync(path, 'tampered');
      await storeDataset(local.redis, own, bytes);
      const third = new DatasetCache(directory);
      await third.file(local.redis, own, ABC_SHA256, 'x.csv');
      expect(third.fetches).toBe(1);
      expect(readFileSync(path, 'utf8')).toBe('abc');
    });
  });

  // Node's recursive mkdir never returns under a parent that refuses new entries with ENOENT.
  it.runIf(process.platform === 'linux')('fails at once for a cache directory under /proc, where the recursive mkdir hung', async () => {
    const own = sweepKeys('test', 'data-proc');
    await storeDataset(local.redis, own, bytes);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise((resolve) => {
      timer = setTimeout(() => {
        resolve('hung');
      }, 10_000);
    });
    const fetched = new DatasetCache('/proc/ensemble-test/cache').file(local.redis, own, ABC_SHA256, 'x.csv').then(
      () => 'written',
      (error: unknown) => (error as { code?: unknown }).code,
    );
    const outcome = await Promise.race([fetched, hung]);
    clearTimeout(timer);
    expect(outcome).toBe('ENOENT');
  });

  it('copies a dataset from the newest registered sweep that holds it, passing over foreign entries; false when none does', async () => {
    const registry = sweepRegistryKey('copy');
    const [older, newer, none, target] = [sweepKeys('copy', 'older'), sweepKeys('copy', 'newer'), sweepKeys('copy', 'none'), sweepKeys('copy', 'target')];
    await local.redis.zadd(registry, 1, 'older', 2, 'newer', 3, 'none', 4, 'not a sweep!', 5, 'target');
    await local.redis.set(older.dataset(ABC_SHA256), 'abc');
    await local.redis.set(newer.dataset(ABC_SHA256), 'abc (newer)');
    expect(await copyDatasetFromSweep(local.redis, target, ABC_SHA256)).toBe(true);
    expect(await local.redis.get(target.dataset(ABC_SHA256))).toBe('abc (newer)');
    expect(await copyDatasetFromSweep(local.redis, target, ABC_SHA256)).toBe(false);
    expect(await copyDatasetFromSweep(local.redis, none, 'f'.repeat(64))).toBe(false);
    expect(await local.redis.keys('copy:*:data:*')).toHaveLength(3);
  });
});
