import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../src/testing/redis-server';

/** What `promise` rejects with; throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
export async function withDirectory<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), 'ensemble-test-'));
  try {
    return await body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A redis-server on loopback and a client of it, started before a test file's tests and stopped after them. */
export interface FileRedis {
  readonly server: TestRedisServer;
  readonly redis: Redis;
}

/** Starts a {@link FileRedis} for the calling test file (its fields are set once the file's tests run). */
export function redisForFile(): FileRedis {
  const state = {} as { server: TestRedisServer; redis: Redis };
  beforeAll(async () => {
    state.server = await startRedisServer();
    state.redis = new Redis(state.server.url);
  });
  afterAll(async () => {
    state.redis.disconnect();
    await state.server.close();
  });
  return state;
}
