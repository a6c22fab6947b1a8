import type { LogFn, Logger } from '@ensemble/protocol';

/**
 * Whether `logger` writes no `info` events (a pino logger at level `warn`, `error` or `silent`,
 * the last `ensemble run`'s default): at most its warnings and errors are written. A logger that
 * cannot tell (no `isLevelEnabled`) is taken to write everything.
 */
export function writesWarningsOnly(logger: Logger): boolean {
  const { isLevelEnabled } = logger as { isLevelEnabled?: unknown };
  if (typeof isLevelEnabled !== 'function') return false;
  return !(isLevelEnabled as (this: Logger, level: string) => boolean).call(logger, 'info');
}

/**
 * The most events held at once: a block of sleeves whose entries are rejected on every bar (a
 * warning each) is written in batches of this many, each in bar order, rather than held whole.
 */
const MAX_HELD = 50_000;

/** A warning or error held back: the logger it was given to, its level, its arguments and the bar it is about. */
interface HeldEvent {
  readonly target: Logger;
  readonly level: 'warn' | 'error';
  readonly args: readonly unknown[];
  /** Epoch ms of the event's `time` field, or of the event held before it when it has none. */
  readonly at: number;
}

/**
 * Warnings and errors held back while the sleeves step sleeve by sleeve (`run/sleeve-blocks.ts`),
 * then written in the order of the bars they are about: a block steps one sleeve over many bars
 * before the next, so its events would otherwise come sleeve by sleeve rather than bar by bar.
 * Only for a logger that writes no `info` events ({@link writesWarningsOnly}); `debug` and `info`
 * go to it as they come (it drops them). The run releases what it holds after each block and each
 * step it runs bar by bar, so they are written in bar order; events of one bar keep the order they
 * came in, and one without a `time` stays after the event held before it. At most 50,000 are held:
 * a block that warns more is written in batches, each in bar order.
 *
 * A run that starts again bar by bar (a strategy threw in a block) gives the same events, in the
 * same order, up to where the first attempt stopped: it skips as many as that attempt wrote
 * ({@link HeldWarnings.written}) and discards what it still held.
 */
export class HeldWarnings {
  private events: HeldEvent[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;
  /** Whether events are held (from {@link HeldWarnings.start}); before, they are written as they come (a run's set-up). */
  private holding = false;
  /** Events still to skip (see the class). */
  private skip: number;
  /** Warnings and errors written to the loggers so far (skipped ones not counted). */
  written = 0;

  /** `skip`: the first so many warnings and errors are dropped, written already by an earlier attempt of the run. */
  constructor(skip = 0) {
    this.skip = skip;
  }

  /** Holds the events from now on. */
  start(): void {
    this.holding = true;
  }

  /** `target`, with its warnings and errors (and those of its children) held here. */
  wrap(target: Logger): Logger {
    const hold = (level: 'warn' | 'error'): LogFn =>
      ((...args: unknown[]) => {
        if (this.skip > 0) {
          this.skip--;
          return;
        }
        if (!this.holding) {
          this.written++;
          (target[level] as (...args: unknown[]) => void).apply(target, args);
          return;
        }
        const fields = args[0];
        const time = typeof fields === 'object' && fields !== null ? (fields as { time?: unknown }).time : undefined;
        const at = typeof time === 'string' ? Date.parse(time) : Number.NaN;
        if (!Number.isNaN(at)) this.lastAt = at;
        this.events.push({ target, level, args, at: this.lastAt });
        if (this.events.length >= MAX_HELD) this.release();
      });
    return {
      debug: target.debug.bind(target),
      info: target.info.bind(target),
      warn: hold('warn'),
      error: hold('error'),
      child: (bindings) => this.wrap(target.child(bindings)),
    };
  }

  /** Writes the held events in the order of their bars (a stable sort: one bar's keep their order), and forgets them. */
  release(): void {
    if (this.events.length === 0) return;
    const events = this.events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    this.events = [];
    for (const event of events) {
      this.written++;
      (event.target[event.level] as (...args: unknown[]) => void).apply(event.target, [...event.args]);
    }
  }

  /** Forgets the held events without writing them. */
  discard(): void {
    this.events = [];
  }
}
