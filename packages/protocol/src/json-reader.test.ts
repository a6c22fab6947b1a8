import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors';
import { decodeJsonBytes, findDuplicateProperty, findJsonSyntaxProblem, parseJsonText, textPosition } from './json-reader';

/** Mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): { next(): number } {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

const examples = new URL('../../../examples/', import.meta.url);
const texts = readdirSync(examples)
  .filter((file) => file.endsWith('.json'))
  .map((file) => readFileSync(new URL(file, examples), 'utf8'));

function issueOf(text: string): string {
  try {
    parseJsonText(text, 'run.json');
  } catch (error) {
    if (ConfigError.isInstance(error)) return `${error.issues[0]?.path ?? ''}: ${error.issues[0]?.message.split('\n')[0] ?? ''}`;
    throw error;
  }
  return 'valid';
}

describe('textPosition', () => {
  it('counts 1-based lines and columns over \\n, \\r\\n and \\r', () => {
    expect(textPosition('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(textPosition('abc', 2)).toEqual({ line: 1, column: 3 });
    expect(textPosition('a\nbc', 3)).toEqual({ line: 2, column: 2 });
    expect(textPosition('a\r\nbc', 4)).toEqual({ line: 2, column: 2 });
    expect(textPosition('a\rb\nc', 4)).toEqual({ line: 3, column: 1 });
  });
});

describe('parseJsonText', () => {
  it('parses valid JSON, with or without a byte order mark', () => {
    expect(parseJsonText('{"a": [1, 2.5e3, "x"]}', 'x.json')).toEqual({ a: [1, 2500, 'x'] });
    expect(parseJsonText('\uFEFF{"a": null}', 'x.json')).toEqual({ a: null });
  });

  it('names the line, column and what was expected (positions worked by hand)', () => {
    // `{"a": 1,}`: the `}` after the comma is character 9 of line 1.
    expect(issueOf('{"a": 1,}')).toBe('line 1, column 9: not valid JSON: a trailing comma before "}" is not allowed in JSON; remove the last ","');
    // Line 3 is `  "b": 2`, a property after `"a": 1` without a comma: its `"` is column 3.
    expect(issueOf('{\n  "a": 1\n  "b": 2\n}')).toBe('line 3, column 3: not valid JSON: expected "," or "}" after the property value but found """');
    expect(issueOf('{"a": tru}')).toBe('line 1, column 7: not valid JSON: unexpected word "tru": JSON values are objects, arrays, strings in double quotes, numbers, true, false or null');
    expect(issueOf("{'a': 1}")).toBe('line 1, column 2: not valid JSON: expected a property name in double quotes but found a single quote: JSON strings and names need double quotes');
    expect(issueOf('{"a": 1} // note')).toBe('line 1, column 10: not valid JSON: unexpected text after the end of the JSON value');
    expect(issueOf('{\n  // a comment\n  "a": 1\n}')).toBe('line 2, column 3: not valid JSON: expected a property name in double quotes but found a comment ("/"): comments are not allowed in JSON');
    expect(issueOf('{"a": 01}')).toMatch(/^line 1, column 7: not valid JSON: invalid number/);
    expect(issueOf('{"a": "x\ny"}')).toMatch(/^line 1, column 9: not valid JSON: a line break or control character inside a string/);
    expect(issueOf('{"a": "open')).toBe('line 1, column 7: not valid JSON: the string is never closed: a double quote is missing');
    expect(issueOf('')).toBe('line 1, column 1: not valid JSON: expected a value (an object, array, string, number, true, false or null) but found the end of the file');
    expect(issueOf('[1, 2')).toBe('line 1, column 6: not valid JSON: expected "," or "]" after the array element but found the end of the file');
  });

  it('refuses a property given twice in one object, naming it, both lines and the column, where JSON.parse keeps the last', () => {
    const text = '{\n  "fill": "close",\n  "cash": 1000,\n  "fill": "next-open"\n}';
    expect(JSON.parse(text)).toEqual({ fill: 'next-open', cash: 1000 });
    expect(issueOf(text)).toBe('line 4, column 3: "fill" is given twice in this object (first on line 2): JSON keeps only the last one, so remove the one you did not mean');
    expect(() => parseJsonText(text, 'run.json')).toThrow('\n      4 |   "fill": "next-open"\n        |   ^');
    // Escapes name the same property; the same name in two objects, or as a value, is fine.
    expect(findDuplicateProperty('{"a\\u0062": 1, "ab": 2}')?.offset).toBe(15);
    expect(findDuplicateProperty('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}], "c": "a"}')).toBeNull();
    expect(findDuplicateProperty('[{"x": 1, "y": {"x": 2, "x": 3}}]')?.message).toContain('"x" is given twice');
  });

  it('finds the first property given twice in generated documents (seeded), wherever strings hold braces, quotes, colons or escapes', () => {
    // The oracle: documents written from pairs with known offsets, so where the first repeated
    // name starts is known without scanning; names differ in how they are written (escapes).
    const random = seededRandom(20_261_204);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)] as T;
    const spellings: Record<string, readonly string[]> = { a: ['"a"', '"\\u0061"'], b: ['"b"'], 'x:y': ['"x:y"'], '{': ['"{"'], 'q"': ['"q\\""'] };
    const tricky = ['"}"', '"]"', '"a\\":"', '":"', '"\\\\"', '"[{"'];
    let found = 0;
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const oracle: { expected: number | null } = { expected: null };
      const write = (depth: number): void => {
        if (depth > 3 || random.next() < 0.3) {
          text += pick([...tricky, '1', '-2.5e3', 'true', 'null']);
          return;
        }
        if (random.next() < 0.3) {
          text += '[';
          const n = Math.floor(random.next() * 3);
          for (let k = 0; k < n; k++) {
            if (k > 0) text += ', ';
            write(depth + 1);
          }
          text += ']';
          return;
        }
        text += '{';
        const seen = new Set<string>();
        const n = Math.floor(random.next() * 4);
        for (let k = 0; k < n; k++) {
          if (k > 0) text += pick([',', ', ', ',\n  ']);
          const name = pick(Object.keys(spellings));
          if (seen.has(name) && oracle.expected === null) oracle.expected = text.length;
          seen.add(name);
          text += `${pick(spellings[name] ?? [])}${pick([':', ' : ', ':\n'])}`;
          write(depth + 1);
        }
        text += '}';
      };
      write(0);
      JSON.parse(text);
      const problem = findDuplicateProperty(text);
      expect(problem?.offset ?? null, text).toBe(oracle.expected);
      if (oracle.expected !== null) found++;
    }
    expect(found).toBeGreaterThan(200);
  });

  it('finds a repeated name in an object of many names (looked up in a map past the first few)', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `"k${i}": ${i}`);
    expect(findDuplicateProperty(`{${names.join(',')}}`)).toBeNull();
    const text = `{${[...names.slice(0, 80), '"k7": 0', ...names.slice(80)].join(',')}}`;
    const problem = findDuplicateProperty(text);
    expect(problem?.offset).toBe(text.indexOf('"k7": 0'));
    expect(problem?.message).toContain('"k7" is given twice');
    // Escaped spellings meet in the map as well.
    expect(findDuplicateProperty(`{${[...names.slice(0, 50), '"k\\u0031": 0'].join(',')}}`)?.message).toContain('"k1" is given twice');
  });

  it('shows the offending line with a caret under the column', () => {
    expect(() => parseJsonText('{\n  "a": 1\n  "b": 2\n}', 'run.json')).toThrow('\n      3 |   "b": 2\n        |   ^');
  });

  it('agrees with JSON.parse on thousands of mutated example configs (seeded), and never throws itself', () => {
    const random = seededRandom(20_240_611);
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\n', '0', '1', '-', '.', 'e', 't', 'n', 'x', '/', "'"];
    let invalid = 0;
    for (let round = 0; round < 3000; round++) {
      const base = texts[round % texts.length] ?? '{}';
      let text = base;
      const edits = 1 + Math.floor(random.next() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random.next() * (text.length + 1));
        const kind = Math.floor(random.next() * 3);
        const char = alphabet[Math.floor(random.next() * alphabet.length)] ?? ' ';
        text = kind === 0 ? text.slice(0, at) + text.slice(at + 1) : kind === 1 ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + char + text.slice(at + 1);
      }
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
        invalid += 1;
      }
      const problem = findJsonSyntaxProblem(text);
      expect(problem === null, text).toBe(valid);
      if (problem !== null) expect(problem.offset).toBeLessThanOrEqual(text.length);
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});

// Regression: a config saved as UTF-16 printed its raw bytes as the problem.
describe('parseJsonText of UTF-16 text', () => {
  const problem = (text: string): string => {
    try {
      parseJsonText(text, 'run.json');
    } catch (error) {
      return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
    }
    return 'no error';
  };
  it('names UTF-16, and takes UTF-8 with or without a byte-order mark, a literal U+FFFD and escapes alike', () => {
    const utf16 = Buffer.from(`\uFEFF{"a": 1}`, 'utf16le').toString('utf8');
    expect(problem(utf16)).toMatch(/^line 1, column \d+: the file is UTF-16 text, not UTF-8; save it as UTF-8$/);
    expect(parseJsonText('\uFEFF{"name": "café"}', 'run.json')).toEqual({ name: 'café' });
    // A replacement character written as such (a path holding one) is text like any other.
    expect(parseJsonText('{"name": "x \uFFFD", "nul": "\\u0000"}', 'run.json')).toEqual({ name: 'x \uFFFD', nul: '\u0000' });
  });
});

describe('decodeJsonBytes', () => {
  const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));
  const issuesOf = (bytes: Uint8Array): { path: string; message: string }[] => {
    try {
      decodeJsonBytes(bytes, 'c.json');
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      expect(error.source).toBe('c.json');
      return error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
    }
    throw new Error('decoded');
  };

  it('decodes UTF-8 of every plane, a byte order mark dropped', () => {
    const text = '{ "name": "café 漢字 😀" }';
    expect(decodeJsonBytes(new TextEncoder().encode(text), 'c.json')).toBe(text);
    expect(decodeJsonBytes(new TextEncoder().encode(`\uFEFF${text}`), 'c.json')).toBe(text);
    expect(decodeJsonBytes(new Uint8Array(), 'c.json')).toBe('');
  });

  it('refuses a Latin-1 byte at its line and column, saying what it is', () => {
    // "é" is 0xE9 in Latin-1; in UTF-8 it starts a three-byte sequence that '"' does not continue.
    // Line 2 is `  "name": "café",`: two spaces, `"name":` (columns 3–9), a space, `"`, then c a f é (15).
    expect(issuesOf(latin1('{\n  "name": "caf\u00e9",\n  "x": 1\n}'))).toEqual([
      { path: 'line 2, column 15', message: 'byte 0xE9 ("é" in Latin-1) is not UTF-8: the file is in another encoding (Latin-1, Windows-1252?); save it as UTF-8' },
    ]);
    // The column counts UTF-16 code units, as every position of this reader: after two-byte "ü"
    // (valid UTF-8) the Latin-1 "ß" is the 4th.
    const bytes = new Uint8Array([0x22, 0xc3, 0xbc, 0x22, 0xdf, 0x22]);
    expect(issuesOf(bytes)[0]?.path).toBe('line 1, column 4');
  });

  it('places sequences the decoder refuses: a lone continuation, an overlong form, a surrogate, a cut sequence', () => {
    expect(issuesOf(new Uint8Array([0x7b, 0x80, 0x7d]))[0]).toEqual({ path: 'line 1, column 2', message: 'byte 0x80 is not UTF-8: the file is in another encoding (Latin-1, Windows-1252?); save it as UTF-8' });
    expect(issuesOf(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]))[0]?.path).toBe('line 1, column 2');
    expect(issuesOf(new Uint8Array([0x0a, 0x7b, 0xed, 0xa0, 0x80, 0x7d]))[0]?.path).toBe('line 2, column 2');
    expect(issuesOf(new Uint8Array([0x7b, 0x7d, 0xe2, 0x82]))[0]?.path).toBe('line 1, column 3');
  });

  it('finds the first invalid byte as the decoder would refuse it, over every lead byte and a long valid run', () => {
    // The decoder's verdict on every two- to four-byte sequence starting with each lead byte
    // (continuations at the edges of the ranges), against the one-pass scan.
    // (No zero byte: a file with one is left for parseJsonText to name as UTF-16 or binary.)
    const edges = [0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (bytes: Uint8Array): boolean => {
      try {
        fatal.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    for (let lead = 0x80; lead <= 0xff; lead++) {
      for (const second of edges) {
        for (const third of [0x80, 0xbf, 0x41]) {
          const bytes = new Uint8Array([0x41, lead, second, third, 0x80, 0x41]);
          if (valid(bytes)) {
            expect(decodeJsonBytes(bytes, 'c.json')).toBe(new TextDecoder().decode(bytes));
          } else {
            // Where the lenient decoder puts its first U+FFFD (none of these bytes spell one): at
            // the lead byte, or after a valid sequence before a stray continuation.
            const expected = new TextDecoder().decode(bytes).indexOf('\uFFFD') + 1;
            expect(issuesOf(bytes)[0]?.path, bytes.join(' ')).toBe(`line 1, column ${String(expected)}`);
          }
        }
      }
    }
    // A byte late in a long file is found in one pass (not a decoder call per character).
    const big = new Uint8Array(20_000_000).fill(0x20);
    big[big.length - 2] = 0xe9;
    expect(issuesOf(big)[0]?.path).toBe(`line 1, column ${String(big.length - 1)}`);
  });

  it('leaves UTF-16 text for parseJsonText to name as such', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]);
    const text = decodeJsonBytes(utf16, 'c.json');
    expect(() => parseJsonText(text, 'c.json')).toThrow(/the file is UTF-16 text, not UTF-8; save it as UTF-8/);
  });
});
