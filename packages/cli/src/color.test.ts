import { describe, expect, it } from 'vitest';
import { colorEnabled, createPalette, paletteFor } from './color';

const tty = { write: () => true, isTTY: true };
const pipe = { write: () => true };

describe('colours', () => {
  it('only on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them', () => {
    expect(colorEnabled({ env: {} }, tty)).toBe(true);
    expect(colorEnabled({ env: {} }, pipe)).toBe(false);
    expect(colorEnabled({ env: { NO_COLOR: '1' } }, tty)).toBe(false);
    expect(colorEnabled({ env: { NO_COLOR: '' } }, tty)).toBe(true);
    expect(colorEnabled({ env: { FORCE_COLOR: '1' } }, pipe)).toBe(true);
    expect(colorEnabled({ env: { FORCE_COLOR: '0' } }, pipe)).toBe(false);
    expect(colorEnabled({ env: { FORCE_COLOR: '1', NO_COLOR: 'yes' } }, tty)).toBe(false);
  });

  it('a disabled palette returns text unchanged; an enabled one wraps it', () => {
    const plain = paletteFor({ env: {} }, pipe);
    expect(plain.enabled).toBe(false);
    expect([plain.bold('a'), plain.red('b'), plain.signed(-1, 'c')]).toEqual(['a', 'b', 'c']);
    const colour = createPalette(true);
    expect(colour.bold('a')).toBe('\u001b[1ma\u001b[22m');
    expect(colour.signed(2, 'up')).toBe('\u001b[32mup\u001b[39m');
    expect(colour.signed(-2, 'down')).toBe('\u001b[31mdown\u001b[39m');
    expect(colour.signed(0, 'flat')).toBe('flat');
    expect(colour.signed(null, '—')).toBe('—');
  });
});
