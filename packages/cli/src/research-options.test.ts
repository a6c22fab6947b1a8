import { readFileSync } from 'node:fs';
import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseWorkers } from './research-options';

function issueOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('research command options', () => {
  it('reads durations in ms, s (the default), m and h', () => {
    expect(parseDuration('500ms', '--job-timeout')).toBe(500);
    expect(parseDuration('30', '--job-timeout')).toBe(30_000);
    expect(parseDuration('1.5s', '--queue-timeout')).toBe(1_500);
    expect(parseDuration('2m', '--job-timeout')).toBe(120_000);
    expect(parseDuration('1h', '--job-timeout')).toBe(3_600_000);
    expect(issueOf(() => parseDuration('0s', '--job-timeout'))).toBe('--job-timeout: "0s" is no time at all: a duration must be more than 0 (e.g. 30s, 2m or 500ms); leave --job-timeout out for no limit');
    // --queue-timeout has a default, not no limit.
    expect(issueOf(() => parseDuration('0', '--queue-timeout', 'the default, 10 s'))).toBe('--queue-timeout: "0" is no time at all: a duration must be more than 0 (e.g. 30s, 2m or 500ms); leave --queue-timeout out for the default, 10 s');
    expect(issueOf(() => parseDuration('0', '--queue-timeout'))).toMatch(/^--queue-timeout: "0" is no time at all/);
    expect(issueOf(() => parseDuration('-5s', '--job-timeout'))).toBe('--job-timeout: "-5s" is not a duration; use e.g. 30s, 2m or 500ms');
    expect(issueOf(() => parseDuration('soon', '--queue-timeout'))).toMatch(/^--queue-timeout: "soon" is not a duration/);
  });

  it('reads --workers as a whole number ≥ 1', () => {
    expect(parseWorkers('3')).toBe(3);
    expect(issueOf(() => parseWorkers('0'))).toBe('--workers: "0" is not a number of worker threads; use a whole number ≥ 1');
    expect(issueOf(() => parseWorkers('1.5'))).toMatch(/^--workers: "1.5"/);
    // A number however written: 1e3 is a thousand threads, too many, not "not a number".
    expect(parseWorkers('2e0')).toBe(2);
    expect(issueOf(() => parseWorkers('1e3'))).toBe('--workers: "1e3" worker threads is more than 256; each thread loads its own modules and data: use about one per core');
    expect(issueOf(() => parseWorkers(' '))).toMatch(/^--workers: " " is not a number of worker threads/);
    expect(issueOf(() => parseWorkers('0x10'))).toMatch(/^--workers: "0x10" is not a number of worker threads/);
  });

  it('is where both command modules take them from: the queue module does not import the research module (which imports it)', () => {
    const source = (file: string): string => readFileSync(new URL(file, import.meta.url), 'utf8');
    expect(source('./commands/research.ts')).toMatch(/from '\.\/queue'/);
    expect(source('./commands/queue.ts')).not.toMatch(/from '\.\/research'/);
  });
});
