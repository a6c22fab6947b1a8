import type { OrchestratorResult, RebalanceEvent, RunConfig } from '@ensemble/orchestrator';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { conflictOutcomeText, conflictSignalText, orchestratorReportInput, rebalanceReasonText } from './from-orchestrator';
import type { OrchestratorReportSource } from './from-orchestrator';
import { runExample } from './__fixtures__/example-run';
import { parseReportInput } from './report-input';
import { renderMarkdown } from './markdown';
import { renderHtml } from './html/tearsheet';

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
});
