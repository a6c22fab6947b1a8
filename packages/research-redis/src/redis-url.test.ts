import { ConfigError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRedisUrl, reconnectDelay, redactRedisUrl, redactSecrets, toRedisOptions } from './redis-url';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseRedisUrl', () => {
  it('reads host, port, user, password, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380')).toEqual({
      host: '127.0.0.1', port: 6380, username: undefined, password: undefined, db: 0, tls: false, redacted: 'redis://127.0.0.1:6380',
    });
    expect(parseRedisUrl('rediss://alice:p%40ss%3Aw@cache.example.org/3')).toEqual({
      host: 'cache.example.org', port: 6379, username: 'alice', password: 'p@ss:w', db: 3, tls: true, redacted: 'rediss://alice:***@cache.example.org/3',
    });
    expect(parseRedisUrl('redis://:secret@[::1]:7000/')).toMatchObject({ host: '::1', port: 7000, username: undefined, password: 'secret', db: 0 });
  });

  it('gives ioredis the TLS server name and the credentials', () => {
    expect(toRedisOptions(parseRedisUrl('rediss://bob:pw@h.example:6390/2'))).toMatchObject({
      host: 'h.example', port: 6390, db: 2, username: 'bob', password: 'pw', tls: { servername: 'h.example' },
    });
    expect(toRedisOptions(parseRedisUrl('redis://h:1'))).not.toHaveProperty('tls');
  });

  it.each([
    ['http://:hunter2@host:1', 'unsupported scheme'],
    ['redis://:hunter2@host:1?db=2', 'query strings'],
    ['redis://:hunter2@host:1/x', 'database number'],
    ['redis://:hunter2@host:1/99999999999', 'database number'],
    ['not a url :hunter2@', 'not a URL'],
  ])('%s is a ConfigError naming the source, without the password', (url, words) => {
    const error = configErrorOf(() => parseRedisUrl(url, '--queue'));
    expect(error.message).toContain(words);
    expect(error.message).toContain('--queue');
    expect(error.message).not.toContain('hunter2');
  });

  it('round-trips any password and never shows it in the redacted URL', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('', 'user'), (password, user) => {
        const url = `redis://${user}:${encodeURIComponent(password)}@db.internal:6379/1`;
        const settings = parseRedisUrl(url);
        expect(settings.password).toBe(password);
        expect(settings.redacted).toBe(`redis://${user}:***@db.internal:6379/1`);
        // (a password made of the mask's or the brackets' characters cannot be told apart from them)
        if (!/[<>*]/.test(password)) expect(redactSecrets(`<${password}>`, settings)).toBe('<***>');
      }),
      { numRuns: 200 },
    );
  });
});

describe('redactRedisUrl', () => {
  it('masks the password, or the whole user info when it has no colon, even in strings that are no URL', () => {
    expect(redactRedisUrl('redis://u:p@h:1/0')).toBe('redis://u:***@h:1/0');
    expect(redactRedisUrl('redis://onlysecret@h:1')).toBe('redis://***@h:1');
    expect(redactRedisUrl('redis://u:p@ss@h:1')).toBe('redis://u:***@h:1');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
    expect(redactRedisUrl('garbage:secret@h')).toBe('***@h');
  });
});

describe('reconnectDelay', () => {
  it('doubles from 100 ms and stops at 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(reconnectDelay)).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  });
});
