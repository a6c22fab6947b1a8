import { ConfigError, quoteValue } from '@ensemble/protocol';

/** A duration flag (`--job-timeout`, `--queue-timeout`) as ms: a number with `ms`, `s` (the default unit), `m` or `h`, e.g. `30s`, `2m`, `500ms`. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = match === null ? Number.NaN : Number(match[1]) * scale[(match[2] ?? 's') as keyof typeof scale];
  if (!(ms > 0)) throw new ConfigError([{ path: flag, message: `${quoteValue(text)} is not a duration; use e.g. 30s, 2m or 500ms` }]);
  return ms;
}

/** `--workers` as a whole number ≥ 1. */
export function parseWorkers(text: string): number {
  const workers = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(workers >= 1)) throw new ConfigError([{ path: '--workers', message: `${quoteValue(text)} is not a number of worker threads; use a whole number ≥ 1` }]);
  return workers;
}
