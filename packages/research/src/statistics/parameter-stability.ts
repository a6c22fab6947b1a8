import { IssueList, describe, recordElementsIssue } from './input-checks';
import { bestIndex } from './relative-rank';
import { arrayIssue, checkArguments, nullAsAbsent, optionsIssue } from '@ensemble/protocol';

/** A parameter value of a grid point. */
export type ParameterValue = number | string | boolean;

/** One evaluated point of a parameter grid. */
export interface EvaluatedPoint {
  /** The point's value for every parameter (every point names the same parameters). */
  readonly params: Readonly<Record<string, ParameterValue>>;
  /**
   * The objective (e.g. a Sharpe ratio); ±Infinity is an unbounded value (a Calmar ratio without a
   * drawdown), better or worse than every finite one; null or NaN marks a failed evaluation.
   */
  readonly objective: number | null;
}

/** How one parameter's values are laid out and which of them neighbour the best point's. */
export interface DimensionOptions {
  /**
   * `'ordered'`: a neighbour is at most one step away in `values` (the default for numbers);
   * `'categorical'`: values have no order (the default for strings and booleans).
   */
  readonly kind?: 'ordered' | 'categorical';
  /**
   * The grid's values. Default: the values the points take, numbers ascending, other values in
   * order of first appearance. Give them to order strings, or to count grid positions no point
   * covers as missing.
   */
  readonly values?: readonly ParameterValue[];
  /** Categorical only: `'match'` (default) — neighbours have the best point's value; `'any'` — any value. */
  readonly neighbours?: 'match' | 'any';
}

/** Options of {@link parameterStability}. */
export interface ParameterStabilityOptions {
  /** Whether a larger (`'max'`, default) or a smaller (`'min'`) objective is better. */
  readonly direction?: 'max' | 'min';
  /** Per parameter name, how its values are laid out. */
  readonly dimensions?: Readonly<Record<string, DimensionOptions>>;
}

/** A parameter of the grid as {@link parameterStability} laid it out. */
export interface ResolvedDimension {
  readonly name: string;
  readonly kind: 'ordered' | 'categorical';
  readonly values: readonly ParameterValue[];
  /** Which values neighbour the best point's: one step either side, the same value, or any value. */
  readonly neighbours: 'step' | 'match' | 'any';
}

/** A point of the grid with its evaluation. */
export interface StabilityPoint {
  /** Index of the point in the input. */
  readonly index: number;
  readonly params: Readonly<Record<string, ParameterValue>>;
  readonly objective: number;
}

/** An evaluated neighbour of the best point and how much worse it is. */
export interface StabilityNeighbour extends StabilityPoint {
  /**
   * How much worse than the best, in objective units: `best − objective` (max) or
   * `objective − best` (min); ≥ 0, or a hair below 0 for a neighbour tied with the best within 1e−12.
   */
  readonly drop: number;
}

/** The result of {@link parameterStability}. Null: cannot be computed (see each field). */
export interface ParameterStabilityResult {
  readonly direction: 'max' | 'min';
  readonly dimensions: readonly ResolvedDimension[];
  /** The point with the best objective (the first in input order on a tie within 1e−12 relative). */
  readonly best: StabilityPoint;
  /** The evaluated neighbours, in grid order (first dimension slowest). */
  readonly neighbours: readonly StabilityNeighbour[];
  /** Grid positions in the neighbourhood, the best point's own excluded. */
  readonly neighbourhoodSize: number;
  /** Neighbourhood positions with a point whose objective is a number (±Infinity included). */
  readonly evaluatedNeighbours: number;
  /** Neighbourhood positions with a point whose evaluation failed (objective null or NaN); skipped. */
  readonly failedNeighbours: number;
  /** Neighbourhood positions no point covers; skipped. */
  readonly missingNeighbours: number;
  /** Mean objective of the evaluated neighbours (±Infinity with an unbounded one); null without one, or with both +∞ and −∞. */
  readonly meanNeighbourObjective: number | null;
  /**
   * `mean neighbour / best` (max) or `best / mean neighbour` (min): the share of the best kept
   * around it, 1 = as good. Null unless both are > 0 (a ratio of a negative best reads backwards).
   * With an unbounded value it is the limit as that value grows: an unbounded best keeps the share
   * of its neighbours that are unbounded too (maximising), and a finite best against an unbounded
   * mean neighbour keeps 0 (minimising).
   */
  readonly ratio: number | null;
  /** Mean of the neighbours' drops; null without a neighbour. */
  readonly meanDrop: number | null;
  /** Largest drop among the neighbours; null without a neighbour. */
  readonly worstDrop: number | null;
  /** `|best − worst|` over every evaluated point: the range the drops are measured against (Infinity with an unbounded point among finite ones). */
  readonly spread: number;
  /**
   * `1 − meanDrop / spread`, in [0, 1]: 1 = the neighbours are as good as the best, 0 = on average
   * as bad as the worst point of the grid. 1 when every point scores the same; null without a neighbour.
   * With an unbounded spread each neighbour's `drop / spread` is its limit as the unbounded values
   * grow: 0 for a neighbour equal to the best, 1 for one equal to the worst, else 1 when the best is
   * unbounded (a finite neighbour is as far below it as the worst), 0 when the worst is (a finite
   * neighbour is as near the best as can be), ½ when both are.
   */
  readonly stability: number | null;
  /** `1 − worstDrop / spread`, the same for the worst neighbour. */
  readonly worstStability: number | null;
}

const valueKey = (value: ParameterValue): string => `${typeof value}:${String(value)}`;

const isParameterValue = (value: unknown): value is ParameterValue =>
  (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || typeof value === 'boolean';

interface Grid {
  readonly dimensions: readonly ResolvedDimension[];
  /** Per dimension, value key → index in `values`. */
  readonly positions: readonly ReadonlyMap<string, number>[];
}

function parameterNames(points: readonly EvaluatedPoint[]): string[] {
  const names = new Set<string>();
  for (const point of points) for (const name of Object.keys(point.params)) names.add(name);
  return [...names];
}

function resolveGrid(points: readonly EvaluatedPoint[], options: ParameterStabilityOptions): Grid {
  const names = parameterNames(points);
  const issues = new IssueList('parameter stability');
  const { dimensions: given = {} } = options;
  // Options may come from JavaScript or JSON: check what the types promise.
  const direction: unknown = options.direction ?? 'max';
  if (direction !== 'max' && direction !== 'min') issues.add('direction', `must be 'max' or 'min', got ${describe(direction)}`);
  for (const name of Object.keys(given)) {
    if (!names.includes(name)) issues.add(`dimensions.${name}`, `no point has a parameter "${name}"; the parameters are ${names.join(', ')}`);
  }
  const dimensions = names.map((name): ResolvedDimension => {
    const option = given[name] ?? {};
    const seen = new Map<string, ParameterValue>();
    for (const point of points) {
      const value = point.params[name];
      if (value !== undefined && isParameterValue(value)) seen.set(valueKey(value), value);
    }
    const seenValues = [...seen.values()];
    const numeric = seenValues.every((value) => typeof value === 'number');
    const kind = option.kind ?? (numeric ? 'ordered' : 'categorical');
    const kindValue: unknown = kind;
    if (kindValue !== 'ordered' && kindValue !== 'categorical') {
      issues.add(`dimensions.${name}.kind`, `must be 'ordered' or 'categorical', got ${describe(kindValue)}`);
    }
    let values: readonly ParameterValue[];
    if (option.values === undefined) {
      if (kind === 'ordered' && !numeric) {
        issues.add(`dimensions.${name}.values`, 'an ordered parameter with values other than numbers needs its values listed in order');
      }
      values = numeric ? seenValues.filter((value) => typeof value === 'number').sort((a, b) => a - b) : seenValues;
    } else {
      values = option.values;
      const keys = new Set<string>();
      for (const [i, value] of values.entries()) {
        if (!isParameterValue(value)) issues.add(`dimensions.${name}.values.${i}`, `must be a finite number, a string or a boolean, got ${describe(value)}`);
        else if (keys.has(valueKey(value))) issues.add(`dimensions.${name}.values.${i}`, `repeats ${describe(value)}`);
        else keys.add(valueKey(value));
      }
    }
    const neighbours: unknown = option.neighbours;
    if (neighbours !== undefined && (kind !== 'categorical' || (neighbours !== 'match' && neighbours !== 'any'))) {
      issues.add(`dimensions.${name}.neighbours`, `applies to categorical parameters only and must be 'match' or 'any', got ${describe(neighbours)}`);
    }
    return { name, kind, values, neighbours: kind === 'ordered' ? 'step' : (option.neighbours ?? 'match') };
  });
  issues.throwIfAny();
  const positions = dimensions.map((dimension) => new Map(dimension.values.map((value, i) => [valueKey(value), i])));
  return { dimensions, positions };
}

/** Point problems listed before giving up on the rest. */
const MAX_POINT_ISSUES = 20;

/**
 * Each point's position on the grid as a key. Throws a `ConfigError` listing (up to 20) points with
 * a missing, invalid or off-grid parameter value or a repeated parameter set.
 */
function locatePoints(points: readonly EvaluatedPoint[], grid: Grid): Map<string, number> {
  const byPosition = new Map<string, number>();
  const issues = new IssueList('parameter stability');
  let problems = 0;
  const report = (path: string, message: string): void => {
    problems++;
    if (problems <= MAX_POINT_ISSUES) issues.add(path, message);
  };
  for (const [i, point] of points.entries()) {
    const coordinates = grid.dimensions.map((dimension, d) => {
      const path = `points.${i}.params.${dimension.name}`;
      const value: unknown = point.params[dimension.name];
      if (value === undefined) {
        report(path, `is missing: every point needs a value for every parameter (${grid.dimensions.map((x) => x.name).join(', ')})`);
        return -1;
      }
      if (!isParameterValue(value)) {
        report(path, `must be a finite number, a string or a boolean, got ${describe(value)}`);
        return -1;
      }
      const position = grid.positions[d]?.get(valueKey(value));
      if (position === undefined) report(path, `${describe(value)} is not among dimensions.${dimension.name}.values`);
      return position ?? -1;
    });
    if (coordinates.includes(-1)) continue;
    const key = coordinates.join(',');
    const other = byPosition.get(key);
    if (other === undefined) byPosition.set(key, i);
    else report(`points.${i}`, `has the same parameters as points.${other}: give each grid point once`);
  }
  if (problems > MAX_POINT_ISSUES) issues.add('points', `and ${problems - MAX_POINT_ISSUES} more problems`);
  issues.throwIfAny();
  return byPosition;
}

/** Every neighbourhood position (as coordinate lists) around `center`, the center excluded. */
function neighbourhood(grid: Grid, center: readonly number[]): number[][] {
  const choices = grid.dimensions.map((dimension, d) => {
    const at = center[d] ?? 0;
    switch (dimension.neighbours) {
      case 'step':
        return [at - 1, at, at + 1].filter((i) => i >= 0 && i < dimension.values.length);
      case 'match':
        return [at];
      case 'any':
        return dimension.values.map((_, i) => i);
    }
  });
  let positions: number[][] = [[]];
  for (const options of choices) positions = positions.flatMap((prefix) => options.map((i) => [...prefix, i]));
  const centerKey = center.join(',');
  return positions.filter((position) => position.join(',') !== centerKey);
}

/** A point's objective: a number, ±Infinity included; null for a failed evaluation (null or NaN). */
const evaluatedObjective = (point: EvaluatedPoint): number | null =>
  typeof point.objective === 'number' && !Number.isNaN(point.objective) ? point.objective : null;

/**
 * `drop / spread` of one neighbour, as goodness (larger is better): its drop below the best over
 * the best's distance above the worst. With an unbounded best or worst, the limit as the unbounded
 * values grow (see {@link ParameterStabilityResult.stability}).
 */
function relativeDrop(best: number, value: number, worst: number): number {
  if (value === best) return 0;
  if (value === worst) return 1;
  const bestUnbounded = !Number.isFinite(best);
  const worstUnbounded = !Number.isFinite(worst);
  if (bestUnbounded && worstUnbounded) return 0.5;
  if (bestUnbounded) return 1;
  if (worstUnbounded) return 0;
  return (best - value) / (best - worst);
}

/**
 * How well the best point of a parameter grid holds up around it: its neighbourhood is every grid
 * position within one step of it on each ordered parameter (diagonals included) with, on each
 * categorical parameter, the same value (`'match'`, default) or any value (`'any'`). Neighbours
 * with a failed evaluation or without a point are skipped and counted; an unbounded objective
 * (±Infinity) is a value, better or worse than every finite one. The drops are measured in
 * objective units and against the objective's spread over the whole grid, so a negative objective
 * reads the same way as a positive one; the `ratio` is only given for positive values.
 *
 * Throws a `ConfigError` listing bad options, points with a missing, invalid, off-grid or repeated
 * parameter set, or that no point has an objective value.
 */
export function parameterStability(points: readonly EvaluatedPoint[], given: ParameterStabilityOptions = {}): ParameterStabilityResult {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('parameterStability', [arrayIssue(points, 'points', 'an array of evaluated points (each with parameters and objective)'), optionsIssue(given)]);
  // Each point too (a null among them failed inside as a TypeError): its kind and its params' kind.
  checkArguments('parameterStability', [recordElementsIssue(points, 'points', 'an evaluated point ({ params, objective })', 'params')]);
  const options = nullAsAbsent(given, {});
  const grid = resolveGrid(points, options);
  const direction = options.direction ?? 'max';
  const byPosition = locatePoints(points, grid);
  const sign = direction === 'max' ? 1 : -1;
  const goodness = Float64Array.from(points, (point) => {
    const objective = evaluatedObjective(point);
    return objective === null ? Number.NaN : sign * objective;
  });
  let worst = Number.NaN;
  for (const g of goodness) if (g < worst || (Number.isNaN(worst) && !Number.isNaN(g))) worst = g;
  if (Number.isNaN(worst)) {
    const issues = new IssueList('parameter stability');
    issues.add('points', `no point has an objective value (${points.length} points): there is no best point to assess`);
    issues.throwIfAny();
  }
  const bestAt = bestIndex(goodness);
  const bestPoint = points[bestAt] ?? { params: {}, objective: null };
  const bestObjective = evaluatedObjective(bestPoint) ?? Number.NaN;
  const bestGoodness = sign * bestObjective;
  const center = grid.dimensions.map((dimension, d) => grid.positions[d]?.get(valueKey(bestPoint.params[dimension.name] ?? '')) ?? 0);

  const positions = neighbourhood(grid, center);
  const neighbours: StabilityNeighbour[] = [];
  let failed = 0;
  let missing = 0;
  for (const position of positions) {
    const index = byPosition.get(position.join(','));
    const point = index === undefined ? undefined : points[index];
    if (index === undefined || point === undefined) {
      missing++;
      continue;
    }
    const objective = evaluatedObjective(point);
    if (objective === null) {
      failed++;
      continue;
    }
    // An unbounded neighbour equal to an unbounded best drops 0 (∞ − ∞ would be NaN).
    neighbours.push({ index, params: point.params, objective, drop: objective === bestObjective ? 0 : sign * (bestObjective - objective) });
  }

  const count = neighbours.length;
  const spread = bestGoodness === worst ? 0 : bestGoodness - worst;
  const mean = count === 0 ? Number.NaN : neighbours.reduce((sum, n) => sum + n.objective, 0) / count;
  const meanNeighbourObjective = Number.isNaN(mean) ? null : mean;
  const meanDrop = count === 0 ? null : neighbours.reduce((sum, n) => sum + n.drop, 0) / count;
  const worstDrop = count === 0 ? null : neighbours.reduce((worst, n) => Math.max(worst, n.drop), -Infinity);
  let stability: number | null = null;
  let worstStability: number | null = null;
  if (count > 0 && spread === 0) {
    stability = 1;
    worstStability = 1;
  } else if (count > 0 && Number.isFinite(spread)) {
    stability = 1 - (meanDrop ?? 0) / spread;
    worstStability = 1 - (worstDrop ?? 0) / spread;
  } else if (count > 0) {
    const relative = neighbours.map((n) => relativeDrop(bestGoodness, sign * n.objective, worst));
    stability = 1 - relative.reduce((sum, r) => sum + r, 0) / count;
    worstStability = 1 - relative.reduce((worst, r) => Math.max(worst, r), -Infinity);
  }
  let ratio: number | null = null;
  if (meanNeighbourObjective !== null && meanNeighbourObjective > 0 && bestObjective > 0) {
    // With an unbounded value, the limit as it grows: the share of neighbours as unbounded as the best.
    const unbounded = neighbours.filter((n) => n.objective === Number.POSITIVE_INFINITY).length;
    if (direction === 'max') ratio = Number.isFinite(bestObjective) ? meanNeighbourObjective / bestObjective : unbounded / count;
    else ratio = Number.isFinite(meanNeighbourObjective) ? bestObjective / meanNeighbourObjective : Number.isFinite(bestObjective) ? 0 : count / unbounded;
  }
  return {
    direction,
    dimensions: grid.dimensions,
    best: { index: bestAt, params: bestPoint.params, objective: bestObjective },
    neighbours,
    neighbourhoodSize: positions.length,
    evaluatedNeighbours: count,
    failedNeighbours: failed,
    missingNeighbours: missing,
    meanNeighbourObjective,
    ratio,
    meanDrop,
    worstDrop,
    spread,
    stability,
    worstStability,
  };
}
