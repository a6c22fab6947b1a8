import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findRedisServer, startRedisServer } from './redis-server';

function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error');
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('latin1').trim());
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('startRedisServer', () => {
  it('starts a server that answers PING, stops it, restarts it on the same port empty', async () => {
    const server = await startRedisServer();
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(await ping(server.port)).toBe('+PONG');
      await server.stop();
      expect(server.running).toBe(false);
      expect(await ping(server.port)).toBe('ECONNREFUSED');
      await server.restart();
      expect(server.running).toBe(true);
      expect(await ping(server.port)).toBe('+PONG');
    } finally {
      await server.close();
    }
    expect(await ping(server.port)).toBe('ECONNREFUSED');
  });

  it('with a password, asks for it', async () => {
    const server = await startRedisServer({ password: 's3cr/et' });
    try {
      expect(server.url).toBe(`redis://:s3cr%2Fet@127.0.0.1:${server.port}`);
      expect(await ping(server.port)).toMatch(/^-NOAUTH/);
    } finally {
      await server.close();
    }
  });

  it('leaves no redis-server behind when the process that started it is killed with SIGKILL', async () => {
    const script = fileURLToPath(new URL('../../test/start-redis-and-wait.ts', import.meta.url));
    // The killed process cannot remove the server's directory: it goes under one this test removes.
    const scratch = mkdtempSync(join(tmpdir(), 'ensemble-redis-killed-'));
    onTestFinished(() => {
      rmSync(scratch, { recursive: true, force: true });
    });
    const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: scratch } });
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /port (\d+)/.exec(text);
        if (match !== null) resolve(Number(match[1]));
      });
      child.once('exit', () => {
        reject(new Error(`the child exited before printing its port: ${text}`));
      });
    });
    expect(await ping(port)).toBe('+PONG');
    child.kill('SIGKILL');
    expect(await waitUntil(async () => (await ping(port)) === 'ECONNREFUSED', 20_000)).toBe(true);
  });

  it('fails (never skips) naming the package to install when redis-server is missing', async () => {
    await expect(startRedisServer({ searchDirectories: ['/nonexistent'] })).rejects.toThrow(
      'redis-server not found: install it with apt-get install -y redis-server',
    );
    expect(findRedisServer(['/nonexistent'])).toBeNull();
    expect(findRedisServer()).toMatch(/redis-server$/);
  });
});
