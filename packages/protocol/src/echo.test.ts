import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ECHO_LENGTH,
  MAX_LINE_LENGTH,
  MAX_MESSAGE_LINES,
  echoValue,
  hasControlCharacters,
  limitLines,
  listValues,
  quoteValue,
  safeMessage,
} from './echo';

// eslint-disable-next-line no-control-regex -- the test looks for raw control characters
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('echoValue', () => {
  it('keeps short printable text as it is', () => {
    expect(echoValue('AAPL')).toBe('AAPL');
    expect(echoValue('S&P 500 — ünïcødé 😀')).toBe('S&P 500 — ünïcødé 😀');
  });

  it('escapes ESC, BEL, NUL, newlines, DEL, C1 controls and bidirectional overrides', () => {
    expect(echoValue('\u001b]0;PWNED\u0007\u001b[2J\u001b[31mRED')).toBe('\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mRED');
    expect(echoValue('a\u0000b\nc\td\re\u007f\u009b\u202e\u2066')).toBe('a\\x00b\\nc\\td\\re\\x7f\\x9b\\u202e\\u2066');
  });

  it('cuts a long value with an ellipsis and its full length, within the limit', () => {
    const long = 'x'.repeat(1_048_576);
    const echoed = echoValue(long);
    expect(echoed).toMatch(/^x+… \(1,048,576 chars\)$/);
    expect(echoed.length).toBeLessThanOrEqual(MAX_ECHO_LENGTH);
    expect(quoteValue(long)).toMatch(/^"x+…" \(1,048,576 chars\)$/);
  });

  it('counts escapes against the limit and never splits one or a surrogate pair', () => {
    const escapes = echoValue('\u0000'.repeat(100), 20);
    expect(escapes).toMatch(/^(\\x00)+… \(100 chars\)$/);
    const emoji = echoValue('😀'.repeat(50), 30);
    expect(emoji).toMatch(/^(😀)+… \(100 chars\)$/);
  });

  it('reads only the start of a huge value (5,000,000 digits echo in well under a millisecond each)', () => {
    const digits = '9'.repeat(5_000_000);
    expect(quoteValue(digits)).toBe(`"${'9'.repeat(MAX_ECHO_LENGTH - ' (5,000,000 chars)'.length - 1)}…" (5,000,000 chars)`);
  });

  it('property: never a raw control character, never longer than the limit, idempotent', () => {
    const piece = fc.oneof(
      fc.constantFrom('\u001b', '\u0000', '\n', '\u007f', '\u009b', '\u202e', '\u2028', '😀', '\ud800', 'é', '"', '\\'),
      fc.string({ maxLength: 8 }),
    );
    const text = fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 30, max: 120 }), (value, limit) => {
        const echoed = echoValue(value, limit);
        expect(RAW_CONTROL.test(echoed)).toBe(false);
        expect(echoed.length).toBeLessThanOrEqual(limit);
        expect(echoValue(echoed, limit)).toBe(echoed);
        if (echoed === value) expect(hasControlCharacters(value)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('listValues and limitLines', () => {
  it('lists at most 20 values, each echoed, and counts the rest', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `S${i}`);
    const list = listValues(names);
    expect(list.startsWith('S0, S1, ')).toBe(true);
    expect(list.endsWith('S19, … and 980 more')).toBe(true);
    expect(listValues(['a\u001bb', 'c'], { quoted: true })).toBe('"a\\x1bb", "c"');
  });

  it('keeps at most N lines and counts the rest', () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const limited = limitLines(items, (i) => `  - problem ${i}`);
    expect(limited).toHaveLength(21);
    expect(limited[19]).toBe('  - problem 19');
    expect(limited[20]).toBe('  - … and 5 more');
    expect(limitLines([1, 2], (i) => `  - problem ${i}`)).toEqual(['  - problem 1', '  - problem 2']);
  });
});

describe('safeMessage', () => {
  it('keeps newlines between lines, escapes every other control character, bounds lines', () => {
    expect(safeMessage('Invalid:\n  - a\u001b[2Jb')).toBe('Invalid:\n  - a\\x1b[2Jb');
    const long = safeMessage(`head\n${'y'.repeat(1_000_000)}`);
    expect(long.length).toBeLessThan(MAX_LINE_LENGTH + 10);
    expect(long).toContain('(1,000,000 chars)');
  });

  it('keeps at most MAX_MESSAGE_LINES lines and is idempotent', () => {
    const message = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const safe = safeMessage(message);
    expect(safe.split('\n')).toHaveLength(MAX_MESSAGE_LINES);
    expect(safe.endsWith('… (441 more lines)')).toBe(true);
    expect(safeMessage(safe)).toBe(safe);
  });
});
