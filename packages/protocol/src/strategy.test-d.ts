import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import type { StrategyDefinition } from './definition';
import type { Logger } from './logger';
import type { AnyStrategy, PortfolioStrategy, Strategy, StrategyContext } from './strategy';
import { isPortfolioStrategy } from './strategy';

test('isPortfolioStrategy narrows the union', () => {
  const strategy = {} as AnyStrategy;
  if (isPortfolioStrategy(strategy)) expectTypeOf(strategy).toEqualTypeOf<PortfolioStrategy>();
  else expectTypeOf(strategy).toEqualTypeOf<Strategy>();
});

test('a definition types its parameters from its schema', () => {
  const schema = z.object({ fast: z.number().default(10) });
  const definition: StrategyDefinition<typeof schema> = {
    name: 'x',
    kind: 'signal',
    description: 'x',
    schema,
    create: (params, id) => {
      expectTypeOf(params).toEqualTypeOf<{ fast: number }>();
      return { id, warmup: params.fast, shouldEnter: () => null, shouldExit: () => false };
    },
  };
  expectTypeOf(definition.schema.parse({})).toEqualTypeOf<{ fast: number }>();
});

test('the context cannot be written to and exposes no future', () => {
  expectTypeOf<StrategyContext>().not.toHaveProperty('series');
  expectTypeOf<StrategyContext>().not.toHaveProperty('moveTo');
  expectTypeOf<StrategyContext['index']>().toEqualTypeOf<number>();
});

test('a pino-shaped logger fits Logger', () => {
  interface PinoLike {
    debug(obj: unknown, msg?: string, ...args: unknown[]): void;
    debug(msg: string, ...args: unknown[]): void;
    info(obj: unknown, msg?: string, ...args: unknown[]): void;
    info(msg: string, ...args: unknown[]): void;
    warn(obj: unknown, msg?: string, ...args: unknown[]): void;
    warn(msg: string, ...args: unknown[]): void;
    error(obj: unknown, msg?: string, ...args: unknown[]): void;
    error(msg: string, ...args: unknown[]): void;
    child(bindings: Record<string, unknown>): PinoLike;
  }
  expectTypeOf<PinoLike>().toExtend<Logger>();
});
