import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './demo';
import { createCapturedIo } from '@ensemble/cli';

/** Debian's Chromium, as CI installs it (`apt-get install chromium`); ENSEMBLE_CHROMIUM overrides the path. */
const CHROMIUM = process.env.ENSEMBLE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

if (!available) {
  if (inCi) {
    it('has Chromium for the demo browser test (CI never skips it)', () => {
      throw new Error(`Chromium was not found at ${CHROMIUM}. CI must install it first (apt-get install -y chromium), or set ENSEMBLE_CHROMIUM.`);
    });
  } else {
    console.warn(`\n⚠ Skipping the demo report browser test: Chromium was not found at ${CHROMIUM} (apt-get install -y chromium). CI always runs it.\n`);
  }
}

describe.runIf(available)('the demo reports in Chromium', () => {
  let browser: Browser;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ensemble-demo-browser-'));
    const io = createCapturedIo({ cwd: out });
    const code = await main(['node', 'demo', '--out', out], io);
    expect(code, io.err()).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser.close();
    await rm(out, { recursive: true, force: true });
  });

  it.each(['report', 'dow30'])('%s.html: every chart rendered, no console error, no request but the file itself', async (name) => {
    const path = join(out, `${name}.html`);
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(path).href;
    // Generous: a page of charts renders in about a second here, but CI may share its cores.
    page.setDefaultTimeout(120_000);
    await page.goto(url);
    await page.waitForSelector('body[data-charts-ready="true"]');

    const charts = page.locator('[data-chart]');
    const count = await charts.count();
    // Portfolio equity, drawdown, monthly returns, rolling Sharpe, and the sleeve charts.
    expect(count).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < count; i++) {
      const chart = charts.nth(i);
      const id = (await chart.getAttribute('data-chart')) ?? `chart ${i}`;
      expect(await chart.getAttribute('data-rendered'), id).toBe('true');
      const graphic = chart.locator('svg, canvas').first();
      const box = await graphic.boundingBox();
      expect(box?.width ?? 0, id).toBeGreaterThan(100);
      expect(box?.height ?? 0, id).toBeGreaterThan(50);
      expect(await graphic.locator('path, rect, line, text').count(), id).toBeGreaterThan(5);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);

    const html = await readFile(path, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `demo-${name}-top.png`) });
    await page.screenshot({ path: join(ARTIFACTS, `demo-${name}.png`), fullPage: true });
    await page.close();
  }, 240_000);
});
