import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  DatasetCache,
  DatasetFetchError,
  QueueConnectionError,
  RedisLink,
  StrategyModuleError,
  SweepRemovedError,
  checkQueueName,
  cleanSweep,
  compatibilityDifference,
  createRedisExecutor,
  describeCompatibility,
  encodeResult,
  envelopeOf,
  indexOfJobId,
  jobFingerprint,
  jobIdOf,
  jsonResult,
  localStrategyModule,
  parseRedisUrl,
  parseStoredResult,
  queueFailedResult,
  queuedDatasets,
  readDoneIndexes,
  readResults,
  reconnectDelay,
  redactRedisUrl,
  redactSecrets,
  resolveSweepId,
  runSweepOnQueue,
  shortSweepId,
  startQueueWorker,
  startRedisWorker,
  storeDataset,
  storeResultOnce,
  sweepKeys,
  sweepRegistryKey,
  sweepStatus,
  toRedisOptions,
  workerThroughput,
} from './index';

const url = 'redis://127.0.0.1:1';
const coordinator = { url, sweepId: 'a'.repeat(64), indexOf: () => 0, parseResult: () => 0, failedResult: () => 0 };

describe('queue entry points given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'url')",
  // "url.indexOf is not a function", "reading 'prefix'", …), before any connection.
  const cases: [string, string, () => unknown, string[]][] = [
    ['parseRedisUrl', 'undefined', () => parseRedisUrl(undefined as never), ['url']],
    ['parseRedisUrl', 'a number from a flag', () => parseRedisUrl(5 as never, '--redis'), ['--redis']],
    ['redactRedisUrl', 'null', () => redactRedisUrl(null as never), ['url']],
    ['runSweepOnQueue', 'nothing', () => (runSweepOnQueue as (...args: unknown[]) => unknown)(), ['jobs', 'options', 'handlers']],
    ['runSweepOnQueue', 'options without indexOf', () => runSweepOnQueue([], { ...coordinator, indexOf: undefined } as never, { onResult: () => undefined }), ['options.indexOf']],
    ['runSweepOnQueue', 'a logger of console and a signal of a string', () => runSweepOnQueue([], { ...coordinator, logger: console } as never, { onResult: () => undefined, signal: 'x' as never }), ['options.logger', 'handlers.signal']],
    ['startQueueWorker', 'undefined', () => startQueueWorker(undefined as never), ['options']],
    ['startQueueWorker', 'a url of a number', () => startQueueWorker({ url: 5 } as never), ['options.url']],
    ['createRedisExecutor', 'undefined', () => createRedisExecutor(undefined as never), ['options']],
    ['createRedisExecutor', 'no sweep id', () => createRedisExecutor({ url } as never), ['options.sweepId']],
    ['startRedisWorker', 'null', () => startRedisWorker(null as never), ['options']],
    ['sweepStatus', 'undefined', () => sweepStatus(undefined as never), ['address']],
    ['sweepStatus', 'a sweep id of a number', () => sweepStatus({ url }, 5 as never), ['sweepId']],
    ['cleanSweep', 'a string address and no sweep id', () => cleanSweep(url as never, undefined as never), ['address', 'sweepId']],
    ['cleanSweep', 'options of a number', () => cleanSweep({ url }, 'abc', 5 as never), ['options']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('takes arguments of the right kind as before', () => {
    expect(parseRedisUrl('redis://localhost:6379/2').db).toBe(2);
    expect(redactRedisUrl('redis://user:secret@localhost:6379')).not.toContain('secret');
    expect(typeof createRedisExecutor({ url, sweepId: coordinator.sweepId }).run).toBe('function');
  });
});

describe('exported helpers and error constructors given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'sweepId')",
  // "tag.split is not a function", "reading 'length'", …), before any connection.
  const call = (f: unknown, ...args: unknown[]) => () => (f as (...given: unknown[]) => unknown)(...args);
  const keys = sweepKeys('test', 'a'.repeat(64));
  const redis = {};
  const cases: [string, string, () => unknown, string[]][] = [
    ['resolveSweepId', 'nothing', call(resolveSweepId), ['given', 'known']],
    ['shortSweepId', 'undefined', call(shortSweepId), ['sweepId']],
    ['checkQueueName', 'a number', call(checkQueueName, 5, '--prefix'), ['value']],
    ['indexOfJobId', 'no keys', call(indexOfJobId, undefined, 'x'), ['keys']],
    ['indexOfJobId', 'a job id of a number', call(indexOfJobId, keys, 5), ['jobId']],
    ['jobFingerprint', 'undefined', call(jobFingerprint), ['job']],
    ['compatibilityDifference', 'nothing', call(compatibilityDifference), ['theirs', 'ours']],
    ['describeCompatibility', 'null', call(describeCompatibility, null), ['tag']],
    ['encodeResult', 'undefined', call(encodeResult), ['result']],
    ['queueFailedResult', 'nothing', call(queueFailedResult), ['index', 'error']],
    ['queuedDatasets', 'undefined', call(queuedDatasets), ['jobs']],
    ['readDoneIndexes', 'nothing', call(readDoneIndexes), ['redis', 'keys', 'from']],
    ['readResults', 'indexes of a string', call(readResults, redis, keys, '1'), ['indexes']],
    ['storeResultOnce', 'nothing', call(storeResultOnce), ['redis', 'keys', 'index', 'result', 'workerId']],
    ['storeResultOnce', 'an unknown binaryIn', call(storeResultOnce, redis, keys, 0, { json: '{}', binary: null }, 'w', { binaryIn: 'hash' }), ['options.binaryIn']],
    ['storeDataset', 'bytes of a string', call(storeDataset, redis, keys, 'abc'), ['bytes']],
    ['localStrategyModule', 'undefined', call(localStrategyModule), ['ref']],
    ['localStrategyModule', 'a directory of a number', call(localStrategyModule, { path: './s.ts', sha256: 'a' }, 5), ['strategiesDir']],
    ['redactSecrets', 'nothing', call(redactSecrets), ['text', 'settings']],
    ['toRedisOptions', 'undefined', call(toRedisOptions), ['settings']],
    ['workerThroughput', 'nothing', call(workerThroughput), ['fields']],
    ['workerThroughput', 'active jobs of a string', call(workerThroughput, {}, 'x'), ['active']],
    ['RedisLink.open', 'undefined', () => RedisLink.open(undefined as never), ['settings']],
    ['RedisLink.open', 'options of a number', () => RedisLink.open(parseRedisUrl(url), 5 as never), ['options']],
    ['QueueConnectionError', 'no details', () => new QueueConnectionError(undefined as never), ['details']],
    ['SweepRemovedError', 'details without totals', () => new SweepRemovedError({ sweepId: 'a', shortId: 'a' } as never), ['details.delivered']],
    ['StrategyModuleError', 'nothing', () => new (StrategyModuleError as unknown as new () => unknown)(), ['message', 'details']],
    // These gave a silent wrong value (`undefined:sweeps`, `undefined-NaN`, a delay of NaN, a
    // result without JSON, an envelope every worker refuses) or failed inside as a TypeError.
    ['sweepRegistryKey', 'undefined', call(sweepRegistryKey), ['prefix']],
    ['jobIdOf', 'nothing', call(jobIdOf), ['sweepId', 'index']],
    ['jobIdOf', 'an index of a string', call(jobIdOf, 'abc', '3'), ['index']],
    ['jobIdOf', 'a negative index', call(jobIdOf, 'abc', -1), ['index']],
    ['envelopeOf', 'nothing', call(envelopeOf), ['sweepId', 'index', 'job', 'compatibility']],
    ['envelopeOf', 'a fractional index', call(envelopeOf, 'abc', 1.5, {}, ''), ['index']],
    ['jsonResult', 'undefined', call(jsonResult), ['result']],
    ['jsonResult', 'a function', call(jsonResult, () => 1), ['result']],
    ['parseStoredResult', 'nothing', call(parseStoredResult), ['stored', 'index']],
    ['parseStoredResult', 'a binary part of a string', call(parseStoredResult, { json: '{}', binary: 'x' }, 0), ['stored.binary']],
    ['parseStoredResult', 'a stored result without binary', call(parseStoredResult, { json: '{}' }, 0), ['stored.binary']],
    ['reconnectDelay', 'undefined', call(reconnectDelay), ['attempt']],
    ['reconnectDelay', 'NaN', call(reconnectDelay, Number.NaN), ['attempt']],
    ['DatasetCache', 'no directory', () => new (DatasetCache as unknown as new () => unknown)(), ['directory']],
    ['DatasetCache.file', 'nothing', () => (new DatasetCache('/tmp').file as (...args: unknown[]) => Promise<string>)(), ['redis', 'keys', 'sha256', 'name']],
    ['DatasetFetchError', 'an unknown kind and no details', () => new (DatasetFetchError as unknown as new (kind: string) => unknown)('lost'), ['kind', 'details']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, run, paths) => {
    expect(await configIssuesOf(run)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('gives what it gave before for arguments of the right kind', () => {
    expect(shortSweepId('abcdef0123456789')).toBe('abcdef012345');
    expect(indexOfJobId(keys, `${keys.sweepId}-7`)).toBe(7);
    expect(indexOfJobId(keys, undefined)).toBeNull();
    expect(describeCompatibility('')).toBe('no compatibility tag');
    // A queue is generic over its jobs: any value JSON writes has a fingerprint.
    expect(jobFingerprint('job')).toBe(jobFingerprint('job'));
    expect(jobFingerprint(5)).not.toBe(jobFingerprint('5'));
    expect(compatibilityDifference('a, b', 'a')).toEqual({ theirs: 'b', ours: 'no compatibility tag' });
    expect(redactSecrets('pass secret', { password: 'secret' })).not.toContain('secret');
    expect(toRedisOptions(parseRedisUrl(url))).toMatchObject({ host: '127.0.0.1', port: 1 });
    expect(queueFailedResult(3, { code: 'RUN_FAILED', message: 'm' })).toMatchObject({ index: 3, status: 'failed', error: { code: 'RUN_FAILED', message: 'm' } });
    expect(queuedDatasets([])).toEqual([]);
    expect(sweepRegistryKey('ensemble')).toBe('ensemble:sweeps');
    expect(jobIdOf('abc', 7)).toBe('abc-7');
    expect(envelopeOf('abc', 0, { a: 1 }, '')).toEqual({ format: 'ensemble-research-job', version: 3, sweepId: 'abc', index: 0, job: { a: 1 }, compatibility: '' });
    expect(jsonResult({ a: 1 })).toEqual({ json: '{"a":1}', binary: null });
    expect(jsonResult(null)).toEqual({ json: 'null', binary: null });
    expect([reconnectDelay(1), reconnectDelay(2), reconnectDelay(100)]).toEqual([100, 200, 2_000]);
    expect(parseStoredResult({ json: '{"index":2,"status":"ok","metrics":null,"periodReturns":[]}', binary: null }, 2)).toMatchObject({ index: 2, status: 'ok' });
    expect(() => parseStoredResult({ json: '{}', binary: null }, 0)).toThrow('The result of combination 0 in Redis is not a research job result');
    expect(workerThroughput({})).toEqual([]);
    expect(new DatasetFetchError('missing', { sha256: 'f'.repeat(64), sweepId: 's' }).code).toBe('DATA_NOT_FOUND');
    expect(new StrategyModuleError('m', { file: './s.ts', sha256: 'a' }).message).toBe('m');
    expect(new SweepRemovedError({ sweepId: 'a', shortId: 'a', delivered: 1, total: 2 }).sweepId).toBe('a');
    expect(new QueueConnectionError({ url, phase: 'connect', waitedMs: 5, reason: 'refused' }).url).toBe(url);
  });
});
