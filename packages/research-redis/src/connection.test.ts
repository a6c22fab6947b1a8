import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../test/helpers';
import { RedisLink } from './connection';
import { QueueConnectionError } from './errors';
import { parseRedisUrl } from './redis-url';
import { freePort, startRedisServer } from './testing/redis-server';

describe('RedisLink', () => {
  it('fails with a QueueConnectionError (connect) when nobody listens on the port, password redacted', async () => {
    const port = await freePort();
    const error = await rejectionOf(RedisLink.open(parseRedisUrl(`redis://ops:hunter2@127.0.0.1:${port}/0`), { connectTimeoutMs: 800 }));
    expect(QueueConnectionError.isInstance(error)).toBe(true);
    const connectionError = error as QueueConnectionError;
    expect(connectionError.phase).toBe('connect');
    expect(connectionError.code).toBe('RUN_FAILED');
    expect(connectionError.url).toBe(`redis://ops:***@127.0.0.1:${port}/0`);
    expect(connectionError.message).toContain(`Cannot reach Redis at redis://ops:***@127.0.0.1:${port}/0`);
    expect(connectionError.message).toContain('ECONNREFUSED');
    expect(connectionError.message).not.toContain('hunter2');
  });

  it('a wrong password fails without repeating it', async () => {
    const server = await startRedisServer({ password: 'right-one' });
    try {
      const started = Date.now();
      const error = await rejectionOf(RedisLink.open(parseRedisUrl(`redis://:wrong-one@127.0.0.1:${server.port}`), { connectTimeoutMs: 30_000 }));
      // Refused at once: a password does not get right by waiting out the connect timeout.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(QueueConnectionError.isInstance(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toMatch(/WRONGPASS|invalid password|NOAUTH/i);
      // Reached, and refused: said so, without a wait in seconds or advice about stored results.
      expect(message).toMatch(new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${String(server.port)} refused the credentials: WRONGPASS [^.]*\\. Check the user name and the password\\.$`));
      expect(message).not.toContain('wrong-one');
      expect(message).not.toContain('right-one');
    } finally {
      await server.close();
    }
  });

  it('a port where another service answers fails at once, saying it is not Redis (not "Please report this", nor a later error hiding it)', async () => {
    const http = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    const port = await new Promise<number>((resolve) => {
      http.listen(0, '127.0.0.1', () => {
        resolve((http.address() as { port: number }).port);
      });
    });
    try {
      const started = Date.now();
      const error = await rejectionOf(RedisLink.open(parseRedisUrl(`redis://:pw-9@127.0.0.1:${String(port)}`), { connectTimeoutMs: 30_000 }));
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(QueueConnectionError.isInstance(error) && error.phase).toBe('connect');
      expect((error as Error).message).toBe(`The server at redis://:***@127.0.0.1:${String(port)} does not answer as Redis does (Protocol error, got "H" as reply type byte): check the host and the port.`);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('reports a lost connection once it lasts longer than allowed, and reconnects when Redis is back', async () => {
    const server = await startRedisServer({ password: 'pw-123' });
    const link = await RedisLink.open(parseRedisUrl(server.url), { lostTimeoutMs: 300 });
    try {
      expect(await link.redis.ping()).toBe('PONG');
      await server.stop();
      let lost: unknown = null;
      for (let i = 0; i < 200 && lost === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        try {
          link.assertAlive();
        } catch (error) {
          lost = error;
        }
      }
      expect(QueueConnectionError.isInstance(lost) && lost.phase).toBe('lost');
      expect((lost as Error).message).toMatch(/^Lost the connection to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ for more than [\d.]+ s: .*[^.]\. Check that redis-server runs there, .*; results already stored in Redis are kept: running the sweep again under the same id \(for ensemble, the same command\) goes on from them\.$/);
      expect((lost as Error).message).not.toContain('pw-123');
      await server.restart();
      for (let i = 0; i < 200 && !link.ready; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(link.ready).toBe(true);
      expect(() => {
        link.assertAlive();
      }).not.toThrow();
      expect(await link.redis.ping()).toBe('PONG');
    } finally {
      await link.close();
      await server.close();
    }
  });
});
