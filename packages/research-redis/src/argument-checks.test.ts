import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import { cleanSweep, createRedisExecutor, parseRedisUrl, redactRedisUrl, runSweepOnQueue, startQueueWorker, startRedisWorker, sweepStatus } from './index';

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
