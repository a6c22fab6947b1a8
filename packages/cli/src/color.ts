import type { CliIo, TextSink } from './io';

/** Text styles for terminal output; every function returns its input unchanged when colours are off. */
export interface Palette {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  /** Green when `value > 0`, red when `value < 0`, unchanged for zero or null. */
  readonly signed: (value: number | null, text: string) => string;
}

function style(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity = (text: string) => text;

/** A {@link Palette} with ANSI colours when `enabled`, plain text otherwise. */
export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, bold: identity, dim: identity, green: identity, red: identity, yellow: identity, cyan: identity, signed: (_value, text) => text };
  }
  const green = style(32, 39);
  const red = style(31, 39);
  return {
    enabled,
    bold: style(1, 22),
    dim: style(2, 22),
    green,
    red,
    yellow: style(33, 39),
    cyan: style(36, 39),
    signed: (value, text) => (value === null || value === 0 ? text : value > 0 ? green(text) : red(text)),
  };
}

/**
 * Whether to colour what goes to `sink`: only when it is a terminal (`isTTY`) and the
 * environment does not set `NO_COLOR` (https://no-color.org, any non-empty value);
 * `FORCE_COLOR` (non-empty, not `0`) forces colours on, e.g. through a pipe.
 */
export function colorEnabled(io: Pick<CliIo, 'env'>, sink: TextSink): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return (sink as { isTTY?: unknown }).isTTY === true;
}

/** The {@link Palette} for `sink` under {@link colorEnabled}'s rules. */
export function paletteFor(io: Pick<CliIo, 'env'>, sink: TextSink): Palette {
  return createPalette(colorEnabled(io, sink));
}
