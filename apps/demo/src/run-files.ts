import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serializeOrchestratorResult } from '@ensemble/orchestrator';
import type { OrchestratorResult } from '@ensemble/orchestrator';
import { EnsembleError } from '@ensemble/protocol';
import type { Logger } from '@ensemble/protocol';
import { ReportGenerator } from '@ensemble/report';
import type { ReportInput } from '@ensemble/report';
import { writeFilesAtomic } from './write-file';
import type { OutputFile } from './write-file';

/** Where {@link writeRunOutputs} puts each output; every one is optional. */
export interface RunOutputTargets {
  /** The versioned JSON result (`serializeOrchestratorResult`). */
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
}

/** One file written by {@link writeRunOutputs}. */
export interface WrittenRunFile {
  readonly kind: 'json' | 'md' | 'html';
  readonly path: string;
  /** Size in bytes (UTF-8). */
  readonly bytes: number;
}

/**
 * The JSON text of a run: `serializeOrchestratorResult(result)` (`version: 1`, `kind:
 * "orchestrator"`, ISO dates), compact, with a final newline. Deterministic: the same run gives
 * the same bytes.
 */
export function runJsonText(result: OrchestratorResult): string {
  return `${JSON.stringify(serializeOrchestratorResult(result))}\n`;
}

/**
 * Renders the requested outputs of a run in memory — the JSON result, and the Markdown report and
 * HTML tearsheet from `reportInput` (validated by `@ensemble/report`) — without writing anything.
 */
export async function renderRunOutputs(
  targets: RunOutputTargets,
  result: OrchestratorResult,
  reportInput: ReportInput,
  options: Pick<WriteRunOutputsOptions, 'logger'> = {},
): Promise<(OutputFile & { readonly kind: WrittenRunFile['kind'] })[]> {
  const files: (OutputFile & { kind: WrittenRunFile['kind'] })[] = [];
  if (targets.json !== undefined) files.push({ kind: 'json', path: targets.json, content: runJsonText(result) });
  if (targets.md !== undefined || targets.html !== undefined) {
    const generator = new ReportGenerator(reportInput, options.logger === undefined ? {} : { logger: options.logger });
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
        await mkdir(directory, { recursive: true });
      } catch (error) {
        throw new EnsembleError('IO_FAILED', `Could not create the directory ${directory}: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
      }
    }
  }
  await writeFilesAtomic(files);
  return files.map((file) => ({ kind: file.kind, path: file.path, bytes: Buffer.byteLength(file.content, 'utf8') }));
}
