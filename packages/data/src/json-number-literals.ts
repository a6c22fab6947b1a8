/** A place in parsed JSON: the keys and array indexes from the root to a value. */
export type JsonPath = readonly (string | number)[];

interface Level {
  readonly array: boolean;
  /** The array index or object key of the value being read at this level. */
  key: string | number;
  /** In an object: the next string is a key. */
  expectingKey: boolean;
}

/** The one key a path is stored under. */
export function jsonPathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/**
 * The number literals of valid JSON `text` that `JSON.parse` reads as ±Infinity (`1e400`), as
 * written, keyed by their path ({@link jsonPathKey}): a message quotes what the file says, not
 * "Infinity". One pass over the text; a key given twice keeps its last literal, as `JSON.parse`
 * keeps its last value. Called only once such a number has been met, so valid files never pay it.
 */
export function numberLiteralsBeyondRange(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const levels: Level[] = [];
  const pathOf = (): (string | number)[] => levels.map((level) => level.key);
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    const top = levels.at(-1);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (top !== undefined && !top.array && top.expectingKey) {
        top.key = JSON.parse(text.slice(i, j + 1)) as string;
        top.expectingKey = false;
      }
      i = j + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      levels.push({ array: c === 0x5b, key: 0, expectingKey: c === 0x7b });
      i++;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      levels.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      if (top !== undefined) {
        if (top.array) top.key = (top.key as number) + 1;
        else top.expectingKey = true;
      }
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < length && /[0-9eE.+-]/.test(text.charAt(j))) j++;
      const literal = text.slice(i, j);
      if (!Number.isFinite(Number(literal))) found.set(jsonPathKey(pathOf()), literal);
      i = j;
    } else {
      i++;
    }
  }
  return found;
}
