import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import type { EvaluatedPoint } from './parameter-stability';
import { parameterStability } from './parameter-stability';

// A fast/slow moving-average grid; objective = Sharpe ratio.
//   fast\slow   50    100   150
//   5          0.4   0.6   0.5
//   10         0.8   1.2   0.9
//   15         0.7   1.0   0.3
//   20        -0.2   0.1   0.0
const TABLE = [
  [0.4, 0.6, 0.5],
  [0.8, 1.2, 0.9],
  [0.7, 1.0, 0.3],
  [-0.2, 0.1, 0.0],
];
const FAST = [5, 10, 15, 20];
const SLOW = [50, 100, 150];

function grid(table: readonly (readonly (number | null)[])[] = TABLE): EvaluatedPoint[] {
  return FAST.flatMap((fast, i) => SLOW.map((slow, j) => ({ params: { fast, slow }, objective: table[i]?.[j] ?? null })));
}

describe('parameterStability', () => {
  it('scores an interior best point of a 2-D grid by hand', () => {
    const result = parameterStability(grid());
    expect(result.best).toEqual({ index: 4, params: { fast: 10, slow: 100 }, objective: 1.2 });
    // Neighbours: fast 5–15 × slow 50–150 without the center: 0.4 0.6 0.5 0.8 0.9 0.7 1.0 0.3.
    expect(result.neighbours.map((n) => n.objective)).toEqual([0.4, 0.6, 0.5, 0.8, 0.9, 0.7, 1.0, 0.3]);
    expect(result).toMatchObject({ neighbourhoodSize: 8, evaluatedNeighbours: 8, failedNeighbours: 0, missingNeighbours: 0 });
    expect(result.meanNeighbourObjective).toBeCloseTo(5.2 / 8, 15); // 0.65
    expect(result.ratio).toBeCloseTo(0.65 / 1.2, 15);
    expect(result.meanDrop).toBeCloseTo(0.55, 15);
    expect(result.worstDrop).toBeCloseTo(0.9, 15); // the neighbour at (15, 150) scores 0.3
    expect(result.spread).toBeCloseTo(1.4, 15); // 1.2 − (−0.2)
    expect(result.stability).toBeCloseTo(1 - 0.55 / 1.4, 15);
    expect(result.worstStability).toBeCloseTo(1 - 0.9 / 1.4, 15);
    expect(result.dimensions).toEqual([
      { name: 'fast', kind: 'ordered', values: FAST, neighbours: 'step' },
      { name: 'slow', kind: 'ordered', values: SLOW, neighbours: 'step' },
    ]);
  });

  it('skips and counts failed and missing neighbours', () => {
    const points = grid([
      [null, 0.6, 0.5],
      [0.8, 1.2, 0.9],
      [0.7, 1.0, 0.3],
      [-0.2, 0.1, 0.0],
    ]).filter((point) => !(point.params.fast === 15 && point.params.slow === 150));
    const result = parameterStability(points);
    expect(result).toMatchObject({ neighbourhoodSize: 8, evaluatedNeighbours: 6, failedNeighbours: 1, missingNeighbours: 1 });
    expect(result.meanNeighbourObjective).toBeCloseTo(4.5 / 6, 15); // 0.6 0.5 0.8 0.9 0.7 1.0
    expect(result.worstDrop).toBeCloseTo(0.7, 15);
  });

  it('counts grid values no point covers as missing when the values are given', () => {
    const result = parameterStability(grid(), { dimensions: { slow: { values: [25, 50, 100, 150] } } });
    // (10, 100) keeps its neighbours; a best point at slow 50 would now see slow 25 as missing.
    expect(result.missingNeighbours).toBe(0);
    const edge = parameterStability(
      grid().map((p) => ({ ...p, objective: p.params.slow === 50 && p.params.fast === 10 ? 2 : p.objective })),
      { dimensions: { slow: { values: [25, 50, 100, 150] } } },
    );
    expect(edge.best.params).toEqual({ fast: 10, slow: 50 });
    expect(edge).toMatchObject({ neighbourhoodSize: 8, evaluatedNeighbours: 5, missingNeighbours: 3 });
  });

  it('has fewer neighbours at a corner', () => {
    const result = parameterStability(grid([[3, 0.6, 0.5], ...TABLE.slice(1)]));
    expect(result.best.params).toEqual({ fast: 5, slow: 50 });
    expect(result.neighbourhoodSize).toBe(3);
    expect(result.neighbours.map((n) => n.objective)).toEqual([0.6, 0.8, 1.2]);
  });

  it('minimises: drops and the ratio turn around', () => {
    // Max drawdown (as a positive fraction) by stop distance: 0.30 0.10 0.15 0.40.
    const points = [1, 2, 3, 4].map((stop, i) => ({ params: { stop }, objective: [0.3, 0.1, 0.15, 0.4][i] ?? null }));
    const result = parameterStability(points, { direction: 'min' });
    expect(result.best.objective).toBe(0.1);
    expect(result.neighbours.map((n) => n.drop)).toEqual([0.3 - 0.1, 0.15 - 0.1]);
    expect(result.meanDrop).toBeCloseTo(0.125, 15);
    expect(result.spread).toBeCloseTo(0.3, 15);
    expect(result.stability).toBeCloseTo(1 - 0.125 / 0.3, 15);
    expect(result.ratio).toBeCloseTo(0.1 / 0.225, 15); // best / mean neighbour
  });

  it('reads negative objectives through drops and spread; the ratio is null', () => {
    const points = [1, 2, 3, 4].map((k, i) => ({ params: { k }, objective: [-0.5, -0.2, -0.3, -0.9][i] ?? null }));
    const result = parameterStability(points);
    expect(result.best.objective).toBe(-0.2);
    expect(result.ratio).toBeNull();
    expect(result.meanDrop).toBeCloseTo(0.2, 15); // drops 0.3 and 0.1
    expect(result.spread).toBeCloseTo(0.7, 15);
    expect(result.stability).toBeCloseTo(1 - 0.2 / 0.7, 15);
  });

  it('matches categorical parameters, or takes any value with neighbours: any', () => {
    const points = ['long', 'short'].flatMap((side) =>
      [10, 20, 30].map((fast) => ({ params: { side, fast }, objective: side === 'long' ? fast / 10 : -fast / 10 + (fast === 20 ? 5 : 0) })),
    );
    // long: 1 2 3 and short: −1 3 −3 for fast 10 20 30. (long, 30) and (short, 20) tie at 3; the
    // first in input order is the best.
    const match = parameterStability(points);
    expect(match.best.params).toEqual({ side: 'long', fast: 30 });
    expect(match.dimensions[0]).toEqual({ name: 'side', kind: 'categorical', values: ['long', 'short'], neighbours: 'match' });
    expect(match.neighbours.map((n) => n.params)).toEqual([{ side: 'long', fast: 20 }]);
    const any = parameterStability(points, { dimensions: { side: { neighbours: 'any' } } });
    expect(any.neighbours.map((n) => n.params)).toEqual([
      { side: 'long', fast: 20 },
      { side: 'short', fast: 20 },
      { side: 'short', fast: 30 },
    ]);
    expect(any.neighbourhoodSize).toBe(3);
  });

  it('orders string values when they are listed', () => {
    const points = ['low', 'mid', 'high'].map((risk, i) => ({ params: { risk }, objective: [1, 2, 0.5][i] ?? null }));
    const result = parameterStability(points, { dimensions: { risk: { kind: 'ordered', values: ['low', 'mid', 'high'] } } });
    expect(result.neighbours.map((n) => n.params.risk)).toEqual(['low', 'high']);
  });

  it('gives stability 1 when every point scores the same, null without neighbours', () => {
    const flat = parameterStability([1, 2, 3].map((k) => ({ params: { k }, objective: 0.5 })));
    expect(flat).toMatchObject({ spread: 0, stability: 1, worstStability: 1, ratio: 1, best: { index: 0 } });
    const alone = parameterStability([{ params: { k: 1 }, objective: 0.5 }]);
    expect(alone).toMatchObject({ neighbourhoodSize: 0, meanDrop: null, stability: null, ratio: null, meanNeighbourObjective: null });
  });

  it('lists bad points and options', () => {
    const points: EvaluatedPoint[] = [
      { params: { fast: 5, slow: 50 }, objective: 1 },
      { params: { fast: 5, slow: 50 }, objective: 2 },
      { params: { fast: 10 }, objective: 1 },
      { params: { fast: Number.NaN, slow: 100 }, objective: 1 },
    ];
    let error: unknown;
    try {
      parameterStability(points);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['points.1', 'points.2.params.slow', 'points.3.params.fast']);
    expect(() => parameterStability(grid(), { direction: 'up' as 'max', dimensions: { nope: {} } })).toThrow(/direction[\s\S]*dimensions\.nope/);
    expect(() => parameterStability([{ params: { risk: 'low' }, objective: 1 }], { dimensions: { risk: { kind: 'ordered' } } })).toThrow(
      /needs its values listed in order/,
    );
    expect(() => parameterStability(grid(), { dimensions: { fast: { values: [5, 10, 15] } } })).toThrow(/points\.9\.params\.fast: 20 is not among/);
    expect(() => parameterStability(grid(), { dimensions: { fast: { neighbours: 'any' } } })).toThrow(/categorical parameters only/);
    expect(() => parameterStability([{ params: { k: 1 }, objective: null }])).toThrow(/no point has an objective value/);
  });

  it('scores an unbounded objective as a value, measuring drops against an unbounded spread in the limit', () => {
    const inf = Number.POSITIVE_INFINITY;
    // k = 2 is the first unbounded point, so the best; its neighbours: k = 1 (5) and k = 3 (unbounded).
    const points = [5, inf, inf, 2, null].map((objective, i) => ({ params: { k: i + 1 }, objective }));
    const up = parameterStability(points);
    expect(up).toMatchObject({ best: { index: 1, objective: inf }, evaluatedNeighbours: 2, failedNeighbours: 0, spread: inf, meanDrop: inf, worstDrop: inf, meanNeighbourObjective: inf });
    expect(up.neighbours.map((neighbour) => neighbour.drop)).toEqual([inf, 0]);
    // k = 1, finite below an unbounded best, is as far below it as the worst point (drop / spread → 1);
    // k = 3 is as good as the best (0): stability 1 − (1 + 0) / 2, the worst neighbour 1 − 1; one of
    // the two neighbours keeps the unbounded best (ratio ½).
    expect(up.stability).toBe(0.5);
    expect(up.worstStability).toBe(0);
    expect(up.ratio).toBe(0.5);
    // Minimising, an unbounded point is the worst: k = 2 (0.5) is the best, k = 1 (1) as near it as
    // can be against an unbounded spread (0), k = 3 as bad as the worst (1).
    const down = parameterStability([1, 0.5, inf, 2].map((objective, i) => ({ params: { k: i + 1 }, objective })), { direction: 'min' });
    expect(down).toMatchObject({ best: { index: 1, objective: 0.5 }, evaluatedNeighbours: 2, spread: inf, stability: 0.5, worstStability: 0, ratio: 0 });
    expect(down.neighbours.map((neighbour) => neighbour.drop)).toEqual([0.5, inf]);
    // Every point unbounded: no spread, as stable as can be.
    const all = parameterStability([inf, inf, inf].map((objective, i) => ({ params: { k: i + 1 }, objective })));
    expect(all).toMatchObject({ best: { index: 0 }, spread: 0, stability: 1, worstStability: 1, ratio: 1, meanDrop: 0 });
    // A finite grid is scored as before: unbounded spreads take no part in it.
    const finite = parameterStability([1, 3, 2].map((objective, i) => ({ params: { k: i + 1 }, objective })));
    expect(finite).toMatchObject({ best: { index: 1 }, spread: 2, meanDrop: 1.5, stability: 0.25, worstStability: 0, ratio: 0.5 });
  });
});
