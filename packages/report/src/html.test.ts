import { describe, expect, it } from 'vitest';
import { buildRandomWalkRun } from './__fixtures__/random-walk-run';
import { buildSmallRun } from './__fixtures__/small-run';
import { escapeHtml } from './html/page';
import { renderHtml } from './html/tearsheet';
import { renderMarkdown } from './markdown';
import { backtestReportInput } from './from-backtest';
import type { ReportInput } from './report-input';

function embeddedData(html: string): { charts: Record<string, unknown>; tables: Record<string, { rows: unknown[][] }>; maxTableRows: number } {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no embedded data');
  return JSON.parse(match[1]) as ReturnType<typeof embeddedData>;
}

describe('renderHtml', () => {
  it('is one self-contained file: libraries inlined, nothing loaded from elsewhere', () => {
    const html = renderHtml(buildSmallRun());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The markup outside the inlined scripts loads nothing: no src, link, image, import or font.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
    expect(markup.length).toBeLessThan(60_000);
    for (const pattern of [/<script[^>]+src=/i, /<link\b/i, /<img\b/i, /<iframe\b/i, /@import/i, /@font-face/i, /url\(/i, /https?:\/\//i]) {
      expect(markup.search(pattern), String(pattern)).toBe(-1);
    }
    expect(html.includes('sourceMappingURL')).toBe(false);
    expect((html.match(/<script>/g) ?? []).length).toBe(4);
    for (const library of ['vega 6.4.0', 'vega-lite 6.4.0', 'vega-embed 7.3.0']) expect(html.includes(`/* ${library} (BSD-3-Clause) */`), library).toBe(true);
    expect(markup.includes('@media print')).toBe(true);
  });

  it('embeds every chart spec and the interactive tables as JSON', () => {
    const data = embeddedData(renderHtml(buildSmallRun()));
    expect(Object.keys(data.charts)).toEqual(['equity', 'drawdown', 'sleeve-equity', 'weights', 'monthly-returns', 'contribution', 'attribution', 'correlation']);
    expect(Object.keys(data.tables)).toEqual(['trades', 'rebalances', 'conflicts', 'risk']);
    expect(data.tables.trades?.rows).toHaveLength(2);
    expect(data.maxTableRows).toBe(2000);
    // The rebalances' turnover column says its convention: one-way, from all cash to fully invested is 50%.
    expect(renderHtml(buildSmallRun())).toContain('<th scope="col" class="num" title="One-way turnover: half the sum of the weight changes, Σ |after − before| / 2 — from all cash to fully invested is 50%">Traded (one-way)</th>');
    const html = renderHtml(buildSmallRun());
    for (const id of Object.keys(data.charts)) expect(html.includes(`data-chart="${id}"`), id).toBe(true);
  });

  it('says why the trades table lists more trades than the Trades metric: transfer sales are left out of it', () => {
    const run = buildSmallRun();
    const [first, ...rest] = run.portfolio.trades;
    if (first === undefined) throw new Error('the fixture has no trade');
    const input = { ...run, portfolio: { ...run.portfolio, trades: [{ ...first, exitReason: 'transfer' as const }, ...rest] } };
    const html = renderHtml(input);
    expect(html).toContain(`${String(rest.length)} ${rest.length === 1 ? 'trade' : 'trades'} closed by the strategies and 1 partial sale of capital transfers`);
    expect(renderHtml(run)).not.toContain('partial sale');
    // A risk limit's sales likewise.
    const trimmed = { ...run, portfolio: { ...run.portfolio, trades: [{ ...first, exitReason: 'risk' as const }, ...rest] } };
    expect(renderHtml(trimmed)).toContain(`${String(rest.length)} ${rest.length === 1 ? 'trade' : 'trades'} closed by the strategies and 1 sale of the risk limits (exit reason <code>risk</code>: an exposure cap's trim or the drawdown stop), which the trade statistics leave out.`);
  });

  it('escapes text so that no input can close a script or inject markup', () => {
    const input: ReportInput = { ...buildSmallRun(), title: 'Evil </script><script>alert(1)</script> & co', config: { note: '</script><b>x</b>' } };
    const html = renderHtml(input);
    expect(html.includes('<title>Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>')).toBe(true);
    expect(html.includes('<script>alert(1)</script>')).toBe(false);
    expect(html.includes('<b>x</b>')).toBe(false);
    expect(embeddedData(html)).toBeDefined();
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    // Regression: a title holding U+202E rendered the rest of the heading reversed.
    expect(escapeHtml('RTL \u202eheading\u2066x\u2069 عربي')).toBe('RTL \\u202eheading\\u2066x\\u2069 عربي');
  });

  it('shows the headline numbers in the header', () => {
    const html = renderHtml(buildSmallRun());
    // Total return 10,500 / 10,000 − 1 = 5.00 %; end equity 10,500 (whole currency units from 10,000 up).
    expect(html.includes('data-card="Total return"><div class="label">Total return</div><div class="value">5.00%</div>')).toBe(true);
    expect(html.includes('data-card="End equity"><div class="label">End equity</div><div class="value">10,500</div>')).toBe(true);
    for (const label of ['CAGR', 'Sharpe', 'Max drawdown']) expect(html.includes(`data-card="${label}"`), label).toBe(true);
  });

  it('hides what has no data: a single strategy without logs has no sleeve section, tables or toggle for negative equity', () => {
    const input = buildSmallRun();
    const single: ReportInput = {
      ...input,
      benchmark: undefined,
      sleeves: [],
      attribution: undefined,
      correlation: undefined,
      diversificationRatio: undefined,
      rebalances: [],
      conflicts: [],
      risk: [],
      crossing: undefined,
      portfolio: { ...input.portfolio, trades: [], fills: [] },
    };
    const html = renderHtml(single);
    for (const id of ['sleeves', 'trades', 'rebalances', 'conflicts', 'risk']) expect(html.includes(`<section id="${id}"`), id).toBe(false);
    for (const id of ['performance', 'metrics', 'drawdowns', 'config']) expect(html.includes(`<section id="${id}"`), id).toBe(true);
    expect(Object.keys(embeddedData(html).charts)).toEqual(['equity', 'drawdown', 'monthly-returns']);
    expect(html.includes('id="log-scale"')).toBe(true);
    const negative = renderHtml({ ...single, portfolio: { ...single.portfolio, equity: { ...single.portfolio.equity, equity: single.portfolio.equity.equity.map((v, i) => (i === 3 ? -1 : v)) } } });
    expect(negative.includes('id="log-scale"')).toBe(false);
  });

  it('is deterministic and stays compact for a long run', () => {
    const input = buildRandomWalkRun({ bars: 6000, tradesPerSleeve: 20 });
    const html = renderHtml(input);
    expect(renderHtml(input) === html).toBe(true);
    // The libraries are about 0.83 MB; chart data of 6,000 bars × 3 sleeves is downsampled.
    expect(html.length).toBeLessThan(3_000_000);
  });
});

/** A backtest of one strategy holding only cash along `equity`, one bar a day. */
const source = (equity: number[]) => ({
  strategy: { id: 'x' },
  symbols: ['X'],
  equity: { time: equity.map((_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000), equity, cash: equity },
  trades: [],
  fills: [],
});

describe('the end equity card', () => {
  it('writes an End equity of a billion or more in short form on one line, the full figure below it and in its title', () => {
    const html = renderHtml(backtestReportInput(source([1e13, 1.2e13, 14_115_455_179_635])));
    const card = /<div class="card[^"]*" data-card="End equity">([\s\S]*?)<\/div><\/div>/.exec(html)?.[1] ?? '';
    // 14,115,455,179,635 / 1e12 = 14.115… → 14.12T: six characters, the card's large font.
    expect(card).toContain('<div class="value" title="14,115,455,179,635">14.12T</div>');
    expect(card).toContain('<div class="sub">14,115,455,179,635 from 10,000,000,000,000.00');
    const small = renderHtml(backtestReportInput(source([1e8, 9.9e8])));
    expect(small).toContain('<div class="label">End equity</div><div class="value">990,000,000</div>');
  });

});

describe('the note on a very large Sharpe ratio', () => {
  it('explains a Sharpe ratio from returns that barely vary, in the HTML and the Markdown, and only then', async () => {
    // Returns of 0.01 % a bar, alternately 1e-9 more and less: mean 1e-4, standard deviation
    // (ddof 1) about 1e-9 · √(n/(n−1)), so a Sharpe ratio near 1e-4 / 1e-9 · √252 ≈ 1.6 million.
    const returns = Array.from({ length: 40 }, (_, i) => 1e-4 + (i % 2 === 0 ? 1e-9 : -1e-9));
    const equity = [100];
    for (const r of returns) equity.push((equity[equity.length - 1] ?? 0) * (1 + r));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / (returns.length - 1));
    expect((mean / sd) * Math.sqrt(252)).toBeGreaterThan(1e6);
    const input = backtestReportInput(source(equity));
    expect(renderHtml(input)).toMatch(/A Sharpe ratio this large \(Portfolio 1,[0-9]{3},[0-9]{3}\.[0-9]{2}, volatility 0\.00%\) comes from returns that barely vary/);
    expect(await renderMarkdown(input, { markdownCharts: false })).toContain('A Sharpe ratio this large (Portfolio 1,');
    // A curve with ordinary noise: 100, 110, 90, 95, 111, 112 has a Sharpe ratio of a few units.
    const ordinary = backtestReportInput(source([100, 110, 90, 95, 111, 112]));
    expect(renderHtml(ordinary)).not.toContain('A Sharpe ratio this large');
    expect(await renderMarkdown(ordinary, { markdownCharts: false })).not.toContain('A Sharpe ratio this large');
    // Eight daily bars with a Sharpe ratio of 11.02 and a volatility of 16.10 %: large from a short run, not from steady returns.
    expect(renderHtml(buildSmallRun())).toContain('<td class="num">11.02</td>');
    expect(renderHtml(buildSmallRun())).not.toContain('A Sharpe ratio this large');
    // The rule: mean over standard deviation of a period at least 5. Returns of 0.1 % ± d, 40 of
    // them: standard deviation d · √(40/39), so d = 1.6e-4 gives 6.17 (a note) and 2.6e-4 gives 3.80 (none).
    const alternating = (d: number): number[] => {
      const curve = [100];
      for (let i = 0; i < 40; i++) curve.push((curve[i] ?? 0) * (1 + 1e-3 + (i % 2 === 0 ? d : -d)));
      return curve;
    };
    expect(renderHtml(backtestReportInput(source(alternating(1.6e-4))))).toContain('A Sharpe ratio this large');
    expect(renderHtml(backtestReportInput(source(alternating(2.6e-4))))).not.toContain('A Sharpe ratio this large');
  });
});

describe('the max drawdown card', () => {

  it('says "peak to recovery" only for a drawdown that recovered, and "since the peak" for one still open', () => {
    const recovered = renderHtml(backtestReportInput(source([100, 110, 90, 95, 111, 112])));
    expect(recovered).toContain('days peak to recovery');
    const open = renderHtml(backtestReportInput(source([100, 110, 90, 95, 100, 105])));
    expect(open).not.toContain('days peak to recovery');
    expect(open).toContain('4 days since the peak, not recovered');
  });

  it('says "no drawdown" for a curve that never fell below its peak, rather than "0 days since the peak, not recovered"', () => {
    for (const equity of [[100, 100, 100, 100], [100, 101], [100, 101, 102, 103]]) {
      const html = renderHtml(backtestReportInput(source(equity)));
      const card = /<div class="card[^"]*" data-card="Max drawdown">([\s\S]*?)<\/div><\/div>/.exec(html)?.[1] ?? '';
      expect(card, String(equity)).toContain('<div class="sub">no drawdown');
      expect(card, String(equity)).not.toContain('recover');
    }
  });
});

describe('the internal crossing line', () => {
  it('names the slippage saved next to the commission, when the run recorded it', () => {
    const input = buildSmallRun();
    if (input.crossing === undefined) throw new Error('the small run crosses');
    expect(renderHtml(input)).not.toContain('of slippage');
    const withSlippage = renderHtml({ ...input, crossing: { ...input.crossing, savedSlippage: 1.25 } });
    expect(withSlippage).toContain('Internal crossing of opposite orders saved <strong>4.90</strong> of commission and <strong>1.25</strong> of slippage on <strong>4,900.00</strong> of turnover');
  });

  it('says crossing saved nothing when no opposite orders met, in the HTML and the Markdown', async () => {
    const input = { ...buildSmallRun(), crossing: { savedTurnover: 0, savedCommission: 0, savedSlippage: 0 } };
    expect(renderHtml(input)).toContain('Internal crossing saved nothing: no opposite orders of two sleeves met on one symbol and bar');
    expect(renderHtml(input)).not.toContain('<strong>0.00</strong>');
    expect(await renderMarkdown(input, { markdownCharts: false })).toContain('## Internal crossing\n\nNo opposite orders of two sleeves met on one symbol and bar: crossing saved nothing.\n');
    // One sleeve has no other to cross with.
    const one = { ...input, sleeves: input.sleeves.slice(0, 1), attribution: undefined, correlation: undefined, diversificationRatio: undefined, rebalances: [], conflicts: [] };
    expect(renderHtml(one)).toContain('Internal crossing had nothing to cross: one sleeve');
    expect(await renderMarkdown(one, { markdownCharts: false })).toContain('## Internal crossing\n\nOne sleeve: crossing had nothing to cross.\n');
  });
});
