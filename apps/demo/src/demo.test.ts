import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './demo';
import { createCapturedIo } from '@ensemble/cli';

interface PointJson {
  readonly time: string;
  readonly equity: number;
  readonly reserve?: number;
}

interface RunJson {
  readonly version: number;
  readonly kind: string;
  readonly bars: number;
  readonly portfolio: { readonly equity: readonly PointJson[] };
  readonly sleeves: readonly { readonly id: string; readonly equity: readonly PointJson[] }[];
}

describe('the demo', () => {
  let out: string;
  let stdout: string;
  let stderr: string;
  let code: number;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ensemble-demo-'));
    const io = createCapturedIo({ cwd: out });
    code = await main(['node', 'demo', '--out', join(out, 'reports')], io);
    stdout = io.out();
    stderr = io.err();
  }, 120_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('runs both orchestrated showcases quietly and lists the reports it wrote', () => {
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Run: Four sample strategies as sleeves on the S&P 500');
    expect(stdout).toContain('Run: Four strategies across the 30 Dow Jones stocks');
    expect(stdout).toMatch(/period\s+2000-01-03 → 2020-04-17 · 5,105 bars/);
    expect(stdout).toMatch(/period\s+1990-12-31 → 2001-01-02 · 2,529 bars/);
    expect(stdout).toMatch(/metric\s+portfolio\s+buy-and-hold\s+trend\s+dip-buyer\s+breakout/);
    expect(stdout).toMatch(/metric\s+portfolio\s+equal-weight\s+low-vol\s+momentum\s+breakout/);
    for (const file of ['report.html', 'report.json', 'report.md', 'dow30.html', 'dow30.json', 'dow30.md']) {
      expect(stdout).toContain(join('reports', file));
      expect(existsSync(join(out, 'reports', file)), file).toBe(true);
    }
    expect(stdout).toContain(`Open ${join('reports', 'report.html')} in a browser`);
  });

  it.each(['report', 'dow30'])('%s.json: a versioned result whose portfolio is the sum of its sleeves at every bar', async (name) => {
    const result = JSON.parse(await readFile(join(out, 'reports', `${name}.json`), 'utf8')) as RunJson;
    expect(result).toMatchObject({ version: 1, kind: 'orchestrator' });
    expect(result.portfolio.equity).toHaveLength(result.bars);
    expect(result.sleeves).toHaveLength(4);
    result.portfolio.equity.forEach((point, t) => {
      const sum = result.sleeves.reduce((total, sleeve) => total + (sleeve.equity[t]?.equity ?? Number.NaN), point.reserve ?? 0);
      expect(Math.abs(sum - point.equity)).toBeLessThanOrEqual(1e-9 * Math.abs(point.equity));
    });
  });

  it('writes a Markdown report with metrics tables and inline SVG charts, and a self-contained HTML file', async () => {
    const markdown = await readFile(join(out, 'reports', 'report.md'), 'utf8');
    expect(markdown).toContain('# Four strategies, one S&P 500 portfolio');
    expect(markdown).toMatch(/\| Total return \|/);
    expect(markdown).toContain('<svg');
    const html = await readFile(join(out, 'reports', 'report.html'), 'utf8');
    expect(html).toContain('<title>Four strategies, one S&amp;P 500 portfolio');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
  });

  it('refuses --out given twice, as the ensemble CLI refuses a one-value flag given twice, and writes nothing', async () => {
    const io = createCapturedIo({ cwd: out });
    expect(await main(['node', 'demo', '--out', join(out, 'one'), '--out', join(out, 'two')], io)).toBe(2);
    expect(io.err()).toContain(`error: --out was given 2 times ("${join(out, 'one')}", "${join(out, 'two')}"); give it once`);
    expect(existsSync(join(out, 'one')) || existsSync(join(out, 'two'))).toBe(false);
  });

  it('is deterministic: a second run writes the same JSON', async () => {
    const again = await mkdtemp(join(tmpdir(), 'ensemble-demo-again-'));
    try {
      expect(await main(['node', 'demo', '--out', again], createCapturedIo({ cwd: again }))).toBe(0);
      expect(await readFile(join(again, 'dow30.json'), 'utf8')).toBe(await readFile(join(out, 'reports', 'dow30.json'), 'utf8'));
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  }, 120_000);
});
