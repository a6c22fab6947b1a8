/**
 * A long JSON array whose elements are built one at a time, when they are written: `at(i)` makes
 * element `i`. {@link jsonTextChunks} writes it a few hundred elements at a time without ever
 * holding the array; `JSON.stringify` sees it through `toJSON` as the array of every element, so
 * both give the same text. Used by the result serialisers for curves, fills, trades and events,
 * whose arrays of objects can be larger than the memory or the longest string a JavaScript engine
 * allows. Elements should be small (a point, a fill): each batch of them is written by one
 * `JSON.stringify` call, so rows nested inside an element are made whole.
 */
export class JsonRows<T> {
  /** Number of elements. */
  readonly length: number;
  readonly #row: (index: number) => T;

  /** `length` elements, element `i` made by `row(i)` each time it is read. */
  constructor(length: number, row: (index: number) => T) {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`JsonRows length must be a non-negative integer, got ${length}`);
    this.length = length;
    this.#row = row;
  }

  /** The elements of `source` mapped by `map`, each made when it is read. */
  static from<TSource, TRow>(source: ArrayLike<TSource>, map: (item: TSource, index: number) => TRow): JsonRows<TRow> {
    return new JsonRows(source.length, (index) => map(source[index] as TSource, index));
  }

  /** Element `index` (0 ≤ index < length), made now. */
  at(index: number): T {
    return this.#row(index);
  }

  /** Every element in an array. */
  toArray(): T[] {
    return Array.from({ length: this.length }, (_, index) => this.#row(index));
  }

  /** The JSON form: the array of every element (so `JSON.stringify` writes it as an array). */
  toJSON(): T[] {
    return this.toArray();
  }
}

/** `T` as {@link jsonTextChunks} takes it: any array in it, at any depth, may be a {@link JsonRows} of the same elements. */
export type WithJsonRows<T> = T extends readonly (infer TItem)[]
  ? JsonRows<WithJsonRows<TItem>> | readonly WithJsonRows<TItem>[]
  : T extends object
    ? { readonly [K in keyof T]: WithJsonRows<T[K]> }
    : T;

/** Makes the list of a JSON form: a plain array, or lazy {@link JsonRows}; what a serialiser is given to build either form. */
export type JsonListMaker = <TSource, TRow>(source: ArrayLike<TSource>, map: (item: TSource, index: number) => TRow) => readonly TRow[] | JsonRows<TRow>;

/** A {@link JsonListMaker} that makes plain arrays only: a JSON form built with it has no `JsonRows`. */
export type JsonArrayMaker = <TSource, TRow>(source: ArrayLike<TSource>, map: (item: TSource, index: number) => TRow) => readonly TRow[];

/** Builds plain arrays: the JSON form in memory. */
export const jsonArrays: JsonArrayMaker = (source, map) => Array.from(source, map);

/** Builds {@link JsonRows}: the JSON form to stream with {@link jsonTextChunks}. */
export const jsonRows: JsonListMaker = (source, map) => JsonRows.from(source, map);

/** Options of {@link jsonTextChunks}. */
export interface JsonTextOptions {
  /** Indentation as `JSON.stringify`'s third argument: spaces (at most 10) or a string (its first 10 characters); none by default. */
  readonly indent?: number | string | undefined;
  /** Characters per chunk, at least (the last chunk may be shorter); default 65,536. */
  readonly chunkSize?: number | undefined;
}

const DEFAULT_CHUNK_SIZE = 65_536;

function gapOf(indent: number | string | undefined): string {
  if (typeof indent === 'number') return ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent))));
  return typeof indent === 'string' ? indent.slice(0, 10) : '';
}

/** Whether JSON leaves the value out (object property) or writes `null` (array element). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** The value `JSON.stringify` writes for `value` found under `key`: after `toJSON` and unboxing. */
function resolve(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || value instanceof JsonRows) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  let resolved: unknown = typeof toJSON === 'function' ? (toJSON as (key: string) => unknown).call(value, key) : value;
  if (resolved instanceof Number || resolved instanceof String || resolved instanceof Boolean) resolved = resolved.valueOf();
  return resolved;
}

/** The text of a value that is not an object, array or {@link JsonRows}; `null` for skipped values (the caller decides). */
function primitiveText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value === null || isSkipped(value)) return 'null';
  // A bigint: JSON.stringify throws its own TypeError (or uses BigInt.prototype.toJSON).
  return JSON.stringify(value);
}

interface ArrayFrame {
  readonly kind: 'array';
  readonly value: object;
  readonly read: (index: number) => unknown;
  readonly length: number;
  readonly indent: string;
  /** Whether the elements are written in batches by `JSON.stringify` (the elements of a {@link JsonRows}). */
  readonly batched: boolean;
  index: number;
}

/** Elements of a {@link JsonRows} given to one `JSON.stringify` call. */
const ROW_BATCH = 256;

/** Whether `JSON.stringify` would call a `toJSON` of `value` itself (so it must be resolved with its own key, one at a time). */
function hasToJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

interface ObjectFrame {
  readonly kind: 'object';
  readonly value: Record<string, unknown>;
  readonly keys: readonly string[];
  readonly indent: string;
  index: number;
  written: boolean;
}

/**
 * The JSON text of `value` in chunks of about `chunkSize` characters: exactly what
 * `JSON.stringify(value, null, indent)` returns, joined (nothing for a value it leaves out, such as
 * `undefined`), but made piece by piece as the chunks are read — objects and arrays member by
 * member, {@link JsonRows} in batches of 256 elements — so neither the text nor the arrays of a
 * {@link JsonRows} ever exist whole in memory. Same rules as `JSON.stringify`: `toJSON` (with the
 * key), non-finite numbers as `null`, `-0` as `0`, `undefined`, functions and symbols left out of
 * objects and `null` in arrays, lone surrogates escaped; a circular structure throws a `TypeError`.
 * No replacer.
 */
export function* jsonTextChunks(value: unknown, options: JsonTextOptions = {}): Generator<string, void, undefined> {
  const gap = gapOf(options.indent);
  const colon = gap === '' ? ':' : ': ';
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const stack: (ArrayFrame | ObjectFrame)[] = [];
  const open = new Set<object>();
  let text = '';

  /** Writes a resolved value: a primitive at once, a container by pushing its frame. */
  const write = (resolved: unknown, indent: string): void => {
    if (typeof resolved !== 'object' || resolved === null) {
      text += primitiveText(resolved);
      return;
    }
    if (open.has(resolved)) throw new TypeError('Converting circular structure to JSON');
    if (resolved instanceof JsonRows || Array.isArray(resolved)) {
      const rows = resolved instanceof JsonRows ? (resolved as JsonRows<unknown>) : null;
      const array = resolved as readonly unknown[];
      const length = rows === null ? array.length : rows.length;
      if (length === 0) {
        text += '[]';
        return;
      }
      text += '[';
      open.add(resolved);
      stack.push({
        kind: 'array',
        value: resolved,
        read: rows === null ? (index) => array[index] : (index) => rows.at(index),
        length,
        indent,
        batched: rows !== null,
        index: 0,
      });
      return;
    }
    open.add(resolved);
    const record = resolved as Record<string, unknown>;
    stack.push({ kind: 'object', value: record, keys: Object.keys(record), indent, index: 0, written: false });
  };

  const root = resolve(value, '');
  if (isSkipped(root)) return;
  write(root, '');
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const inner = frame.indent + gap;
    if (frame.kind === 'array') {
      if (frame.index === frame.length) {
        text += gap === '' ? ']' : `\n${frame.indent}]`;
        open.delete(frame.value);
        stack.pop();
      } else if (!frame.batched) {
        const index = frame.index++;
        const element = resolve(frame.read(index), String(index));
        if (index > 0) text += ',';
        if (gap !== '') text += `\n${inner}`;
        write(isSkipped(element) ? null : element, inner);
      } else {
        // The elements of JsonRows are small: a batch of them is one native JSON.stringify call,
        // its brackets dropped and its lines indented to this depth. An element JSON.stringify
        // would treat differently alone (a `toJSON` left after resolving, or rows) ends the batch.
        const start = frame.index;
        const batch: unknown[] = [];
        let alone: { readonly value: unknown } | null = null;
        while (frame.index < frame.length && batch.length < ROW_BATCH) {
          const index = frame.index++;
          const element = resolve(frame.read(index), String(index));
          if (hasToJson(element) || element instanceof JsonRows) {
            alone = { value: element };
            break;
          }
          batch.push(element);
        }
        if (batch.length > 0) {
          if (start > 0) text += ',';
          const json = JSON.stringify(batch, null, gap);
          if (gap === '') text += json.slice(1, -1);
          else text += frame.indent === '' ? json.slice(1, -2) : json.slice(1, -2).replaceAll('\n', `\n${frame.indent}`);
        }
        if (alone !== null) {
          if (start + batch.length > 0) text += ',';
          if (gap !== '') text += `\n${inner}`;
          write(alone.value, inner);
        }
      }
    } else {
      let element: unknown;
      let key: string | undefined;
      while (frame.index < frame.keys.length) {
        const candidate = frame.keys[frame.index++] ?? '';
        const resolved = resolve(frame.value[candidate], candidate);
        if (isSkipped(resolved)) continue;
        key = candidate;
        element = resolved;
        break;
      }
      if (key === undefined) {
        if (!frame.written) text += '{}';
        else text += gap === '' ? '}' : `\n${frame.indent}}`;
        open.delete(frame.value);
        stack.pop();
      } else {
        text += frame.written ? ',' : '{';
        frame.written = true;
        if (gap !== '') text += `\n${inner}`;
        text += JSON.stringify(key) + colon;
        write(element, inner);
      }
    }
    if (text.length >= chunkSize) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}
