import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisForFile } from '../test/helpers';
import { sweepKeys } from './keys';
import { readDoneIndexes, readResults, storeResultOnce } from './result-store';

const local = redisForFile();

/** Every byte value, then doubles whose bits matter (-0, a NaN with a payload, the least subnormal), then a long run. */
function awkwardBytes(): Buffer {
  const doubles = new Float64Array([-0, Number.NaN, Number.MIN_VALUE, -Number.MAX_VALUE]);
  new DataView(doubles.buffer).setUint32(12, 0x7ff80001, true);
  const long = Buffer.alloc(800_000);
  for (let k = 0; k < long.length; k++) long[k] = (k * 131) % 256;
  return Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, k) => k)), Buffer.from(doubles.buffer), long, Buffer.from('\r\n$3\r\n')]);
}

describe('storeResultOnce', () => {
  it('stores the binary part byte for byte beside the JSON (text with non-ASCII characters included), once per index', async () => {
    const keys = sweepKeys('store', 'bytes');
    await local.redis.hset(keys.meta, 'total', 3);
    const bytes = awkwardBytes();
    const json = JSON.stringify({ index: 0, note: 'München – 東京 \r\n' });
    expect(await storeResultOnce(local.redis, keys, 0, { json, binary: bytes }, 'w1')).toBe('stored');
    expect(await storeResultOnce(local.redis, keys, 1, { json: '{"index":1}', binary: null }, 'w1')).toBe('stored');
    expect(await storeResultOnce(local.redis, keys, 2, { json: '{"index":2}', binary: Buffer.alloc(0) }, 'w1')).toBe('stored');
    expect(await storeResultOnce(local.redis, keys, 0, { json: '{"index":0,"late":true}', binary: Buffer.from('other') }, 'w2')).toBe('taken');
    const [first, second, third] = await readResults(local.redis, keys, [0, 1, 2]);
    expect(first?.json).toBe(json);
    expect(first?.binary?.equals(bytes)).toBe(true);
    expect(second).toEqual({ json: '{"index":1}', binary: null });
    expect(third).toEqual({ json: '{"index":2}', binary: null });
    expect(await readDoneIndexes(local.redis, keys, 0)).toEqual([0, 1, 2]);
    expect(await local.redis.hget(keys.workers, 'w1:count')).toBe('3');
    expect(await local.redis.hget(keys.workers, 'w2:count')).toBeNull();
    // The binary part is kept for good, and no part waits to be claimed: the late one was dropped.
    expect(await local.redis.pttl(keys.binaryResult(0))).toBe(-1);
    expect(await local.redis.keys(`${keys.ownPattern.slice(0, -1)}incoming:*`)).toEqual([]);
  });

  it("stores a job of envelope format 1 or 2 where its coordinator reads it (the sweep's hash); readResults reads either", async () => {
    const keys = sweepKeys('store', 'hash');
    await local.redis.hset(keys.meta, 'total', 2);
    const bytes = awkwardBytes();
    expect(await storeResultOnce(local.redis, keys, 0, { json: '{"index":0}', binary: bytes }, 'w1', { binaryIn: 'sweep-hash' })).toBe('stored');
    expect(await storeResultOnce(local.redis, keys, 0, { json: '{"index":0}', binary: Buffer.from('other') }, 'w2', { binaryIn: 'sweep-hash' })).toBe('taken');
    expect(await storeResultOnce(local.redis, keys, 1, { json: '{"index":1}', binary: bytes.subarray(8) }, 'w1')).toBe('stored');
    expect((await local.redis.hgetBuffer(keys.binaryResults, '0'))?.equals(bytes)).toBe(true);
    expect(await local.redis.exists(keys.binaryResult(0))).toBe(0);
    const [first, second] = await readResults(local.redis, keys, [0, 1]);
    expect(first?.binary?.equals(bytes)).toBe(true);
    expect(second?.binary?.equals(bytes.subarray(8))).toBe(true);
  });

  it('a binary part for a sweep no longer in Redis is dropped with the result: no key of the sweep is left', async () => {
    const keys = sweepKeys('store', 'removed');
    expect(await storeResultOnce(local.redis, keys, 0, { json: '{"index":0}', binary: awkwardBytes() }, 'w1')).toBe('no-sweep');
    expect(await local.redis.keys(keys.ownPattern)).toEqual([]);
  });

  it('a result stored while the connection is down goes out whole once it is back', async () => {
    const keys = sweepKeys('store', 'later');
    await local.redis.hset(keys.meta, 'total', 1);
    const waiting = new Redis(local.server.url, { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      const bytes = awkwardBytes();
      // Not connected yet: the command waits in ioredis's offline queue and is written once connected.
      expect(waiting.status).toBe('wait');
      expect(await storeResultOnce(waiting, keys, 0, { json: '{"index":0}', binary: bytes }, 'w1')).toBe('stored');
      expect((await readResults(local.redis, keys, [0]))[0]?.binary?.equals(bytes)).toBe(true);
    } finally {
      waiting.disconnect();
    }
  });
});
