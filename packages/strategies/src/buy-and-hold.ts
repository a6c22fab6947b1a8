import type { EntrySignal, Strategy, StrategyContext } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { ENTER_LONG } from './internal/constants';
import { parseStrategyParams } from './internal/params';

/** Parameters of {@link BuyAndHoldStrategy}: none (unknown keys are rejected). */
export const BuyAndHoldSchema = z.strictObject({}).describe('Buy and hold takes no parameters');

/** Input accepted by {@link BuyAndHoldStrategy}: an empty object. */
export type BuyAndHoldConfig = z.input<typeof BuyAndHoldSchema>;

/**
 * Buy and hold: enters long on the first bar it is asked about (warm-up 1) and never exits.
 * The usual benchmark for every other strategy.
 */
export class BuyAndHoldStrategy implements Strategy {
  readonly kind = 'signal';
  /** Bars needed before the first decision: 1, the first bar itself. */
  readonly warmup = 1;
  /** The parsed parameters (none). */
  readonly params: z.output<typeof BuyAndHoldSchema>;

  constructor(
    config: BuyAndHoldConfig = {},
    readonly id = 'buy-and-hold',
  ) {
    this.params = parseStrategyParams('buy-and-hold', BuyAndHoldSchema, config);
  }

  /** Always enters long. */
  shouldEnter(_context: StrategyContext): EntrySignal {
    return ENTER_LONG;
  }

  /** Never exits. */
  shouldExit(): boolean {
    return false;
  }
}

/** Registry entry of {@link BuyAndHoldStrategy}: what `ensemble strategies` lists and run configs name. */
export const buyAndHoldDefinition = defineStrategy({
  name: 'buy-and-hold',
  kind: 'signal',
  description: 'Enter long on the first bar and never exit: the benchmark.',
  params: BuyAndHoldSchema,
  create: (params, id) => new BuyAndHoldStrategy(params, id),
});
