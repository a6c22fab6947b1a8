import { ConfigError } from '@ensemble/protocol';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { buildResearchRun, fixtureObjective } from '../__fixtures__/research-run';
import { distributionChart, inOutScatterChart, logitChart, objectiveCharts, walkForwardEquityChart } from './research-charts';
import type { ResearchChart } from './research-charts';
import { renderResearchHtml } from './research-html';
import { parseResearchReportInput } from './research-input';
import { statisticReadings } from './readings';
import { renderSvg } from '../svg';
import * as vega from 'vega';

const options = { width: 900, maxPoints: 5000, timeFormat: 'date' as const };

function rowsOf(spec: unknown): Record<string, unknown>[] {
  const data = (spec as { data?: { values?: Record<string, unknown>[] } }).data;
  return data?.values ?? [];
}

describe('research charts', () => {
  it('draws one heatmap per pair of varied parameters, each cell the best objective over the free parameter', () => {
    const input = buildResearchRun();
    const charts = objectiveCharts(input, options);
    expect(charts.map((chart) => chart.title)).toEqual(['sharpe by slow and fast', 'sharpe by stop and fast', 'sharpe by stop and slow']);
    const rows = rowsOf(charts[0]?.spec);
    expect(rows).toHaveLength(12);
    // By enumeration: the best over stop of each (fast, slow) cell; (20, 200) has only stop 0.02 (the 0.05 trial failed).
    for (const fast of [5, 10, 20]) {
      for (const slow of [50, 100, 150, 200]) {
        const stops = fast === 20 && slow === 200 ? [0.02] : [0.02, 0.05];
        const expected = Math.max(...stops.map((stop) => fixtureObjective(fast, slow, stop)));
        const cell = rows.find((row) => row.xl === String(slow) && row.yl === String(fast));
        expect(cell?.v).toBeCloseTo(expected, 5);
        expect(cell?.n).toBe(stops.length);
      }
    }
  });

  it('takes the lowest value per cell when the objective is minimised, and reverses the colours', () => {
    const input = { ...buildResearchRun(), objective: { metric: 'maxDrawdown', direction: 'minimize' as const } };
    const chart = objectiveCharts(input, options)[0];
    const cell = rowsOf(chart?.spec).find((row) => row.xl === '100' && row.yl === '10');
    expect(cell?.v).toBeCloseTo(Math.min(fixtureObjective(10, 100, 0.02), fixtureObjective(10, 100, 0.05)), 5);
    expect(JSON.stringify(chart?.spec)).toContain('"reverse":true');
  });

  it('draws a profile instead of a heatmap when one parameter varies', () => {
    const base = buildResearchRun();
    const input = {
      ...base,
      parameters: [{ name: 'fast', values: [5, 10, 20] }],
      trials: base.trials.filter((trial) => trial.parameters.slow === 100 && trial.parameters.stop === 0.05).map((trial) => ({ ...trial, parameters: { fast: trial.parameters.fast ?? 0 } })),
    };
    const charts = objectiveCharts(input, options);
    expect(charts.map((chart) => chart.id)).toEqual(['profile']);
    expect(rowsOf(charts[0]?.spec).map((row) => row.xl)).toEqual(['5', '10', '20']);
  });

  it('draws parameter values that name members of every object (constructor, toString, __proto__)', async () => {
    // Vega keeps scale categories in plain objects and cannot compile a string literal "constructor":
    // the values reach the scales as keys, and the axes show them through labelExpr.
    const base = buildResearchRun();
    const notes = ['constructor', 'toString', '__proto__'];
    const input = {
      ...base,
      parameters: [
        { name: 'note', values: notes },
        { name: 'fast', values: [5, 10, 20] },
      ],
      trials: base.trials.slice(0, 9).map((trial, i) => ({ ...trial, parameters: { note: notes[i % 3] ?? '', fast: [5, 10, 20][Math.floor(i / 3)] ?? 0 } })),
    };
    const heatmap = objectiveCharts(input, options)[0];
    const svg = await renderSvg(heatmap?.spec as never);
    for (const note of notes) expect(svg).toContain(`>${note}<`);
    const profile = objectiveCharts({ ...input, parameters: [{ name: 'note', values: notes }], trials: input.trials.map((trial) => ({ ...trial, parameters: { note: trial.parameters.note } })) }, options)[0];
    expect(await renderSvg(profile?.spec as never)).toContain('>constructor<');
  });

  it('compiles every chart without vega-lite warnings', () => {
    const input = buildResearchRun({ walkForward: true });
    const charts = [
      ...objectiveCharts(input, options),
      distributionChart(input, options),
      logitChart(input, options),
      walkForwardEquityChart(input, options),
      inOutScatterChart(input, options),
    ];
    for (const chart of charts) {
      if (chart === null) throw new Error('a chart of the walk-forward input is missing');
      const warnings: string[] = [];
      const logger = { level: () => logger, error: () => logger, warn: (...args: unknown[]) => (warnings.push(args.join(' ')), logger), info: () => logger, debug: () => logger };
      compile(chart.spec as TopLevelSpec, { logger });
      expect(warnings, chart.id).toEqual([]);
    }
  });

  it('marks the selected trial and leaves out charts without data', () => {
    const input = buildResearchRun();
    const best = Math.max(...input.trials.flatMap((trial) => (trial.objective === null ? [] : [trial.objective])));
    expect(JSON.stringify(distributionChart(input, options)?.spec)).toContain(`"v":${Number(best.toPrecision(6))}`);
    expect(walkForwardEquityChart(input, options)).toBeNull();
    expect(inOutScatterChart(input, options)).toBeNull();
    expect(logitChart({ ...input, statistics: { ...input.statistics, pbo: null } }, options)).toBeNull();
  });

  it('draws the line its caption speaks of: at the selected trial of a sweep; a walk-forward has none, and its caption says so', async () => {
    // The fixture's best trial by hand: fast 10, slow 100, stop 0.05 → 1.2 − 0 − 0 + 0.05 · 4 = 1.4.
    const sweep = distributionChart(buildResearchRun(), options);
    expect(sweep?.caption).toContain('the line marks the selected trial');
    const sweepSvg = await svgOf(sweep);
    expect(sweepSvg.match(/class="mark-rule role-mark/g)).toHaveLength(1);
    expect(JSON.stringify(sweep?.spec)).toContain('"mark":{"type":"rule"');
    expect(JSON.stringify(sweep?.spec)).toContain('"values":[{"v":1.4}]');
    // A walk-forward's trials are its windows' choices, none ranked (as `walkForwardReportInput` builds them).
    const walk = distributionChart(walkForwardTrials([0.1, 0.1, 0.1, 0.5, 0.9]), options);
    expect(walk?.caption).toBe(
      'sharpe out of sample across 5 windows, each run with the parameters chosen on its train window; every window chose its own, so no single trial is marked.',
    );
    expect(walk?.caption).not.toContain('line');
    expect(await svgOf(walk)).not.toContain('role-mark layer_1');
  });

  it('counts trials and splits in whole numbers on the y axis', async () => {
    // Three trials in one bin: the largest count is 3, where vega's own ticks would be 0, 0.5, …, 3.
    const distribution = distributionChart(walkForwardTrials([0.1, 0.1, 0.1, 0.5, 0.9]), options);
    expect(axisLabels(await svgOf(distribution), 'Y')).toEqual(['0', '1', '2', '3']);
    const input = buildResearchRun();
    const pbo = input.statistics.pbo;
    if (pbo === null) throw new Error('the fixture has a PBO');
    // Splits: 1 and 2 in two bins, so the largest sum is 2.
    const logits = logitChart({ ...input, statistics: { ...input.statistics, pbo: { ...pbo, splits: 3, logitDistribution: [{ logit: -1, count: 1 }, { logit: 1, count: 2 }] } } }, options);
    expect(axisLabels(await svgOf(logits), 'Y')).toEqual(['0', '1', '2']);
  });

  it('writes the count of splits in the PBO caption as its reading in the table does (12,870, not 12870)', () => {
    const input = buildResearchRun();
    const pbo = input.statistics.pbo;
    if (pbo === null) throw new Error('the fixture has a PBO');
    const many = { ...input, statistics: { ...input.statistics, pbo: { ...pbo, splits: 12_870 } } };
    expect(logitChart(many, options)?.caption).toContain('over 12,870 CSCV splits');
    expect(statisticReadings(many).find((reading) => reading.label === 'PBO')?.reading).toContain('of 12,870 splits');
  });
});

/** The SVG vega draws of a chart that must exist. */
async function svgOf(chart: ResearchChart | null): Promise<string> {
  if (chart === null) throw new Error('the chart is missing');
  return renderSvg(chart.spec);
}

/** A walk-forward's research input: one unranked trial per window with this out-of-sample objective. */
function walkForwardTrials(objectives: readonly number[]): ReturnType<typeof buildResearchRun> {
  const input = buildResearchRun({ walkForward: true });
  return {
    ...input,
    trials: objectives.map((objective, index) => ({ index, rank: null, parameters: { fast: 10, slow: 100, stop: 0.05 }, status: 'ok' as const, objective, metrics: null })),
  };
}

/** The labels of a chart's X or Y axis in vega's SVG (the axis group its aria-label names). */
function axisLabels(svg: string, axis: 'X' | 'Y'): string[] {
  const start = svg.indexOf(`aria-label="${axis}-axis titled`);
  if (start < 0) throw new Error(`no ${axis} axis`);
  const group = svg.slice(start, svg.indexOf('role-axis-domain', start));
  const labels = group.slice(group.indexOf('role-axis-label'));
  return [...labels.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
}

describe('statistic readings', () => {
  it('reads each statistic against its threshold', () => {
    const input = buildResearchRun({ walkForward: true });
    const readings = statisticReadings(input);
    expect(readings.map((reading) => [reading.label, reading.value, reading.tone])).toEqual([
      ['Deflated Sharpe', '0.620', 'negative'],
      ['PBO', '0.250', 'neutral'],
      ['Stability', '0.86', 'positive'],
      ['WF efficiency', '0.55', 'positive'],
    ]);
    expect(readings[0]?.reading).toContain('it may be luck');
    expect(readings[1]?.reading).toContain('moderate');
    const strong = statisticReadings({
      ...input,
      statistics: { ...input.statistics, deflatedSharpe: { ...input.statistics.deflatedSharpe!, dsr: 0.97 }, pbo: { ...input.statistics.pbo!, pbo: 0.6 }, stability: null },
    });
    expect(strong.map((reading) => reading.tone)).toEqual(['positive', 'negative', 'neutral', 'positive']);
    expect(strong[1]?.reading).toContain('likely overfit');
    expect(strong[2]?.reading).toMatch(/^Not computed/);
  });
});

describe('the PBO reading names what the in-sample best was chosen by', () => {
  const input = buildResearchRun();
  const pbo = input.statistics.pbo;
  if (pbo === null) throw new Error('the fixture has a PBO');
  const reading = (scoredBy: string | undefined, metric: string): string | undefined =>
    statisticReadings({
      ...input,
      objective: { metric, direction: metric === 'volatility' ? 'minimize' : 'maximize' },
      statistics: { ...input.statistics, pbo: { ...pbo, ...(scoredBy === undefined ? {} : { scoredBy }) } },
    }).find((entry) => entry.label === 'PBO')?.reading;

  it('the objective, when the splits were scored by it', () => {
    expect(reading('volatility', 'volatility')).toBe('In 25.00% of 12,870 splits the in-sample best by volatility ranked at or below the median out of sample — moderate.');
  });

  it('the Sharpe ratio, when the objective could not be scored on half the periods: another selection than the sweep\'s', () => {
    expect(reading('sharpe', 'maxDrawdown')).toContain(
      'the in-sample best by sharpe (not by maxDrawdown, the objective, which half the periods do not give: this judges a selection by sharpe) ranked',
    );
  });

  it('nothing more for an input that does not say (written before it did)', () => {
    expect(reading(undefined, 'maxDrawdown')).toBe('In 25.00% of 12,870 splits the in-sample best ranked at or below the median out of sample — moderate.');
  });
});

describe('statistic readings of a walk-forward', () => {
  it('shows only the efficiency when the sweep statistics are not given', () => {
    const input = buildResearchRun({ walkForward: true });
    const readings = statisticReadings({ ...input, statistics: { deflatedSharpe: null, pbo: null, stability: null, notes: [] } });
    expect(readings.map((reading) => reading.label)).toEqual(['WF efficiency']);
    expect(statisticReadings({ ...buildResearchRun(), statistics: { deflatedSharpe: null, pbo: null, stability: null, notes: [] } }).map((reading) => reading.value)).toEqual(['—', '—', '—']);
  });
});

describe('renderResearchHtml', () => {
  it('renders one self-contained page with every section, user text escaped', () => {
    const html = renderResearchHtml(buildResearchRun({ walkForward: true }));
    expect(html).toContain('<title>SMA crossover on the S&amp;P 500 &lt;sweep&gt;</title>');
    for (const id of ['statistics', 'landscape', 'walk-forward', 'trials', 'config']) expect(html).toContain(`<section id="${id}">`);
    // A walk-forward's own trials are its windows' choices, none ranked, each on its own test
    // window: no heatmap of them over the parameters (it would read as a parameter surface), and
    // not called ranked.
    const walk = renderResearchHtml({ ...buildResearchRun({ walkForward: true }), trials: buildResearchRun().trials.map((trial) => ({ ...trial, rank: null })) });
    expect(walk).not.toContain('<section id="landscape">');
    expect(walk).toContain("<h2>Each window's choice, out of sample</h2>");
    // The stitched out-of-sample curve's return, CAGR and drawdown as cards (the fixture gives the return only).
    expect(html).toContain('<div class="label">Out-of-sample return</div><div class="value">33.00%</div>');
    expect(html).toContain('<div class="label">Out-of-sample CAGR</div><div class="value">—</div>');
    const sweep = renderResearchHtml(buildResearchRun());
    for (const id of ['statistics', 'landscape', 'trials', 'config']) expect(sweep).toContain(`<section id="${id}">`);
    expect(sweep).toContain('<h2>Trials, best first</h2>');
    expect(html).not.toContain('<boom>');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html.match(/(?:src|href)="https?:/g)).toBeNull();
  });

  it('shows an objective in percent (totalReturn) as percentages, as the trials table does, and a ratio (sharpe) as a number', () => {
    // The fixture's best trial: fast 10, slow 100, stop 0.05 → 1.2 + 0.05 × 4 = 1.4; its walk-forward's total return 0.33.
    const sweep = { ...buildResearchRun(), objective: { metric: 'totalReturn', direction: 'maximize' as const } };
    expect(renderResearchHtml(sweep)).toContain('<div class="label">Best Total return</div><div class="value">140.00%</div>');
    expect(renderResearchHtml(buildResearchRun())).toContain('<div class="label">Best Sharpe</div><div class="value">1.400</div>');
    const walk = { ...buildResearchRun({ walkForward: true }), objective: { metric: 'totalReturn', direction: 'maximize' as const } };
    const walkHtml = renderResearchHtml(walk);
    expect(walkHtml).toContain('<div class="label">Out-of-sample Total return</div><div class="value">33.00%</div>');
    expect(walkHtml).toContain(
      '{"label":"In sample (Total return)","type":"pct","signed":true},{"label":"Out of sample (Total return)","type":"pct","signed":true},{"label":"Efficiency (CAGR out / in)","type":"ratio"}',
    );
    // Every chart of the objective formats it as a percentage: axes and legends with d3's "%", tooltips with ".2%".
    const charts = [...objectiveCharts(sweep, options), distributionChart(sweep, options), inOutScatterChart(walk, options)];
    for (const chart of charts) {
      const text = JSON.stringify(chart?.spec);
      expect(text).toMatch(/"format":"[^"]*%"/);
      expect(text).not.toContain('".4f"');
    }
    // The cells print 1.4 as 140%, not 1.40.
    expect(JSON.stringify(objectiveCharts(sweep, options)[0]?.spec)).toContain('"text":{"field":"v","type":"quantitative","format":".0%"}');
  });

  // Regression: an unboundedly good best objective showed no value and no reason.
  it('shows an unbounded objective as ∞ with why, on the best card, in the trials table and in the windows table', () => {
    const run = buildResearchRun({ walkForward: true });
    const walk = run.walkForward;
    if (walk === undefined) throw new Error('no walk-forward');
    const best = run.trials.find((trial) => trial.rank === 1);
    if (best === undefined) throw new Error('no best trial');
    const sweep = {
      ...run,
      walkForward: undefined,
      objective: { metric: 'calmar', direction: 'maximize' as const },
      trials: run.trials.map((trial) => (trial === best ? { ...trial, objective: null, unbounded: true } : trial)),
    };
    const html = renderResearchHtml(sweep);
    expect(html).toContain('<div class="label">Best Calmar</div><div class="value long">∞ (no drawdown)</div>');
    // The best trial's row, first in the table, holds the text in its objective cell.
    expect(html).toMatch(/"rows":\[\[1,[^\]]*"∞ \(no drawdown\)"/);
    const windows = {
      ...run,
      objective: { metric: 'calmar', direction: 'maximize' as const },
      walkForward: { ...walk, windows: walk.windows.map((window, k) => (k === 0 ? { ...window, inSample: null, inSampleUnbounded: true } : k === 1 ? { ...window, outOfSample: null, outOfSampleUnbounded: true } : window)) },
    };
    // Window 0's in-sample cell, window 1's out-of-sample cell: a row is [window, 4 times, parameters, in, out, efficiency],
    // windows numbered from 0 as the trials' #, the notes and windows.csv number them.
    const windowsHtml = renderResearchHtml(windows);
    expect(walk.windows.slice(0, 2).map((window) => window.index)).toEqual([0, 1]);
    expect(windowsHtml).toMatch(/\[0,(\d+,){4}"[^"]*","∞ \(no drawdown\)",[^,\]]+,[^,\]]+\]/);
    expect(windowsHtml).toMatch(/\[1,(\d+,){4}"[^"]*",[^,\]]+,"∞ \(no drawdown\)",[^,\]]+\]/);
  });

  // Regression: the charts left out every trial and window whose objective was unboundedly good.
  describe('unbounded objectives in the charts', () => {
    const run = buildResearchRun({ walkForward: true });
    const walk = run.walkForward;
    if (walk === undefined) throw new Error('no walk-forward');
    const best = run.trials.find((trial) => trial.rank === 1);
    if (best === undefined) throw new Error('no best trial');
    const calmar = { metric: 'calmar', direction: 'maximize' as const };
    // The best trial (fast 10, slow 100, stop 0.05) without a drawdown: +∞, held as a null objective.
    const sweep = { ...run, walkForward: undefined, objective: calmar, trials: run.trials.map((trial) => (trial === best ? { ...trial, objective: null, unbounded: true } : trial)) };

    it('draws a heatmap cell whose best is +∞ at the better end of the scale, printing ∞, its tooltip saying why', async () => {
      const heatmap = objectiveCharts(sweep, options)[0];
      const rows = rowsOf(heatmap?.spec);
      const infinite = rows.filter((row) => row.u === true);
      expect(infinite.map((row) => [row.yl, row.xl])).toEqual([['10', '100']]);
      const spec = heatmap?.spec as unknown as { layer: { encoding: { color: { scale?: { domain: number[] } } } }[]; transform: { calculate: string }[] };
      // The colour of the scale's upper end, the better one when maximised.
      expect(infinite[0]?.v).toBe(spec.layer[0]?.encoding.color.scale?.domain[1]);
      expect(rows.filter((row) => row.u === false)).toHaveLength(rows.length - 1);
      expect(spec.transform[0]?.calculate).toContain('"∞ (no drawdown)"');
      expect(heatmap?.caption).toContain('Cells marked ∞ have a trial with calmar ∞ (no drawdown), drawn in the colour of the scale\'s better end (slow=100 and fast=10)');
      const svg = await renderSvg(heatmap?.spec as never);
      expect(svg.match(/>∞</g)).toHaveLength(1);
      // Minimised, +∞ is the worst: a cell with a finite trial beside it shows that one.
      const minimized = objectiveCharts({ ...sweep, objective: { metric: 'calmar', direction: 'minimize' as const } }, options)[0];
      expect(rowsOf(minimized?.spec).filter((row) => row.u === true)).toEqual([]);
    });

    it('counts the +∞ trials at the right edge of the distribution, the selected one\'s line there, naming them', async () => {
      const chart = distributionChart(sweep, options);
      expect(chart?.caption).toContain(`1 trial with calmar ∞ (no drawdown) (#${String(best.index)}) is beyond the right edge, where ∞ × 1 counts it (the selected trial, its line on the edge).`);
      const layers = (chart?.spec as unknown as { layer: { data: { values: Record<string, unknown>[] }; mark: { type: string; text?: string }; encoding: { x?: { value?: unknown } } }[] }).layer;
      // The bars hold the 22 finite objectives (24 trials, one failed, one unbounded).
      expect(layers[0]?.data.values).toHaveLength(22);
      expect(layers[1]?.mark.type).toBe('rule');
      expect(layers[1]?.encoding.x?.value).toEqual({ expr: 'width' });
      expect(layers[2]?.mark.text).toBe('∞ × 1');
      expect(await renderSvg(chart?.spec as never)).toContain('>∞ × 1<');
    });

    it('draws a value whose best is +∞ at the top edge of the profile of one parameter', async () => {
      const trials = [5, 10, 20].map((fast, index) => ({ index, rank: index + 1, parameters: { fast }, status: 'ok' as const, objective: fast === 10 ? null : fast / 10, metrics: null, ...(fast === 10 ? { unbounded: true } : {}) }));
      const chart = objectiveCharts({ ...sweep, parameters: [{ name: 'fast', values: [5, 10, 20] }], trials }, options)[0];
      expect(chart?.id).toBe('profile');
      expect(chart?.caption).toBe('Best calmar at each value of fast. Where the best calmar is ∞ (no drawdown) (fast 10) it is drawn at the top edge, marked ∞.');
      const layers = (chart?.spec as unknown as { layer: { data: { values: Record<string, unknown>[] }; encoding: { y: unknown } }[] }).layer;
      expect(layers[0]?.data.values.map((row) => [row.xl, row.v])).toEqual([
        ['5', 0.5],
        ['20', 2],
      ]);
      expect(layers[1]?.data.values.map((row) => row.xl)).toEqual(['10']);
      expect(layers[1]?.encoding.y).toEqual({ value: 0 });
      expect(await renderSvg(chart?.spec as never)).toContain('>∞<');
    });

    // Regression: with every value's best unbounded the line had no point, and vega warned
    // "Infinite extent for field v" in the browser's console.
    it('draws a profile whose every value is +∞ without a warning', async () => {
      const trials = [5, 10].map((fast, index) => ({ index, rank: index + 1, parameters: { fast }, status: 'ok' as const, objective: null, metrics: null, unbounded: true }));
      const chart = objectiveCharts({ ...sweep, parameters: [{ name: 'fast', values: [5, 10] }], trials }, options)[0];
      expect(chart?.id).toBe('profile');
      const warnings: string[] = [];
      const logger = { level: () => logger, error: () => logger, warn: (...args: unknown[]) => (warnings.push(args.join(' ')), logger), info: () => logger, debug: () => logger };
      const view = new vega.View(vega.parse(compile(chart?.spec as TopLevelSpec).spec), { renderer: 'none', logger, logLevel: vega.Warn });
      try {
        const svg = await view.toSVG();
        expect(svg).toContain('>∞<');
      } finally {
        view.finalize();
      }
      expect(warnings).toEqual([]);
    });

    it('draws a window whose objective is +∞ on the right (in sample) or top (out of sample) edge of the scatter', async () => {
      const windows = {
        ...run,
        objective: calmar,
        walkForward: { ...walk, windows: walk.windows.map((window, k) => (k === 0 ? { ...window, inSample: null, inSampleUnbounded: true } : k === 1 ? { ...window, outOfSample: null, outOfSampleUnbounded: true } : window)) },
      };
      const chart = inOutScatterChart(windows, options);
      // Windows numbered from 0, as the windows table, the notes, windows.csv and the CLI number them.
      expect(chart?.caption).toContain('2 windows with calmar ∞ (no drawdown) (window 0, window 1) are drawn on the edge: on the right when in sample, at the top when out of sample');
      const layers = (chart?.spec as unknown as { layer: { data: { values: Record<string, unknown>[] }; mark: { shape?: string }; encoding: { x: unknown; y: unknown } }[] }).layer;
      expect(layers.map((layer) => [layer.mark.shape ?? null, layer.data.values.map((row) => row.w ?? null)])).toEqual([
        [null, [null, null]],
        [null, [2]],
        ['triangle-right', [0]],
        ['triangle-up', [1]],
      ]);
      expect(layers[2]?.encoding.x).toEqual({ value: { expr: 'width' } });
      expect(layers[3]?.encoding.y).toEqual({ value: 0 });
      expect(await renderSvg(chart?.spec as never)).toContain('<svg');
    });
  });

  it('shows the windows of intraday bars with their times of day, and daily windows by their dates', () => {
    const daily = buildResearchRun({ walkForward: true });
    const walk = daily.walkForward;
    if (walk === undefined) throw new Error('no walk-forward');
    // The same windows and curve at 09:30 and later in the day, as five-minute bars give them.
    const shift = (time: number): number => time + 9.5 * 3_600_000;
    const intraday = {
      ...daily,
      walkForward: {
        ...walk,
        windows: walk.windows.map((window) => ({ ...window, trainStart: shift(window.trainStart), trainEnd: shift(window.trainEnd), testStart: shift(window.testStart), testEnd: shift(window.testEnd) })),
        equity: { ...walk.equity, time: walk.equity.time.map(shift) },
      },
    };
    // The page's tables format "time" columns by its timeFormat: dates alone made a train window end the day its test starts.
    expect(renderResearchHtml(intraday)).toContain('"timeFormat":"datetime"');
    expect(renderResearchHtml(daily)).toContain('"timeFormat":"date"');
    expect(renderResearchHtml(buildResearchRun())).toContain('"timeFormat":"date"');
  });

  it('rejects a bad input, naming each problem by path', () => {
    const input = buildResearchRun();
    const bad = { ...input, objective: { metric: 'sharpe', direction: 'up' }, trials: [{ ...input.trials[0], status: 'done' }] };
    try {
      parseResearchReportInput(bad, 'sweep.json');
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      if (ConfigError.isInstance(error)) {
        expect(error.issues.map((issue) => issue.path)).toEqual(['objective.direction', 'trials.0.status']);
        expect(error.message).toContain('sweep.json');
        expect(error.issues[0]?.message).toBe('"up" is not one of maximize, minimize');
      }
    }
  });
});

describe('the heatmaps of a sweep', () => {
  // Regression: each heatmap had its own colour scale, so one value was green in one and red in another.
  it('share one colour scale, from the worst trial to the best', () => {
    const input = buildResearchRun();
    const heatmaps = objectiveCharts(input, options);
    expect(heatmaps.length).toBeGreaterThanOrEqual(2);
    const domains = heatmaps.map((chart) => /"color":\{"field":"v","type":"quantitative","scale":\{[^}]*"domain":(\[[^\]]*\])/.exec(JSON.stringify(chart.spec))?.[1]);
    const objectives = input.trials.flatMap((trial) => (trial.objective === null ? [] : [trial.objective]));
    expect(domains.every((domain) => domain !== undefined && domain === domains[0])).toBe(true);
    const [low, high] = JSON.parse(domains[0] ?? '[]') as number[];
    expect(input.objective.direction).toBe('maximize');
    expect(low).toBeCloseTo(Math.min(...objectives), 6);
    expect(high).toBeCloseTo(Math.max(...objectives), 6);
  });
});
