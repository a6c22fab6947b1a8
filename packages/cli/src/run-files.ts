import path from 'node:path';
import { jsonRows, jsonTextChunks } from '@ensemble/engine';
import { orchestratorResultJsonRows } from '@ensemble/orchestrator';
import type { OrchestratorResult } from '@ensemble/orchestrator';
import { EnsembleError } from '@ensemble/protocol';
import type { Logger } from '@ensemble/protocol';
import type { ReportInput } from '@ensemble/report';
import { makeDirectory } from '@ensemble/report';
import { reportOfRun } from './report-of-run';
import { savedReportJson } from './saved-report';
import { writeFilesAtomic } from './write-file';
import type { OutputFile } from './write-file';

/** Where {@link writeRunOutputs} puts each output; every one is optional. */
export interface RunOutputTargets {
  /** The versioned JSON result (`serializeOrchestratorResult` of `@ensemble/orchestrator`, and the report's `report` part). */
  readonly json?: string | undefined;
  /** The Markdown report of `@ensemble/report`. */
  readonly md?: string | undefined;
  /** The self-contained HTML tearsheet of `@ensemble/report`. */
  readonly html?: string | undefined;
}

/** Options of {@link writeRunOutputs}. */
export interface WriteRunOutputsOptions {
  /** Create missing directories (like `mkdir -p`); default false: a missing directory fails with `IO_FAILED`. */
  readonly createDirectories?: boolean | undefined;
  /** Receives the report generator's debug events. */
  readonly logger?: Logger | undefined;
  /** Called with the bytes written so far while the files are written. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

/** One file written by {@link writeRunOutputs}. */
export interface WrittenRunFile {
  readonly kind: 'json' | 'md' | 'html';
  readonly path: string;
  /** Size in bytes (UTF-8). */
  readonly bytes: number;
}

/**
 * The JSON text of a run — `JSON.stringify(serializeOrchestratorResult(result))` (`version: 1`,
 * `kind: "orchestrator"`, ISO dates), compact, with a final newline — in chunks made as they are
 * read (`jsonTextChunks` of `orchestratorResultJsonRows`), so a long run is never held as one
 * string or as arrays of point objects. Given the run's report input, the object ends with a
 * `report` field: that report's title, subtitle and benchmark line (see `SavedReportJson` of
 * `@ensemble/report`), so that `readResultFile` makes the same report from the file.
 * Deterministic: the same run gives the same bytes.
 */
export function* runJsonChunks(result: OrchestratorResult, reportInput?: ReportInput): Generator<string, void, undefined> {
  const form = orchestratorResultJsonRows(result);
  yield* jsonTextChunks(reportInput === undefined ? form : { ...form, report: savedReportJson(reportInput, jsonRows) });
  yield '\n';
}

/**
 * Renders the requested outputs of a run without writing anything: the Markdown report and HTML
 * tearsheet from `reportInput` (validated by `@ensemble/report`) in memory, and the JSON result as
 * {@link runJsonChunks} with that report's `report` part, made while it is written.
 */
export async function renderRunOutputs(
  targets: RunOutputTargets,
  result: OrchestratorResult,
  reportInput: ReportInput,
  options: Pick<WriteRunOutputsOptions, 'logger'> = {},
): Promise<(OutputFile & { readonly kind: WrittenRunFile['kind'] })[]> {
  const files: (OutputFile & { kind: WrittenRunFile['kind'] })[] = [];
  if (targets.json !== undefined) files.push({ kind: 'json', path: targets.json, content: runJsonChunks(result, reportInput) });
  if (targets.md !== undefined || targets.html !== undefined) {
    const generator = reportOfRun(reportInput, options.logger);
    if (targets.md !== undefined) files.push({ kind: 'md', path: targets.md, content: await generator.markdown() });
    if (targets.html !== undefined) files.push({ kind: 'html', path: targets.html, content: generator.html() });
  }
  return files;
}

/**
 * Renders every requested output of a run (JSON result, Markdown, HTML), then writes them all
 * atomically: each to a temporary file next to its target, renamed only once all are written. A
 * rendering or writing failure leaves no target touched and throws (`IO_FAILED` naming the path
 * for the file system). Returns the files written with their sizes, in the order json, md, html.
 */
export async function writeRunOutputs(
  targets: RunOutputTargets,
  result: OrchestratorResult,
  reportInput: ReportInput,
  options: WriteRunOutputsOptions = {},
): Promise<WrittenRunFile[]> {
  const files = await renderRunOutputs(targets, result, reportInput, options);
  if (options.createDirectories === true) {
    for (const directory of new Set(files.map((file) => path.dirname(file.path)))) {
      try {
        await makeDirectory(directory);
      } catch (error) {
        throw new EnsembleError('IO_FAILED', `Could not create the directory ${directory}: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
      }
    }
  }
  const written = await writeFilesAtomic(files, { onProgress: options.onProgress });
  return files.map((file, i) => ({ kind: file.kind, path: file.path, bytes: written[i]?.bytes ?? 0 }));
}
