import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { z } from 'zod';

/**
 * Parses a strategy's parameters with its schema (`undefined` means "all defaults"), throwing a
 * {@link ConfigError} that lists every issue at `params.<field>`; an unknown key is reported at
 * its own path with the names the strategy accepts.
 */
export function parseStrategyParams<TSchema extends z.ZodType>(
  strategyName: string,
  schema: TSchema,
  input: unknown,
): z.output<TSchema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const accepted = known.length === 0 ? 'no parameters' : `only ${known.join(', ')}`;
  const issues: ConfigIssue[] = [];
  for (const issue of result.error.issues) {
    const path = ['params', ...issue.path.map((part) => String(part))].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: `${path}.${key}`, message: `unknown parameter "${key}": ${strategyName} takes ${accepted}` });
      }
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  throw new ConfigError(issues, { source: `the parameters of strategy "${strategyName}"` });
}
