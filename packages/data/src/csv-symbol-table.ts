import { quoteValue, symbolProblem } from '@ensemble/protocol';
import { bytesEqual, decodeRange } from './bytes';
import type { RowReader } from './csv-row-reader';
import { countDataLines } from './csv-scanner';
import type { CsvScanner } from './csv-scanner';
import type { ProblemCollector } from './problems';
import { SeriesBuilder } from './series-builder';

/**
 * Per-symbol builders: keeps the current one while consecutive rows repeat a symbol (compared in
 * place, no allocation), and creates builders in order of first appearance. A new symbol that is
 * not usable (see `symbolProblem`: too long, control characters) is reported at its first line.
 */
export class SymbolTable {
  readonly builders: SeriesBuilder[] = [];
  private readonly bySymbol = new Map<string, SeriesBuilder>();
  private current: SeriesBuilder | undefined;
  private readonly capacity: number;
  private readonly problems: ProblemCollector;
  private readonly field: string | undefined;
  private readonly unordered: boolean;

  constructor(capacity: number, problems: ProblemCollector, field: string | undefined, unordered = false) {
    this.capacity = capacity;
    this.problems = problems;
    this.field = field;
    this.unordered = unordered;
  }

  /** The builder of the symbol in `bytes[start, end)`, read on line `row`. */
  get(bytes: Uint8Array, start: number, end: number, row: number): SeriesBuilder {
    const current = this.current;
    if (current !== undefined && bytesEqual(bytes, start, end, current.symbolBytes)) return current;
    return this.named(decodeRange(bytes, start, end), row);
  }

  /** The builder of `symbol`, created on first use (line `row`). */
  named(symbol: string, row: number): SeriesBuilder {
    let builder = this.bySymbol.get(symbol);
    if (builder === undefined) {
      const problem = symbolProblem(symbol);
      if (problem !== null) this.problems.add('bad-symbol', `the symbol ${quoteValue(symbol)} ${problem}`, { row, field: this.field, value: symbol });
      builder = new SeriesBuilder(symbol, this.capacity, this.unordered);
      this.bySymbol.set(symbol, builder);
      this.builders.push(builder);
    }
    this.current = builder;
    return builder;
  }
}

/** Where a layout's rows go: one builder when the file has no symbol column, else one per symbol. */
export class RowBuilders {
  /** The one builder of a file without a symbol column. */
  readonly single: SeriesBuilder | undefined;
  readonly table: SymbolTable;
  private readonly symbolColumn: number;

  /** `symbolColumn` is -1 when the file has none; `field` is its header name. */
  constructor(
    input: { readonly bytes: Uint8Array; readonly start: number; readonly problems: ProblemCollector; readonly defaultSymbol: string; readonly sort?: boolean | undefined },
    symbolColumn: number,
    field: string | undefined,
  ) {
    const rows = countDataLines(input.bytes, input.start);
    const unordered = input.sort === true;
    this.symbolColumn = symbolColumn;
    this.table = new SymbolTable(symbolColumn === -1 ? rows : 256, input.problems, field, unordered);
    this.single = symbolColumn === -1 ? new SeriesBuilder(input.defaultSymbol, rows, unordered) : undefined;
  }

  /** The builder of the reader's current row, or undefined (reported) when its symbol is empty. */
  ofRow(reader: RowReader, scanner: CsvScanner): SeriesBuilder | undefined {
    if (this.single !== undefined) return this.single;
    if (reader.symbolMissing(this.symbolColumn)) return undefined;
    return this.table.named(scanner.field(this.symbolColumn), scanner.line);
  }

  /** Every builder, in order of first appearance. */
  get builders(): SeriesBuilder[] {
    return this.single === undefined ? this.table.builders : [this.single];
  }
}
