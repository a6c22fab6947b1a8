import { Writable } from 'node:stream';
import { Command, type Redis } from 'ioredis';
import type { SweepKeys } from './keys';
import { checkArguments, arrayIssue, stringIssue, shapeIssue } from '@ensemble/protocol';
import { jsonValueIssue, redisIssue, keysIssue, numberIssue } from './argument-checks';

// One atomic step, so a result is stored and announced together or not at all: a worker killed
// between the two could otherwise store a result nobody is told about, and its retry would find
// the index taken. A second store of an index (a job retried after a stall that had in fact
// finished) changes nothing and counts nothing. Nor does a store into a sweep that is no longer
// there (its meta gone: cleaned, or lost with a Redis restart): it would bring back keys of a
// sweep no registry entry names, which no cleanup could find.
const STORE_ONCE = `
if redis.call('EXISTS', KEYS[5]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[4], ARGV[1], ARGV[4]) end
  redis.call('RPUSH', KEYS[2], ARGV[1])
  local now = redis.call('TIME')
  local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('HINCRBY', KEYS[3], ARGV[3] .. ':count', 1)
  redis.call('HSETNX', KEYS[3], ARGV[3] .. ':first', ms)
  redis.call('HSET', KEYS[3], ARGV[3] .. ':last', ms)
  return 1
end
return 0`;

/**
 * A result as stored: JSON, and optionally a binary part kept beside it (long numeric columns as
 * raw doubles: no text conversion either way, and every bit kept, -0 and NaN included).
 */
export interface StoredResult {
  readonly json: string;
  readonly binary: Buffer | null;
}

/**
 * What became of a result handed to {@link storeResultOnce}: `stored` (this call stored it),
 * `taken` (another result of that index was stored first) or `no-sweep` (the sweep is no longer in
 * Redis: cleaned, or lost with a restart; nothing was written).
 */
export type StoreOutcome = 'stored' | 'taken' | 'no-sweep';

/**
 * Stores the result of combination `index` unless one is stored already, appends the index to the
 * sweep's `done` list and counts it for `workerId` (`<id>:count`, and the Redis server's time of its
 * `<id>:first` and `<id>:last` result, in ms) — atomically, and only while the sweep is in Redis.
 */
export async function storeResultOnce(redis: Redis, keys: SweepKeys, index: number, result: StoredResult, workerId: string): Promise<StoreOutcome> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('storeResultOnce', [
    redisIssue(redis),
    keysIssue(keys),
    numberIssue(index, 'index', 'the combination index'),
    shapeIssue(result, 'result', 'a stored result (what encodeResult returns)', { json: 'string' }),
    stringIssue(workerId, 'workerId', 'the worker id (a string)'),
  ]);
  const text = [STORE_ONCE, '5', keys.results, keys.done, keys.workers, keys.binaryResults, keys.meta, String(index), result.json, workerId];
  const stored = await redis.sendCommand(new EvalWithBytes(text, result.binary ?? Buffer.alloc(0)));
  return stored === 1 ? 'stored' : stored === -1 ? 'no-sweep' : 'taken';
}

/**
 * `EVAL` with the text arguments `text` and then `bytes`, whose bytes go to the socket as they
 * are. ioredis copies a command with a `Buffer` argument, text and bytes, into one new buffer
 * before writing it: for a result's period returns (800 kB for 100,000 bars) that is as much
 * memory again outside the heap on every job, which V8 answers with garbage collections of the
 * whole worker process's heap — they cost the worker more than the rest of storing the result.
 * Here the command's head is text and the bytes follow in the same write (the socket corked until
 * ioredis has written the trailer). The socket is the one ioredis hands `toWritable`, as its own
 * script commands use it; any other stream gets ioredis's own encoding.
 */
class EvalWithBytes extends Command {
  private readonly text: readonly string[];
  private readonly bytes: Buffer;

  constructor(text: readonly string[], bytes: Buffer) {
    super('eval', [...text, bytes]);
    this.text = text;
    this.bytes = bytes;
  }

  override toWritable(socket: object): string | Buffer {
    if (!(socket instanceof Writable)) return super.toWritable(socket);
    let head = `*${String(this.text.length + 2)}\r\n$4\r\neval\r\n`;
    for (const arg of this.text) head += `$${String(Buffer.byteLength(arg))}\r\n${arg}\r\n`;
    head += `$${String(this.bytes.length)}\r\n`;
    socket.cork();
    socket.write(head);
    socket.write(this.bytes);
    process.nextTick(() => {
      socket.uncork();
    });
    return '\r\n';
  }
}

/** The indexes announced in the `done` list from position `from` on (each index appears once). */
export async function readDoneIndexes(redis: Redis, keys: SweepKeys, from: number): Promise<number[]> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('readDoneIndexes', [
    redisIssue(redis),
    keysIssue(keys),
    numberIssue(from, 'from', 'the first position to read'),
  ]);
  const items = await redis.lrange(keys.done, from, -1);
  return items.map(Number);
}

/** The stored result of each index (null where none is stored). */
export async function readResults(redis: Redis, keys: SweepKeys, indexes: readonly number[]): Promise<(StoredResult | null)[]> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('readResults', [
    redisIssue(redis),
    keysIssue(keys),
    arrayIssue(indexes, 'indexes', 'the combination indexes (an array)'),
  ]);
  if (indexes.length === 0) return [];
  const fields = indexes.map(String);
  const [texts, binaries] = await Promise.all([redis.hmget(keys.results, ...fields), redis.hmgetBuffer(keys.binaryResults, ...fields)]);
  return texts.map((json, k) => (json === null ? null : { json, binary: binaries[k] ?? null }));
}

/** A result stored as JSON only. */
export function jsonResult(result: unknown): StoredResult {
  // From JavaScript the arguments can be anything: undefined was stored as a result without JSON.
  checkArguments('jsonResult', [jsonValueIssue(result, 'result', 'a result')]);
  return { json: JSON.stringify(result), binary: null };
}
