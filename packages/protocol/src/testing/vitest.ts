import { describe, expect, it } from 'vitest';
import type { StrategyContractOptions } from './contract';
import { strategyContractChecks } from './contract';

/**
 * Registers a vitest suite every strategy must pass: one test per check of
 * `strategyContractChecks` (id and warm-up, enough data, determinism, decisions that match the
 * protocol's schemas, no mutation of the input, no look-ahead). Needs vitest; without a test
 * runner use `checkStrategyContract` from `@ensemble/protocol/testing`.
 */
export function testStrategyContract(options: StrategyContractOptions): void {
  const checks = strategyContractChecks(options);
  describe(`strategy contract: ${options.name ?? options.create().id}`, () => {
    for (const check of checks) {
      it(check.title, () => {
        expect(check.run(), check.title).toBeNull();
      });
    }
  });
}
