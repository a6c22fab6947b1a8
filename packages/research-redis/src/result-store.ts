import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { Command, type Redis } from 'ioredis';
import type { SweepKeys } from './keys';
import { checkArguments, arrayIssue, describeGiven, optionsIssue, stringIssue, shapeIssue, type ConfigIssue } from '@ensemble/protocol';
import { jsonValueIssue, redisIssue, keysIssue, numberIssue } from './argument-checks';

// One atomic step, so a result is stored and announced together or not at all: a worker killed
// between the two could otherwise store a result nobody is told about, and its retry would find
// the index taken. A second store of an index (a job retried after a stall that had in fact
// finished) changes nothing and counts nothing. Nor does a store into a sweep that is no longer
// there (its meta gone: cleaned, or lost with a Redis restart): it would bring back keys of a
// sweep no registry entry names, which no cleanup could find.
//
// Where the binary part goes (ARGV[4]): nowhere ('none'); from a key of its own, written just
// before with an expiry (KEYS[5]), renamed to the index's key (KEYS[6]) — no copy — or deleted
// ('own-key'); or, for jobs of envelope formats 1 and 2, from ARGV[5] into the sweep's hash
// (KEYS[6]) where their coordinators read it ('sweep-hash'). A script's arguments are copied into
// Lua and out again: for a result's period returns (800 kB for 100,000 bars) that cost Redis more
// than all the rest of a job's commands together, hence the key of its own.
const STORE_ONCE = `
local binary = ARGV[4]
if redis.call('EXISTS', KEYS[4]) == 0 then
  if binary == 'own-key' then redis.call('DEL', KEYS[5]) end
  return -1
end
if binary == 'own-key' and redis.call('EXISTS', KEYS[5]) == 0 then return -2 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  if binary == 'own-key' then
    redis.call('RENAME', KEYS[5], KEYS[6])
    redis.call('PERSIST', KEYS[6])
  elseif binary == 'sweep-hash' then
    redis.call('HSET', KEYS[6], ARGV[1], ARGV[5])
  end
  redis.call('RPUSH', KEYS[2], ARGV[1])
  local now = redis.call('TIME')
  local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('HINCRBY', KEYS[3], ARGV[3] .. ':count', 1)
  redis.call('HSETNX', KEYS[3], ARGV[3] .. ':first', ms)
  redis.call('HSET', KEYS[3], ARGV[3] .. ':last', ms)
  return 1
end
if binary == 'own-key' then redis.call('DEL', KEYS[5]) end
return 0`;

/** How long a binary part waits in its incoming key for the script that claims it (ms). */
const INCOMING_TTL_MS = 10 * 60_000;

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

/** Options of {@link storeResultOnce}. */
export interface StoreOptions {
  /**
   * Where the binary part is stored: in a key of its own (`own-key`, the default: where a
   * coordinator of this version reads it), or in the sweep's hash (`sweep-hash`: where coordinators
   * that queued jobs of envelope formats 1 and 2 read it).
   */
  readonly binaryIn?: 'own-key' | 'sweep-hash';
}

/**
 * Stores the result of combination `index` unless one is stored already, appends the index to the
 * sweep's `done` list and counts it for `workerId` (`<id>:count`, and the Redis server's time of its
 * `<id>:first` and `<id>:last` result, in ms) — atomically, and only while the sweep is in Redis.
 * A binary part goes first to a key of this call's own, on the same connection (so it is there
 * when the script runs), and the script claims it without a copy.
 */
export async function storeResultOnce(redis: Redis, keys: SweepKeys, index: number, result: StoredResult, workerId: string, options: StoreOptions = {}): Promise<StoreOutcome> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('storeResultOnce', [
    redisIssue(redis),
    keysIssue(keys),
    numberIssue(index, 'index', 'the combination index'),
    shapeIssue(result, 'result', 'a stored result (what encodeResult returns)', { json: 'string' }),
    stringIssue(workerId, 'workerId', 'the worker id (a string)'),
    optionsIssue(options) ?? binaryInIssue(options.binaryIn),
  ]);
  const bytes = result.binary ?? Buffer.alloc(0);
  const binaryIn = bytes.length === 0 ? 'none' : (options.binaryIn ?? 'own-key');
  const args = [String(index), result.json, workerId, binaryIn];
  if (binaryIn === 'sweep-hash') {
    const text = [STORE_ONCE, '6', keys.results, keys.done, keys.workers, keys.meta, keys.meta, keys.binaryResults, ...args];
    const stored = await redis.sendCommand(new WithBytes('eval', text, bytes, []));
    return outcomeOf(stored);
  }
  const incoming = binaryIn === 'own-key' ? keys.incomingBinary(index, randomBytes(12).toString('hex')) : keys.meta;
  const write = binaryIn === 'own-key' ? new WithBytes('set', [incoming], bytes, ['PX', String(INCOMING_TTL_MS)]) : null;
  // Not awaited before the script, which follows it on the connection; a failure is told after.
  if (write !== null) void redis.sendCommand(write);
  const written: Promise<unknown> | null = write === null ? null : write.promise;
  written?.catch(() => undefined);
  const stored = await redis.eval(STORE_ONCE, 6, keys.results, keys.done, keys.workers, keys.meta, incoming, keys.binaryResult(index), ...args);
  await written;
  if (stored === -2) throw new Error(`the binary part of the result of combination ${String(index)} did not reach Redis before the result (the connection was lost in between?); the job is tried again`);
  return outcomeOf(stored);
}

function binaryInIssue(binaryIn: unknown): ConfigIssue | null {
  if (binaryIn === undefined || binaryIn === 'own-key' || binaryIn === 'sweep-hash') return null;
  return { path: 'options.binaryIn', message: `must be 'own-key' or 'sweep-hash', or left out; got ${describeGiven(binaryIn)}` };
}

function outcomeOf(stored: unknown): StoreOutcome {
  return stored === 1 ? 'stored' : stored === -1 ? 'no-sweep' : 'taken';
}

/**
 * Command `name` with the text arguments `before`, then `bytes`, then `after`, whose bytes go to
 * the socket as they are. ioredis copies a command with a `Buffer` argument, text and bytes, into
 * one new buffer before writing it: for a result's period returns (800 kB for 100,000 bars) that
 * is as much memory again outside the heap on every job, which V8 answers with garbage
 * collections of the whole worker process's heap — they cost the worker more than the rest of
 * storing the result. Here the command's head is text and the bytes follow in the same write (the
 * socket corked until ioredis has written the trailer). The socket is the one ioredis hands
 * `toWritable`, as its own script commands use it; any other stream gets ioredis's own encoding.
 */
class WithBytes extends Command {
  private readonly before: readonly string[];
  private readonly bytes: Buffer;
  private readonly after: readonly string[];

  constructor(name: string, before: readonly string[], bytes: Buffer, after: readonly string[]) {
    super(name, [...before, bytes, ...after]);
    this.before = before;
    this.bytes = bytes;
    this.after = after;
  }

  override toWritable(socket: object): string | Buffer {
    if (!(socket instanceof Writable)) return super.toWritable(socket);
    const bulk = (arg: string): string => `$${String(Buffer.byteLength(arg))}\r\n${arg}\r\n`;
    let head = `*${String(this.before.length + this.after.length + 2)}\r\n${bulk(this.name)}`;
    for (const arg of this.before) head += bulk(arg);
    head += `$${String(this.bytes.length)}\r\n`;
    socket.cork();
    socket.write(head);
    socket.write(this.bytes);
    process.nextTick(() => {
      socket.uncork();
    });
    return `\r\n${this.after.map(bulk).join('')}`;
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
  // A sweep resumed from one stored by an earlier version may hold binary parts in its hash.
  const [texts, binaries, inHash] = await Promise.all([redis.hmget(keys.results, ...fields), redis.mgetBuffer(...indexes.map((index) => keys.binaryResult(index))), redis.hmgetBuffer(keys.binaryResults, ...fields)]);
  return texts.map((json, k) => (json === null ? null : { json, binary: binaries[k] ?? inHash[k] ?? null }));
}

/** A result stored as JSON only. */
export function jsonResult(result: unknown): StoredResult {
  // From JavaScript the arguments can be anything: undefined was stored as a result without JSON.
  checkArguments('jsonResult', [jsonValueIssue(result, 'result', 'a result')]);
  return { json: JSON.stringify(result), binary: null };
}
