import type { BacktestResult } from '@ensemble/engine';
import { runBacktest } from '@ensemble/engine';
import type { BarSeries, Logger } from '@ensemble/protocol';
import { StrategyError, isoTime, noopLogger, sliceSeriesByTime } from '@ensemble/protocol';
import type { RunConfig, StrategyRegistry } from '../config';
import { toRebalanceRule } from '../config';
import type { Sleeve } from './sleeves';

/** What {@link PaperTracks} works with. */
export interface PaperTracksOptions {
  readonly config: RunConfig;
  readonly registry: StrategyRegistry;
  /** The run's timeline (epoch ms per step). */
  readonly time: Float64Array;
  readonly logger: Logger;
}

/**
 * A sleeve's strategy followed on paper: its own instance run alone by the engine on the sleeve's
 * symbols, with the run's costs, fill rule and the sleeve's sizing, from the first bar — what the
 * strategy would have done with capital — as one return per step of the run's timeline.
 *
 * The `performance` scheme scores a sleeve on its returns; a sleeve it emptied (a score at the
 * floor) has none while it holds no capital, so without a paper track it could only be given the
 * neutral share again, a rebalance later, and sold out again if its strategy still did badly.
 * With one, the steps it spent without capital are read from the paper track (bt follows every
 * child strategy on a paper book for the same reason), so it comes back when its strategy does
 * well, by its score, and stays out while it does not. A track is run the first time a rebalance
 * needs it and kept; nothing is run for a sleeve that is never emptied.
 */
export class PaperTracks {
  private readonly options: PaperTracksOptions;
  /** Per sleeve: its track (returns per step), null when its strategy could not run alone, undefined until needed. */
  private readonly tracks: (Float64Array | null | undefined)[] = [];
  /** Per sleeve: whether the last rebalance read its paper track (a `sleeve-paper-track` event starts each stretch). */
  private readonly reading: boolean[] = [];

  constructor(options: PaperTracksOptions) {
    this.options = options;
  }

  /**
   * The return of `sleeve`'s strategy run alone at step `t` (NaN before its first bar, from the
   * bar its strategy threw on, or when it cannot run alone at all).
   */
  returnAt(sleeve: Sleeve, t: number): number {
    let track = this.tracks[sleeve.index];
    if (track === undefined) {
      track = this.run(sleeve);
      this.tracks[sleeve.index] = track;
    }
    return track === null ? Number.NaN : (track[t] ?? Number.NaN);
  }

  /**
   * Notes whether the rebalance at `time` read `sleeve`'s paper track (`used`), logging the first
   * of each stretch (`sleeve-paper-track`).
   */
  note(sleeve: Sleeve, used: boolean, time: number): void {
    const was = this.reading[sleeve.index] === true;
    this.reading[sleeve.index] = used;
    if (!used || was) return;
    const { logger } = this.options;
    if (logger === noopLogger) return;
    logger.info(
      { event: 'sleeve-paper-track', strategy: sleeve.entry.id, time: isoTime(time) },
      `sleeve ${sleeve.entry.id}: it held no capital on some bars of the window, so its score reads its strategy's returns on paper there (the strategy run alone from the first bar)`,
    );
  }

  private run(sleeve: Sleeve): Float64Array | null {
    const { config, registry, time } = this.options;
    const entry = sleeve.entry;
    const definition = Object.hasOwn(registry, entry.strategy) ? registry[entry.strategy] : undefined;
    if (definition === undefined || !sleeve.active) return null;
    const n = config.strategies.length;
    const backtest = (series: readonly BarSeries[], closeAtEnd: boolean) =>
      runBacktest({
        series,
        strategy: definition.create(definition.schema.parse(entry.params), entry.id),
        // Returns do not depend on the capital with fractional units; with whole units they do, so
        // the track starts from the sleeve's own start capital (or an equal share of the run's).
        cash: sleeve.initialCash > 0 ? sleeve.initialCash : config.cash / n,
        commission: config.commission,
        slippage: config.slippage,
        sizing: sleeve.sizing,
        fill: config.fill,
        fractional: config.fractional,
        closeAtEnd,
        ...(entry.rebalance === undefined ? {} : { rebalance: toRebalanceRule(entry.rebalance) }),
      });
    let equity: Float64Array;
    let times: Float64Array;
    // Steps at or after this time have no return on paper: the strategy threw there.
    let failedAt = Number.POSITIVE_INFINITY;
    try {
      let result: BacktestResult;
      try {
        result = backtest(sleeve.runner.series, config.closeAtEnd);
      } catch (error) {
        // A strategy that throws on some bar ran like its full run on every bar before it (the
        // engine is causal): the track keeps those bars, so whether a later bar throws cannot
        // change a score at an earlier rebalance (no lookahead). Without closeAtEnd, which would
        // sell at the cut's last close as its symbols never did there.
        const at = error instanceof StrategyError ? error.time : undefined;
        if (at === undefined || !Number.isFinite(at)) throw error;
        failedAt = at;
        this.failed(entry.id, error);
        result = backtest(
          sleeve.runner.series.map((bars) => sliceSeriesByTime(bars, undefined, at - 1)),
          false,
        );
      }
      equity = result.equity.equity;
      times = result.equity.time;
    } catch (error) {
      if (failedAt === Number.POSITIVE_INFINITY) this.failed(entry.id, error);
      return null;
    }
    // The track's bars are the sleeve's symbols' bars: on the run's other steps nothing of it moves (a return of 0).
    const track = new Float64Array(time.length).fill(Number.NaN);
    let j = 0;
    for (let t = 0; t < time.length; t++) {
      const at = time[t] ?? Number.NaN;
      if (at >= failedAt) break;
      while (j < times.length && (times[j] ?? Number.POSITIVE_INFINITY) < at) j++;
      // At or before its first bar: no return yet.
      if (j === 0) continue;
      if (j < times.length && times[j] === at) {
        const before = equity[j - 1] ?? Number.NaN;
        track[t] = before > 0 ? (equity[j] ?? Number.NaN) / before - 1 : Number.NaN;
      } else {
        const last = equity[j - 1] ?? Number.NaN;
        track[t] = last > 0 ? 0 : Number.NaN;
      }
    }
    return track;
  }

  private failed(id: string, error: unknown): void {
    this.options.logger.warn(
      { event: 'sleeve-paper-track-failed', strategy: id, error: error instanceof Error ? error.message : String(error) },
      `sleeve ${id}: its strategy could not run alone on paper, so the steps it holds no capital stay without a return (from the bar it threw on, when it ran before it)`,
    );
  }
}
