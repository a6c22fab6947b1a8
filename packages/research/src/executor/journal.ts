import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, quoteValue, checkArguments, stringIssue, objectIssue, shapeIssue, describeGiven } from '@ensemble/protocol';
import { directoryCreationProblem, makeDirectory } from '@ensemble/report';
import { jobResultFromJson, jobResultToJson } from '../job/job-result-json';
import { strategyModuleChange } from '../job/module-digest';
import type { DataRef, ResearchJobResult, StrategyModuleRef } from '../job/research-job';
import { DataRefSchema, StrategyModuleRefSchema } from '../job/research-job';
import { functionIssue, optionalArrayIssue } from '../argument-checks';

/** The first line of a journal: which plan its results belong to, and which code computed them. */
interface JournalHeader {
  readonly journal: 'ensemble-research';
  readonly version: 1;
  readonly planId: string;
  /** The versions of the packages that compute a job's result ({@link computingPackageVersions}). */
  readonly packages: Readonly<Record<string, string>>;
  /** The plan's strategy modules with their digests, when it has any: what tells a refused resume which file changed. */
  readonly strategyModules?: readonly StrategyModuleRef[];
  /** The plan's data by content: what tells a refused resume which data file changed. */
  readonly data?: readonly DataRef[];
}

/** The packages whose code decides a job's result: a journal's results hold only for their versions. */
const COMPUTING_PACKAGES = [
  '@ensemble/data',
  '@ensemble/engine',
  '@ensemble/orchestrator',
  '@ensemble/performance',
  '@ensemble/protocol',
  '@ensemble/research',
  '@ensemble/strategies',
] as const;

let installedVersions: Readonly<Record<string, string>> | null = null;

/**
 * The installed version of each package that computes a job's result (the data loaders, the
 * engine, the orchestrator, the metrics, the built-in strategies, this package), as their
 * `package.json` files say. A journal records them, and a resumed sweep or walk-forward whose
 * packages differ is refused: its finished jobs were computed by other code than the jobs it
 * would run now, and the two would be ranked together.
 */
export function computingPackageVersions(): Readonly<Record<string, string>> {
  if (installedVersions !== null) return installedVersions;
  const require = createRequire(import.meta.url);
  const versions: Record<string, string> = {};
  for (const name of COMPUTING_PACKAGES) {
    const manifest = require(`${name}/package.json`) as { version?: unknown };
    versions[name] = typeof manifest.version === 'string' ? manifest.version : 'unknown';
  }
  installedVersions = versions;
  return versions;
}

/** What differs between a journal's recorded package versions and the installed ones, in words; null when they agree. */
function versionDifference(recorded: unknown, installed: Readonly<Record<string, string>>): string | null {
  if (!isRecord(recorded)) return 'it was written by an earlier release, which did not record the versions of its packages';
  const changed: string[] = [];
  for (const name of new Set([...Object.keys(installed), ...Object.keys(recorded)])) {
    const then = recorded[name];
    const now = installed[name];
    if (then === now) continue;
    changed.push(`${name} ${typeof then === 'string' ? quoteValue(then) : '(none)'} then, ${now === undefined ? '(none)' : quoteValue(now)} now`);
  }
  return changed.length === 0 ? null : `the packages that compute its results changed since it was written: ${changed.join('; ')}`;
}

/**
 * An append-only record of finished jobs, JSON lines: a header naming the plan's id, then one
 * result per line, each written with one `write` call as it arrives (so a killed process loses at
 * most the line being written; a torn last line is ignored on reading).
 */
export interface Journal {
  /** The results already in the journal, by job index (empty for a new one). */
  readonly finished: ReadonlyMap<number, ResearchJobResult>;
  /**
   * Lines of a resumed journal that could not be read as a result (damaged or edited), other than
   * a last line cut short by a kill: their jobs run again. 0 for a new journal.
   */
  readonly unreadable: number;
  append(result: ResearchJobResult): void;
  close(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Which of the plan's strategy modules changed since a journal recorded them, in words naming the
 * files (the strategy file or one it imports); null when the journal recorded none or none changed.
 */
function moduleDifference(recorded: unknown, current: readonly StrategyModuleRef[]): string | null {
  if (!Array.isArray(recorded)) return null;
  const then = new Map<string, StrategyModuleRef>();
  for (const entry of recorded) {
    const parsed = StrategyModuleRefSchema.safeParse(entry);
    if (parsed.success) then.set(parsed.data.path, parsed.data);
  }
  const changes = current.flatMap((module) => {
    const before = then.get(module.path);
    const change = before === undefined ? null : strategyModuleChange(before, module, `./${basename(module.path)}`);
    return change === null ? [] : [`${quoteValue(module.path, MAX_LINE_LENGTH)}: ${change}`];
  });
  return changes.length === 0 ? null : `its strategy files changed since it was written: ${changes.join('; ')}`;
}

/**
 * Which of the plan's data files changed since a journal recorded them, in words naming each file
 * and its SHA-256 then and now; null when the journal recorded none or none changed.
 */
function dataDifference(recorded: unknown, current: readonly DataRef[]): string | null {
  if (!Array.isArray(recorded)) return null;
  const then = new Map<string, string>();
  for (const entry of recorded) {
    const parsed = DataRefSchema.safeParse(entry);
    if (parsed.success && parsed.data.file !== undefined) then.set(parsed.data.file, parsed.data.sha256);
  }
  const changes = current.flatMap((ref) => {
    const before = ref.file === undefined ? undefined : then.get(ref.file);
    return ref.file === undefined || before === undefined || before === ref.sha256 ? [] : [`${quoteValue(ref.file, MAX_LINE_LENGTH)} had SHA-256 ${before} then, ${ref.sha256} now`];
  });
  return changes.length === 0 ? null : `its data changed since it was written: ${changes.join('; ')}`;
}

/** What to do with a journal of another plan: remove it or write elsewhere; or, unless an earlier planning rule wrote it (which no edit restores), restore what changed and resume. */
function startOver(header: Record<string, unknown>, formerPlans: Readonly<Record<string, string>>): string {
  const former = typeof header.planId === 'string' && Object.hasOwn(formerPlans, header.planId);
  return `remove that file (or write to another output directory) to start over${former ? '' : ', or restore what changed and resume it (--resume)'}`;
}

/** What a journal's header is compared with to say why it is of another plan: this plan's strategy modules, data and outline. */
interface PlanInputs { readonly modules: readonly StrategyModuleRef[]; readonly data: readonly DataRef[]; readonly outline: Readonly<Record<string, string>> }

/** Why a journal's header is of another plan than this one: an earlier planning rule, its data, its strategy files, the parts of its outline, or, when none tells, the spec in general. */
function planDifference(
  header: Record<string, unknown>,
  inputs: PlanInputs,
  formerPlans: Readonly<Record<string, string>>,
): string {
  const former = typeof header.planId === 'string' && Object.hasOwn(formerPlans, header.planId) ? formerPlans[header.planId] : undefined;
  return (
    former ??
    dataDifference(header.data, inputs.data) ??
    moduleDifference(header.strategyModules, inputs.modules) ??
    outlineDifference(header.outline, inputs.outline) ??
    'the spec, its config, its data or its strategy files changed since it was written'
  );
}

/** The longest value of a plan's part a refusal shows (a part of 500 values is cut in the middle). */
const OUTLINE_VALUE_LENGTH = 120;

function outlineValue(value: string | undefined): string {
  if (value === undefined) return 'none';
  if (value.length <= OUTLINE_VALUE_LENGTH) return value;
  const half = Math.floor((OUTLINE_VALUE_LENGTH - 3) / 2);
  return `${value.slice(0, half)} … ${value.slice(-half)}`;
}

/** The fields (by path) where two JSON texts of objects differ, the first three with their values; null when either is no JSON object. */
function jsonFieldChanges(before: string, now: string): string | null {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  };
  const a = parse(before);
  const b = parse(now);
  if (!isRecord(a) || !isRecord(b)) return null;
  const changes: string[] = [];
  const walk = (x: unknown, y: unknown, at: string): void => {
    if (isRecord(x) && isRecord(y)) {
      for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])]) walk(x[key], y[key], at === '' ? key : `${at}.${key}`);
    } else if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((value, k) => {
        walk(value, y[k], `${at}.${String(k)}`);
      });
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      changes.push(`${at} ${outlineValue(x === undefined ? undefined : JSON.stringify(x))} then, ${outlineValue(y === undefined ? undefined : JSON.stringify(y))} now`);
    }
  };
  walk(a, b, '');
  if (changes.length === 0) return null;
  return `${changes.slice(0, 3).join('; ')}${changes.length > 3 ? `; and ${String(changes.length - 3)} more` : ''}`;
}

/** The parts of the plan whose words differ between a journal's header and this plan (see `OpenJournalOptions.outline`), or null when none does or the header has none. */
function outlineDifference(recorded: unknown, current: Readonly<Record<string, string>>): string | null {
  if (!isRecord(recorded)) return null;
  const then = new Map(Object.entries(recorded).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value] as const] : [])));
  const keys = [...new Set([...then.keys(), ...Object.keys(current)])];
  const changes = keys.flatMap((key) => {
    const before = then.get(key);
    const now = Object.hasOwn(current, key) ? current[key] : undefined;
    if (before === now) return [];
    // A part written as JSON (the base config): the fields that differ, not two blobs.
    const fields = before === undefined || now === undefined ? null : jsonFieldChanges(before, now);
    return [fields === null ? `${key}: ${outlineValue(before)} then, ${outlineValue(now)} now` : `${key}: ${fields}`];
  });
  return changes.length === 0 ? null : `its plan changed since it was written — ${changes.join('; ')}`;
}

function parseLines(
  text: string,
  file: string,
  planId: string,
  packages: Readonly<Record<string, string>>,
  inputs: PlanInputs,
  formerPlans: Readonly<Record<string, string>>,
): { finished: Map<number, ResearchJobResult>; unreadable: number } {
  const lines = text.split('\n');
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    header = null;
  }
  if (!isRecord(header) || header.journal !== 'ensemble-research') {
    throw new EnsembleError('IO_FAILED', `${quoteValue(file, MAX_LINE_LENGTH)} is not a research journal; remove it or choose another output directory.`);
  }
  if (header.planId !== planId) {
    const why = planDifference(header, inputs, formerPlans);
    throw new ConfigError([
      {
        path: 'resume',
        // What to do first, then what changed (a long message is cut at its end when printed); the
        // plan ids last, shortened as sweep ids are.
        message: `the journal ${quoteValue(file, MAX_LINE_LENGTH)} belongs to another plan: ${startOver(header, formerPlans)}. ${why} (its plan ${quoteValue(String(header.planId).slice(0, 12))}…, this one ${quoteValue(planId.slice(0, 12))}…)`,
      },
    ]);
  }
  const difference = versionDifference(header.packages, packages);
  if (difference !== null) {
    throw new ConfigError([
      {
        path: 'resume',
        message: `the journal ${quoteValue(file, MAX_LINE_LENGTH)} cannot be resumed: remove that file (or write to another output directory) to start over, or resume with the versions it was written by; its finished jobs would be ranked with jobs computed by other code. ${difference}`,
      },
    ]);
  }
  const finished = new Map<number, ResearchJobResult>();
  let unreadable = 0;
  // The last line is complete only when the text ends with a newline (then it is empty).
  const last = lines.length - 1;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k] ?? '';
    if (line.trim() === '') continue;
    try {
      const result = jobResultFromJson(JSON.parse(checkedBody(line)));
      finished.set(result.index, result);
    } catch {
      // That job runs again. A last line without its newline was torn by a kill mid-write, as
      // expected after an interruption; any other was damaged or edited, and is counted.
      if (k !== last) unreadable++;
    }
  }
  return { finished, unreadable };
}

/** How a journal line with a checksum starts: `{"check":"` and 16 hex digits, then the result's own fields. */
const CHECKED_LINE = /^\{"check":"([0-9a-f]{16})",/;

/** The first 16 hex digits of the SHA-256 of `text` (64 bits: an edit goes unnoticed once in 2^64). */
function lineCheck(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The JSON text of a journal line's result. A line written with a checksum (`{"check":"…",`
 * before the result's fields) gives the result's own text, `{` and what follows the checksum, when
 * the checksum is that text's; one whose text changed since — a number edited by hand, a byte
 * damaged — throws, and its job runs again. A line without one (written by an earlier version) is
 * read as it is.
 */
function checkedBody(line: string): string {
  if (!line.startsWith('{"check"')) return line;
  const match = CHECKED_LINE.exec(line);
  if (match === null) throw new Error('a malformed checksum');
  const body = `{${line.slice(match[0].length)}`;
  if (lineCheck(body) !== match[1]) throw new Error('the checksum does not match the line');
  return body;
}

/**
 * A result as journalled: its JSON form ({@link jobResultToJson}), the period returns as base64 of
 * raw little-endian doubles, headed by a checksum of that text (see {@link checkedBody}). Writing
 * 5,000 returns as JSON numbers cost about 1–2 ms a job on the main thread, as much as a short
 * backtest; raw doubles cost microseconds and keep every bit (-0, NaN), so a resumed run's results
 * are exactly those it journalled; the checksum of such a line (about 55 kB) takes about 0.1 ms.
 * Lines with the returns as a JSON array, or without a checksum (written before), are read too.
 */
function lineOf(result: ResearchJobResult): string {
  const body = JSON.stringify(jobResultToJson(result));
  return `{"check":"${lineCheck(body)}",${body.slice(1)}\n`;
}

/** How {@link openJournal} opens a journal. */
export interface OpenJournalOptions {
  /** Keep the results of an existing journal of the same plan and append to it. */
  readonly resume: boolean;
  /** The package versions to record and to resume against (default: the installed ones, {@link computingPackageVersions}). */
  readonly packages?: Readonly<Record<string, string>> | undefined;
  /** The plan's strategy modules, recorded in a new journal so that a refused resume can name the file that changed. */
  readonly strategyModules?: readonly StrategyModuleRef[] | undefined;
  /** The plan's data by content, recorded in a new journal so that a refused resume can name a data file that changed. */
  readonly data?: readonly DataRef[] | undefined;
  /**
   * Ids the same plan had under an earlier planning rule, each with why its results no longer hold
   * (e.g. a walk-forward planned when train windows started cold): a refused resume says so.
   */
  readonly formerPlans?: Readonly<Record<string, string>> | undefined;
  /**
   * The plan's parts in words, by name (`objective`, `parameter k`: its path and values, `base
   * config`: its JSON without the varied values, a walk-forward's `windows`), recorded in a
   * new journal so that a refused resume names the parts that changed.
   */
  readonly outline?: Readonly<Record<string, string>> | undefined;
}

/**
 * Opens the journal `file` of the plan `planId`. With `resume`, an existing journal's results are
 * kept and new ones are appended — one of another plan (the spec, its data or strategy files
 * changed), or written by other versions of the packages that compute results, is refused with a
 * `ConfigError`; without it, the file is started anew.
 */
export async function openJournal(file: string, planId: string, options: OpenJournalOptions): Promise<Journal> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('openJournal', [
    stringIssue(file, 'file', 'the path of the journal (a string)'),
    stringIssue(planId, 'planId', 'the plan id (a string)'),
    shapeIssue(options, 'options', 'the journal options', { resume: 'boolean', packages: 'object?', strategyModules: 'array?', data: 'array?', formerPlans: 'object?', outline: 'object?' }),
  ]);
  const packages = options.packages ?? computingPackageVersions();
  const modules = options.strategyModules ?? [];
  const data = options.data ?? [];
  const outline = options.outline ?? {};
  let finished = new Map<number, ResearchJobResult>();
  let unreadable = 0;
  let torn = false;
  if (!options.resume) await refuseToDiscard(file, planId, packages, { modules, data, outline }, options.formerPlans ?? {});
  if (options.resume) {
    const read = await readFile(file, 'utf8').catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ENOENT') return null;
      const why = code === 'EISDIR' ? 'it is a directory; remove it or choose another output directory' : error instanceof Error ? error.message : String(error);
      throw new EnsembleError('IO_FAILED', `Cannot read the journal ${quoteValue(file, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
    });
    // An empty file is a journal killed before its header was written: nothing finished.
    const text = read !== null && read.trim() === '' ? null : read;
    if (text !== null) ({ finished, unreadable } = parseLines(text, file, planId, packages, { modules, data, outline }, options.formerPlans ?? {}));
    // A line torn by a kill mid-write has no newline: the next line must not be appended to it.
    torn = text !== null && text.length > 0 && !text.endsWith('\n');
  }
  let descriptor: number;
  try {
    descriptor = openSync(file, options.resume && finished.size > 0 ? 'a' : 'w');
  } catch (error) {
    throw new EnsembleError('IO_FAILED', `Cannot write the journal ${quoteValue(file, MAX_LINE_LENGTH)}.`, { cause: error });
  }
  if (!(options.resume && finished.size > 0)) {
    const header: JournalHeader = {
      journal: 'ensemble-research',
      version: 1,
      planId,
      packages,
      ...(modules.length === 0 ? {} : { strategyModules: modules }),
      ...(data.length === 0 ? {} : { data }),
      ...(Object.keys(outline).length === 0 ? {} : { outline }),
    };
    writeSync(descriptor, `${JSON.stringify(header)}\n`);
  } else if (torn) {
    writeSync(descriptor, '\n');
  }
  let open = true;
  return {
    finished,
    unreadable,
    append(result: ResearchJobResult): void {
      if (open) writeSync(descriptor, lineOf(result));
    },
    close(): void {
      if (!open) return;
      open = false;
      closeSync(descriptor);
    },
  };
}

/** Creates research output directory `outDir` and its missing parents; a failure is `IO_FAILED` saying why and what to do. */
export async function makeOutputDirectory(outDir: string): Promise<void> {
  try {
    await makeDirectory(outDir);
  } catch (error) {
    throw new EnsembleError('IO_FAILED', `Cannot create the output directory ${quoteValue(outDir, MAX_LINE_LENGTH)}: ${directoryFailure(error)}.`, { cause: error });
  }
}

/** Why `mkdir -p` failed, in words: a file in the way, no permission, or the system's message. */
function directoryFailure(error: unknown): string {
  const problem = directoryCreationProblem(error);
  if (problem === 'permission denied') return `${problem}; choose a directory you can write to`;
  if (problem !== null) return `${problem === 'is a file, not a directory' ? 'it is a file, not a directory' : problem}; give the path of a directory (it is created if missing)`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Without resume, a journal that holds finished jobs is not overwritten: the run would throw away
 * work (a sweep interrupted for hours, run again without `--resume` — or with one value changed —
 * started over silently). A `ConfigError` says how many jobs it holds and the ways on: of this
 * very plan and these package versions, resume it; of another plan, what changed (as a refused
 * resume says it), and to remove the file or write elsewhere; of other versions, that its jobs
 * cannot be resumed. A journal with no finished job is replaced.
 */
async function refuseToDiscard(
  file: string,
  planId: string,
  packages: Readonly<Record<string, string>>,
  inputs: PlanInputs,
  formerPlans: Readonly<Record<string, string>>,
): Promise<void> {
  // Streamed, a chunk at a time: a journal of a large sweep can hold gigabytes.
  const head: Buffer[] = [];
  let headBytes = 0;
  let header: unknown;
  let jobs = 0;
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      let from = 0;
      if (header === undefined) {
        const end = chunk.indexOf(0x0a);
        if (end < 0) {
          head.push(chunk);
          headBytes += chunk.length;
          // A first line this long is no journal's header.
          if (headBytes > MAX_HEADER_BYTES) return;
          continue;
        }
        head.push(chunk.subarray(0, end));
        header = parsedHeader(Buffer.concat(head).toString('utf8'));
        if (!isRecord(header) || header.journal !== 'ensemble-research') return;
        from = end + 1;
      }
      // One line per finished job after the header (a line torn by a kill has no newline: not counted).
      for (let at = chunk.indexOf(0x0a, from); at >= 0; at = chunk.indexOf(0x0a, at + 1)) jobs++;
    }
  } catch {
    // Unreadable (not there, most often): opening it to write says what is wrong, if anything.
    return;
  }
  if (jobs === 0 || !isRecord(header)) return;
  const holds = `the journal ${quoteValue(file, MAX_LINE_LENGTH)} holds ${jobs.toLocaleString('en-US')} finished job${jobs === 1 ? '' : 's'}`;
  const versions = versionDifference(header.packages, packages);
  let message: string;
  // What to do first, then what changed: a long message is cut at its end when printed.
  if (header.planId !== planId) {
    message = `${holds} of another plan: ${startOver(header, formerPlans)}. ${planDifference(header, inputs, formerPlans)}`;
  } else if (versions !== null) {
    message = `${holds} written by other versions, which cannot be resumed: remove that file (or write to another output directory) to start over. ${versions}`;
  } else {
    message = `${holds} of this same plan: resume it (--resume) to reuse ${jobs === 1 ? 'it' : 'them'} — the outputs are those of a run from the start — or remove that file to start over`;
  }
  throw new ConfigError([{ path: 'resume', message }]);
}

/** The longest first line {@link refuseToDiscard} reads as a journal's header. */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

function parsedHeader(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The journal's file name in a research output directory. */
export const JOURNAL_FILE = 'journal.jsonl';

/**
 * Creates the output directory `outDir` and opens its journal (`journal.jsonl`) for the plan
 * `planId`, then runs `work` with it and closes it, whatever happens. `outputs`: the file names
 * the work will write there, refused before it starts when a directory has one of their names;
 * `strategyModules`: the plan's, recorded in the journal; `formerPlans`: ids of the plan under an
 * earlier planning rule; `data`: the plan's data by content, and `outline`: its parts in words,
 * recorded in the journal (see {@link OpenJournalOptions}).
 */
export async function withDirectoryJournal<TResult>(
  outDir: string,
  planId: string,
  resume: boolean,
  work: (journal: Journal) => Promise<TResult>,
  outputs: readonly string[] = [],
  strategyModules: readonly StrategyModuleRef[] = [],
  formerPlans: Readonly<Record<string, string>> = {},
  data: readonly DataRef[] = [],
  outline: Readonly<Record<string, string>> = {},
): Promise<TResult> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('withDirectoryJournal', [
    stringIssue(outDir, 'outDir', 'the output directory (a string)'),
    stringIssue(planId, 'planId', 'the plan id (a string)'),
    typeof resume === 'boolean' ? null : { path: 'resume', message: `must be true or false; got ${describeGiven(resume)}` },
    functionIssue(work, 'work', 'the work to run with the journal'),
    optionalArrayIssue(outputs, 'outputs', 'the output files'),
    optionalArrayIssue(strategyModules, 'strategyModules', "the plan's strategy modules"),
    objectIssue(formerPlans, 'formerPlans', 'the former plan ids (an object), or left out'),
    optionalArrayIssue(data, 'data', "the plan's data references"),
    objectIssue(outline, 'outline', "the plan's parts in words (an object), or left out"),
  ]);
  await makeOutputDirectory(outDir);
  // An output file's place taken by a directory would fail the writing after every job ran.
  for (const name of outputs) {
    const found = await stat(join(outDir, name)).catch(() => null);
    if (found?.isDirectory() === true) {
      throw new EnsembleError('IO_FAILED', `Cannot write ${quoteValue(name)} in the output directory ${quoteValue(outDir, MAX_LINE_LENGTH)}: a directory has its name. Remove it or choose another output directory.`);
    }
  }
  const journal = await openJournal(join(outDir, JOURNAL_FILE), planId, { resume, strategyModules, formerPlans, data, outline });
  try {
    return await work(journal);
  } finally {
    journal.close();
  }
}
