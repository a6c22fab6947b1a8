import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** A module-resolution hook that makes importing any test runner fail. */
const refuseRunners = `export async function resolve(specifier, context, next) {
  if (/^(vitest|@vitest\\/|jest|@jest\\/|mocha|node:test)(\\/|$)/.test(specifier)) throw new Error('TEST RUNNER IMPORTED: ' + specifier);
  return next(specifier, context);
}`;
const registerHook = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(refuseRunners)}`)});`;

/** Imports `entry` in a fresh node process where no test runner can be imported; returns its output. */
function importWithoutRunner(entry: string): string {
  const script = `const kit = await import(${JSON.stringify(entry)}); console.log(Object.keys(kit).sort().join(','));`;
  try {
    return execFileSync(
      process.execPath,
      ['--conditions=@ensemble/source', '--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(registerHook)}`, '--input-type=module', '-e', script],
      { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return `FAILED: ${typeof stderr === 'string' ? stderr : String(error)}`;
  }
}

describe('@ensemble/protocol/testing without a test runner', () => {
  it('imports and exposes the test kit when importing vitest (or any runner) would fail', () => {
    expect(importWithoutRunner('@ensemble/protocol/testing').trim()).toBe('checkLookahead,checkStrategyContract,configIssuesOf,runContractCheck,strategyContractChecks,violationPlace');
  });

  it('the vitest entry, by contrast, does need vitest (so the hook really refuses runners)', () => {
    expect(importWithoutRunner('@ensemble/protocol/testing/vitest')).toContain('TEST RUNNER IMPORTED: vitest');
  });
});
