import { describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { renderHtml } from './html/tearsheet';
import { renderMarkdown } from './markdown';
import { averageWeight, formatShort, metricsColumns } from './sections';

describe('metricsColumns', () => {
  it('shows a sleeve\'s end equity as its own curve\'s last value, not its time-weighted index\'s', () => {
    const input = buildSmallRun();
    expect(input.sleeves.length).toBeGreaterThanOrEqual(2);
    // As a sleeve measured on its time-weighted index has it: a notional end value.
    const sleeves = input.sleeves.map((sleeve) => ({ ...sleeve, metrics: { ...sleeve.metrics, metrics: { ...sleeve.metrics.metrics, endEquity: 123_456 } } }));
    const columns = metricsColumns({ ...input, sleeves });
    expect(columns[0]?.result.metrics.endEquity).toBe(input.portfolio.metrics.metrics.endEquity);
    sleeves.forEach((sleeve, i) => {
      expect(columns[i + 1]?.result.metrics.endEquity).toBe(sleeve.equity.equity[sleeve.equity.equity.length - 1]);
      expect(columns[i + 1]?.result.metrics.totalReturn).toBe(sleeve.metrics.metrics.totalReturn);
    });
  });
});

describe('the "Net transfers" row: start equity + net transfers + profit = end equity', () => {
  // Hand-set transfers on the small run: momentum gave 150, carry received it. Start and end equity
  // are the fixture's curves (5,000 → 5,400 and 5,000 → 5,100; the portfolio 10,000 → 10,500).
  const withTransfers = () => {
    const input = buildSmallRun();
    const [momentum, carry] = input.sleeves;
    if (momentum === undefined || carry === undefined) throw new Error('two sleeves expected');
    return { ...input, sleeves: [{ ...momentum, netTransfers: -150 }, { ...carry, netTransfers: 150 }] };
  };

  it('sits between Start and End equity in the Markdown: 0 for the portfolio, each sleeve its own', async () => {
    const markdown = await renderMarkdown(withTransfers(), { markdownCharts: false });
    expect(markdown).toContain(
      ['| Start equity | 10,000.00 | 5,000.00 | 5,000.00 |', '| Net transfers | 0.00 | -150.00 | 150.00 |', '| End equity | 10,500.00 | 5,400.00 | 5,100.00 |'].join('\n'),
    );
    expect(markdown).toContain('Sleeve returns are time-weighted');
    expect(markdown).toContain('start equity + net transfers + the sleeve’s profit = end equity');
  });

  it('sits between Start and End equity in the HTML, with its definition on hover', () => {
    const html = renderHtml(withTransfers());
    const cells = (values: string[]) => values.map((value) => `<td class="num">${value}</td>`).join('');
    const start = html.indexOf(`>Start equity</td>${cells(['10,000.00', '5,000.00', '5,000.00'])}</tr>`);
    const transfers = html.indexOf(`>Net transfers</td>${cells(['0.00', '-150.00', '150.00'])}</tr>`);
    const end = html.indexOf(`>End equity</td>${cells(['10,500.00', '5,400.00', '5,100.00'])}</tr>`);
    expect(start).toBeGreaterThan(0);
    expect(transfers).toBeGreaterThan(start);
    expect(end).toBeGreaterThan(transfers);
    expect(html).toContain('title="Net capital the rebalances moved in (negative: out); start equity + net transfers + profit = end equity.');
  });

  it('is absent when the transfers are unknown (an older result) or there are no sleeve columns', async () => {
    expect(await renderMarkdown(buildSmallRun(), { markdownCharts: false })).not.toContain('Net transfers');
    const input = withTransfers();
    const [first] = input.sleeves;
    if (first === undefined) throw new Error('a sleeve expected');
    expect(await renderMarkdown({ ...input, sleeves: [first], attribution: undefined, correlation: undefined }, { markdownCharts: false })).not.toContain('Net transfers');
  });
});

describe('averageWeight', () => {
  it('averages a sleeve\'s weight over the bars where it is defined, shown beside the final weight', () => {
    // The fixture's momentum sleeve: 5,000 … 5,400 against carry's 5,000 … 5,100; the mean of
    // m / (m + c) over the eight bars, by numpy: 0.5063460494275168.
    const input = buildSmallRun();
    expect(averageWeight(input.sleeves[0]?.weight ?? [])).toBeCloseTo(0.5063460494275168, 15);
    expect(averageWeight([1, 1, null, null, null])).toBe(1);
    expect(averageWeight([null, null])).toBeNull();
    expect(averageWeight([])).toBeNull();
    expect(renderHtml(input)).toContain('>Avg weight</th>');
    expect(renderHtml(input)).toContain('<td class="num">50.63%</td><td class="num">51.43%</td>');
  });
});

describe('formatShort', () => {
  it('writes billions and trillions with two decimals, rounding up a unit at the edge, and exponents from a thousand trillion', () => {
    expect(formatShort(1e9)).toBe('1.00B');
    expect(formatShort(-2_504_000_000)).toBe('-2.50B');
    expect(formatShort(14_115_455_179_635)).toBe('14.12T');
    // 999,996,000,000 is 999.996B, which two decimals would write 1000.00B.
    expect(formatShort(999_996_000_000)).toBe('1.00T');
    expect(formatShort(999_994_000_000)).toBe('999.99B');
    expect(formatShort(999_996e9)).toBe('1.00e+15');
    expect(formatShort(999_999e12)).toBe('1.00e+18');
    expect(formatShort(1.41e16)).toBe('1.41e+16');
  });
});
