import { join } from 'node:path';
import { REPORT_CSV_FILES, csvReport } from './csv';
import type { ReportCsvFiles } from './csv';
import { htmlReport } from './html/tearsheet';
import { markdownReport } from './markdown';
import { resolveOptions } from './options';
import type { ReportOptions, ResolvedReportOptions } from './options';
import { parseReportInput } from './report-input';
import type { ReportInput } from './report-input';
import { jsonReport, toResultJson } from './result-json';
import type { ResultJson } from './result-json';
import { writeFilesAtomic } from './write';

/** Where {@link ReportGenerator.write} puts each output; every one is optional. */
export interface ReportTargets {
  /** Path of the HTML tearsheet, e.g. `out/report.html`. */
  readonly html?: string | undefined;
  /** Path of the JSON result. */
  readonly json?: string | undefined;
  /** Path of the Markdown report. */
  readonly md?: string | undefined;
  /** Directory for the CSV exports (`equity.csv`, `trades.csv`, `fills.csv`, `weights.csv`). */
  readonly csvDir?: string | undefined;
}

/** Options of {@link writeReport} and {@link ReportGenerator.write}. */
export interface WriteReportOptions {
  /** Create missing directories (like `mkdir -p`). Default false: a missing directory is an `IO_FAILED` error. */
  readonly createDirectories?: boolean;
}

/** One rendered output of {@link ReportGenerator.files}: its kind, path and text. */
export interface ReportFile {
  readonly kind: 'html' | 'json' | 'md' | 'csv';
  readonly path: string;
  readonly content: string;
}

/** One file written by {@link ReportGenerator.write}. */
export interface WrittenReportFile {
  readonly kind: 'html' | 'json' | 'md' | 'csv';
  readonly path: string;
  /** Size in bytes (UTF-8). */
  readonly bytes: number;
}

/**
 * Turns one backtest or orchestrator result ({@link ReportInput}) into reports: the versioned JSON
 * result, Markdown with inline SVG charts, CSV exports and a self-contained HTML tearsheet. The
 * input is validated once, in the constructor (a `ConfigError` lists every problem); every output
 * is deterministic: the same input and options give the same bytes.
 */
export class ReportGenerator {
  /** The validated input. */
  readonly input: ReportInput;
  readonly #options: ResolvedReportOptions;

  constructor(input: ReportInput, options: ReportOptions = {}) {
    this.#options = resolveOptions(options);
    this.input = parseReportInput(input);
  }

  /** The result in the JSON format, as an object (times as ISO strings). */
  toResultJson(): ResultJson {
    return toResultJson(this.input);
  }

  /** The JSON result as text. */
  json(): string {
    return jsonReport(this.input);
  }

  /** The Markdown report (charts rendered to SVG in Node, hence async). */
  markdown(): Promise<string> {
    return markdownReport(this.input, this.#options);
  }

  /** The self-contained HTML tearsheet. */
  html(): string {
    return htmlReport(this.input, this.#options);
  }

  /** The CSV exports by file name. */
  csv(): ReportCsvFiles {
    return csvReport(this.input);
  }

  /**
   * Renders the requested outputs as files to write, in the order html, json, md, then the CSV
   * exports (`csvDir/<name>`, {@link REPORT_CSV_FILES} present in the report), writing nothing:
   * what {@link ReportGenerator.write} writes, for a caller with its own way of writing files.
   */
  async files(targets: ReportTargets): Promise<ReportFile[]> {
    const files: ReportFile[] = [];
    if (targets.html !== undefined) files.push({ kind: 'html', path: targets.html, content: this.html() });
    if (targets.json !== undefined) files.push({ kind: 'json', path: targets.json, content: this.json() });
    if (targets.md !== undefined) files.push({ kind: 'md', path: targets.md, content: await this.markdown() });
    if (targets.csvDir !== undefined) {
      const csv: Readonly<Record<string, string | undefined>> = { ...this.csv() };
      for (const name of REPORT_CSV_FILES) {
        const content = csv[name];
        if (content !== undefined) files.push({ kind: 'csv', path: join(targets.csvDir, name), content });
      }
    }
    return files;
  }

  /**
   * Renders the requested outputs, then writes them all or nothing (`writeFilesAtomic`: every file
   * to a temporary file first, renamed over its target only when all are written). Everything is
   * rendered before the first write, so a rendering error writes nothing, and a file that cannot
   * be written (a missing CSV directory) leaves every target untouched. Throws an `EnsembleError`
   * with code `IO_FAILED` naming the path when a file cannot be written.
   */
  async write(targets: ReportTargets, options: WriteReportOptions = {}): Promise<WrittenReportFile[]> {
    const files = await this.files(targets);
    const sizes = await writeFilesAtomic(files, { createDirectories: options.createDirectories === true });
    return files.map((file, k) => {
      const bytes = sizes[k]?.bytes ?? 0;
      this.#options.logger.info({ kind: file.kind, path: file.path, bytes }, 'wrote report file');
      return { kind: file.kind, path: file.path, bytes };
    });
  }
}

/**
 * Validates `input` and writes the requested reports (see {@link ReportGenerator.write}); returns
 * the files written with their sizes.
 */
export async function writeReport(
  targets: ReportTargets,
  input: ReportInput,
  options: ReportOptions & WriteReportOptions = {},
): Promise<WrittenReportFile[]> {
  const { createDirectories, ...reportOptions } = options;
  return new ReportGenerator(input, reportOptions).write(targets, createDirectories === undefined ? {} : { createDirectories });
}
