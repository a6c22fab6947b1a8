import type { OrchestratorResult, RebalanceEvent, RunConfig } from '@ensemble/orchestrator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { conflictOutcomeText, conflictSignalText, orchestratorReportInput, rebalanceReasonText } from './from-orchestrator';
import type { OrchestratorReportSource } from './from-orchestrator';
import { runExample } from './__fixtures__/example-run';
import { parseReportInput } from './report-input';
import { renderMarkdown } from './markdown';
import { renderHtml } from './html/tearsheet';
import { serializeOrchestratorResult } from '@ensemble/orchestrator';
import { buildCharts } from './charts/index';
import { renderCsv } from './csv';
import { runWipedOut } from './__fixtures__/wiped-out-run';
import { parseResultJson } from './read-result';
import { renderJson, reportInputFromResultJson } from './result-json';
import { rebalanceTurnover } from './sections';

it('an OrchestratorResult is an OrchestratorReportSource', () => {
  expectTypeOf<OrchestratorResult>().toExtend<OrchestratorReportSource>();
});

describe('conflict and rebalance texts', () => {
  it('signals as direction and strength, outcomes with the winner', () => {
    expect(conflictSignalText({ strategyId: 'a', direction: 'long', strength: 0.5 })).toBe('long 0.50');
    expect(conflictSignalText({ strategyId: 'a', direction: 'short', strength: 1 })).toBe('short 1.00');
    expect(conflictSignalText({ strategyId: 'a', direction: 'flat', strength: 0 })).toBe('flat');
    expect(conflictOutcomeText({ direction: 'short', target: -1 / 3, winner: 'trend' })).toBe('short 0.33 (trend wins)');
    expect(conflictOutcomeText({ direction: 'flat', target: 0, winner: null })).toBe('flat');
  });

  it('rebalance reasons name the schedule, every rule that fired and the warm-up', () => {
    const event = { time: 0, reason: 'schedule', reasons: ['schedule', 'drift-absolute'], warmup: true } as unknown as RebalanceEvent;
    const config = { rebalance: { schedule: { everyBars: 20 } } } as unknown as RunConfig;
    expect(rebalanceReasonText(event, config)).toBe('every 20 bars + drift-absolute (warm-up weights)');
    const monthly = { rebalance: { schedule: 'month' } } as unknown as RunConfig;
    expect(rebalanceReasonText({ ...event, reasons: ['drift-relative'], reason: 'drift-relative', warmup: false }, monthly)).toBe('drift-relative');
    expect(rebalanceReasonText({ ...event, reasons: ['initial'], reason: 'initial', warmup: true }, monthly)).toBe('initial');
  });

  it('rebalance reasons name the sleeves the scheme could not estimate: three, then how many more; none in results saved before', () => {
    const monthly = { rebalance: { schedule: 'month' } } as unknown as RunConfig;
    const event = { time: 0, reason: 'schedule', reasons: ['schedule'], warmup: false };
    expect(rebalanceReasonText({ ...event, unestimated: { trend: 'rarely-invested' } }, monthly)).toBe('month (no estimate: trend)');
    const five = { a: 'rarely-invested', b: 'no-risk', c: 'rarely-invested', d: 'non-finite', e: 'rarely-invested' };
    expect(rebalanceReasonText({ ...event, unestimated: five }, monthly)).toBe('month (no estimate: a, b, c + 2 more)');
    expect(rebalanceReasonText({ ...event, unestimated: {} }, monthly)).toBe('month');
    expect(rebalanceReasonText(event, monthly)).toBe('month');
    // Sleeves whose capital did not move, and why, whatever else the reason says.
    expect(rebalanceReasonText({ ...event, deferred: ['b'], belowCosts: ['c', 'd'] }, monthly)).toBe('month (deferred: b) (below costs: c, d)');
    expect(rebalanceReasonText({ ...event, warmup: true, deferred: ['b'] }, monthly)).toBe('month (warm-up weights) (deferred: b)');
    // Warm-up weights are no estimate at all: said as such.
    expect(rebalanceReasonText({ ...event, warmup: true, unestimated: {} }, monthly)).toBe('month (warm-up weights)');
  });

  it('rebalance reasons name the sleeves the performance scheme scored on paper, after those without an estimate', () => {
    const monthly = { rebalance: { schedule: 'month' } } as unknown as RunConfig;
    const event = { time: 0, reason: 'schedule', reasons: ['schedule'], warmup: false };
    expect(rebalanceReasonText({ ...event, onPaper: ['trend'] }, monthly)).toBe('month (on paper: trend)');
    expect(rebalanceReasonText({ ...event, unestimated: { hold: 'rarely-invested' }, onPaper: ['a', 'b', 'c', 'd'] }, monthly)).toBe('month (no estimate: hold) (on paper: a, b, c + 1 more)');
    expect(rebalanceReasonText({ ...event, reasons: ['sleeve-finished'], reason: 'sleeve-finished', onPaper: [] }, monthly)).toBe('sleeve-finished');
  });

  it('rebalance reasons say where risk parity did not converge (inverse-volatility weights); nothing where it did, or in results saved before', async () => {
    const monthly = { rebalance: { schedule: 'month' } } as unknown as RunConfig;
    const event = { time: 0, reason: 'schedule', reasons: ['schedule'], warmup: false };
    expect(rebalanceReasonText({ ...event, convergence: { converged: false } }, monthly)).toBe('month (risk parity did not converge: inverse volatility)');
    expect(rebalanceReasonText({ ...event, unestimated: { z: 'no-risk' }, convergence: { converged: false } }, monthly)).toBe('month (no estimate: z) (risk parity did not converge: inverse volatility)');
    expect(rebalanceReasonText({ ...event, convergence: { converged: true } }, monthly)).toBe('month');
    expect(rebalanceReasonText({ ...event, convergence: null }, monthly)).toBe('month');
    // A saved result keeps it: its JSON's convergence reaches the report's reasons.
    const { result } = await runExample('stocks5-equal-weight.json');
    const saved = JSON.parse(JSON.stringify(serializeOrchestratorResult(result))) as { rebalances: { convergence: unknown }[] };
    const last = saved.rebalances.at(-1);
    if (last !== undefined) last.convergence = { method: 'newton', iterations: 3, maxDeviation: null, converged: false };
    const read = parseResultJson(JSON.stringify(saved), 'saved.json');
    expect(read.rebalances.map((rebalance) => rebalance.reason.includes('risk parity did not converge'))).toEqual(saved.rebalances.map((_, i) => i === saved.rebalances.length - 1));
  });
});

describe('orchestratorReportInput', () => {
  it('sleeves mode with a benchmark: a valid report input carrying every part of the run', async () => {
    const { result, series } = await runExample('sp500-two-sleeves.json');
    const benchmark = series.find((candidate) => candidate.symbol === result.config.benchmark);
    expect(benchmark?.symbol).toBe('SP500');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Two sleeves', subtitle: 'sp500', benchmark }));
    expect(input.title).toBe('Two sleeves');
    expect(input.subtitle).toBe('sp500');
    expect(input.config).toBe(result.config);
    expect(input.periodsPerYear).toBe(252);
    expect(input.portfolio.equity.equity).toBe(result.portfolio.equity.equity);
    expect(input.portfolio.fills).toHaveLength(result.portfolio.fills.length);
    expect(input.benchmark?.name).toBe('SP500 buy and hold');
    expect(input.benchmark?.value).toBe(benchmark?.close);
    expect(input.sleeves.map((sleeve) => sleeve.id)).toEqual(['trend', 'dip-buyer']);
    for (const sleeve of input.sleeves) {
      const source = result.sleeves.find((candidate) => candidate.id === sleeve.id);
      expect(sleeve.weight).toBe(source?.weight);
      expect(sleeve.contribution).toBe(result.attribution.total.bySleeve[sleeve.id]);
      expect(sleeve.error).toBeUndefined();
      // The capital the rebalances moved, which the metrics table shows between start and end equity.
      expect(sleeve.netTransfers).toBe(source?.netTransfers);
      expect(sleeve.netTransfers).not.toBe(0);
    }
    // The sleeves' contributions add up to the portfolio's total return (sleeves mode).
    const sum = input.sleeves.reduce((total, sleeve) => total + sleeve.contribution, 0);
    expect(sum).toBeCloseTo(result.portfolio.metrics.metrics.totalReturn ?? Number.NaN, 9);
    expect(input.attribution?.periods.map((period) => period.label)).toEqual(result.attribution.monthly.map((period) => period.label));
    expect(input.attribution?.periods[0]?.label).toBe('2000-01');
    expect(input.correlation).toEqual(result.correlation);
    expect(input.diversificationRatio).toBe(result.diversificationRatio);
    expect(input.rebalances).toHaveLength(result.rebalances.length);
    expect(input.rebalances[0]).toMatchObject({ reason: 'initial', weightsAfter: { trend: 0.5, 'dip-buyer': 0.5 } });
    expect(input.rebalances.slice(1).every((event) => /^(quarter|drift-absolute|quarter \+ drift-absolute)$/.test(event.reason))).toBe(true);
    expect(input.crossing).toEqual({ savedTurnover: result.crossing.savedTurnover, savedCommission: result.crossing.savedCommission, savedSlippage: result.crossing.savedSlippage });
    expect(input.conflicts).toEqual([]);
    // A next-open run says when a rebalance's capital moves, in both report formats.
    expect(input.rebalanceNote).toBe('Weights are decided at the close of each date; the capital moves at the next open, where the transfer orders fill.');
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    expect(markdown).toMatch(/^## Rebalances\n\n\d+ rebalances\..* Weights are decided at the close of each date; the capital moves at the next open/m);
    expect(renderHtml(input)).toContain('<h2>Rebalances</h2><p class="caption">Weights are decided at the close of each date;');
  });

  it('a close-fill run has no such note', async () => {
    const { result } = await runExample('stocks5-60-40.json');
    expect(parseReportInput(orchestratorReportInput(result, { title: '60/40' })).rebalanceNote).toBeUndefined();
  });

  it('shared mode: conflicts as text, no crossing, no benchmark', async () => {
    const { result } = await runExample('dow30-shared-vote.json');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Vote' }));
    // Its rebalances move nothing, and "vote" does not read their weights: the reader is told so.
    expect(input.rebalanceNote).toBe('Shared mode: a rebalance moves no capital (the shadow sleeves are never rebalanced), and the "vote" policy does not use these weights; only "net" does.');
    expect(input.benchmark).toBeUndefined();
    expect(input.crossing).toBeUndefined();
    // Shadow sleeves are never given or relieved of capital: no "Net transfers" row.
    expect(input.sleeves.map((sleeve) => sleeve.netTransfers)).toEqual(input.sleeves.map(() => undefined));
    expect(input.conflicts).toHaveLength(result.conflicts.length);
    const first = result.conflicts[0];
    expect(input.conflicts[0]).toEqual({
      time: first?.time,
      symbol: first?.symbol,
      policy: 'vote',
      inputs: first?.inputs.map((wish) => ({ strategyId: wish.strategyId, signal: wish.direction === 'flat' ? 'flat' : `${wish.direction} ${wish.strength.toFixed(2)}` })),
      outcome: first?.outcome.direction === 'flat' ? 'flat' : `${first?.outcome.direction ?? ''} ${Math.abs(first?.outcome.target ?? 0).toFixed(2)}`,
    });
  });

  it('shared mode: the reports say the strategy columns are shadows, and by how much their contributions miss the portfolio return', async () => {
    const { result } = await runExample('dow30-shared-vote.json');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Vote' }));
    // The figures from the run's own records: its equity against its cash, and the shadows' contributions.
    const portfolioReturn = result.finalEquity / result.initialCash - 1;
    const sum = Object.values(result.attribution.total.bySleeve).reduce<number>((total, value) => total + (value ?? Number.NaN), 0);
    const signed = (value: number) => `${value > 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
    // The vote gave the portfolio something else than the shadows' sum: the note has a point to make.
    expect(Math.abs(portfolioReturn - sum)).toBeGreaterThan(0.01);
    const figures = `Their contributions sum to ${signed(sum)}, while the portfolio made ${signed(portfolioReturn)} (residual ${signed(portfolioReturn - sum)}).`;
    expect(input.sleevesNote).toMatch(/^Shared mode: the strategy columns are shadow sleeves/);
    expect(input.sleevesNote?.endsWith(figures)).toBe(true);
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    // Under the metrics and the sleeves tables, in place of the note on transfers, which no shared run makes.
    expect(markdown.split(figures)).toHaveLength(3);
    expect(markdown).not.toContain('Sleeve returns are time-weighted');
    expect(markdown).toContain("Total is their sum, not the portfolio's return");
    const html = renderHtml(input);
    expect(html).toContain(`<h2>Sleeves</h2>`);
    expect(html.split(figures)).toHaveLength(3);
    expect(html).not.toContain('Sleeve returns are time-weighted');
    // No chart says the shadows are shares of the portfolio, moved by rebalancing, or add up to its return.
    const captions = Object.fromEntries(buildCharts(input, { width: 600, maxPoints: 2000, timeFormat: 'date', interactive: true }).map((chart) => [chart.id, chart.caption]));
    expect(captions.weights).toBe('Weight of each sleeve, stacked (see the note under Sleeves).');
    expect(captions['sleeve-equity']).toBe('Equity of each sleeve (currency; see the note under Sleeves).');
    expect(captions.contribution).toMatch(/need not add up to the portfolio’s total return/);
    expect(captions.attribution).toMatch(/the stack need not be the portfolio’s return/);
  });

  it('shared mode: each period carries the portfolio\'s own return, and the tables and chart show it beside the shadows\' sum', async () => {
    const { result } = await runExample('dow30-shared-vote.json');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Vote' }));
    // Each month's return from the portfolio's equity curve: the last equity of the month over the
    // last one before it (the starting cash for the first month).
    const { time, equity } = result.portfolio.equity;
    const months: { label: string; before: number; end: number }[] = [];
    for (let t = 0; t < time.length; t++) {
      const label = new Date(time[t] ?? 0).toISOString().slice(0, 7);
      const last = months.at(-1);
      if (last?.label === label) last.end = equity[t] ?? Number.NaN;
      else months.push({ label, before: t === 0 ? result.initialCash : (equity[t - 1] ?? Number.NaN), end: equity[t] ?? Number.NaN });
    }
    const periods = input.attribution?.periods ?? [];
    expect(periods.map((period) => period.label)).toEqual(months.map((month) => month.label));
    periods.forEach((period, k) => {
      const month = months[k];
      expect(period.portfolioReturn, period.label).toBeCloseTo((month?.end ?? Number.NaN) / (month?.before ?? Number.NaN) - 1, 12);
    });
    // A month where the vote made the portfolio differ from the shadows' sum.
    const sumOf = (period: (typeof periods)[number]) => input.sleeves.reduce((total, sleeve) => total + (period.bySleeve[sleeve.id] ?? Number.NaN), 0);
    const shown = periods.find((period) => Math.abs((period.portfolioReturn ?? 0) - sumOf(period)) > 0.001 && Math.abs(period.portfolioReturn ?? 0) > 0.001);
    if (shown === undefined) throw new Error('no month where the portfolio and the shadows differ');
    const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
    const portfolio = shown.portfolioReturn ?? Number.NaN;
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    const ids = input.sleeves.map((sleeve) => sleeve.id);
    expect(markdown).toContain(`| Period | ${ids.join(' | ')} | Total | Portfolio | Residual |`);
    expect(markdown).toContain(`| ${[shown.label, ...ids.map((id) => percent(shown.bySleeve[id] ?? Number.NaN)), percent(sumOf(shown)), percent(portfolio), percent(portfolio - sumOf(shown))].join(' | ')} |`);
    expect(markdown).toContain('Residual is what the portfolio made beyond that sum');
    // The chart: a tick per month at the portfolio's return.
    const chart = buildCharts(input, { width: 600, maxPoints: 2000, timeFormat: 'date', interactive: true }).find((candidate) => candidate.id === 'attribution');
    const layers = (chart?.spec as { layer?: { mark: { type: string }; data?: { values: { p: string; r: number }[] } }[] }).layer ?? [];
    expect(layers.map((layer) => layer.mark.type)).toEqual(['bar', 'tick']);
    expect(layers[1]?.data?.values).toEqual(periods.map((period) => ({ p: period.label, r: period.portfolioReturn })));
    expect(chart?.caption).toMatch(/which the dark tick marks/);
    // Kept by the report's own JSON, and read from the orchestrator's.
    expect(reportInputFromResultJson(JSON.parse(renderJson(input)), 'report.json').attribution?.periods.map((period) => period.portfolioReturn)).toEqual(periods.map((period) => period.portfolioReturn));
    const saved = parseResultJson(JSON.parse(JSON.stringify(serializeOrchestratorResult(result))), 'result.json');
    expect(saved.attribution?.periods.map((period) => period.portfolioReturn)).toEqual(periods.map((period) => period.portfolioReturn));
  });

  it('shared mode: a report made again from the report\'s own JSON keeps both notes, in Markdown and HTML', async () => {
    const { result } = await runExample('dow30-shared-vote.json');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Vote' }));
    expect(input.rebalanceNote).toBeDefined();
    expect(input.sleevesNote).toBeDefined();
    const again = parseResultJson(renderJson(input), 'report.json');
    expect(again.rebalanceNote).toBe(input.rebalanceNote);
    expect(again.sleevesNote).toBe(input.sleevesNote);
    expect(await renderMarkdown(again, { markdownCharts: false })).toBe(await renderMarkdown(input, { markdownCharts: false }));
    expect(renderHtml(again)).toBe(renderHtml(input));
  });

  it('sleeves mode: no such note, the contributions add up', async () => {
    const { result } = await runExample('sp500-two-sleeves.json');
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Two sleeves' }));
    expect(input.sleevesNote).toBeUndefined();
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    expect(markdown).toContain('Sleeve returns are time-weighted');
    expect(markdown).toContain("Each sleeve's contribution to the portfolio return of the period.");
    // The portfolio's return of each month is the contributions' sum here: no column repeats it.
    expect(input.attribution?.periods.every((period) => typeof period.portfolioReturn === 'number')).toBe(true);
    expect(markdown).not.toContain('| Portfolio | Residual |');
  });
});

describe('a run whose portfolio was worth zero or less (leverage 2, the price falling from 100 to 30)', () => {
  it('its sleeve weights are null where the portfolio was worth nothing, in the input and in every format', async () => {
    // The portfolio: 1,000, 1,000, −200 (margin-called as a whole), −200, −200; each sleeve
    // 1,000, 1,000, 400, 400, 400.
    const { result } = runWipedOut();
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Wiped out' }));
    expect(Array.from(input.portfolio.equity.equity)).toEqual([1000, 1000, -200, -200, -200]);
    for (const sleeve of input.sleeves) expect(Array.from(sleeve.weight)).toEqual([1, 1, null, null, null]);
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    // Its average weight is over the two bars where it is defined; its final weight is undefined.
    expect(markdown).toContain('| a | buy-and-hold | S | 100.00% | — |');
    expect(renderCsv(input)['weights.csv']).toBe('time,a,b\n2021-01-04,1,1\n2021-01-05,1,1\n2021-01-06,,\n2021-01-07,,\n2021-01-08,,\n');
    // The allocation chart draws nothing where the weights are undefined; its tooltips have none.
    const chart = buildCharts(input, { width: 800, maxPoints: 2000, timeFormat: 'date', interactive: true }).find((candidate) => candidate.id === 'weights');
    const layers = (chart?.spec as { layer: { data?: { values: Record<string, number | null>[] } }[] }).layer;
    const rows = (chart?.spec as { data: { values: Record<string, number>[] } }).data.values;
    const worthless = new Set(Array.from(input.portfolio.equity.time).slice(2));
    expect(rows.some((row) => worthless.has(row.t ?? Number.NaN))).toBe(true);
    for (const row of rows) expect([row.s0, row.s1]).toEqual(worthless.has(row.t ?? Number.NaN) ? [0, 0] : [1, 1]);
    expect(layers[1]?.data?.values.map((row) => row.s0)).toEqual([1, 1, null, null, null]);
    const html = renderHtml(input);
    expect(html).toContain('<h2>Sleeves</h2>');
    const text = renderJson(input);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(renderJson(parseResultJson(text))).toBe(text);
    // The orchestrator's own JSON (`ensemble run --json`) reads back with the same weights.
    const read = parseResultJson(JSON.stringify(serializeOrchestratorResult(result)), 'run.json');
    expect(read.sleeves.map((sleeve) => Array.from(sleeve.weight))).toEqual(input.sleeves.map((sleeve) => Array.from(sleeve.weight)));
  });

  it('a rebalance while it was worth nothing moves nothing and is not recorded', () => {
    // Every 2 bars: bar 2 (−200, margin-called) and bar 4 (halted) — neither rebalances, only the start allocation stands.
    const { result } = runWipedOut({ schedule: { everyBars: 2 } });
    expect(result.rebalances.map((event) => event.reason)).toEqual(['initial']);
  });

  it('the margin call that halted it is listed with the risk events, in every format and from its saved JSON', async () => {
    const { result } = runWipedOut();
    const detail = 'margin call: the portfolio as a whole (its sleeves and reserve together) was worth less than nothing at this close; every position closed at the close, trading halted';
    const input = parseReportInput(orchestratorReportInput(result, { title: 'Wiped out' }));
    expect(input.risk).toEqual([{ time: Date.UTC(2021, 0, 6), kind: 'margin-call', detail }]);
    expect(await renderMarkdown(input, { markdownCharts: false })).toContain(`| 2021-01-06 | margin-call | ${detail} |`);
    expect(renderHtml(input)).toContain(detail);
    const read = parseResultJson(JSON.stringify(serializeOrchestratorResult(result)), 'run.json');
    expect(read.risk).toEqual(input.risk);
    // A result saved before the halt was read has none.
    const { halted: _halted, ...older } = serializeOrchestratorResult(result);
    expect(parseResultJson(JSON.stringify(older), 'old.json').risk).toEqual([]);
  });

  it('a rebalance with no weights before or after (a shared-mode one of shadows worth nothing): dashes, and no turnover', async () => {
    // Such an event as the orchestrator's shared mode records it: weights null, targets given.
    const { result } = runWipedOut({ schedule: { everyBars: 2 } });
    const given = orchestratorReportInput(result, { title: 'Wiped out' });
    const first = given.rebalances[0];
    if (first === undefined) throw new Error('no start allocation');
    const unweighted = { ...first, time: Date.UTC(2021, 0, 6), reason: 'every 2 bars', weightsBefore: { a: null, b: null }, weightsAfter: { a: null, b: null } };
    const input = parseReportInput({ ...given, rebalances: [first, unweighted] });
    expect(input.rebalances.map((event) => [event.weightsBefore, event.weightsAfter])).toEqual([
      [{ a: 0, b: 0 }, { a: 1, b: 1 }],
      [{ a: null, b: null }, { a: null, b: null }],
    ]);
    expect(rebalanceTurnover(input.rebalances[1] ?? { weightsBefore: {}, weightsAfter: {} })).toBeNull();
    expect(rebalanceTurnover(input.rebalances[0] ?? { weightsBefore: {}, weightsAfter: {} })).toBe(1);
    const markdown = await renderMarkdown(input, { markdownCharts: false });
    expect(markdown).toContain('| 2021-01-06 | every 2 bars | a — · b — | a — · b — |');
    const text = renderJson(input);
    expect(renderJson(parseResultJson(text))).toBe(text);
  });
});
