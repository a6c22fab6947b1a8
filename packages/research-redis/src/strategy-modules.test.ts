import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../test/helpers';
import { StrategyModuleError, localStrategyModule } from './strategy-modules';

const directory = mkdtempSync(join(tmpdir(), 'ensemble-strategies-'));
writeFileSync(join(directory, 'mine.mjs'), 'abc');
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const OTHER = '0'.repeat(64);

async function failure(promise: Promise<unknown>): Promise<StrategyModuleError> {
  const error = await rejectionOf(promise);
  if (StrategyModuleError.isInstance(error)) return error;
  throw error;
}

describe('localStrategyModule', () => {
  it('maps the planner\'s path to the file of the same name under the strategies directory when the hash matches', async () => {
    expect(await localStrategyModule({ path: '/elsewhere/strategies/mine.mjs', sha256: ABC }, directory)).toEqual({ path: join(directory, 'mine.mjs'), sha256: ABC });
  });

  it('names the expected file and hash: without a strategies directory, missing, changed, or no file name', async () => {
    const none = await failure(localStrategyModule({ path: '/x/mine.mjs', sha256: ABC }, undefined));
    expect(none.message).toContain('"mine.mjs" with SHA-256 ba7816bf');
    expect(none.message).toContain('--strategies-dir');
    const missing = await failure(localStrategyModule({ path: '/x/absent.mjs', sha256: ABC }, directory));
    expect(missing.message).toContain('"absent.mjs" with SHA-256 ba7816bf');
    expect(missing.file).toBe('absent.mjs');
    const changed = await failure(localStrategyModule({ path: '/x/mine.mjs', sha256: OTHER }, directory));
    expect(changed.message).toContain(`has SHA-256 ${ABC}`);
    expect(changed.sha256).toBe(OTHER);
    const parent = await failure(localStrategyModule({ path: '/x/..', sha256: ABC }, directory));
    expect(parent.code).toBe('STRATEGY_NOT_FOUND');
  });
});
