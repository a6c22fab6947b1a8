import path from 'node:path';
import { isDatasetName } from '@ensemble/data';
import type { KeptFile } from './output-targets';

/** A strategy file as a result or job records it: its path and the local files it imports, relative to its folder. */
export interface StrategyFileRecord {
  readonly path: string;
  readonly files?: readonly { readonly path: string }[] | undefined;
}

/**
 * The files an output must not replace for a strategy module: the strategy file (`record.path`,
 * resolved against `baseDir`) and every local file it imports. `what` names the file in the
 * message (`the strategy file (--strategy)`).
 */
export function strategyFilesKept(record: StrategyFileRecord, baseDir: string, what: string): KeptFile[] {
  const file = path.resolve(baseDir, record.path);
  const helpers = (record.files ?? []).map((entry) => path.resolve(path.dirname(file), entry.path)).filter((helper) => helper !== file);
  return [{ what, path: file }, ...helpers.map((helper) => ({ what: `a file that ${what} imports`, path: helper }))];
}

/**
 * The data file an output must not replace: `source` resolved against `baseDir`, unless it names an
 * embedded data set (which is no file the command reads). `what` names it in the message.
 */
export function dataFileKept(source: string, baseDir: string, what: string): KeptFile[] {
  if (source.trim() === '' || isDatasetName(source)) return [];
  return [{ what, path: path.resolve(baseDir, source) }];
}

/** A research job's inputs by absolute path: its data (a file, or an embedded data set by name) and its strategy modules. */
export interface ResearchJobInputs {
  readonly data: readonly { readonly file?: string | undefined }[];
  readonly strategyModules: readonly StrategyFileRecord[];
}

/**
 * The files research jobs read, once each: every data file and every strategy module's files
 * (paths in jobs are absolute), for the outputs of `sweep` and `walk-forward` not to replace them.
 */
export function researchFilesKept(jobs: readonly ResearchJobInputs[]): KeptFile[] {
  const kept = new Map<string, KeptFile>();
  for (const job of jobs) {
    for (const data of job.data) {
      if (data.file !== undefined && !kept.has(data.file)) kept.set(data.file, { what: 'the data file', path: data.file });
    }
    for (const module of job.strategyModules) {
      if (kept.has(path.resolve(module.path))) continue;
      for (const entry of strategyFilesKept(module, path.sep, 'the strategy file')) if (!kept.has(entry.path)) kept.set(entry.path, entry);
    }
  }
  return [...kept.values()];
}
