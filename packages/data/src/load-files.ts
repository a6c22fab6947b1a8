import { ConfigError, DataValidationError, MAX_LINE_LENGTH, arrayIssue, checkArguments, createTimeline, listValues, nullAsAbsent, optionsIssue, quoteValue } from '@ensemble/protocol';
import type { BarSeries, DataProblem } from '@ensemble/protocol';
import { loadFrom } from './load';
import { selectMarketData } from './market-data';
import { checkParseOptions, fileSymbol } from './parse';
import { makeProblem } from './problems';
import type { DateReading, MarketData, ParseOptions } from './types';

/**
 * Joins market data read from several files (one CSV per symbol, say) into one: every series, on
 * one merged timeline. A symbol may come from one part only: one found in two is a
 * `duplicate-column` problem naming both files (every such clash is listed). `source` lists the
 * parts' sources; `format` is theirs when they agree, else `mixed`; the notes and date readings
 * are each part's, in order.
 */
export function combineMarketData(parts: readonly MarketData[]): MarketData {
  checkArguments('combineMarketData', [arrayIssue(parts, 'parts', 'an array of market data (what loadMarketData returns)')]);
  const first = parts[0];
  if (first === undefined) throw new ConfigError([{ path: 'parts', message: 'needs at least one part to combine' }]);
  if (parts.length === 1) return first;
  const from = new Map<string, string>();
  const problems: DataProblem[] = [];
  const series: BarSeries[] = [];
  for (const part of parts) {
    for (const s of part.series) {
      const earlier = from.get(s.symbol);
      if (earlier !== undefined) {
        // Two files whose names make no symbol (over 64 characters, control characters) both name their series DATA.
        const unnamed = s.symbol === 'DATA' && fileSymbol(part.source) === null && fileSymbol(earlier) === null;
        const what = unnamed
          ? 'their file names are no usable symbols (at most 64 characters, no control characters), so each names its series DATA: rename the files, or give each a symbol column'
          : 'each symbol must come from one file (drop it from one of them)';
        problems.push(makeProblem(part.source, 'duplicate-column', `symbol ${quoteValue(s.symbol)} is also in ${quoteValue(earlier)}: ${what}`));
        continue;
      }
      from.set(s.symbol, part.source);
      series.push(s);
    }
  }
  if (problems.length > 0) throw new DataValidationError(problems);
  const notes = groupedNotes(parts);
  const dates = combinedDates(parts);
  return {
    source: parts.map((part) => part.source).join(', '),
    format: parts.every((part) => part.format === first.format) ? first.format : 'mixed',
    series,
    timeline: createTimeline(series),
    ...(notes.length === 0 ? {} : { notes }),
    ...(dates === undefined ? {} : { dates }),
  };
}

/**
 * The parts' notes, each once with the sources it is of (`a.csv, b.csv, c.csv, … and 6 more: …`,
 * the first three named): nine downloads adjusted alike give one note, not nine.
 */
function groupedNotes(parts: readonly MarketData[]): string[] {
  const sources = new Map<string, string[]>();
  for (const part of parts) {
    for (const note of part.notes ?? []) {
      const of = sources.get(note);
      if (of === undefined) sources.set(note, [part.source]);
      else if (!of.includes(part.source)) of.push(part.source);
    }
  }
  return [...sources].map(([note, of]) => `${listValues(of, { maxItems: 3, maxLength: MAX_LINE_LENGTH })}: ${note}`);
}

/**
 * The parts' date readings as one: the format given to every one of them, else every form read in
 * any — detected, or given to that part — in order of first appearance.
 */
function combinedDates(parts: readonly MarketData[]): DateReading | undefined {
  const readings = parts.map((part) => part.dates).filter((reading) => reading !== undefined);
  const first = readings[0];
  if (first === undefined) return undefined;
  if ('given' in first && readings.every((reading) => 'given' in reading && reading.given === first.given)) return first;
  const forms = new Set<string>();
  for (const reading of readings) for (const form of 'given' in reading ? [reading.given] : reading.detected) forms.add(form);
  return { detected: [...forms] };
}

/**
 * For each of `paths`, the index of the first path of the list naming the same file once resolved
 * (`./a.csv` beside `a.csv`, a relative path beside its absolute one), or -1 for a file's first:
 * one file given twice would be read twice, its symbols clashing with themselves. `resolve`
 * makes a path absolute (Node's `path.resolve` against the directory the paths are relative to).
 */
export function repeatedFiles(paths: readonly string[], resolve: (path: string) => string): number[] {
  const first = new Map<string, number>();
  return paths.map((file, k) => {
    const absolute = resolve(file);
    const earlier = first.get(absolute);
    if (earlier !== undefined) return earlier;
    first.set(absolute, k);
    return -1;
  });
}

/**
 * Loads several market data files (Node.js) — one CSV per symbol, as a download gives them — and
 * joins them ({@link combineMarketData}); each is read as {@link loadMarketData} reads one file,
 * with the same `format`, `dateFormat`, `decimal`, `adjust` and `sort`, and a one-symbol file's
 * series is named after its file. `symbols`, `from` and `to` select from the joined data (a
 * symbol is looked for in every file). The problems of every file are reported together, each
 * naming its file; `onProgress` counts the bytes of all of them. `names` (default: the paths)
 * are how the files are named in problems and `source`. One path is `loadMarketData` itself.
 */
export async function loadMarketDataFiles(paths: readonly string[], options: Omit<ParseOptions, 'file' | 'symbol'> & { readonly names?: readonly string[] | undefined } = {}): Promise<MarketData> {
  checkArguments('loadMarketDataFiles', [arrayIssue(paths, 'paths', 'the paths of CSV or JSON files (an array of strings)'), optionsIssue(options)]);
  const given = nullAsAbsent(options, {});
  if (paths.length === 0) throw new ConfigError([{ path: 'paths', message: 'needs at least one file' }]);
  if ('symbol' in given && given.symbol !== undefined && paths.length > 1) {
    throw new ConfigError([{ path: 'symbol', message: 'names the series of one file; several files name theirs after each file' }]);
  }
  const names = given.names ?? paths;
  if (names.length !== paths.length) throw new ConfigError([{ path: 'names', message: `names each file: ${String(paths.length)} path(s), but ${String(names.length)} name(s)` }]);
  const nodePath = await import('node:path');
  const repeated = repeatedFiles(paths, (file) => nodePath.resolve(file));
  const again = repeated.findIndex((earlier) => earlier >= 0);
  if (again >= 0) {
    const earlier = repeated[again] ?? 0;
    throw new ConfigError([{ path: 'paths', message: `${quoteValue(names[again] ?? '')} and ${quoteValue(names[earlier] ?? '')} are the same file: give it once` }]);
  }
  const { symbols, from, to, onProgress, names: _names, ...reading } = given;
  if (paths.length === 1) return loadFrom(paths[0] ?? '', { ...reading, symbols, from, to, onProgress, file: names[0] ?? paths[0] });
  const sizes = onProgress === undefined ? [] : await Promise.all(paths.map((path) => fileSize(path)));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const parts: MarketData[] = [];
  const problems: DataProblem[] = [];
  let truncated = false;
  let done = 0;
  // One budget of problems for all the files, as for one: a file past it is not read.
  const limit = checkParseOptions(reading);
  for (const [k, path] of paths.entries()) {
    if (problems.length >= limit) {
      truncated = true;
      break;
    }
    const offset = done;
    try {
      parts.push(
        await loadFrom(path, {
          ...reading,
          maxProblems: limit - problems.length,
          file: names[k] ?? path,
          ...(onProgress === undefined ? {} : { onProgress: (bytes: number) => { onProgress(offset + bytes, total); } }),
        }),
      );
    } catch (error) {
      if (!DataValidationError.isInstance(error) || error.subject !== 'market data') throw error;
      problems.push(...error.problems);
      truncated ||= error.truncated;
    }
    done += sizes[k] ?? 0;
  }
  if (problems.length > 0) throw new DataValidationError(problems, { truncated });
  return selectMarketData(combineMarketData(parts), { symbols, from, to });
}

async function fileSize(path: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then(
    (found) => (found.isFile() ? found.size : 0),
    () => 0,
  );
}
