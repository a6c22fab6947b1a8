import type { PositionBook } from '../internal/orchestrator-orders';

/** What a pro-rata transfer remembers of a sleeve for the next one. */
export interface ExactBook {
  /** Units per symbol the last transfer wanted, unrounded and after costs (NaN: none). */
  readonly exact: Float64Array;
  /** The sleeve's fill count then: a later fill of its own on a symbol supersedes the memory. */
  fills: number;
  /** The sleeve's own rebalance count then (portfolio strategies): a later one supersedes it all. */
  rebalances: number;
}

/**
 * The unrounded units the last pro-rata transfer wanted each sleeve to hold: the next transfer
 * scales those, not the rounded holdings, unless something else traded the position in between,
 * so that rounding to whole units (and what a purchase could not afford) never piles up from one
 * transfer to the next.
 */
export class ExactUnits {
  /** Per sleeve (its runner), what the last pro-rata transfer wanted it to hold. */
  private readonly memory = new Map<PositionBook['runner'], ExactBook>();
  /** Scratch of {@link ExactUnits.tradedSince}, per symbol of the sleeve. */
  private traded = new Uint8Array(0);

  /** The memory of `book`'s sleeve (none yet: every symbol NaN). */
  of(book: PositionBook): ExactBook {
    let memory = this.memory.get(book.runner);
    if (memory === undefined) {
      memory = { exact: new Float64Array(book.account.symbols.length).fill(Number.NaN), fills: 0, rebalances: 0 };
      this.memory.set(book.runner, memory);
    }
    return memory;
  }

  /**
   * Per symbol of `book` (the first `n` entries of a scratch): 1 when a fill other than a
   * transfer's traded it since the last transfer's `memory`, else 0. One pass over those fills
   * per scaled sleeve, where a pass per position read them once for each.
   */
  tradedSince(book: PositionBook, memory: ExactBook, n: number): Uint8Array {
    if (this.traded.length < n) this.traded = new Uint8Array(n);
    const traded = this.traded.fill(0, 0, n);
    const fills = book.account.fillLog;
    for (let i = memory.fills; i < fills.length; i++) {
      if (fills.reason(i) !== 'transfer') traded[fills.symbolIndex(i)] = 1;
    }
    return traded;
  }

  /**
   * The units position `k` is scaled from: the exact units the last transfer wanted, unless
   * something else traded the position since (a fill of the strategy's own, a stop, a risk trim,
   * a portfolio rebalance of the sleeve) — then what it holds.
   */
  baseUnits(book: PositionBook, memory: ExactBook, k: number, held: number, traded: Uint8Array): number {
    const exact = memory.exact[k] ?? Number.NaN;
    if (Number.isNaN(exact) || Math.sign(exact) !== Math.sign(held) || book.runner.rebalances.length !== memory.rebalances) return held;
    return traded[k] === 1 ? held : exact;
  }

  /**
   * Forgets what the last transfer wanted position `k` of `book` to hold: a risk cap shrank that
   * transfer's purchase, so the units it wanted are not the sleeve's strategy scaled any more (the
   * next transfer scales what it holds, as after any other trade).
   */
  forget(book: PositionBook, k: number): void {
    const memory = this.memory.get(book.runner);
    if (memory !== undefined) memory.exact[k] = Number.NaN;
  }

  /** After a transfer's orders were queued: later fills and rebalances of `book` supersede `memory`. */
  remember(book: PositionBook, memory: ExactBook): void {
    memory.fills = book.account.fillLog.length;
    memory.rebalances = book.runner.rebalances.length;
  }
}
