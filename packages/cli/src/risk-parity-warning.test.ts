import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

// Regression: risk parity over a window of fewer returns than sleeves has no answer; the run used
// the solver's last iterate (risk contributions of −8 and 6) with a warning only at --log-level warn.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-risk-parity-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Ten weekdays from 2024-01-01. A and B zig-zag against each other, so over any two bars a long-only
// mix of them has no variance; C climbs.
const days = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12'];
writeFileSync(path.join(scratch, 'wide.csv'), ['date,A,B,C', ...days.map((day, i) => `${day},${i % 2 === 0 ? 100 : 101},${i % 2 === 0 ? 100 : 99},${String(100 + 2 * i + (i % 3))}`)].join('\n') + '\n');

async function run(lookback: number) {
  const config = {
    data: { file: 'wide.csv' },
    fill: 'close',
    fractional: true,
    allocation: { scheme: 'risk-parity', lookback },
    rebalance: { schedule: { everyBars: 3 } },
    strategies: ['A', 'B', 'C'].map((symbol) => ({ id: symbol.toLowerCase(), strategy: 'buy-and-hold', symbols: [symbol] })),
  };
  writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config));
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', 'run', '--config', 'run.json', '--no-progress'], io);
  return { code, out: io.out() };
}

describe('ensemble run, risk parity without an answer', () => {
  it('says where the solve did not converge and that inverse-volatility weights were used', async () => {
    const { code, out } = await run(2);
    expect(code).toBe(0);
    // Rebalances on bars 0 (the start, equal weights), 3, 6 and 9: the last three solve over two returns.
    expect(out).toContain('warning: risk parity did not converge at 3 of 4 rebalances (the first on 2024-01-04)');
    expect(out).toMatch(/2024-01-04 +every 3 bars \(risk parity did not converge: inverse volatility\)/);
  });
});
