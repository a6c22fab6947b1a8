import { loadDataset } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { SmaCrossoverStrategy } from '@ensemble/strategies';
import { describe, expect, it } from 'vitest';
import { backtestReportInput } from './from-backtest';
import { buildSmallRun } from './__fixtures__/small-run';
import { renderMarkdown } from './markdown';
import type { ReportInput } from './report-input';

/** Checks that every tag in `svg` is closed in order (a small well-formedness check). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (name === undefined) continue;
    if (closing === '/') expect(stack.pop()).toBe(name);
    else if (selfClosing !== '/') stack.push(name);
  }
  expect(stack).toEqual([]);
}

function bare(input: ReportInput): ReportInput {
  return {
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
  };
}

describe('renderMarkdown', () => {
  it('writes the whole small report (snapshot, charts off)', async () => {
    expect(await renderMarkdown(buildSmallRun(), { markdownCharts: false })).toMatchSnapshot();
  });

  it('holds the metrics table with portfolio and sleeve columns, formatted by unit', async () => {
    const markdown = await renderMarkdown(buildSmallRun(), { markdownCharts: false });
    expect(markdown).toContain('| Metric | Portfolio | momentum | carry |');
    // Total return: 10,500 / 10,000 − 1 = 5.00 %; momentum 5,400 / 5,000 − 1 = 8.00 %; carry 2.00 %.
    expect(markdown).toContain('| Total return | 5.00% | 8.00% | 2.00% |');
    expect(markdown).toContain('| End equity | 10,500.00 | 5,400.00 | 5,100.00 |');
    expect(markdown).toContain('| Total return | CAGR | Sharpe | Max drawdown | Volatility | End equity |');
    // Pipes in text are escaped inside tables, and the subtitle stays as is.
    expect(markdown).toContain('long \\| kept');
    expect(markdown).toContain('Hand-made fixture | eight daily bars');
    // The config holds ``` so the fence is longer.
    expect(markdown).toContain('````json');
  });

  it('draws the charts as well-formed inline SVG, the same bytes every time', async () => {
    const first = await renderMarkdown(buildSmallRun());
    const svgs = first.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    // Equity, underwater, allocation and contribution.
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) {
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toMatch(/<path/);
      assertBalanced(svg);
    }
    expect(await renderMarkdown(buildSmallRun())).toBe(first);
  });

  // Regression: a run of one bar was reported at 252 periods per year without a word of why.
  it('says that a run of one bar takes the default periods per year, and says nothing more of others', async () => {
    const summaryLine = async (from: string, periodsPerYear?: number) => {
      const data = await loadDataset('sp500', { from, to: '2020-04-17' });
      const result = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 2, slow: 5 }) });
      const markdown = await renderMarkdown(backtestReportInput(result, periodsPerYear === undefined ? {} : { periodsPerYear }), { markdownCharts: false });
      return markdown.split('\n').find((line) => line.includes('periods per year'));
    };
    expect(await summaryLine('2020-04-17')).toBe('2020-04-17 → 2020-04-17 (0 days) · 1 bar · 252 periods per year (the default: one bar has no spacing)');
    expect(await summaryLine('2020-04-16')).toBe('2020-04-16 → 2020-04-17 (1 day) · 2 bars · 252 periods per year');
    expect(await summaryLine('2020-04-17', 365)).toBe('2020-04-17 → 2020-04-17 (0 days) · 1 bar · 365 periods per year');
  });

  it('leaves out sections without data (a single strategy with no logs)', async () => {
    const markdown = await renderMarkdown(bare(buildSmallRun()));
    for (const heading of ['## Sleeves', '## Rebalances', '## Conflicts', '## Risk events', '## Internal crossing', '## Diversification', '## Contribution by period', '### Allocation', '### Return contribution']) {
      expect(markdown).not.toContain(heading);
    }
    for (const heading of ['## Metrics', '## Top drawdowns', '## Monthly returns', '## Configuration', '### Equity', '### Underwater']) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('| Metric | Portfolio |\n');
    expect(markdown).not.toContain('Benchmark: S&P 500');
  });

  it('shows a contribution that could not be computed as missing, and its period total too', async () => {
    const input = buildSmallRun();
    const withNull: ReportInput = {
      ...input,
      attribution: { periods: [{ label: '2024-01', bySleeve: { momentum: null, carry: 0.004 } }, { label: '2024-02', bySleeve: { momentum: 0.035, carry: 0.006 } }] },
    };
    const text = await renderMarkdown(withNull, { markdownCharts: false });
    const row = text.split('\n').find((line) => line.startsWith('| 2024-01 '));
    expect(row).toBe('| 2024-01 | — | 0.40% | — |');
    expect(text).toContain('| 2024-02 | 3.50% | 0.60% | 4.10% |');
  });

  it('lists the first N events with a count', async () => {
    const input = buildSmallRun();
    const event = input.rebalances[0];
    if (event === undefined) throw new Error('fixture has a rebalance');
    const rebalances = Array.from({ length: 25 }, (_, i) => ({ ...event, time: event.time + i * 86_400_000 }));
    const markdown = await renderMarkdown({ ...input, rebalances }, { markdownCharts: false, maxMarkdownRows: 5 });
    expect(markdown).toContain('25 rebalances. Showing the first 5 of 25 rebalances.');
    const section = markdown.slice(markdown.indexOf('## Rebalances'), markdown.indexOf('## Conflicts'));
    expect(section.match(/^\| 2024-/gm)).toHaveLength(5);
  });

  it('writes free text in its prose as text: no HTML, no line breaks, no headings from a title or an error', async () => {
    const run = buildSmallRun();
    const hostile = {
      ...run,
      title: 'Run <img src=x onerror=alert(1)>\n# injected heading',
      subtitle: 'a *b* [c](http://x) `d` \u001b[31mred',
      sleeves: run.sleeves.map((sleeve, i) => (i === 0 ? { ...sleeve, error: 'threw <script>alert(2)</script>\n\n# gone' } : sleeve)),
    };
    const md = await renderMarkdown(hostile, { markdownCharts: false });
    expect(md).not.toMatch(/<img|<script/);
    expect(md).not.toMatch(/^# injected heading/m);
    expect(md).not.toMatch(/^# gone/m);
    expect(md.split('\n')[0]).toBe('# Run &lt;img src=x onerror=alert(1)&gt; \\# injected heading');
    expect(md).toContain('a \\*b\\* \\[c\\](http://x) \\`d\\` \\\\u001b\\[31mred');
    expect(md).toContain('threw &lt;script&gt;alert(2)&lt;/script&gt;  \\# gone');
  });

  // Regression: a backtick in a table cell opened a code span across the cell; a bidirectional
  // override in a title reversed the rest of the line.
  it('escapes backticks and control characters in table cells, and bidirectional overrides in prose', async () => {
    const run = buildSmallRun();
    const hostile = { ...run, title: 'RTL \u202eheading', sleeves: run.sleeves.map((sleeve, i) => (i === 0 ? { ...sleeve, symbols: ['`tick`\u202eAAPL'] } : sleeve)) };
    const md = await renderMarkdown(hostile, { markdownCharts: false });
    expect(md.split('\n')[0]).toBe('# RTL \\\\u202eheading');
    expect(md).not.toContain('\u202e');
    expect(md).toContain('\\`tick\\`\\u202eAAPL');
  });

  it('rejects bad options with a ConfigError', async () => {
    await expect(renderMarkdown(buildSmallRun(), { maxChartPoints: 3 })).rejects.toThrow(/maxChartPoints/);
  });
});
