import { parseStrategyParams as parseParams } from '@ensemble/protocol';
import type { z } from 'zod';

/**
 * Parses a strategy's parameters with its schema (`undefined` means "all defaults") through
 * protocol's `parseStrategyParams`: a `ConfigError` lists every issue at `params.<field>`.
 */
export function parseStrategyParams<TSchema extends z.ZodType>(strategyName: string, schema: TSchema, input: unknown): z.output<TSchema> {
  return parseParams({ name: strategyName, schema }, input);
}
