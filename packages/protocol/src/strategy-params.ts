import type { z } from 'zod';
import type { StrategyDefinition } from './definition';
import { explainIssue, tightestBoundIssues } from './config-issues';
import { quoteValue } from './echo';
import { closestMatch } from './suggest';
import type { ConfigIssue } from './errors';
import { ConfigError } from './errors';
import type { AnyStrategy } from './strategy';

/** The definition's parameter names, when its schema is a zod object. */
function parameterNames(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: unknown }).shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : [];
}

/**
 * Every issue of `params` (`undefined` = all defaults) against a strategy definition's schema,
 * each at `<path>.<field>` and saying what was written (`expected a number, got the string "20"`,
 * `must be at least 1, got -3`); an unknown key is reported at its own path with the names the
 * strategy accepts (and the closest of them, when one is close). Empty when the parameters are valid.
 */
export function strategyParamIssues(
  definition: Pick<StrategyDefinition, 'name' | 'schema'>,
  params: unknown,
  path = 'params',
): ConfigIssue[] {
  const result = definition.schema.safeParse(params ?? {});
  if (result.success) return [];
  const known = parameterNames(definition.schema);
  const accepted = known.length === 0 ? 'no parameters' : `only ${known.join(', ')}`;
  const issues: ConfigIssue[] = [];
  for (const issue of tightestBoundIssues(result.error.issues)) {
    const at = [path, ...issue.path.map((part) => String(part))].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const match = closestMatch(key, known);
        const hint = match === undefined ? ':' : ` — did you mean ${quoteValue(match)}?`;
        issues.push({ path: `${at}.${key}`, message: `unknown parameter ${quoteValue(key)}${hint} ${definition.name} takes ${accepted}` });
      }
    } else {
      issues.push({ path: at, message: explainIssue(issue, { input: params ?? {}, schema: definition.schema }) });
    }
  }
  return issues;
}

/**
 * Parses a strategy's parameters with its definition's schema (`undefined` = all defaults),
 * throwing a {@link ConfigError} that lists every issue at `params.<field>`.
 */
export function parseStrategyParams<TSchema extends z.ZodType>(
  definition: Pick<StrategyDefinition<TSchema>, 'name' | 'schema'>,
  params: unknown,
): z.output<TSchema> {
  const result = definition.schema.safeParse(params ?? {});
  if (result.success) return result.data;
  throw new ConfigError(strategyParamIssues(definition, params), { source: `the parameters of strategy ${quoteValue(definition.name)}` });
}

/**
 * An instance of a definition (built-in or from `defineStrategy`) from raw parameters:
 * parsed and defaulted by its schema (a {@link ConfigError} by `params.<field>` when invalid),
 * then created with `id` (default: the definition's name).
 */
export function buildStrategy(definition: StrategyDefinition, params?: unknown, id: string = definition.name): AnyStrategy {
  return definition.create(parseStrategyParams(definition, params), id);
}
