import { describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

async function run(args: string[], env: Record<string, string> = {}) {
  const io = createCapturedIo({ env });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const NAMES = ['buy-and-hold', 'sma-crossover', 'rsi-mean-reversion', 'donchian-breakout', 'equal-weight', 'inverse-volatility'];

interface Listing {
  name: string;
  kind: string;
  description: string;
  parameters: { name: string; type: string; default?: unknown; minimum: number | null; maximum: number | null; bounds: string | null; description: string }[];
}

describe('ensemble strategies', () => {
  it('lists every strategy with its kind, description and parameter table', async () => {
    const { code, out, err } = await run(['strategies']);
    expect(err).toBe('');
    expect(code).toBe(0);
    for (const name of NAMES) expect(out).toMatch(new RegExp(`^${name}  \\((signal|portfolio)\\)$`, 'm'));
    expect(out).toMatch(/^equal-weight {2}\(portfolio\)$/m);
    expect(out).toMatch(/^sma-crossover {2}\(signal\)\n {2}Momentum: long when the fast SMA/m);
    expect(out).toMatch(/^ {2}parameter\s+type\s+default\s+bounds\s+description$/m);
    expect(out).toMatch(/^ {2}fast\s+integer\s+10\s+>= 1 and <= 10000\s+Fast SMA window of closes, in bars; must be less than slow$/m);
    expect(out).toMatch(/^ {2}allowShort\s+boolean\s+false\s+—\s+Trade both sides, stop and reverse/m);
    expect(out).toMatch(/^ {2}lookback\s+integer\s+60\s+>= 2 and <= 10000/m);
    expect(out).toMatch(/buy-and-hold {2}\(signal\)\n.*\n {2}parameters: none/);
    expect(out).toContain('6 strategies. Run one: ensemble backtest');
    expect(out).not.toContain('\u001b[');
  });

  it('NAME shows one strategy', async () => {
    const { code, out } = await run(['strategies', 'sma-crossover']);
    expect(code).toBe(0);
    expect(out.startsWith('sma-crossover  (signal)\n')).toBe(true);
    expect(out).toMatch(/^ {2}slow\s+integer\s+30\s+>= 1 and <= 10000\s+Slow SMA window/m);
    expect(out).not.toContain('rsi-mean-reversion');
    expect(out).toContain('Run it: ensemble backtest --dataset sp500 --strategy sma-crossover');
    expect((await run(['strategies', 'equal-weight'])).out).toContain('--dataset dow30 --strategy equal-weight');
  });

  it('--json prints every strategy with its parameters; NAME --json one object', async () => {
    const all = await run(['strategies', '--json']);
    expect(all.code).toBe(0);
    const listings = JSON.parse(all.out) as Listing[];
    expect(listings.map((listing) => [listing.name, listing.kind])).toEqual(NAMES.map((name) => [name, name.endsWith('weight') || name.endsWith('volatility') ? 'portfolio' : 'signal']));
    const one = await run(['strategies', 'sma-crossover', '--json']);
    const sma = JSON.parse(one.out) as Listing;
    expect(sma.name).toBe('sma-crossover');
    expect(sma.parameters.map((parameter) => [parameter.name, parameter.type, parameter.default, parameter.minimum, parameter.maximum])).toEqual([
      ['fast', 'integer', 10, 1, 10000],
      ['slow', 'integer', 30, 1, 10000],
      ['allowShort', 'boolean', false, null, null],
    ]);
    expect(listings[1]).toEqual(sma);
  });

  it('an unknown name exits 2 listing the available strategies', async () => {
    const { code, out, err } = await run(['strategies', 'magic']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`error: Unknown strategy "magic". Available: ${NAMES.join(', ')}. Run \`ensemble strategies\` to list them with their parameters.\n`);
  });

  it('colours the names on request', async () => {
    expect((await run(['strategies', 'buy-and-hold'], { FORCE_COLOR: '1' })).out).toContain('\u001b[1mbuy-and-hold\u001b[22m');
  });
});
