import { ConfigError } from './errors';

/** Where a JSON text breaks the grammar: a 0-based character offset and what was expected there. */
export interface JsonSyntaxProblem {
  readonly offset: number;
  readonly message: string;
}

/** A 1-based line and column (in UTF-16 code units) of a text. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** The 1-based line and column of `offset` in `text`; `\n`, `\r\n` and `\r` end lines. */
export function textPosition(text: string, offset: number): TextPosition {
  let line = 1;
  let start = 0;
  const end = Math.min(Math.max(0, offset), text.length);
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
      line += 1;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  /** The first syntax problem of the text, or null when it is valid JSON. */
  scan(): JsonSyntaxProblem | null {
    try {
      this.whitespace();
      this.value();
      this.whitespace();
      if (this.offset < this.text.length) this.fail('unexpected text after the end of the JSON value');
      return null;
    } catch (error) {
      if (error instanceof ScanError) return { offset: error.offset, message: error.message };
      throw error;
    }
  }

  private fail(message: string, offset = this.offset): never {
    throw new ScanError(offset, message);
  }

  private peek(): string {
    return this.text.charAt(this.offset);
  }

  private describe(): string {
    if (this.offset >= this.text.length) return 'the end of the file';
    const char = this.peek();
    if (char === '/') return 'a comment ("/"): comments are not allowed in JSON';
    if (char === "'") return "a single quote: JSON strings and names need double quotes";
    return `"${char}"`;
  }

  private whitespace(): void {
    while (this.offset < this.text.length) {
      const char = this.peek();
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return;
      this.offset += 1;
    }
  }

  private value(): void {
    const char = this.peek();
    if (char === '{') this.object();
    else if (char === '[') this.array();
    else if (char === '"') this.string();
    else if (char === '-' || (char >= '0' && char <= '9')) this.number();
    else if (/[a-zA-Z]/.test(char)) this.literal();
    else this.fail(`expected a value (an object, array, string, number, true, false or null) but found ${this.describe()}`);
  }

  private object(): void {
    this.sequence('}', 'the property value', () => {
      if (this.peek() !== '"') this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      this.string();
      this.whitespace();
      if (this.peek() !== ':') this.fail(`expected ":" after the property name but found ${this.describe()}`);
      this.offset += 1;
      this.whitespace();
      this.value();
    });
  }

  private array(): void {
    this.sequence(']', 'the array element', () => {
      this.value();
    });
  }

  /** The members of an object or array after its opening bracket, up to and including `close`. */
  private sequence(close: '}' | ']', member: string, readMember: () => void): void {
    this.offset += 1;
    this.whitespace();
    if (this.peek() === close) {
      this.offset += 1;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.peek() === close) this.fail(`a trailing comma before "${close}" is not allowed in JSON; remove the last ","`);
      readMember();
      this.whitespace();
      const next = this.peek();
      if (next === ',') {
        this.offset += 1;
        continue;
      }
      if (next === close) {
        this.offset += 1;
        return;
      }
      this.fail(`expected "," or "${close}" after ${member} but found ${this.describe()}`);
    }
  }

  private string(): void {
    const start = this.offset;
    this.offset += 1;
    while (this.offset < this.text.length) {
      const char = this.peek();
      const code = char.charCodeAt(0);
      if (char === '"') {
        this.offset += 1;
        return;
      }
      if (code < 0x20) this.fail('a line break or control character inside a string; escape it (e.g. \\n) or close the string');
      if (char === '\\') {
        const escape = this.text.charAt(this.offset + 1);
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) this.fail('"\\u" must be followed by four hex digits');
          this.offset += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape) || escape === '') this.fail(`invalid escape "\\${escape}" in a string`);
        this.offset += 2;
        continue;
      }
      this.offset += 1;
    }
    this.fail('the string is never closed: a double quote is missing', start);
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.offset, this.offset + 400));
    const after = this.text.charAt(this.offset + (match?.[0].length ?? 0));
    if (match === null || /[\d.eE+-]/.test(after)) {
      this.fail('invalid number: JSON numbers look like 12, -0.5 or 1e6 (no leading zeros, "+", "." at either end, NaN or Infinity)');
    }
    this.offset += match[0].length;
  }

  private literal(): void {
    const word = /^[a-zA-Z_$][\w$]*/.exec(this.text.slice(this.offset, this.offset + 64))?.[0] ?? '';
    if (word === 'true' || word === 'false' || word === 'null') {
      this.offset += word.length;
      return;
    }
    this.fail(`unexpected word "${word}": JSON values are objects, arrays, strings in double quotes, numbers, true, false or null`);
  }
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** The first JSON syntax problem of `text` (offset and a sentence), or null when `text` is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  return new JsonScanner(text).scan();
}

/**
 * The first property name given twice in one object of `text` (valid JSON): its second
 * occurrence's offset and a sentence naming it, or null. `JSON.parse` silently keeps the last.
 */
export function findDuplicateProperty(text: string): JsonSyntaxProblem | null {
  // One pass over the character codes, allocating only the names of the objects still open (a
  // market-data file can hold millions of bar objects): a string followed by ":" is a property
  // name; names are compared as written, and decoded only when they hold an escape.
  const names: (string[] | null)[] = [];
  const offsets: number[][] = [];
  const indexes: (Map<string, number> | null)[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 123 /* { */ || code === 91 /* [ */) {
      let level: string[] | null = null;
      if (code === 123) {
        level = names[depth] ?? [];
        level.length = 0;
        const at = offsets[depth] ?? [];
        at.length = 0;
        offsets[depth] = at;
        indexes[depth] = null;
      }
      names[depth] = level;
      depth++;
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--;
    } else if (code === 34 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 92 /* backslash */) {
          escaped = true;
          i++;
        } else if (c === 34) break;
      }
      const level = depth > 0 ? names[depth - 1] : null;
      if (level === null || level === undefined) continue;
      let next = i + 1;
      while (next < text.length && isJsonWhitespace(text.charCodeAt(next))) next++;
      if (text.charCodeAt(next) !== 58 /* : */) continue;
      const raw = text.slice(start + 1, i);
      const name = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      const at = offsets[depth - 1] ?? [];
      // A bar has a handful of names, searched in a row; an object of thousands gets a map.
      let index = indexes[depth - 1] ?? null;
      if (index === null && level.length >= MANY_NAMES) {
        index = new Map(level.map((known, k) => [known, at[k] ?? start]));
        indexes[depth - 1] = index;
      }
      const first = index === null ? at[level.indexOf(name)] : index.get(name);
      if (first !== undefined) {
        const line = textPosition(text, first).line;
        return { offset: start, message: `"${name}" is given twice in this object (first on line ${line}): JSON keeps only the last one, so remove the one you did not mean` };
      }
      if (index === null) {
        level.push(name);
        at.push(start);
      } else index.set(name, start);
    }
  }
  return null;
}

/** Names an object holds before {@link findDuplicateProperty} looks them up in a map rather than in a row. */
const MANY_NAMES = 32;

function isJsonWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function snippet(text: string, position: TextPosition): string {
  const lineText = text.split(/\r\n|\r|\n/)[position.line - 1] ?? '';
  const gutter = String(position.line);
  const shown = lineText.length > 120 ? `${lineText.slice(0, 120)}…` : lineText;
  const caret = position.column - 1 <= 120 ? `\n      ${' '.repeat(gutter.length)} | ${' '.repeat(position.column - 1)}^` : '';
  return `\n      ${gutter} | ${shown}${caret}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/**
 * The offset of the first byte of `bytes` that does not start a valid UTF-8 sequence
 * (`bytes.length` when all do), by the rules of RFC 3629 that the decoder applies: no overlong
 * form, no surrogate, nothing past U+10FFFF. One pass, without a decoder call per character.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  const continues = (k: number, low = 0x80, high = 0xbf): boolean => k < n && (bytes[k] ?? 0) >= low && (bytes[k] ?? 0) <= high;
  let i = 0;
  while (i < n) {
    const byte = bytes[i] ?? 0;
    if (byte < 0x80) {
      i += 1;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      if (!continues(i + 1)) return i;
      i += 2;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      // E0 is followed by A0–BF (no overlong form), ED by 80–9F (no surrogate).
      if (!continues(i + 1, byte === 0xe0 ? 0xa0 : 0x80, byte === 0xed ? 0x9f : 0xbf) || !continues(i + 2)) return i;
      i += 3;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      // F0 is followed by 90–BF (no overlong form), F4 by 80–8F (nothing past U+10FFFF).
      if (!continues(i + 1, byte === 0xf0 ? 0x90 : 0x80, byte === 0xf4 ? 0x8f : 0xbf) || !continues(i + 2) || !continues(i + 3)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return n;
}

/**
 * The text of a JSON file's bytes. JSON files are UTF-8 (RFC 8259): bytes of another encoding — a
 * Latin-1 or Windows-1252 "é" (0xE9), what some editors still save — would otherwise be read as
 * U+FFFD, and a name or a symbol in the file changed without a word. Such a file throws a
 * `ConfigError` naming `source`, the line and column of the first such byte, the byte, and what
 * it is in Latin-1. A UTF-8 byte order mark is dropped (as {@link parseJsonText} skips it); UTF-16
 * text (a byte order mark FF FE or FE FF, or zero bytes) is decoded as it is, for
 * {@link parseJsonText} to name as such.
 */
export function decodeJsonBytes(bytes: Uint8Array, source: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0);
    if (utf16) return lenientUtf8.decode(bytes);
    const offset = firstInvalidUtf8(bytes);
    const before = lenientUtf8.decode(bytes.subarray(0, offset));
    const position = textPosition(before, before.length);
    const byte = bytes[offset] ?? 0;
    const hex = byte.toString(16).toUpperCase().padStart(2, '0');
    const latin1 = byte >= 0xa0 ? ` ("${String.fromCharCode(byte)}" in Latin-1)` : '';
    throw new ConfigError(
      [{ path: `line ${position.line}, column ${position.column}`, message: `byte 0x${hex}${latin1} is not UTF-8: the file is in another encoding (Latin-1, Windows-1252?); save it as UTF-8` }],
      { source },
    );
  }
}

/**
 * Parses JSON text from a file (a UTF-8 byte order mark is allowed). Invalid JSON throws a
 * `ConfigError` naming `source`, the line and the column, with what was expected and the
 * offending line: `line 5, column 3: expected "," or "}" after the property value but found """`.
 * So does a property name given twice in one object, which `JSON.parse` would silently resolve
 * to the last: in a config, one of the two settings would be lost without a word.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // UTF-16 text (a "Unicode" save) read as UTF-8 has a zero byte beside every character, which
  // JSON never holds unescaped: its raw bytes were printed as the problem.
  const zero = body.indexOf('\u0000');
  if (zero >= 0) {
    const utf16 = text.startsWith('\uFFFD\uFFFD') || zero <= 1;
    const why = utf16 ? 'the file is UTF-16 text, not UTF-8' : 'the file holds a zero byte: it is binary, or text in another encoding than UTF-8';
    throw new ConfigError([{ path: where(body, { offset: zero, message: '' }), message: `${why}; save it as UTF-8` }], { source });
  }
  let value: unknown;
  try {
    value = JSON.parse(body) as unknown;
  } catch (error) {
    const problem = findJsonSyntaxProblem(body);
    if (problem === null) {
      throw new ConfigError([{ path: '', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }], { source, cause: error });
    }
    throw new ConfigError([{ path: where(body, problem), message: `not valid JSON: ${problem.message}${snippet(body, textPosition(body, problem.offset))}` }], { source, cause: error });
  }
  const duplicate = findDuplicateProperty(body);
  if (duplicate !== null) {
    throw new ConfigError([{ path: where(body, duplicate), message: `${duplicate.message}${snippet(body, textPosition(body, duplicate.offset))}` }], { source });
  }
  return value;
}

function where(text: string, problem: JsonSyntaxProblem): string {
  const position = textPosition(text, problem.offset);
  return `line ${position.line}, column ${position.column}`;
}
