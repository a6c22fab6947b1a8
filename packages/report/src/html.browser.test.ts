import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrice, formatQuantity } from '@ensemble/protocol';
import { buildRandomWalkRun } from './__fixtures__/random-walk-run';
import { buildSmallRun } from './__fixtures__/small-run';
import { runWipedOut } from './__fixtures__/wiped-out-run';
import { backtestReportInput } from './from-backtest';
import { orchestratorReportInput } from './from-orchestrator';
import type { ReportInput } from './report-input';
import { writeReport } from './report-generator';
import { buildResearchRun } from './__fixtures__/research-run';
import { renderResearchHtml } from './research/research-html';
import { writeFile } from 'node:fs/promises';

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

if (!available) {
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    it('has Chromium for the browser test (CI never skips it)', () => {
      throw new Error(`Chromium was not found at ${CHROMIUM}. CI must install it first (apt-get install -y chromium), or set ENSEMBLE_CHROMIUM to its path.`);
    });
  } else {
    console.warn(
      `\n⚠ Skipping the HTML report browser test: Chromium was not found at ${CHROMIUM}.\n  Install it (apt-get install -y chromium) or set ENSEMBLE_CHROMIUM to run it; CI always runs it.\n`,
    );
  }
}

/**
 * `input` with `count` sleeves (its own repeated under new ids, one of them 64 characters long)
 * and a title, benchmark name and symbol that no space breaks: the layouts that cut or spilled text.
 */
function crowded(input: ReportInput, count: number): ReportInput {
  const base = input.sleeves;
  const ids = Array.from({ length: count }, (_, i) => (i === 5 ? 'a-remarkably-long-sleeve-identifier-for-the-momentum-strategy-v02' : `sleeve-${String(i).padStart(2, '0')}`));
  const sleeves = ids.map((id, i) => {
    const source = base[i % base.length];
    if (source === undefined) throw new Error('no sleeve to repeat');
    return { ...source, id, trades: [], fills: [] };
  });
  const matrix = input.correlation?.matrix ?? [];
  const unbroken = 'X'.repeat(64);
  return {
    ...input,
    title: `Backtest on ${unbroken}`,
    sleeves,
    portfolio: { ...input.portfolio, trades: input.portfolio.trades.map((trade, i) => ({ ...trade, strategyId: ids[i % count] ?? '', symbol: unbroken })), fills: [] },
    ...(input.benchmark === undefined ? {} : { benchmark: { ...input.benchmark, name: `${unbroken} buy and hold` } }),
    correlation: { ids, matrix: ids.map((_, i) => ids.map((__, j) => matrix[i % base.length]?.[j % base.length] ?? null)) },
    attribution: undefined,
    rebalances: [],
    conflicts: [],
    risk: [],
  };
}

/** What the checks read of an element in the page (the package is typed without the DOM library). */
interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  getBoundingClientRect(): { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number; readonly width: number; readonly height: number };
}

/** Elements matching `selector` whose text is cut (an ellipsis) or spills out of their own box. */
async function cutText(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements: PageElement[]) =>
    elements.filter((element) => element.scrollWidth > element.clientWidth + 1).map((element) => `${element.tagName} ${element.textContent ?? ''}`),
  );
}

/** Filter boxes whose placeholder is wider than the box (cut off where the user reads what to type). */
async function cutPlaceholders(page: Page): Promise<string[]> {
  const script = `Array.from(document.querySelectorAll('input[type="search"]')).filter((input) => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width > room;
  }).map((input) => input.placeholder)`;
  return page.evaluate<string[]>(script);
}

/** Pairs of value labels of a chart's heatmap cells (or, with `axis`, of its x axis's labels) that overlap on screen. */
async function overlappingLabels(page: Page, chart: string, axis = false): Promise<string[]> {
  const labels = axis ? 'g[aria-label^="X-axis"] g.role-axis-label text' : 'g.mark-text.role-mark text';
  return page.locator(`[data-chart="${chart}"] svg ${labels}`).evaluateAll((elements: PageElement[]) => {
    const boxes = elements
      .map((element) => ({ text: element.textContent ?? '', box: element.getBoundingClientRect() }))
      .filter((label) => label.box.width > 0 && label.box.height > 0);
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]?.box;
        const b = boxes[j]?.box;
        if (a === undefined || b === undefined) continue;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(`${boxes[i]?.text ?? ''} × ${boxes[j]?.text ?? ''}`);
      }
    }
    return overlaps;
  });
}

interface OpenedReport {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly consoleWarnings: string[];
  readonly requests: string[];
  readonly url: string;
}

describe.runIf(available)('HTML report in Chromium', () => {
  let browser: Browser;
  let directory: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    directory = await mkdtemp(join(tmpdir(), 'ensemble-report-browser-'));
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function open(input: ReportInput, name: string, options: { maxTableRows?: number } = {}, width = 1366): Promise<OpenedReport> {
    const path = join(directory, `${name}.html`);
    await writeReport({ html: path }, input, options);
    return openFile(path, width);
  }

  async function openFile(path: string, width = 1366): Promise<OpenedReport> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const consoleErrors: string[] = [];
    const consoleWarnings: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
      if (message.type() === 'warning') consoleWarnings.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(path).href;
    // Generous: a page of charts renders in about a second here, but CI may share its cores.
    page.setDefaultTimeout(120_000);
    await page.goto(url);
    await page.waitForSelector('body[data-charts-ready="true"]');
    return { page, consoleErrors, consoleWarnings, requests, url };
  }

  async function chartSizes(page: Page): Promise<{ id: string | null; rendered: string | null; width: number; height: number; marks: number }[]> {
    const elements = page.locator('[data-chart]');
    const sizes = [];
    for (let i = 0; i < (await elements.count()); i++) {
      const element = elements.nth(i);
      const graphic = element.locator('svg, canvas').first();
      const box = await graphic.boundingBox();
      sizes.push({
        id: await element.getAttribute('data-chart'),
        rendered: await element.getAttribute('data-rendered'),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: await graphic.locator('path, rect, line, text').count(),
      });
    }
    return sizes;
  }

  it('renders an orchestrated report offline: every chart drawn, no error, no request, working controls', async () => {
    const input = buildRandomWalkRun({ bars: 2500, sleeves: 3 });
    const report = await open(input, 'report', { maxTableRows: 100 });
    const { page } = report;

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });

    const charts = await chartSizes(page);
    expect(charts.map((chart) => chart.id)).toEqual([
      'equity',
      'drawdown',
      'monthly-returns',
      'rolling-sharpe',
      'sleeve-equity',
      'weights',
      'contribution',
      'correlation',
      'attribution',
    ]);
    for (const chart of charts) {
      const id = chart.id ?? '';
      expect(chart.rendered, id).toBe('true');
      expect(chart.width, id).toBeGreaterThan(100);
      expect(chart.height, id).toBeGreaterThan(50);
      expect(chart.marks, id).toBeGreaterThan(5);
    }

    // Log scale: vega labels its axes for screen readers with the scale type.
    const equityAxis = async () => /Y-axis titled 'Equity' for a (\w+) scale/.exec(await page.locator('[data-chart="equity"] svg').innerHTML())?.[1] ?? null;
    expect(await equityAxis()).toBe('linear');
    await page.click('#log-scale');
    await page.waitForSelector('[data-chart="equity"][data-scale="log"][data-rendered="true"]');
    expect(await equityAxis()).toBe('log');
    // Its domain fits the lines drawn (plus a few pixels), not the powers of ten around them.
    const embedded = JSON.parse((await page.locator('#report-data').textContent()) ?? '{}') as { charts: { equity: { data: { values: { v: number }[] } } } };
    const drawn = embedded.charts.equity.data.values.map((row) => row.v).filter((value) => value > 0);
    const domain = /Y-axis titled 'Equity' for a log scale with values from ([\d,.]+) to ([\d,.]+)/.exec(await page.locator('[data-chart="equity"] svg').innerHTML());
    const [low, high] = [Number(domain?.[1]?.replace(/,/g, '')), Number(domain?.[2]?.replace(/,/g, ''))];
    expect(low).toBeLessThanOrEqual(Math.min(...drawn));
    expect(low).toBeGreaterThan(Math.min(...drawn) * 0.9);
    expect(high).toBeGreaterThanOrEqual(Math.max(...drawn));
    expect(high).toBeLessThan(Math.max(...drawn) * 1.1);
    await page.click('#log-scale');
    await page.waitForSelector('[data-chart="equity"][data-scale="linear"][data-rendered="true"]');
    expect(await equityAxis()).toBe('linear');

    // On a desktop the trades table fits its panel: long headers wrap rather than push "Exit reason" out of sight.
    const tradesWrap = page.locator('[data-table="trades"] .table-wrap');
    expect(await tradesWrap.evaluate((element: PageElement) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);

    // Trades: capped at 100 of 120 rows with a note; clicking P&L sorts by it, largest first, then smallest first.
    const trades = page.locator('[data-table="trades"]');
    expect(await trades.locator('tbody tr').count()).toBe(100);
    expect(await trades.locator('.note').textContent()).toBe('120 trades · showing the first 100; the JSON result holds every row');
    const pnl = trades.locator('th', { hasText: 'P&L' });
    const firstPnl = async () => Number((await trades.locator('tbody tr:first-child td:nth-child(9)').textContent())?.replace(/,/g, ''));
    const sortedPnl = input.portfolio.trades.map((trade) => trade.pnl).sort((a, b) => a - b);
    await pnl.click();
    expect(await pnl.getAttribute('aria-sort')).toBe('descending');
    expect(await firstPnl()).toBeCloseTo(sortedPnl[sortedPnl.length - 1] ?? Number.NaN, 2);
    await pnl.click();
    expect(await pnl.getAttribute('aria-sort')).toBe('ascending');
    expect(await firstPnl()).toBeCloseTo(sortedPnl[0] ?? Number.NaN, 2);

    // Conflicts: the filter box keeps the rows that mention the text.
    const conflicts = page.locator('[data-table="conflicts"]');
    const iwm = input.conflicts.filter((conflict) => conflict.symbol === 'IWM').length;
    expect(iwm).toBeGreaterThan(0);
    await conflicts.locator('input[type="search"]').fill('iwm');
    expect(await conflicts.locator('tbody tr').count()).toBe(iwm);
    expect(await conflicts.locator('.note').textContent()).toBe(`${iwm} of ${input.conflicts.length} conflicts match`);
    for (const symbol of await conflicts.locator('tbody tr td:nth-child(2)').allTextContents()) expect(symbol).toBe('IWM');
    // Every word typed must appear in a row, in any order.
    const iwmPriority = input.conflicts.filter((conflict) => conflict.symbol === 'IWM' && conflict.policy === 'priority').length;
    expect(iwmPriority).toBeGreaterThan(0);
    expect(iwmPriority).toBeLessThan(iwm);
    await conflicts.locator('input[type="search"]').fill('priority  iwm');
    expect(await conflicts.locator('tbody tr').count()).toBe(iwmPriority);
    await conflicts.locator('input[type="search"]').fill('');
    expect(await conflicts.locator('tbody tr').count()).toBe(input.conflicts.length);
    const rebalances = page.locator('[data-table="rebalances"]');
    await rebalances.locator('input[type="search"]').fill('2013-');
    expect(await rebalances.locator('tbody tr').count()).toBe(12);

    await rebalances.locator('input[type="search"]').fill('');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await writeReport({ html: join(ARTIFACTS, 'report.html') }, input);

    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    expect(report.requests).toEqual([report.url]);
    await page.close();
  }, 300_000);

  it('keeps every figure and name readable with 22 sleeves and unbroken names, on a desktop and a phone', async () => {
    const input = crowded(buildRandomWalkRun({ bars: 600, sleeves: 4 }), 22);
    for (const width of [1440, 390]) {
      const report = await open(input, `crowded-${String(width)}`, {}, width);
      const { page } = report;
      // The metrics table scrolls sideways rather than cutting its figures to "6…".
      expect(await page.locator('table.metrics td').count()).toBeGreaterThan(23 * 20);
      expect(await cutText(page, 'table.metrics td'), `metrics at ${String(width)} px`).toEqual([]);
      // Unbroken names wrap inside the masthead and its cards instead of running over the next card.
      expect(await cutText(page, '.masthead h1, .masthead .facts, .card, .card .sub, figcaption'), `masthead at ${String(width)} px`).toEqual([]);
      expect(await cutPlaceholders(page), `filter boxes at ${String(width)} px`).toEqual([]);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), `page at ${String(width)} px`).toBeLessThanOrEqual(width);
      // Heatmap cells too narrow for their value print none, rather than a pile of overlapping labels.
      expect(await overlappingLabels(page, 'monthly-returns'), `monthly returns at ${String(width)} px`).toEqual([]);
      expect(await overlappingLabels(page, 'correlation'), `correlation at ${String(width)} px`).toEqual([]);
      // And so do the month names above the columns and the sleeve ids under the matrix.
      expect(await overlappingLabels(page, 'monthly-returns', true), `month names at ${String(width)} px`).toEqual([]);
      expect(await overlappingLabels(page, 'correlation', true), `sleeve ids at ${String(width)} px`).toEqual([]);
      // Past twelve sleeves the matrix is the ten largest', its caption gives the range of every pair's.
      expect(await page.locator('[data-chart="correlation"] svg g[aria-label^="X-axis"] g.role-axis-label text').count()).toBe(10);
      expect(await page.locator('[data-chart="correlation"] + figcaption').textContent()).toMatch(/^Pearson correlation of sleeve returns\. 22 sleeves: the 10 with the largest average weight are drawn \(every sleeve is in the Sleeves table\)\. Across all 231 pairs with a correlation: from -?\d\.\d\d to -?\d\.\d\d, median -?\d\.\d\d\.$/);
      expect(await page.locator('[data-chart="monthly-returns"] svg g[aria-label^="X-axis"] g.role-axis-label text').count()).toBe(13);
      expect(report.consoleErrors).toEqual([]);
      expect(report.consoleWarnings).toEqual([]);
      await page.close();
    }
    // A desktop's monthly returns and a few sleeves' correlations keep their printed values.
    const report = await open(buildRandomWalkRun({ bars: 600, sleeves: 4 }), 'four-sleeves', {}, 1440);
    // The sleeves table's eleven columns fit the panel on a desktop: its headers wrap instead.
    expect(await report.page.locator('#sleeves .table-wrap').first().evaluate((element: PageElement) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    expect(await report.page.locator('[data-chart="monthly-returns"] svg g.mark-text.role-mark text').evaluateAll((labels: PageElement[]) => labels.filter((label) => label.getBoundingClientRect().width > 0).length)).toBeGreaterThan(24);
    expect(await report.page.locator('[data-chart="correlation"] svg g.mark-text.role-mark text').evaluateAll((labels: PageElement[]) => labels.filter((label) => label.getBoundingClientRect().width > 0).length)).toBe(16);
    // Printed on A4 (no sideways scrolling on paper), the five columns of metrics fit the page.
    await report.page.emulateMedia({ media: 'print' });
    await report.page.setViewportSize({ width: 703, height: 900 });
    expect(await report.page.locator('#metrics .table-wrap').evaluate((element: PageElement) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    await report.page.close();
  }, 300_000);

  it('renders a run whose portfolio was worth nothing: its undefined weights as dashes, every chart drawn, no error', async () => {
    const { result } = runWipedOut({ schedule: { everyBars: 2 } });
    const given = orchestratorReportInput(result, { title: 'Wiped out' });
    // The run's rebalances while it was worth nothing were skipped; one with no weights (as shared
    // mode records it for shadows worth nothing) is added to see the table's dashes.
    const first = given.rebalances[0];
    if (first === undefined) throw new Error('no start allocation');
    const unweighted = { ...first, time: Date.UTC(2021, 0, 6), reason: 'every 2 bars', weightsBefore: { a: null, b: null }, weightsAfter: { a: null, b: null } };
    const report = await open({ ...given, rebalances: [first, unweighted] }, 'wiped-out');
    const charts = await chartSizes(report.page);
    expect(charts.map((chart) => chart.id)).toContain('weights');
    for (const chart of charts) expect(chart.rendered, chart.id ?? '').toBe('true');
    const rebalances = report.page.locator('[data-table="rebalances"] tbody tr');
    expect(await rebalances.count()).toBe(2);
    // Time, reason, traded, weights before, weights after: the second rebalance has none.
    expect((await rebalances.nth(1).locator('td').allTextContents()).slice(2)).toEqual(['—', 'a — · b —', 'a — · b —']);
    expect(await report.page.locator('body').innerText()).not.toMatch(/NaN|Infinity/);
    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    await report.page.close();
  }, 300_000);

  it('renders a single-strategy report with the sleeve sections left out', async () => {
    const input = buildSmallRun();
    const report = await open(
      { ...input, sleeves: [], attribution: undefined, correlation: undefined, diversificationRatio: undefined, crossing: undefined, conflicts: [], rebalances: [] },
      'single',
    );
    const charts = await chartSizes(report.page);
    expect(charts.map((chart) => chart.id)).toEqual(['equity', 'drawdown', 'monthly-returns']);
    for (const chart of charts) {
      expect(chart.rendered, chart.id ?? '').toBe('true');
      expect(chart.marks, chart.id ?? '').toBeGreaterThan(5);
    }
    expect(await report.page.locator('#sleeves').count()).toBe(0);
    expect(await report.page.locator('[data-table="trades"] tbody tr').count()).toBe(2);
    expect(report.consoleErrors).toEqual([]);
    expect(report.requests).toEqual([report.url]);
    await report.page.close();
  }, 300_000);

  it('writes the trades table\'s prices and quantities as the Markdown and the terminal do: a fraction of a cent is not 0.0000', async () => {
    const input = buildSmallRun();
    const prices: [number, number, number][] = [
      [7_963_918_716.11919, 0.00001234, 0.000012987],
      [2_916, 3_429_247_574.52, 4_694_854_062.6],
      [0.000311, 0.5, 0.0449],
    ];
    const trades = input.portfolio.trades.slice(0, 1).flatMap((trade) =>
      prices.map(([quantity, entryPrice, exitPrice], i) => ({ ...trade, quantity, entryPrice, exitPrice, entryTime: trade.entryTime + i, exitTime: trade.exitTime + i })),
    );
    const report = await open({ ...input, portfolio: { ...input.portfolio, trades } }, 'prices');
    const rows = report.page.locator('[data-table="trades"] tbody tr');
    expect(await rows.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      const trade = trades[i];
      if (trade === undefined) throw new Error('no trade');
      // Quantity, average entry price and exit price: columns 4, 6 and 8.
      expect([cells[3], cells[5], cells[7]]).toEqual([formatQuantity(trade.quantity), formatPrice(trade.entryPrice), formatPrice(trade.exitPrice)]);
    }
    expect(await rows.nth(0).locator('td').nth(5).textContent()).toBe('0.00001234');
    expect(report.consoleErrors).toEqual([]);
    await report.page.close();
  }, 300_000);

  it('draws a run of one bar as a point in the equity and underwater charts, not as an empty frame', async () => {
    const time = [Date.UTC(2020, 0, 2)];
    const input = backtestReportInput(
      { strategy: { id: 'hold' }, symbols: ['ONE'], equity: { time, equity: [100_000], cash: [100_000] }, trades: [], fills: [] },
      { benchmark: { symbol: 'ONE', length: 1, time: Float64Array.from(time), close: Float64Array.of(100) } },
    );
    const report = await open(input, 'one-bar');
    for (const chart of ['equity', 'drawdown']) {
      const points = report.page.locator(`[data-chart="${chart}"] svg g.mark-symbol.role-mark path`);
      expect(await points.count(), chart).toBeGreaterThan(0);
      const box = await points.first().boundingBox();
      expect(box?.width ?? 0, chart).toBeGreaterThan(2);
    }
    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    await report.page.close();
  }, 300_000);

  it('renders the research report offline: heatmaps, distribution, walk-forward, sortable trials', async () => {
    const input = buildResearchRun({ walkForward: true });
    const path = join(directory, 'research.html');
    await writeFile(path, renderResearchHtml(input));
    const report = await openFile(path);
    const { page } = report;
    const charts = await chartSizes(page);
    expect(charts.map((chart) => chart.id)).toEqual(['distribution', 'logits', 'heatmap-0', 'heatmap-1', 'heatmap-2', 'walk-forward-equity', 'in-out']);
    for (const chart of charts) {
      const id = chart.id ?? '';
      expect(chart.rendered, id).toBe('true');
      expect(chart.width, id).toBeGreaterThan(100);
      expect(chart.height, id).toBeGreaterThan(50);
      expect(chart.marks, id).toBeGreaterThan(5);
    }
    // Each drawing is named by its title and caption (vega named every one "Vega visualization").
    const labels = await page.locator('[data-chart][role="graphics-document"]').evaluateAll((elements: PageElement[]) => elements.map((element) => (element as unknown as { getAttribute(name: string): string | null }).getAttribute('aria-label')));
    expect(labels).toHaveLength(charts.length);
    expect(labels[0]).toMatch(/^Distribution of sharpe\. sharpe across \d+ trials/);
    expect(labels.filter((label) => label === null || label.startsWith('Vega'))).toEqual([]);
    // Trials: ranked best first; sorting by the objective ascending puts the worst finished trial first.
    const trials = page.locator('[data-table="trials"]');
    expect(await trials.locator('tbody tr').count()).toBe(input.trials.length);
    const objectives = input.trials.flatMap((trial) => (trial.objective === null ? [] : [trial.objective])).sort((a, b) => a - b);
    const firstObjective = async () => Number(await trials.locator('tbody tr:first-child td:nth-child(6)').textContent());
    expect(await firstObjective()).toBeCloseTo(objectives[objectives.length - 1] ?? Number.NaN, 3);
    const header = trials.locator('th', { hasText: 'objective' });
    await header.click();
    await header.click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(await firstObjective()).toBeCloseTo(objectives[0] ?? Number.NaN, 3);
    await trials.locator('input[type="search"]').fill('failed');
    expect(await trials.locator('tbody tr').count()).toBe(1);
    await trials.locator('input[type="search"]').fill('');
    expect(await page.locator('[data-table="windows"] tbody tr').count()).toBe(3);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'research-report.png'), fullPage: true });

    // On a phone the readings keep whole words and the values whole figures.
    const narrow = await openFile(path, 390);
    expect(await cutText(narrow.page, 'table.metrics td')).toEqual([]);
    // Each reading sits under its statistic, inside the page's width (it was a column scrolled off it).
    const readings = await narrow.page.locator('table.readings td.wrap-text').evaluateAll((cells: PageElement[]) => cells.map((cell) => cell.getBoundingClientRect().right));
    expect(readings.length).toBeGreaterThan(0);
    for (const right of readings) expect(right).toBeLessThanOrEqual(390);
    expect(await cutPlaceholders(page)).toEqual([]);
    expect(await cutPlaceholders(narrow.page)).toEqual([]);
    expect(narrow.consoleErrors).toEqual([]);
    await narrow.page.close();
    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    expect(report.requests).toEqual([report.url]);
    await page.close();
  }, 300_000);

  // Regression: trials and windows whose objective was unboundedly good (+∞) were left out of the charts.
  it('draws unbounded objectives in the research charts: a heatmap cell, the distribution edge, the scatter edges', async () => {
    const run = buildResearchRun({ walkForward: true });
    const walk = run.walkForward;
    if (walk === undefined) throw new Error('no walk-forward');
    const best = run.trials.find((trial) => trial.rank === 1);
    const input = {
      ...run,
      objective: { metric: 'calmar', direction: 'maximize' as const },
      trials: run.trials.map((trial) => (trial === best ? { ...trial, objective: null, unbounded: true } : trial)),
      walkForward: { ...walk, windows: walk.windows.map((window, k) => (k === 0 ? { ...window, inSample: null, inSampleUnbounded: true } : k === 1 ? { ...window, outOfSample: null, outOfSampleUnbounded: true } : window)) },
    };
    const path = join(directory, 'research-unbounded.html');
    await writeFile(path, renderResearchHtml(input));
    const report = await openFile(path);
    const { page } = report;
    const charts = await chartSizes(page);
    expect(charts.map((chart) => chart.id)).toEqual(['distribution', 'logits', 'heatmap-0', 'heatmap-1', 'heatmap-2', 'walk-forward-equity', 'in-out']);
    for (const chart of charts) expect(chart.rendered, chart.id ?? '').toBe('true');
    // The three heatmaps each print ∞ in the best trial's cell; the distribution counts it at its edge.
    for (const id of ['heatmap-0', 'heatmap-1', 'heatmap-2']) expect(await page.locator(`[data-chart="${id}"] svg text`, { hasText: /^∞$/ }).count(), id).toBe(1);
    expect(await page.locator('[data-chart="distribution"] svg text', { hasText: '∞ × 1' }).count()).toBe(1);
    // The scatter's edge triangles: window 0 at the right edge, window 1 at the top, inside the plot.
    const scatter = page.locator('[data-chart="in-out"] svg');
    const box = await scatter.boundingBox();
    expect(box).not.toBeNull();
    expect(await page.locator('[data-chart="in-out"] svg path[aria-roledescription="point"]').count()).toBe(2);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'research-report-unbounded.png'), fullPage: true });
    expect(report.consoleErrors).toEqual([]);
    expect(report.consoleWarnings).toEqual([]);
    await page.close();
  }, 300_000);
});
