import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { METRIC_DESCRIPTIONS, unboundedMetricText } from '@ensemble/performance';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, echoValue } from '@ensemble/protocol';
import { formatDate, getDatasetInfo } from '@ensemble/data';
import type { RunError } from '@ensemble/protocol';
import {
  JOURNAL_FILE,
  SWEEP_OUTPUT_FILES,
  WALK_FORWARD_OUTPUT_FILES,
  createLocalExecutor,
  configKindOf,
  createLocalResolvers,
  planSweep,
  planWalkForward,
  objectiveValue,
  readJsonFile,
  relativeBaseOf,
  combinationValues,
  runResearchJob,
  runSweepToDirectory,
  runWalkForwardToDirectory,
  sweepReportInput,
  walkForwardReportInput,
} from '@ensemble/research';
import type { PlanSweepOptions, ResearchReportOptions } from '@ensemble/research';
import type { DataNotes, JobExecutor, JournalResumed, ResearchProgress, SweepPlan, SweepResult, WalkForwardPlan, WalkForwardResult, WalkForwardStep } from '@ensemble/research';
import { renderResearchHtml, writeFilesAtomic } from '@ensemble/report';
import { QueueConnectionError, SweepRemovedError, shortSweepId } from '@ensemble/research-redis';
import type { ResearchReportInput, WrittenFile } from '@ensemble/report';
import { CliExit } from '../errors';
import { BACKTEST_DATA_FLAGS, BACKTEST_RUN_FLAGS, addBacktestConfigOptions } from '../backtest-config-flags';
import { COMMAND_LINE, FlagProblems, appendValue, flagText } from '../flags';
import { researchFilesKept } from '../input-files';
import type { ResearchJobInputs } from '../input-files';
import { checkKeptFiles, resolveOutputFlags } from '../output-targets';
import type { KeptFile } from '../output-targets';
import { shortcutFlagsGiven, shortcutSpec } from '../research-shortcut';
import type { ResearchShortcutFlags } from '../research-shortcut';
import { formatCount, formatCounted, formatMetricValue, formatNumber, formatPercent } from '../format';
import type { CliIo } from '../io';
import { progressPhases, progressWanted } from '../progress';
import { oneLine, parameterText, sweepFailure, walkForwardFailure } from '../research-failure';
import { parseDuration, parseWorkers } from '../research-options';
import { releaseTemporaryFile, trackTemporaryFile } from '../temporary-files';
import { researchWorkerUrl } from '../research-worker-url';
import { importStrategyDefinitions, strategyFromFile } from '../strategy-modules';
import { knownLongFlags, strayArgumentProblems } from '../stray-arguments';
import { dataProblemsAsGiven, datasetAndFile, holeNotesOf, loadNotes, missingDataFiles, namedAsGiven, spacingNotesOf, splitJumpNotes } from '../data-source';
import { configDataFiles, shownDataPath } from '../run-pipeline';
import { addQueueOptions, queueExecutor } from './queue';
import type { ClosableExecutor, QueueFlags } from './queue';

/** Exit code of a research command stopped by Ctrl-C (128 + SIGINT): what finished is in the journal. */
const INTERRUPTED = 130;

/** Flags of `ensemble sweep` and `ensemble walk-forward`. */
interface ResearchFlags extends QueueFlags, ResearchShortcutFlags {
  readonly spec?: string;
  readonly out: string;
  readonly workers?: string;
  readonly jobTimeout?: string;
  readonly resume?: boolean;
  readonly html?: string;
  readonly progress: boolean;
}

/**
 * Progress of a research run on stderr: a bar with rate and time left on a terminal, or a plain
 * line at every tenth of the jobs in a pipe (none with --no-progress).
 */
function researchProgress(io: CliIo, flags: ResearchFlags, label: string): { onProgress: (progress: ResearchProgress) => void; stop(): void } {
  const bar = progressPhases(io.stderr, progressWanted(io, { progress: flags.progress }))(label, 'bars');
  let lastTenth = -1;
  return {
    onProgress: (progress) => {
      if (bar.onProgress !== undefined) {
        bar.onProgress(progress.done, progress.total);
        return;
      }
      if (!flags.progress || progress.total === 0) return;
      const tenth = Math.floor((progress.done / progress.total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const rate = progress.rate === null ? '' : ` · ${formatNumber(progress.rate, 1)} jobs/s`;
      const left = progress.etaMs === null || progress.done === progress.total ? '' : ` · ${formatCount(Math.round(progress.etaMs / 1000))} s left`;
      io.stderr.write(`${label.trim()}: ${formatCount(progress.done)}/${formatCount(progress.total)} jobs${rate}${left}\n`);
    },
    stop: () => {
      bar.stop();
    },
  };
}

const TEMPORARY_FILES = { track: trackTemporaryFile, release: releaseTemporaryFile };

/** What a research run into a directory gives: its result and the files written (none when stopped). */
interface DirectoryOutcome<TResult> {
  readonly result: TResult;
  readonly files: readonly WrittenFile[];
}

/** What the CLI passes to a research run: resume, progress, the stop signal, the temporary-file registry. */
interface DirectoryRunOptions {
  readonly resume: boolean;
  readonly onProgress: (progress: ResearchProgress) => void;
  readonly signal: AbortSignal;
  readonly temporaryFiles: typeof TEMPORARY_FILES;
  readonly onResume: (resumed: JournalResumed) => void;
}

/**
 * The executor of a research command: the Redis queue with `--queue`, else a local worker pool of
 * `--workers` threads (default every core), no more than the run has jobs (`jobs`).
 */
function researchExecutor(flags: ResearchFlags, researchId: string, jobs: number, io: CliIo, phased: boolean): ClosableExecutor {
  if (flags.queue !== undefined) return queueExecutor({ ...flags, queue: flags.queue }, researchId, io, phased);
  const workers = flags.workers === undefined ? availableParallelism() : parseWorkers(flags.workers);
  const cores = availableParallelism();
  // Threads beyond the cores take turns on them: each costs its start-up and its memory (its
  // data loaded once per thread) and the jobs go no faster — 16 on 2 cores took three times as long.
  if (Math.min(workers, jobs) > cores) {
    io.stderr.write(`note: --workers ${String(workers)} is more than this machine's ${formatCounted(cores, 'core')}: threads beyond the cores share them, adding start-up time and memory, not speed\n`);
  }
  return createLocalExecutor({
    workerUrl: researchWorkerUrl(),
    workers: Math.max(1, Math.min(workers, jobs)),
    ...(flags.jobTimeout === undefined ? {} : { jobTimeoutMs: parseDuration(flags.jobTimeout, '--job-timeout') }),
  });
}

/**
 * Runs a research command on a worker pool (or the Redis queue, under `researchId`) with progress and Ctrl-C handling: SIGINT aborts the
 * run (finished jobs stay in the journal) and the command exits 130; the pool is closed in every
 * case. A finished run prints its summary and the files written; when `failure` finds that
 * nothing ran to the end, its `RunError` is thrown after the files are written (exit 1).
 */
async function runResearch<TResult extends { readonly aborted: boolean }>(
  io: CliIo,
  flags: ResearchFlags,
  label: string,
  { researchId, spec, jobs, phased = false }: { readonly researchId: string; readonly spec: unknown; readonly jobs: number; readonly phased?: boolean },
  run: (executor: JobExecutor, options: DirectoryRunOptions) => Promise<DirectoryOutcome<TResult>>,
  render: (result: TResult) => string,
  report: (result: TResult, options: ResearchReportOptions) => ResearchReportInput,
  failure: (result: TResult) => RunError | null,
  check?: (result: TResult) => Promise<string | null>,
): Promise<void> {
  const executor = researchExecutor(flags, researchId, jobs, io, phased);
  if (flags.resume === true && flags.queue === undefined && !existsSync(path.join(path.resolve(io.cwd, flags.out), 'journal.jsonl'))) {
    io.stderr.write(`--resume: ${path.join(flags.out, 'journal.jsonl')} does not exist yet, so every job runs\n`);
  }
  const controller = new AbortController();
  const onInterrupt = (): void => {
    controller.abort();
  };
  const progress = researchProgress(io, flags, label);
  process.once('SIGINT', onInterrupt);
  let outcome: DirectoryOutcome<TResult>;
  try {
    const onResume = ({ finished, unreadable }: JournalResumed): void => {
      // What the journal gave back, so that a resumed run says it did not start over.
      io.stderr.write(`--resume: ${formatCounted(finished, 'finished job')} taken from ${path.join(flags.out, JOURNAL_FILE)}; only the jobs not in it run\n`);
      // A damaged or edited line: its job runs again, which the user should know.
      if (unreadable === 0) return;
      io.stderr.write(`--resume: ${formatCount(unreadable)} ${unreadable === 1 ? 'line' : 'lines'} of ${path.join(flags.out, JOURNAL_FILE)} could not be read (damaged or edited), so ${unreadable === 1 ? 'its job runs' : 'their jobs run'} again\n`);
    };
    outcome = await run(executor, { resume: flags.resume === true, onProgress: progress.onProgress, signal: controller.signal, temporaryFiles: TEMPORARY_FILES, onResume });
    // Its last phase ran: the queue's sweep now counts as finished. Redis gone by now loses only that mark.
    if (!outcome.result.aborted && executor.complete !== undefined) {
      await executor.complete().catch((error: unknown) => {
        io.stderr.write(`warning: could not mark the sweep finished in Redis (${error instanceof Error ? error.message : String(error)}): \`ensemble queue status\` shows it between phases, and \`queue clean\` needs --force; its output files are complete\n`);
      });
    }
  } catch (error) {
    throw withResumeAdvice(error, flags);
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
    await executor.close();
  }
  if (outcome.result.aborted) {
    io.stderr.write(`interrupted: the finished jobs are kept in ${path.join(flags.out, 'journal.jsonl')}; run the same command with --resume to go on\n`);
    throw new CliExit(INTERRUPTED);
  }
  io.stdout.write(render(outcome.result));
  const warning = check === undefined ? null : await check(outcome.result);
  if (warning !== null) io.stderr.write(`warning: ${warning}\n`);
  for (const file of outcome.files) io.stdout.write(`wrote ${path.join(flags.out, path.basename(file.path))} (${formatCount(file.bytes)} bytes)\n`);
  if (flags.html !== undefined) {
    const html = renderResearchHtml(report(outcome.result, { spec }));
    const [written] = await writeFilesAtomic([{ path: path.resolve(io.cwd, flags.html), content: html }], { createDirectories: true, temporaryFiles: TEMPORARY_FILES });
    if (written !== undefined) io.stdout.write(`wrote ${flags.html} (${formatCount(written.bytes)} bytes): the research report\n`);
  }
  // Written first, so the errors can be read; then a run in which nothing ran to the end exits 1.
  const failed = failure(outcome.result);
  if (failed !== null) throw failed;
}

/**
 * A queued run that failed midway (Redis lost for too long, or its sweep removed under it) with
 * what to do in this command's words: what finished is in the journal, and `--resume` goes on.
 */
function withResumeAdvice(error: unknown, flags: ResearchFlags): unknown {
  const midway = (QueueConnectionError.isInstance(error) && error.phase === 'lost') || SweepRemovedError.isInstance(error);
  if (flags.queue === undefined || !midway) return error;
  return new EnsembleError(error.code, `${error.message} The jobs that finished are kept in ${path.join(flags.out, JOURNAL_FILE)}: run the same command with --resume to go on.`, { cause: error });
}

function value(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? '—' : formatNumber(x, digits);
}

/** A return as `backtest` and `run` print it: `12.35%`. */
function percent(x: number | null | undefined): string {
  return formatPercent(x ?? null);
}

/**
 * An objective value: a metric in percent (`cagr`, `totalReturn`, `maxDrawdown`) as `backtest`
 * prints it, `17.03%`; counts of bars, days or trades whole (`1,120`), money with 2 decimals; a
 * ratio with 4 decimals; an unbounded one with why, as the research
 * report shows it (`unboundedMetricText`: `∞ (no drawdown)` for a Calmar ratio without a drawdown).
 */
function objectiveText(x: number | null | undefined, metric: string): string {
  if (x === Number.POSITIVE_INFINITY) return unboundedMetricText(metric);
  if (x === Number.NEGATIVE_INFINITY) return '-∞';
  const unit = METRIC_DESCRIPTIONS.find((entry) => entry.name === metric)?.unit;
  if (unit === 'percent') return percent(x);
  // Counts of bars, days and trades, and money, as `backtest` prints them (not `1,120.0000` days);
  // a ratio keeps four decimals, where near-ties of a ranking differ.
  if (x !== null && x !== undefined && (unit === 'bars' || unit === 'days' || unit === 'count' || unit === 'currency')) return formatMetricValue(x, unit);
  return value(x);
}

/** The longest first failure a sweep's summary prints (the rest is in results.csv). */
const FAILURE_LINE_LENGTH = 300;

/**
 * A failure's whole message on one line, within {@link FAILURE_LINE_LENGTH}: a longer one keeps
 * its start (what failed) and its end (what to do, where messages give it), the middle left out.
 */
function failureLine(message: string): string {
  const line = oneLine(message, Number.POSITIVE_INFINITY);
  if (line.length <= FAILURE_LINE_LENGTH) return echoValue(line, FAILURE_LINE_LENGTH);
  const tail = Math.floor(FAILURE_LINE_LENGTH * 0.6);
  const head = FAILURE_LINE_LENGTH - tail - 3;
  return `${echoValue(line.slice(0, head), head)} … ${echoValue(line.slice(-tail), tail)}`;
}

/** The summary of a finished sweep: counts, the five best combinations, the overfitting statistics. */
export function renderSweepSummary(result: SweepResult): string {
  const { counts, objective, statistics } = result;
  const firstFailure = [...result.rows].sort((a, b) => a.index - b.index).find((row) => row.error !== null);
  const lines = [
    `Sweep ${shortSweepId(result.sweepId)} · objective ${objective.metric} (${objective.direction === 'max' ? 'maximised' : 'minimised'})`,
    `  combinations ${formatCount(counts.grid)} in the grid · ${formatCount(counts.skipped)} skipped by constraints · ${formatCount(counts.notSampled)} not sampled · ${formatCount(counts.planned)} run: ${formatCount(counts.ok)} ok, ${formatCount(counts.failed)} failed, ${formatCount(counts.timedOut)} timed out`,
    // Why combinations failed, on the terminal (results.csv lists every error). When every one
    // failed, the command's error says it.
    ...(counts.ok === 0 || firstFailure === undefined || firstFailure.error === null
      ? []
      : [`  first failure: index ${String(firstFailure.index)} (${parameterText(firstFailure.parameters)}) ${firstFailure.status}: ${failureLine(firstFailure.error.message)} (results.csv lists every error)`]),
    // Rows without a rank are not a best: none ranked, the line says so (the error or a note says why).
    ...(result.rows.some((row) => row.rank !== null)
      ? [
          '  best',
          ...result.rows.slice(0, 5).map((row) => `    ${row.rank === null ? '-' : `#${String(row.rank)}`}  index ${String(row.index)}  ${parameterText(row.parameters)}  ${objective.metric} ${objectiveText(row.objective, objective.metric)}`),
        ]
      : [`  best none: no combination has a value of ${objective.metric}`]),
    `  deflated Sharpe ratio ${value(statistics.deflatedSharpe?.dsr, 3)} · PBO ${value(statistics.pbo?.pbo, 3)}${statistics.pbo === null || statistics.pbo.scoredBy === objective.metric ? '' : ` (by ${statistics.pbo.scoredBy})`} · parameter stability ${value(statistics.stability?.stability, 3)}`,
    ...statistics.notes.map((note) => `  note: ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * The line under a window whose train combinations partly failed or timed out: how many were left
 * out of its choice, and the first one's error (walk-forward.json has it whole). None when every
 * one finished, or when none did (the window's error says so).
 */
function trainFailureLines(result: WalkForwardResult, step: WalkForwardStep): string[] {
  const { failed, timedOut, first } = step.trainFailures;
  if (first === null || step.error?.code === 'TRAIN_FAILED') return [];
  const grid = result.parameters.reduce((size, parameter) => size * parameter.values.length, 1);
  const counts = [...(failed > 0 ? [`${formatCount(failed)} failed`] : []), ...(timedOut > 0 ? [`${formatCount(timedOut)} timed out`] : [])].join(', ');
  const values = combinationValues(result.parameters, first.combination);
  const parameters = Object.fromEntries(result.parameters.flatMap((parameter, i) => {
    const value = values[i];
    return value === undefined ? [] : [[parameter.name, value] as const];
  }));
  return [
    `      train: ${formatCount(failed + timedOut)} of ${formatCount(grid)} combinations left out of the choice (${counts}); the first, ${parameterText(parameters)}, ${first.status}: ${failureLine(oneLine(first.message))}`,
  ];
}

/** The summary of a finished walk-forward: one line per window, then the stitched out-of-sample figures. */
export function renderWalkForwardSummary(result: WalkForwardResult): string {
  // Windows of intraday bars start and end inside a day, where the dates alone made a train window
  // end the day its test window starts: the times are shown when any boundary has one.
  const bounds = result.steps.flatMap((step) => [step.train.start, step.train.end, step.test.start, step.test.end]);
  const withClock = bounds.some((time) => time % DAY_MS !== 0);
  const withSeconds = bounds.some((time) => time % MINUTE_MS !== 0);
  const day = (time: number): string => {
    const iso = new Date(time).toISOString();
    return withClock ? `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}` : iso.slice(0, 10);
  };
  // The objective in and out of sample beside the CAGR that walk-forward efficiency compares.
  const metric = result.objective.metric;
  const objective = (metrics: WalkForwardStep['inSample']): string => (metric === 'cagr' ? '' : `${metric} ${objectiveText(objectiveValue(metrics, result.objective), metric)} · `);
  const lines = [
    `Walk-forward ${shortSweepId(result.planId)} · ${result.mode} windows · objective ${result.objective.metric}`,
    ...result.steps.flatMap((step) => [
      `  ${String(step.index).padStart(2)}  train ${day(step.train.start)}→${day(step.train.end)}  test ${day(step.test.start)}→${day(step.test.end)}  ${step.chosen === null ? step.status : parameterText(step.chosen.parameters)}  IS ${objective(step.inSample)}CAGR ${percent(step.inSample?.cagr)}  OOS ${objective(step.outOfSample)}CAGR ${percent(step.outOfSample?.cagr)}  WFE ${value(step.efficiency, 2)}`,
      // Why a window has no out-of-sample result (its error is in walk-forward.json too).
      ...(step.error === null ? [] : [`      ${step.status}: ${echoValue(step.error.message.split('\n').join(' '), MAX_LINE_LENGTH)}`]),
      // Train combinations that failed or timed out were left out of the choice (a window where
      // every one failed says so in its error above).
      ...trainFailureLines(result, step),
      // Combinations sharing the best objective: the choice among them follows the grid's order.
      ...(step.chosen !== null && step.ties > 1
        ? [`      note: ${formatCount(step.ties)} combinations had the same ${result.objective.metric} on the train window (${objectiveText(step.objective, result.objective.metric)}): the first of them in the grid's order was chosen, not the objective`]
        : []),
      // A choice that never held a position in its train window (the best of a minimised
      // volatility, say): its objective there is a flat book's.
      ...(step.chosen !== null && step.inSample !== null && step.inSample.timeInMarket === 0
        ? [`      note: the chosen combination held no position in its train window: its ${result.objective.metric} there is a flat book's`]
        : []),
    ]),
    `  out of sample: total return ${percent(result.metrics?.totalReturn)} · CAGR ${percent(result.metrics?.cagr)} · Sharpe ${value(result.metrics?.sharpe, 2)} · max drawdown ${percent(result.metrics?.maxDrawdown)} · efficiency ${value(result.efficiency, 2)}`,
  ];
  return `${lines.join('\n')}\n`;
}

const COMMON_HELP = `
--workers defaults to every core (os.availableParallelism()). A job running longer than
--job-timeout (e.g. 30s, 2m) is stopped — its worker thread terminated and replaced — and recorded
"timed-out"; the rest go on. Every finished job is appended to OUT/journal.jsonl at once: after
Ctrl-C (exit 130) or a crash, the same command with --resume runs only the jobs not in it (a
changed spec is refused). The outputs are written atomically once every job has finished.

Exit codes: 0 success; 1 failure (also when no combination, or no walk-forward step, ran to
the end: the outputs are written, then the first error is printed); 2 bad input (an invalid spec or config, named by path); 130
interrupted (the journal keeps the finished jobs).`;

const QUEUE_HELP = `

With --queue the jobs go to a Redis queue and \`ensemble worker\`s (on any machine) run them; the
outputs are the same, byte for byte, as a local run. The queue's sweep id is the plan's id, so the
same command again (with --resume once its journal holds finished jobs) reattaches to the sweep already in Redis and waits
only for what is missing; the workers go on meanwhile. --workers and --job-timeout are the
workers' (\`ensemble worker --concurrency --job-timeout\`). A Redis that cannot be reached fails
with exit 1 after --queue-timeout; the password is never printed. Give it in ENSEMBLE_REDIS_PASSWORD
(with a URL without one) to keep it out of the command line, where \`ps\` shows it.`;

/**
 * Checks the outputs before anything runs. No file the command writes in `--out` (its `files` and
 * the journal) may replace a file it reads — the spec, its base config, the data file, a strategy
 * file or a file one imports — and `--html` may replace neither those nor the files in `--out`;
 * the report and the outputs would otherwise replace them at the end of the run.
 */
async function checkOutputs(io: CliIo, flags: ResearchFlags, files: readonly string[], spec: unknown, jobs: readonly ResearchJobInputs[]): Promise<void> {
  const out = path.resolve(io.cwd, flags.out);
  const inputs: KeptFile[] = [];
  if (flags.spec !== undefined) {
    const specFile = path.resolve(io.cwd, flags.spec);
    inputs.push({ what: 'the spec (--spec)', path: specFile });
    const base = (spec as { config?: unknown } | null)?.config;
    if (typeof base === 'string') inputs.push({ what: "the spec's base config", path: path.resolve(await relativeBaseOf(specFile, io.cwd), base) });
  }
  if (flags.config !== undefined) inputs.push({ what: 'the base config (--config)', path: path.resolve(io.cwd, flags.config) });
  inputs.push(...researchFilesKept(jobs));
  const written = [...files, JOURNAL_FILE];
  await checkKeptFiles(
    written.map((file) => ({ flag: '--out', typed: flags.out, path: path.join(out, file) })),
    inputs,
  ).catch((error: unknown) => {
    if (!ConfigError.isInstance(error)) throw error;
    // The file in --out is what would be written: say which, and to choose another directory.
    throw new ConfigError(
      error.issues.map((issue) => ({ ...issue, message: issue.message.replace(/^would overwrite (.*) \((.*)\); give the output its own path$/, 'its $2 would overwrite $1; give --out another directory') })),
      { source: COMMAND_LINE, cause: error },
    );
  });
  if (flags.html === undefined) return;
  const kept: KeptFile[] = [...written.map((file) => ({ what: `the ${file} this command writes in --out`, path: path.join(out, file) })), ...inputs];
  const problems = new FlagProblems();
  const targets = resolveOutputFlags(problems, [{ flag: '--html', value: flags.html }], io.cwd);
  // Its directory may not exist yet (it is created with the outputs), but a directory in its place fails the writing after every job ran.
  for (const target of targets) {
    if ((await stat(target.path).catch(() => null))?.isDirectory() === true) problems.add(flagText(target.flag, target.typed), `cannot write ${target.path}: it is a directory; give a file name`);
  }
  problems.throwIfAny();
  await checkKeptFiles(targets, kept);
}

/**
 * The plan of a research command and the spec it came from: `--spec FILE`, or the spec the
 * shortcut flags build (validated alike; problems named by flag). The two ways are exclusive.
 */
async function researchPlan<TPlan>(
  io: CliIo,
  flags: ResearchFlags,
  command: 'sweep' | 'walk-forward',
  plan: { spec(spec: unknown, options: PlanSweepOptions): Promise<TPlan> },
): Promise<{ plan: TPlan; spec: unknown }> {
  // An empty --out resolves to the working directory, where the outputs and the journal would land unasked.
  if (flags.out.trim() === '') throw new ConfigError([{ path: '--out ""', message: 'give the output directory (it is created when missing)' }], { source: COMMAND_LINE });
  const shortcut = shortcutFlagsGiven(flags);
  if (flags.spec !== undefined) {
    if (shortcut.length > 0) {
      throw new ConfigError([{ path: flagText('--spec', flags.spec), message: `give the whole spec in the file, or build it with flags (${shortcut.join(', ')}), not both` }], { source: COMMAND_LINE });
    }
    const file = path.resolve(io.cwd, flags.spec);
    // Read once, as the planner reads a spec file (a byte-order mark, a pipe such as `<(…)`): a
    // second read for the outputs' checks failed on both.
    let planned: TPlan;
    let spec: unknown;
    try {
      spec = await readJsonFile(file, `${command} spec`);
      planned = await plan.spec(spec, { baseDir: await relativeBaseOf(file, io.cwd), source: file, importer: importStrategyDefinitions });
    } catch (error) {
      throw await asGiven(error, io, flags, spec);
    }
    return { plan: planned, spec };
  }
  if (shortcut.length === 0) {
    throw new ConfigError([{ path: '--spec', message: `give a spec file (--spec ${command}.json) or build one with flags, e.g. --config run.json --vary strategies.trend.params.fast=5:50:5` }], { source: COMMAND_LINE });
  }
  // A --data file that is not there is refused as `ensemble backtest` refuses it, before the planner reads it.
  const missing = flags.config === undefined ? await missingDataFiles(flags.data ?? [], io.cwd) : null;
  if (missing !== null) throw missing;
  const shadowed = flags.config === undefined && flags.data?.length === 1 ? await datasetAndFile(flags.data[0] ?? '', io.cwd, '--dataset') : null;
  if (shadowed !== null) throw shadowed;
  // A strategy file's definition types --param values and is what --sizing and --rebalance are checked against, as in `ensemble backtest`.
  const needsDefinition = flags.config === undefined && flags.strategy !== undefined && ((flags.param?.length ?? 0) > 0 || flags.sizing !== undefined || flags.rebalance !== undefined);
  const fromFile = needsDefinition ? await strategyFromFile(flags.strategy ?? '', io.cwd) : undefined;
  // The kind of a --config base, from the file (a planning error says what is wrong with one that cannot be read).
  const given = flags.config === undefined ? undefined : await jsonOf(path.resolve(io.cwd, flags.config));
  const built = shortcutSpec(flags, command, fromFile?.definition, given !== null && typeof given === 'object' && !Array.isArray(given) ? configKindOf(given as Record<string, unknown>) : null);
  try {
    return { plan: await plan.spec(built.spec, { baseDir: io.cwd, source: COMMAND_LINE, importer: importStrategyDefinitions }), spec: built.spec };
  } catch (error) {
    throw built.rename(await asGiven(error, io, flags));
  }
}

/** A JSON file's content, or undefined when it cannot be read or parsed (the planner has said why by then). */
async function jsonOf(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A planning error with the files named as the user gave them, as `ensemble backtest` and `run`
 * name them: the spec and base config of a `ConfigError` (`cfg/run.json`, not its absolute path),
 * and the data file of a data problem (`--data prices.csv` as typed; a config's `data.file` as
 * seen from where the config was given). A data problem of a config's data advises the config's
 * `dateFormat` field for day-month dates, as `run` and these commands take no `--date-format`
 * beside a config or spec.
 */
async function asGiven(error: unknown, io: CliIo, flags: ResearchFlags, specContent?: unknown): Promise<unknown> {
  // A file named in a config as seen from the working directory: beside the config as typed, or (a
  // config read from a pipe, whose relative paths are the working directory's) as written.
  const shown = async (typed: string, given: string): Promise<string> => shownDataPath(given, typed, await relativeBaseOf(typed, io.cwd), io.cwd);
  // The config files by absolute path → as typed, and the one that holds the data.
  const configs = new Map<string, string>();
  let holder: { readonly typed: string; readonly base: string; readonly at: string; readonly content: unknown } | undefined;
  if (flags.spec !== undefined) {
    const spec = path.resolve(io.cwd, flags.spec);
    const specBase = await relativeBaseOf(spec, io.cwd);
    configs.set(spec, flags.spec);
    // The spec as read once for planning (a pipe gives its bytes once); read again only without it.
    const base = ((specContent ?? (await jsonOf(spec))) as { config?: unknown } | undefined)?.config;
    if (typeof base === 'string') {
      const typed = await shown(flags.spec, base);
      const file = path.resolve(specBase, base);
      configs.set(file, typed);
      holder = { typed, base: path.dirname(file), at: 'the data', content: await jsonOf(file) };
    } else {
      holder = { typed: flags.spec, base: specBase, at: 'config.data', content: base };
    }
  } else if (flags.config !== undefined) {
    const config = path.resolve(io.cwd, flags.config);
    configs.set(config, flags.config);
    holder = { typed: flags.config, base: await relativeBaseOf(config, io.cwd), at: 'the data', content: await jsonOf(config) };
  }
  // The data files by absolute path → as given: the --data flags, or the config's data.file.
  const files = new Map<string, string>();
  if (holder === undefined) for (const file of flags.data ?? []) files.set(path.resolve(io.cwd, file), file);
  else for (const given of configDataFiles(holder.content)) files.set(path.resolve(holder.base, given), shownDataPath(given, holder.typed, holder.base, io.cwd));
  if (ConfigError.isInstance(error)) {
    const typed = error.source === undefined ? undefined : configs.get(error.source);
    const issues = error.issues.map((issue) => ({ ...issue, message: namedAsGiven(issue.message, files) }));
    return typed === undefined && issues.every((issue, k) => issue.message === error.issues[k]?.message) ? error : new ConfigError(issues, { source: typed ?? error.source, cause: error });
  }
  if (holder === undefined) return dataProblemsAsGiven(error, { files });
  return dataProblemsAsGiven(error, { files, config: { file: holder.typed, at: holder.at } });
}

function researchCommand(program: Command, io: CliIo, name: string, description: string, examples: string): Command {
  const command = program
    .command(name)
    .description(description)
    .option('-s, --spec <file>', 'the spec (JSON; `ensemble schema ' + name + '` prints its JSON Schema); or build it with the flags below')
    .requiredOption('-o, --out <dir>', 'the output directory (created if missing)')
    .option('-c, --config <file>', 'shortcut: the base config, a run config or a backtest config (as `ensemble run` reads; a sweep\'s best-config.json)')
    .option('--strategy <name|file>', 'shortcut: a backtest base, one strategy (registry name or .ts/.js file), with --data')
    .option('--data <dataset|file>', 'shortcut: the backtest base\'s data, an embedded data set or a CSV/JSON file; repeatable: one file per symbol, joined on one timeline', appendValue)
    .option('--dataset <name>', 'shortcut: the backtest base\'s data, an embedded data set (as `ensemble backtest` takes it)');
  // Every flag of `ensemble backtest` that shapes its config, declared and parsed by the backtest's own definitions.
  addBacktestConfigOptions(command, BACKTEST_DATA_FLAGS, 'shortcut');
  addBacktestConfigOptions(command, BACKTEST_RUN_FLAGS, 'shortcut');
  command
    .option('--vary <path=values>', 'shortcut, repeatable: a parameter to vary, PATH=START:STOP:STEP or PATH=V1,V2,… (a backtest\'s own parameters by name: fast=5:50:5)', appendValue)
    .option('--objective <metric>', 'shortcut: the metric to rank by (default sharpe)')
    .option('--minimize', 'shortcut: the lower the objective the better')
    .option('--maximize', 'shortcut: the higher the objective the better')
    .option('--constraint <expression>', "shortcut, repeatable: combinations must satisfy it, e.g. 'fast < slow'", appendValue)
    .option('--sample <n>', 'shortcut: draw N combinations at random (seeded) instead of the whole grid')
    .option('--seed <n>', 'shortcut: the seed of --sample (default 1)')
    .option('-w, --workers <n>', 'worker threads (default: every core)')
    .option('--job-timeout <duration>', 'stop a job after this long, e.g. 30s or 2m (default: no limit)')
    .option('--resume', 'continue the run recorded in OUT/journal.jsonl instead of starting over')
    .option('--html <file>', 'also write the research report: one self-contained HTML page (statistics with readings, heatmaps, trials)')
    .option('--no-progress', 'do not show progress on stderr');
  return (
    addQueueOptions(command, 'optional', 'run the jobs on `ensemble worker`s through this Redis instead of local threads: redis://[user:password@]host[:port][/db] or rediss://…')
      .addHelpText('after', `${examples}${COMMON_HELP}${QUEUE_HELP}`)
      // Unknown flags and stray words reach the hook, which says what to type instead (`--fast 10`
      // → `--param fast=10`), as `ensemble backtest` does: commander's own error suggested the
      // nearest flag by spelling alone (`--fast` → "did you mean --cash?").
      .allowUnknownOption()
      .allowExcessArguments()
      .hook('preAction', async (action: Command) => {
        await refuseStrayArguments(io, action);
      })
  );
}

/**
 * Refuses the words of a research command line the parser could not place, each with what to
 * type instead (`--fast 10` → `--param fast=10`, for the parameters of `--strategy`, a
 * strategy file's too), as `ensemble backtest` does.
 */
async function refuseStrayArguments(io: CliIo, command: Command): Promise<void> {
  if (command.args.length === 0) return;
  const flags = command.opts<ResearchFlags>();
  const fromFile = flags.strategy === undefined ? undefined : await strategyFromFile(flags.strategy, io.cwd);
  const problems = new FlagProblems();
  strayArgumentProblems(problems, command.args, flags.param ?? [], {
    command: `ensemble ${command.name()}`,
    knownFlags: knownLongFlags(command),
    strategy: flags.strategy,
    definition: fromFile?.definition,
    varies: true,
  });
  problems.throwIfAny();
}

/**
 * Runs a sweep's best combination once more, here, when the sweep ran strategy files (the
 * built-in strategies keep no state between runs): a file that keeps state in its module
 * between runs (a global counter, a cache) gives results that depend on which jobs ran before
 * it in its thread, so the ranking and `best-config.json` would not hold. A warning, or null.
 */
async function bestReproduces(plan: SweepPlan, result: SweepResult): Promise<string | null> {
  const best = result.best;
  const job = best === null ? undefined : plan.jobs.find((candidate) => candidate.index === best.index);
  if (best === null || job === undefined || job.strategyModules.length === 0 || best.objective === null) return null;
  const again = await runResearchJob(job, createLocalResolvers({ importer: importStrategyDefinitions }));
  // A job this process cannot run (its data only in a queue's store) proves nothing either way.
  if (again.status !== 'ok') return null;
  const metric = plan.objective.metric;
  // As the sweep ranked it: an unbounded value (a Calmar ratio without a drawdown) is one too.
  const value = objectiveValue(again.metrics, plan.objective);
  if (value === best.objective) return null;
  const text = (x: number): string => (Number.isFinite(x) ? formatNumber(x, 4) : objectiveText(x, metric));
  return `the best combination (index ${String(best.index)}) run again on its own gives ${metric} ${value === null ? 'no value' : text(value)}, not ${text(best.objective)}: a strategy file keeps state between runs (a module-level variable, a cache) or is not deterministic, so the ranking depends on the order the jobs ran in and best-config.json will not reproduce it. Keep every state in what create() returns.`;
}

/**
 * The notes on the base config's data that `ensemble backtest` prints with its data (columns
 * ignored, prices adjusted, a separator, a decimal comma, a currency sign; closes that jump by a
 * split's ratio), as `note: …` lines: of a file always, of an embedded data set only when it was
 * adjusted or sorted (its description says which column it ignores). The advice is worded for
 * the flags when the spec was built from them, else for the config.
 */
export function researchDataNotes(notes: DataNotes, flags: Pick<ResearchFlags, 'spec' | 'config'>, files: ReadonlyMap<string, string> = new Map()): string[] {
  const { data } = notes;
  const advice = flags.spec === undefined && flags.config === undefined ? 'flag' : 'config';
  const dataset = data.name === undefined ? undefined : getDatasetInfo(data.name);
  const all = [...loadNotes(notes, dataset, { requested: data.adjust === true || data.sort === true, advice }), ...splitJumpNotes(notes.splitJumps, { advice }), ...holeNotesOf(notes.holes), ...spacingNotesOf(notes.mixedSpacing)];
  return all.map((note) => `note: ${echoValue(namedAsGiven(note, files), MAX_LINE_LENGTH)}\n`);
}

/** The data files of research jobs (absolute in the jobs) → as the summary names them: relative to the working directory. */
export function shownDataFiles(refs: readonly { readonly file?: string | undefined }[], cwd: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file } of refs) if (file !== undefined) files.set(file, path.relative(cwd, file) || file);
  return files;
}

/**
 * The note on a spec that samples more combinations than its constraints admit (`--sample 10` of a
 * grid of 2), or null: every admitted combination runs, fewer than asked.
 */
export function sampleNote(spec: unknown, admitted: number, flags: Pick<ResearchFlags, 'spec'>): string | null {
  const sampling = typeof spec === 'object' && spec !== null && 'sampling' in spec ? spec.sampling : undefined;
  const random = typeof sampling === 'object' && sampling !== null && 'random' in sampling ? sampling.random : undefined;
  const count = typeof random === 'object' && random !== null && 'count' in random ? random.count : undefined;
  if (typeof count !== 'number' || count <= admitted) return null;
  const asked = flags.spec === undefined ? `--sample ${String(count)}` : `sampling.random.count ${String(count)}`;
  return `${asked} asks for more combinations than the ${formatCount(admitted)} the grid admits: ${admitted === 1 ? 'it runs' : `all ${formatCount(admitted)} run`}, none drawn at random`;
}

/**
 * The note on a walk-forward whose last test window the data's end cut to less than 90 % of the
 * test length asked (a `30y` test on 20 years of data), or null: its out-of-sample figures cover a
 * shorter period than asked, and when it is the only window, all of them do.
 */
export function shortTestNote(plan: Pick<WalkForwardPlan, 'shortLastTest' | 'windows'>, flags: Pick<ResearchFlags, 'spec'>): string | null {
  const short = plan.shortLastTest;
  if (short === null) return null;
  const asked = typeof short.asked === 'number' ? `${formatCount(short.asked)} bars` : short.asked;
  const setting = flags.spec === undefined ? '--test' : '"windows.test" of the spec';
  const held = `holds ${formatCount(short.bars)} bar${short.bars === 1 ? '' : 's'} up to the data's last, ${formatDate(short.end)}: ${formatPercent(short.share, 0)} of the ${asked} asked`;
  return plan.windows.length === 1
    ? `the only test window ${held}, so the out-of-sample figures cover that, not ${asked}; a shorter ${setting} gives more windows`
    : `the last test window (window ${String(short.index)}) ${held}; its out-of-sample figures weigh a shorter period than the others'`;
}

/**
 * The note on a walk-forward whose test windows leave bars out between them (steps whose train
 * window held fewer than 2 bars are left out), or null: the out-of-sample curve is stitched over
 * the test windows there are, and its figures do not cover those bars.
 */
export function untestedNote(plan: Pick<WalkForwardPlan, 'untested'>, flags: Pick<ResearchFlags, 'spec'>): string | null {
  const untested = plan.untested;
  if (untested === null) return null;
  const setting = flags.spec === undefined ? '--train' : '"windows.train" of the spec';
  const first = untested.first;
  const where = first.bars === 1 ? `the first on ${formatDate(first.start)}` : `the first ${formatDate(first.start)} → ${formatDate(first.end)}`;
  const stretches = untested.stretches === 1 ? 'one stretch' : `${formatCount(untested.stretches)} stretches`;
  return `${formatCounted(untested.bars, 'bar')} between test windows, in ${stretches} (${where}), are tested by no window: their steps' train windows held fewer than 2 bars (a gap in the data, or a train window over a weekend), so the out-of-sample figures leave them out; a longer ${setting} tests them`;
}

/** Registers `ensemble sweep`: a parameter sweep from a spec, on worker threads, into a directory. */
export function registerSweepCommand(program: Command, io: CliIo): Command {
  return researchCommand(
    program,
    io,
    'sweep',
    'run a config over a grid of parameters on every core; rank the combinations; write results, the best config and overfitting statistics',
    `
Examples:
  $ ensemble sweep --spec sweep.json --out out/sweep
  $ ensemble sweep --spec sweep.json --out out/sweep --workers 2 --job-timeout 30s
  $ ensemble sweep --spec sweep.json --out out/sweep --resume
  $ ensemble sweep --spec sweep.json --out out/sweep --html out/sweep/report.html
  $ ensemble sweep --spec sweep.json --out out/sweep --queue redis://:secret@10.0.0.5:6379/0
  $ ensemble schema sweep > sweep.schema.json

Without a spec file, flags build the spec of one config (validated alike; --spec excludes them):
  $ ensemble sweep --config run.json --vary strategies.trend.params.fast=5:50:5 \\
      --vary allocation.scheme=equal,inverse-volatility --constraint 'fast < strategies.trend.params.slow' \\
      --objective sharpe --sample 50 --seed 7 --out out/sweep
  $ ensemble sweep --strategy sma-crossover --data sp500 --vary fast=5:50:5 --vary slow=50,100,200 \\
      --constraint 'fast < slow' --out out/sweep
  $ ensemble sweep --strategy ./strategies/mine.ts --data prices.csv --vary period=10:100:10 \\
      --objective maxDrawdown --out out/mine
  $ ensemble sweep --strategy sma-crossover --data prices.csv --sort --cash 5000 \\
      --commission-rate 0.001 --fill close --fractional --vary fast=5,10,20 --vary slow=50,100 --out out/sweep

The flags of \`ensemble backtest\` that shape a backtest (--format … --benchmark above) shape the
backtest base as they would the backtest, with the same checks: best-config.json, or the backtest
with the same flags and the best parameters, gives the sweep's metrics.

--vary PATH=START:STOP:STEP is a range (STOP included), PATH=V1,V2,… a list; a backtest's own
parameters go by name (fast), everything else by its config path (commission.rate). A strategy
file (in the config or --strategy) is hashed into every job and loaded once per worker thread;
\`ensemble worker --strategies-dir\` runs it only from its own copy with the same SHA-256.

Writes results.json and results.csv (every combination, ranked by the objective), best-config.json
(runnable: ensemble run --config out/sweep/best-config.json) and summary.json (deflated Sharpe
ratio, PBO, parameter stability).
`,
  )
    .option('--pbo-blocks <n>', 'shortcut: blocks of the PBO\'s cross-validation, even, 2–20 (default 16)')
    .action(async (flags: ResearchFlags) => {
      const { plan, spec } = await researchPlan(io, flags, 'sweep', { spec: planSweep });
      await checkOutputs(io, flags, SWEEP_OUTPUT_FILES, spec, plan.jobs);
      for (const line of researchDataNotes(plan.dataNotes, flags, shownDataFiles(plan.jobs[0]?.data ?? [], io.cwd))) io.stdout.write(line);
      const sample = sampleNote(spec, plan.gridSize - plan.skipped, flags);
      if (sample !== null) io.stdout.write(`note: ${sample}\n`);
      await runResearch(
        io,
        flags,
        'sweep ',
        { researchId: plan.sweepId, spec, jobs: plan.jobs.length },
        (executor, options) => runSweepToDirectory(plan, executor, path.resolve(io.cwd, flags.out), options),
        renderSweepSummary,
        sweepReportInput,
        sweepFailure,
        (result) => bestReproduces(plan, result),
      );
    });
}

/** Registers `ensemble walk-forward`: a walk-forward analysis from a spec, on worker threads, into a directory. */
export function registerWalkForwardCommand(program: Command, io: CliIo): Command {
  return researchCommand(
    program,
    io,
    'walk-forward',
    'choose parameters on rolling or anchored train windows and run them on the test windows that follow; stitch the out-of-sample equity',
    `
Examples:
  $ ensemble walk-forward --spec wf.json --out out/wf
  $ ensemble walk-forward --spec wf.json --out out/wf --workers 2 --resume
  $ ensemble walk-forward --spec wf.json --out out/wf --html out/wf/report.html
  $ ensemble walk-forward --spec wf.json --out out/wf --queue redis://:secret@10.0.0.5:6379/0
  $ ensemble schema walk-forward > wf.schema.json

Without a spec file, flags build the spec of one config (the sweep's flags, plus the windows):
  $ ensemble walk-forward --config run.json --vary strategies.trend.params.fast=10,20,50 \\
      --vary allocation.scheme=equal,inverse-volatility --train 3y --test 1y --out out/wf
  $ ensemble walk-forward --strategy ./strategies/mine.ts --data prices.csv --vary period=10:100:10 \\
      --train 750 --test 250 --anchored --out out/wf

Writes walk-forward.json (every window: chosen parameters, in- and out-of-sample metrics,
walk-forward efficiency; the out-of-sample metrics), windows.csv, oos-equity.csv and
last-config.json: the base config with the latest window's choice, over the base's data
(runnable: ensemble run --config out/wf/last-config.json).
`,
  )
    .option('--train <length>', 'shortcut: train window, bars (750), calendar days or weeks (10d, 2w) or calendar months or years (36m, 3y)')
    .option('--test <length>', 'shortcut: test window, in the unit of --train (250, 1y)')
    .option('--anchored', 'shortcut: anchored windows (the train window starts at the first bar) instead of rolling')
    .action(async (flags: ResearchFlags) => {
      const { plan, spec } = await researchPlan(io, flags, 'walk-forward', { spec: planWalkForward });
      await checkOutputs(io, flags, WALK_FORWARD_OUTPUT_FILES, spec, plan.trainJobs);
      for (const line of researchDataNotes(plan.base.dataNotes, flags, shownDataFiles(plan.base.data, io.cwd))) io.stdout.write(line);
      const short = shortTestNote(plan, flags);
      if (short !== null) io.stdout.write(`note: ${short}\n`);
      const untested = untestedNote(plan, flags);
      if (untested !== null) io.stdout.write(`note: ${untested}\n`);
      const sample = sampleNote(spec, plan.gridSize - plan.skipped, flags);
      if (sample !== null) io.stdout.write(`note: ${sample}\n`);
      await runResearch(io, flags, 'walk-forward ', { researchId: plan.planId, spec, jobs: plan.trainJobs.length, phased: true }, (executor, options) => runWalkForwardToDirectory(plan, executor, path.resolve(io.cwd, flags.out), options), renderWalkForwardSummary, walkForwardReportInput, walkForwardFailure);
    });
}
