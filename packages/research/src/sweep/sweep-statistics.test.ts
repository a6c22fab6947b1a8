import { describe, expect, it } from 'vitest';
import { failedResult } from '../job/run-research-job';
import { sweepStatistics } from './sweep-statistics';
import type { Trial } from './sweep-statistics';

describe('sweepStatistics', () => {
  it('says in plain words why a statistic is missing, not as a configuration error', () => {
    // Three combinations that all timed out: no objective anywhere.
    const trials: Trial[] = [5, 10, 15].map((fast, index) => ({
      index,
      parameters: { fast },
      objective: null,
      result: failedResult(index, new Error('the job ran longer than 10 ms'), 'timed-out'),
    }));
    const statistics = sweepStatistics(trials, null, { blocks: 16, direction: 'max', dimensions: { fast: [5, 10, 15] } });
    expect(statistics.stability).toBeNull();
    expect(statistics.notes).toEqual([
      'deflatedSharpe: no combination has an objective value',
      'pbo: needs at least 2 finished combinations',
      'stability: no point has an objective value (3 points): there is no best point to assess',
    ]);
  });

  it('says why the stability is undefined when no neighbour of the best has an objective value', () => {
    // fast 5, 10, 15: the best (10) is the only one that ran; 5 failed, 15 was left out by a constraint.
    const ok: Trial = { index: 1, parameters: { fast: 10 }, objective: 0.5, result: { index: 1, status: 'ok', metrics: null, periodReturns: Float64Array.from([0.01, -0.02, 0.015]) } };
    const failed: Trial = { index: 0, parameters: { fast: 5 }, objective: null, result: failedResult(0, new Error('kaboom')) };
    const statistics = sweepStatistics([failed, ok], ok, { blocks: 2, direction: 'max', dimensions: { fast: [5, 10, 15] } });
    expect(statistics.stability?.stability).toBeNull();
    expect(statistics.notes).toContain(
      'stability: none of the 2 neighbours of the best combination (index 1) has an objective value (1 failed or without an objective value, 1 left out by a constraint or the sampling), so there is nothing to compare it with',
    );
  });

  // Regression: a combination whose threshold the data never reached reported "ok" with a blank
  // Sharpe ratio, and nothing said how the statistics took it.
  it('names the finished combinations that never held a position, and how the statistics take them', () => {
    const moving = (index: number, shift: number): Trial => ({
      index,
      parameters: { period: 20, k: index },
      objective: 0.1 * index,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from({ length: 32 }, (_, t) => Math.sin(t + shift) / 100) },
    });
    const flat = (index: number): Trial => ({ index, parameters: { period: 10, k: index }, objective: null, result: { index, status: 'ok', metrics: null, periodReturns: new Float64Array(32) } });
    const trials = [moving(0, 0), flat(1), moving(2, 1), flat(3), flat(4), flat(5), moving(6, 2)];
    const notes = sweepStatistics(trials, trials[6] ?? null, { blocks: 4, direction: 'max', dimensions: { period: [10, 20], k: [0, 1, 2, 3, 4, 5, 6] } }).notes;
    expect(notes).toContain(
      'flat: 4 of the 7 finished combinations never held a position (period=10 k=1; period=10 k=3; period=10 k=4; and 1 more): their Sharpe ratio is undefined (the deflated Sharpe ratio counts it as 0; a PBO scored by Sharpe or Sortino ratio ranks it below every number)',
    );
    // None flat, or all flat (the PBO says so then): no such note.
    const none = sweepStatistics([moving(0, 0), moving(2, 1)], null, { blocks: 4, direction: 'max', dimensions: { period: [20], k: [0, 2] } }).notes;
    expect(none.some((note) => note.startsWith('flat:'))).toBe(false);
    const all = sweepStatistics([flat(1), flat(3)], null, { blocks: 4, direction: 'max', dimensions: { period: [10], k: [1, 3] } }).notes;
    expect(all.some((note) => note.startsWith('flat:'))).toBe(false);
  });

  // Regression: an objective every combination shares (bars, startEquity) ranked by index with nothing said.
  it('says when every combination has the same objective value', () => {
    const trials: Trial[] = [0.01, 0.02, -0.01].map((shift, index) => ({
      index,
      parameters: { fast: 5 * (index + 1) },
      objective: 5105,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from([0.01 + shift, -0.02, 0.015 - shift, 0.004]) },
    }));
    const notes = sweepStatistics(trials, trials[0] ?? null, { blocks: 2, direction: 'max', metric: 'bars', dimensions: { fast: [5, 10, 15] } }).notes;
    expect(notes[0]).toBe('ranking: all 3 combinations with a value have the same bars (5105), so the ranking, and the best, follow the combination index alone');
    const varied = trials.map((trial, k) => ({ ...trial, objective: k }));
    expect(sweepStatistics(varied, varied[2] ?? null, { blocks: 2, direction: 'max', metric: 'bars', dimensions: { fast: [5, 10, 15] } }).notes.some((note) => note.startsWith('ranking:'))).toBe(false);
  });

  // Regression: a sweep over data.from printed a deflated Sharpe ratio for combinations measured over
  // different periods, and said its categorical parameter had one value.
  it('computes neither the DSR nor the PBO over different periods, and names a categorical parameter', () => {
    const returns = [
      [0.01, -0.02, 0.015, 0.003],
      [0.02, 0.01, -0.005, 0.004],
    ];
    // Equal lengths, as two windows of the same number of bars would have.
    const trials: Trial[] = returns.map((column, index) => ({
      index,
      parameters: { from: index === 0 ? '2005-01-01' : '2010-01-01' },
      objective: index,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from(column) },
    }));
    const dimensions = { from: ['2005-01-01', '2010-01-01'] };
    const statistics = sweepStatistics(trials, trials[1] ?? null, { blocks: 2, direction: 'max', dimensions, periodParameters: [{ name: 'from', path: 'data.from' }] });
    expect(statistics.deflatedSharpe).toBeNull();
    expect(statistics.pbo).toBeNull();
    expect(statistics.notes).toEqual([
      'deflatedSharpe: the combinations were measured over different periods (data.from varies), not as trials on one sample, which the deflation of the best Sharpe ratio assumes',
      "pbo: the combinations were measured over different periods (data.from varies); it compares every combination's returns over the same periods",
      "stability: the best combination (index 1) has no neighbour in the grid: from is categorical (text values), where a neighbour has the best combination's value, so there is nothing to compare it with",
    ]);
    // The finished trials on one period (the other value's combinations failed): both are computed.
    const onePeriod = trials.map((trial) => ({ ...trial, parameters: { from: '2005-01-01' } }));
    const failed: Trial = { index: 2, parameters: { from: '2010-01-01' }, objective: null, result: failedResult(2, new Error('no bar')) };
    const same = sweepStatistics([...onePeriod, failed], onePeriod[1] ?? null, { blocks: 2, direction: 'max', dimensions, periodParameters: [{ name: 'from', path: 'data.from' }] });
    expect(same.deflatedSharpe).not.toBeNull();
    expect(same.pbo).not.toBeNull();
  });

  it('scores an unbounded objective as the best point and an evaluated neighbour, not a failed one', () => {
    // fast 5, 10, 15: calmar 2, +∞ (no drawdown), +∞. The best is 10 (the first unbounded); 5 is as
    // far below it as the worst point (drop / spread → 1), 15 as good (0): stability ½.
    const trials: Trial[] = [2, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY].map((objective, index) => ({
      index,
      parameters: { fast: 5 * (index + 1) },
      objective,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from([0.01, 0.02 * index, 0.015]) },
    }));
    const statistics = sweepStatistics(trials, trials[1] ?? null, { blocks: 2, direction: 'max', dimensions: { fast: [5, 10, 15] } });
    expect(statistics.stability).toMatchObject({ best: { index: 1, objective: Number.POSITIVE_INFINITY }, evaluatedNeighbours: 2, failedNeighbours: 0, stability: 0.5, worstStability: 0 });
    expect(statistics.notes.filter((note) => note.startsWith('stability'))).toEqual([]);
  });

  it('numbers the stability\'s best point and neighbours by combination index, not by position among the trials', () => {
    // fast 5, 10, 15 × slow 50, 100 (index = 2 × fast's position + slow's); a constraint left out
    // combinations 0 and 1 (fast = 5), so the trials are combinations 2–5 at positions 0–3.
    const objectives: [number, number, number][] = [
      [2, 10, 50],
      [3, 10, 100],
      [4, 15, 50],
      [5, 15, 100],
    ];
    const sharpe = [0.4, 0.9, 0.5, 0.7];
    const trials: Trial[] = objectives.map(([index, fast, slow], position) => ({
      index,
      parameters: { fast, slow },
      objective: sharpe[position] ?? null,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from([0.01, -0.02, 0.015, 0.003 * (position + 1)]) },
    }));
    const statistics = sweepStatistics(trials, trials[1] ?? null, { blocks: 2, direction: 'max', dimensions: { fast: [5, 10, 15], slow: [50, 100] } });
    // Expected from an independent recomputation (best (10, 100); neighbours (10, 50), (15, 50),
    // (15, 100); (5, 50) and (5, 100) missing): combinations 3 and 2, 4, 5 — positions 1 and 0, 2, 3.
    expect(statistics.stability?.best).toEqual({ index: 3, params: { fast: 10, slow: 100 }, objective: 0.9 });
    expect(statistics.stability?.neighbours.map((neighbour) => [neighbour.index, neighbour.params])).toEqual([
      [2, { fast: 10, slow: 50 }],
      [4, { fast: 15, slow: 50 }],
      [5, { fast: 15, slow: 100 }],
    ]);
    expect(statistics.stability?.missingNeighbours).toBe(2);
    expect(statistics.stability?.stability).toBeCloseTo(0.2666666666666666, 14);
  });

  describe('a best combination on the edge of the grid', () => {
    const returns = Float64Array.from([0.01, -0.02, 0.015, 0.004]);
    const trial = (index: number, parameters: Trial['parameters']): Trial => ({ index, parameters, objective: 1, result: { index, status: 'ok', metrics: null, periodReturns: returns } });
    const dimensions = { period: [10, 20, 30, 40], k: [1.5, 2, 2.5], scheme: ['equal', 'risk-parity', 'fixed'], flag: [false, true], fast: [5, 50] };
    const notes = (selected: Trial): readonly string[] => sweepStatistics([selected], selected, { blocks: 2, direction: 'max', dimensions }).notes;

    it('says which numeric parameters sit at the end of their range, and to widen it', () => {
      // period 40 is the largest of 10…40, k 1.5 the smallest of 1.5…2.5.
      expect(notes(trial(9, { period: 40, k: 1.5, scheme: 'equal', flag: true, fast: 50 }))).toContain(
        'grid: the best combination (index 9) is on the edge of the grid: period=40 is the largest value tried and k=1.5 is the smallest value tried; the objective may go on improving beyond it, so widen the range before trusting it',
      );
      expect(notes(trial(3, { period: 10, k: 2, scheme: 'fixed', flag: false, fast: 5 }))).toContain(
        'grid: the best combination (index 3) is on the edge of the grid: period=10 is the smallest value tried; the objective may go on improving beyond it, so widen the range before trusting it',
      );
    });

    // Regression: "period=5 is the smallest value tried … widen the range" where 5 was the least
    // period the strategy's schema allows.
    it("does not name an edge that is the parameter's own limit", () => {
      const selected = trial(9, { period: 40, k: 1.5, scheme: 'equal', flag: true, fast: 50 });
      const limited = (limits: Record<string, { below: boolean; above: boolean }>): readonly string[] =>
        sweepStatistics([selected], selected, { blocks: 2, direction: 'max', dimensions, limits }).notes.filter((note) => note.startsWith('grid:'));
      expect(limited({ k: { below: true, above: false } })).toEqual([
        'grid: the best combination (index 9) is on the edge of the grid: period=40 is the largest value tried; the objective may go on improving beyond it, so widen the range before trusting it',
      ]);
      // A limit on the other side changes nothing; limits on both edges leave no note.
      expect(limited({ k: { below: false, above: true } })[0]).toContain('k=1.5 is the smallest value tried');
      expect(limited({ k: { below: true, above: false }, period: { below: false, above: true } })).toEqual([]);
    });

    it('says nothing inside every range, nor of text, booleans or a parameter of two values (both ends)', () => {
      expect(notes(trial(5, { period: 20, k: 2, scheme: 'fixed', flag: true, fast: 50 })).filter((note) => note.startsWith('grid:'))).toEqual([]);
    });
  });

  describe('a combination whose equity reached zero or below (its returns undefined from then on)', () => {
    // A: 0.02, 0, 0.02, 0, … (40 periods): mean 0.01, std (ddof 1) 0.01·√(40/39), Sharpe √(39/40).
    // B: 0.01, −0.01, …: Sharpe 0. C lost everything in its first period (−150 %): undefined after.
    const ok = (index: number, objective: number, returns: readonly number[]): Trial => ({
      index,
      parameters: { fast: [5, 10, 15][index] ?? 0 },
      objective,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from(returns) },
    });
    const a = ok(0, 2, Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 0.02 : 0)));
    const b = ok(1, 1, Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? 0.01 : -0.01)));
    const c = ok(2, -1.5, [-1.5, ...Array.from({ length: 39 }, () => Number.NaN)]);
    const options = { blocks: 4, direction: 'max', dimensions: { fast: [5, 10, 15] } } as const;

    it('counts in the deflated Sharpe ratio with a Sharpe ratio of 0, as one without a Sharpe ratio does; the PBO says why it is missing', () => {
      const statistics = sweepStatistics([a, b, c], a, options);
      // Trial Sharpe ratios √(39/40), 0, 0: their variance (ddof 1) is (√(39/40))² / 3 = 0.325.
      expect(statistics.deflatedSharpe?.trials).toBe(3);
      expect(statistics.deflatedSharpe?.sharpeVariance).toBeCloseTo(0.325, 12);
      expect(statistics.pbo).toBeNull();
      expect(statistics.notes).toEqual([
        "pbo: combination #2's returns are undefined after period 1 of 40 (its equity reached zero or below); it needs every combination's returns",
        // a (fast 5) is the smallest of 5, 10, 15.
        'grid: the best combination (index 0) is on the edge of the grid: fast=5 is the smallest value tried; the objective may go on improving beyond it, so widen the range before trusting it',
      ]);
    });

    it('as the selected combination: no deflated Sharpe ratio, and the note says why, not that market data is invalid', () => {
      const statistics = sweepStatistics([a, b, c], c, { ...options, direction: 'min' });
      expect(statistics.deflatedSharpe).toBeNull();
      expect(statistics.notes[0]).toBe("deflatedSharpe: the selected combination #2's returns are undefined after period 1 of 40 (its equity reached zero or below)");
      expect(statistics.notes.join(' ')).not.toContain('market data');
    });
  });

  describe('the PBO judges the selection the objective makes', () => {
    const trial = (index: number, values: readonly number[]): Trial => ({
      index,
      parameters: { k: index + 1 },
      objective: null,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from(values) },
    });

    it('ranks by volatility, minimised, where a Sharpe ratio ranking would tie every trial (PBO 1)', () => {
      // Trial k holds the same returns scaled by k + 1: the same Sharpe ratio in every half (a
      // ranking by it ties every split at the median), and the calmest trial, 0, is calmest in and
      // out of sample: its out-of-sample rank is N in every split, so no split is overfit.
      const base = Array.from({ length: 48 }, (_, t) => Math.sin(t * 1.7) * 0.01 + 0.001);
      const trials = [0, 1, 2].map((index) => trial(index, base.map((value) => value * (index + 1))));
      const options = { blocks: 4, direction: 'min', dimensions: { k: [1, 2, 3] } } as const;
      const statistics = sweepStatistics(trials, trials[0] ?? null, { ...options, metric: 'volatility' });
      expect(statistics.pbo).toMatchObject({ pbo: 0, scoredBy: 'volatility', direction: 'min', probabilityOfLoss: null });
      expect(statistics.pbo?.logitDistribution).toEqual([{ logit: Math.log(3), relativeRank: 0.75, count: 6 }]);
      expect(statistics.notes.filter((note) => note.startsWith('pbo'))).toEqual([]);
      // The DSR deflates the Sharpe ratio whatever the objective: said, when the selection was by another.
      expect(statistics.deflatedSharpe?.dsr).not.toBeNull();
      expect(statistics.notes).toContain(
        "deflatedSharpe: the combination was selected by volatility, not by its Sharpe ratio; the DSR tests its Sharpe ratio against the best the 3 trials' would reach by luck, the hurdle of a selection by Sharpe ratio — a stricter test than this selection needs",
      );
      expect(sweepStatistics(trials, trials[0] ?? null, { ...options, direction: 'max', metric: 'sharpe' }).notes.filter((note) => note.startsWith('deflatedSharpe'))).toEqual([]);
    });

    it('ranks by compounded return for totalReturn and cagr, worked by hand', () => {
      // Two blocks of two periods. Compounded: A 1.1 × 0.95 = 1.045 then 1.02 × 1.03 = 1.0506; B
      // 1.04 then 1.0201. A wins both halves: PBO 0. By Sharpe ratio B wins the first half
      // (0.707 against 0.236) and has none in the second (σ 0, ranked last), A wins the second
      // and loses the first: PBO 1, a judgement of another selection.
      const trials = [trial(0, [0.1, -0.05, 0.02, 0.03]), trial(1, [0.04, 0, 0.01, 0.01])];
      const options = { blocks: 2, direction: 'max', dimensions: { k: [1, 2] } } as const;
      for (const metric of ['totalReturn', 'cagr'] as const) {
        expect(sweepStatistics(trials, trials[0] ?? null, { ...options, metric }).pbo).toMatchObject({ pbo: 0, scoredBy: metric, probabilityOfLoss: 0 });
      }
      expect(sweepStatistics(trials, trials[0] ?? null, { ...options, metric: 'sharpe' }).pbo).toMatchObject({ pbo: 1, scoredBy: 'sharpe' });
    });

    it('ranks by the Sortino ratio for sortino, worked by hand', () => {
    // Two blocks of two periods. First half: A mean 0.025, downside √(0.05² / 2) = 0.03536, Sortino
    // 0.707; B mean 0.02 without a negative return: +∞, B wins. Second half: A 0.025 / 0 → +∞
    // (no negative return), B 0.01 / √(0.01² / 2) = 1.414: A wins. Each winner is last out of sample:
    // PBO 1 (a total return ranking gives PBO 0 on these: A compounds more in both halves).
    const trials = [trial(0, [0.1, -0.05, 0.02, 0.03]), trial(1, [0.04, 0, 0.03, -0.01])];
    const statistics = sweepStatistics(trials, trials[0] ?? null, { blocks: 2, direction: 'max', dimensions: { k: [1, 2] }, metric: 'sortino' });
    expect(statistics.pbo).toMatchObject({ pbo: 1, scoredBy: 'sortino', direction: 'max', probabilityOfLoss: 0 });
    expect(statistics.notes.filter((note) => note.startsWith('pbo'))).toEqual([]);
  });

  it('scores by the Sharpe ratio, saying so, an objective a half\'s returns do not give', () => {
      const trials = [trial(0, [0.1, -0.05, 0.02, 0.03]), trial(1, [0.04, 0, 0.01, 0.01])];
      const statistics = sweepStatistics(trials, trials[0] ?? null, { blocks: 2, direction: 'max', dimensions: { k: [1, 2] }, metric: 'maxDrawdown' });
      expect(statistics.pbo).toMatchObject({ pbo: 1, scoredBy: 'sharpe', direction: 'max' });
      expect(statistics.notes).toContain(
        "pbo: scored by the Sharpe ratio of each half, not by maxDrawdown, the objective, which a half's returns do not give (only sharpe, sortino, totalReturn, cagr and volatility are scored as themselves): it judges a selection by Sharpe ratio",
      );
    });
  });

  describe('combinations with identical returns (a parameter the strategy ignores, or no trade at all)', () => {
    const returns = Array.from({ length: 48 }, (_, t) => Math.sin(t * 1.7) * 0.01 + 0.001);
    const same = (index: number, values: readonly number[]): Trial => {
      const periodReturns = Float64Array.from(values);
      return { index, parameters: { k: index + 1 }, objective: 1, result: { index, status: 'ok', metrics: null, periodReturns } };
    };
    const options = { blocks: 4, direction: 'max', dimensions: { k: [1, 2, 3] } } as const;

    it('gives no PBO (the CSCV would count every tie at the median as overfit, PBO 1) and says why', () => {
      const trials = [0, 1, 2].map((index) => same(index, returns));
      const statistics = sweepStatistics(trials, trials[0] ?? null, options);
      expect(statistics.pbo).toBeNull();
      expect(statistics.notes).toContain(
        'pbo: the 3 finished combinations have identical returns in every period (the varied parameters changed nothing), so there is no selection to judge',
      );
      // k = 1 is first by the tie-break only: no "widen the range" advice.
      expect(statistics.notes.filter((note) => note.startsWith('grid:'))).toEqual([]);
    });

    it('says that none traded when every return is 0', () => {
      const trials = [0, 1].map((index) => same(index, Array.from({ length: 48 }, () => 0)));
      const statistics = sweepStatistics(trials, null, { ...options, dimensions: { k: [1, 2] } });
      expect(statistics.pbo).toBeNull();
      expect(statistics.notes).toContain(
        'pbo: the 2 finished combinations have identical returns in every period (the varied parameters changed nothing, and none of them traded), so there is no selection to judge',
      );
    });

    it('says why the selected combination has no DSR: flat returns (σ = 0), or fewer than 2', () => {
      const flat = [0, 1].map((index) => same(index, Array.from({ length: 48 }, () => 0)));
      expect(sweepStatistics(flat, flat[0] ?? null, options).notes).toContain(
        "deflatedSharpe: the selected combination #0's returns do not vary (a standard deviation of 0: it never traded), so it has no Sharpe ratio to deflate",
      );
      const constant = [0, 1].map((index) => same(index, Array.from({ length: 48 }, () => 0.001)));
      const statistics = sweepStatistics(constant, constant[1] ?? null, options);
      expect(statistics.deflatedSharpe?.dsr).toBeNull();
      expect(statistics.notes).toContain("deflatedSharpe: the selected combination #1's returns do not vary (a standard deviation of 0), so it has no Sharpe ratio to deflate");
      const one = [0, 1].map((index) => same(index, [0.01]));
      expect(sweepStatistics(one, one[0] ?? null, options).notes).toContain('deflatedSharpe: the selected combination #0 has 1 return; a Sharpe ratio needs at least 2');
    });

    it('says first that the returns are too few for the blocks, when they are', () => {
      const trials = [0, 1].map((index) => same(index, [0.01, 0.02, 0.03]));
      expect(sweepStatistics(trials, null, options).notes).toContain('pbo: must be at most the number of returns per trial (3), got 4: every block needs a row');
    });

    it('keeps the PBO when one combination differs in a single period', () => {
      const other = [...returns];
      other[7] = (other[7] ?? 0) + 0.002;
      const trials = [same(0, returns), same(1, returns), same(2, other)];
      expect(sweepStatistics(trials, trials[2] ?? null, options).pbo?.trials).toBe(3);
    });

    it('deflates nothing: the trial Sharpe ratios do not vary, so SR₀ = 0 and the DSR is the PSR, as computed by hand', () => {
      const trials = [0, 1, 2].map((index) => same(index, returns));
      const dsr = sweepStatistics(trials, trials[0] ?? null, options).deflatedSharpe;
      // By hand: sample mean and std (ddof 1), population skewness and plain kurtosis, then
      // Φ(SR·√(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²)) with Φ from erf's series (Abramowitz & Stegun 7.1.5).
      const n = returns.length;
      const mean = returns.reduce((sum, r) => sum + r, 0) / n;
      const m = (k: number): number => returns.reduce((sum, r) => sum + (r - mean) ** k, 0) / n;
      const sharpe = mean / Math.sqrt((m(2) * n) / (n - 1));
      const skew = m(3) / m(2) ** 1.5;
      const kurt = m(4) / m(2) ** 2;
      const z = (sharpe * Math.sqrt(n - 1)) / Math.sqrt(1 - skew * sharpe + ((kurt - 1) / 4) * sharpe * sharpe);
      let erf = 0;
      let term = z / Math.SQRT2;
      for (let k = 0; k < 60; k++) {
        erf += term / (2 * k + 1);
        term *= (-((z / Math.SQRT2) ** 2)) / (k + 1);
      }
      const phi = 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * erf);
      expect(dsr?.sharpeVariance).toBe(0);
      expect(dsr?.expectedMaxSharpe).toBe(0);
      expect(dsr?.dsr).toBeCloseTo(phi, 12);
      expect(dsr?.psr).toBe(dsr?.dsr);
    });
  });
});
