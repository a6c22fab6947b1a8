import { ConfigError, quoteValue } from '@ensemble/protocol';
import { parseNumber } from './flags';

/**
 * A duration flag (`--job-timeout`, `--queue-timeout`) as ms: a number with `ms`, `s` (the default
 * unit), `m` or `h`, e.g. `30s`, `2m`, `500ms`. `omitted`: what leaving the flag out gives, for the
 * advice of a refusal.
 */
export function parseDuration(text: string, flag: string, omitted = 'no limit'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = match === null ? Number.NaN : Number(match[1]) * scale[(match[2] ?? 's') as keyof typeof scale];
  if (ms === 0) throw new ConfigError([{ path: flag, message: `${quoteValue(text)} is no time at all: a duration must be more than 0 (e.g. 30s, 2m or 500ms); leave ${flag} out for ${omitted}` }]);
  if (!(ms > 0)) throw new ConfigError([{ path: flag, message: `${quoteValue(text)} is not a duration; use e.g. 30s, 2m or 500ms` }]);
  if (ms > MAX_TIMER_MS) throw new ConfigError([{ path: flag, message: `${quoteValue(text)} is longer than a timer can wait (${String(MAX_TIMER_MS)} ms, about 24 days); leave ${flag} out for ${omitted}` }]);
  return ms;
}

/** The longest delay Node's timers take (2³¹ − 1 ms); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** More worker threads than this is a typo, not a machine: each thread holds its own copy of the modules and data. */
export const MAX_WORKERS = 256;

/** `--workers` as a whole number from 1 to {@link MAX_WORKERS}. */
export function parseWorkers(text: string): number {
  // Any way of writing a number (1e3 is a thousand), then a whole one from 1 on.
  const written = parseNumber(text);
  const workers = written !== null && Number.isInteger(written) ? written : Number.NaN;
  if (!(workers >= 1)) throw new ConfigError([{ path: '--workers', message: `${quoteValue(text)} is not a number of worker threads; use a whole number ≥ 1` }]);
  if (workers > MAX_WORKERS) throw new ConfigError([{ path: '--workers', message: `${quoteValue(text)} worker threads is more than ${String(MAX_WORKERS)}; each thread loads its own modules and data: use about one per core` }]);
  return workers;
}
