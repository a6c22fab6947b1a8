/** The first capacity of a {@link SteppedColumn}'s changes; it doubles when full. */
const FIRST_CAPACITY = 8;

/**
 * A column of one value per timeline step that changes at few of them — a sleeve's cash moves
 * only with its fills and transfers — kept as its changes: the steps where the value changed and
 * the value from there on. 1,000 sleeves × 2,520 bars with ~230 changes each hold 4 MB instead
 * of 20. Steps are set in increasing order; a step set again takes the new value. Values are
 * compared with `Object.is`, so `-0`, `0` and `NaN` read back exactly as set.
 */
export class SteppedColumn {
  /** Steps of the column. */
  readonly length: number;
  private count = 0;
  private steps = new Int32Array(FIRST_CAPACITY);
  private values = new Float64Array(FIRST_CAPACITY);
  /**
   * The last change's step and value (`steps[count − 1]`, `values[count − 1]`), kept beside the
   * count, so that the check made on every step reads this object alone: reading them from the
   * columns touched both arrays (their objects and their data) at every sleeve's every step, a
   * visible share of an orchestrator's recording, for a value that seldom changes.
   */
  private lastStep = -1;
  private lastValue = Number.NaN;

  constructor(length: number) {
    this.length = length;
  }

  /** The value from step `t` on (until a later step is set). Steps before the last one set are refused. */
  set(t: number, value: number): void {
    const last = this.count - 1;
    if (last >= 0) {
      const lastStep = this.lastStep;
      if (t < lastStep) throw new RangeError(`step ${t} set after step ${lastStep}: a stepped column is written in step order`);
      if (Object.is(this.lastValue, value)) return;
      if (t === lastStep) {
        // The same step again: its new value, or none when that is the value before it.
        if (last > 0 && Object.is(this.values[last - 1], value)) {
          this.count = last;
          this.lastStep = this.steps[last - 1] ?? -1;
          this.lastValue = this.values[last - 1] ?? Number.NaN;
        } else {
          this.values[last] = value;
          this.lastValue = value;
        }
        return;
      }
    }
    if (this.count === this.steps.length) this.grow();
    this.steps[this.count] = t;
    this.values[this.count] = value;
    this.count++;
    this.lastStep = t;
    this.lastValue = value;
  }

  /** The value at step `t`: the one set at the last step ≤ `t` (NaN before the first). */
  at(t: number): number {
    const after = this.changeAfter(t);
    return after === 0 ? Number.NaN : (this.values[after - 1] ?? Number.NaN);
  }

  /** Writes the values of steps `from` … `to − 1` into `out[0]` … `out[to − from − 1]`. */
  copyInto(from: number, to: number, out: Float64Array): void {
    if (from >= to) return;
    let next = this.changeAfterRecent(from);
    let value = next === 0 ? Number.NaN : (this.values[next - 1] ?? Number.NaN);
    for (let t = from; t < to; t++) {
      if (next < this.count && (this.steps[next] ?? 0) === t) {
        value = this.values[next] ?? Number.NaN;
        next++;
      }
      out[t - from] = value;
    }
  }

  /** Every step's value, as a new column of {@link SteppedColumn.length} values. */
  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    this.copyInto(0, this.length, out);
    return out;
  }

  /**
   * {@link SteppedColumn.changeAfter} for a step among the last few changes (a block of steps just
   * written, read back at once): a look back over up to eight changes from the end, then the
   * binary search.
   */
  private changeAfterRecent(t: number): number {
    const { steps, count } = this;
    const stop = Math.max(0, count - 8);
    let next = count;
    while (next > stop && (steps[next - 1] ?? 0) > t) next--;
    return next > stop || next === 0 ? next : this.changeAfter(t);
  }

  /** The index of the first change at a step after `t` (the number of changes at steps ≤ `t`). */
  private changeAfter(t: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.steps[middle] ?? 0) <= t) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private grow(): void {
    const steps = new Int32Array(2 * this.steps.length);
    steps.set(this.steps);
    const values = new Float64Array(2 * this.values.length);
    values.set(this.values);
    this.steps = steps;
    this.values = values;
  }
}
