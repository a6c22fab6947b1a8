import path from 'node:path';
import type { Command } from 'commander';
import { parseDuration, parseWorkers } from '../research-options';
import { readFile } from 'node:fs/promises';
import {
  createLocalExecutor,
  planSweepFile,
  planWalkForwardFile,
  runSweepToDirectory,
  runWalkForwardToDirectory,
  sweepReportInput,
  walkForwardReportInput,
} from '@ensemble/research';
import type { ResearchReportOptions } from '@ensemble/research';
import type { JobExecutor, ResearchProgress, SweepResult, WalkForwardResult } from '@ensemble/research';
import { renderResearchHtml, writeFilesAtomic } from '@ensemble/report';
import type { ResearchReportInput, WrittenFile } from '@ensemble/report';
import { CliExit } from '../errors';
import { formatCount, formatNumber } from '../format';
import type { CliIo } from '../io';
import { progressPhases, progressWanted } from '../progress';
import { releaseTemporaryFile, trackTemporaryFile } from '../temporary-files';
import { addQueueOptions, queueExecutor } from './queue';
import type { ClosableExecutor, QueueFlags } from './queue';

/** Exit code of a research command stopped by Ctrl-C (128 + SIGINT): what finished is in the journal. */
const INTERRUPTED = 130;

/** Flags of `ensemble sweep` and `ensemble walk-forward`. */
interface ResearchFlags extends QueueFlags {
  readonly spec: string;
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
}

/** The executor of a research command: the Redis queue with `--queue`, else a local worker pool. */
function researchExecutor(flags: ResearchFlags, researchId: string): ClosableExecutor {
  if (flags.queue !== undefined) return queueExecutor({ ...flags, queue: flags.queue }, researchId);
  return createLocalExecutor({
    ...(flags.workers === undefined ? {} : { workers: parseWorkers(flags.workers) }),
    ...(flags.jobTimeout === undefined ? {} : { jobTimeoutMs: parseDuration(flags.jobTimeout, '--job-timeout') }),
  });
}

/**
 * Runs a research command on a worker pool (or the Redis queue, under `researchId`) with progress and Ctrl-C handling: SIGINT aborts the
 * run (finished jobs stay in the journal) and the command exits 130; the pool is closed in every
 * case. A finished run prints its summary and the files written.
 */
async function runResearch<TResult extends { readonly aborted: boolean }>(
  io: CliIo,
  flags: ResearchFlags,
  label: string,
  researchId: string,
  run: (executor: JobExecutor, options: DirectoryRunOptions) => Promise<DirectoryOutcome<TResult>>,
  render: (result: TResult) => string,
  report: (result: TResult, options: ResearchReportOptions) => ResearchReportInput,
): Promise<void> {
  const executor = researchExecutor(flags, researchId);
  const controller = new AbortController();
  const onInterrupt = (): void => {
    controller.abort();
  };
  const progress = researchProgress(io, flags, label);
  process.once('SIGINT', onInterrupt);
  let outcome: DirectoryOutcome<TResult>;
  try {
    outcome = await run(executor, { resume: flags.resume === true, onProgress: progress.onProgress, signal: controller.signal, temporaryFiles: TEMPORARY_FILES });
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
  for (const file of outcome.files) io.stdout.write(`wrote ${path.join(flags.out, path.basename(file.path))} (${formatCount(file.bytes)} bytes)\n`);
  if (flags.html !== undefined) {
    const spec: unknown = JSON.parse(await readFile(path.resolve(io.cwd, flags.spec), 'utf8'));
    const html = renderResearchHtml(report(outcome.result, { spec }));
    const [written] = await writeFilesAtomic([{ path: path.resolve(io.cwd, flags.html), content: html }], { createDirectories: true, temporaryFiles: TEMPORARY_FILES });
    if (written !== undefined) io.stdout.write(`wrote ${flags.html} (${formatCount(written.bytes)} bytes): the research report\n`);
  }
}

function value(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? '—' : formatNumber(x, digits);
}

/** The summary of a finished sweep: counts, the five best combinations, the overfitting statistics. */
export function renderSweepSummary(result: SweepResult): string {
  const { counts, objective, statistics } = result;
  const lines = [
    `Sweep ${result.sweepId.slice(0, 12)} · objective ${objective.metric} (${objective.direction === 'max' ? 'maximised' : 'minimised'})`,
    `  combinations ${formatCount(counts.grid)} in the grid · ${formatCount(counts.skipped)} skipped by constraints · ${formatCount(counts.notSampled)} not sampled · ${formatCount(counts.planned)} run: ${formatCount(counts.ok)} ok, ${formatCount(counts.failed)} failed, ${formatCount(counts.timedOut)} timed out`,
    '  best',
    ...result.rows.slice(0, 5).map((row) => `    ${row.rank === null ? '-' : `#${String(row.rank)}`}  index ${String(row.index)}  ${Object.entries(row.parameters).map(([name, v]) => `${name}=${String(v)}`).join(' ')}  ${objective.metric} ${value(row.objective)}`),
    `  deflated Sharpe ratio ${value(statistics.deflatedSharpe?.dsr, 3)} · PBO ${value(statistics.pbo?.pbo, 3)} · parameter stability ${value(statistics.stability?.stability, 3)}`,
    ...statistics.notes.map((note) => `  note: ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The summary of a finished walk-forward: one line per window, then the stitched out-of-sample figures. */
export function renderWalkForwardSummary(result: WalkForwardResult): string {
  const day = (time: number): string => new Date(time).toISOString().slice(0, 10);
  const lines = [
    `Walk-forward ${result.planId.slice(0, 12)} · ${result.mode} windows · objective ${result.objective.metric}`,
    ...result.steps.map(
      (step) =>
        `  ${String(step.index).padStart(2)}  train ${day(step.train.start)}→${day(step.train.end)}  test ${day(step.test.start)}→${day(step.test.end)}  ${step.chosen === null ? step.status : Object.entries(step.chosen.parameters).map(([name, v]) => `${name}=${String(v)}`).join(' ')}  IS CAGR ${value(step.inSample?.cagr)}  OOS CAGR ${value(step.outOfSample?.cagr)}  WFE ${value(step.efficiency, 2)}`,
    ),
    `  out of sample: total return ${value(result.metrics?.totalReturn)} · CAGR ${value(result.metrics?.cagr)} · Sharpe ${value(result.metrics?.sharpe, 2)} · max drawdown ${value(result.metrics?.maxDrawdown)} · efficiency ${value(result.efficiency, 2)}`,
  ];
  return `${lines.join('\n')}\n`;
}

const COMMON_HELP = `
--workers defaults to every core (os.availableParallelism()). A job running longer than
--job-timeout (e.g. 30s, 2m) is stopped — its worker thread terminated and replaced — and recorded
"timed-out"; the rest go on. Every finished job is appended to OUT/journal.jsonl at once: after
Ctrl-C (exit 130) or a crash, the same command with --resume runs only the jobs not in it (a
changed spec is refused). The outputs are written atomically once every job has finished.

Exit codes: 0 success; 1 failure; 2 bad input (an invalid spec or config, named by path); 130
interrupted (the journal keeps the finished jobs).`;

const QUEUE_HELP = `

With --queue the jobs go to a Redis queue and \`ensemble worker\`s (on any machine) run them; the
outputs are the same, byte for byte, as a local run. The queue's sweep id is the plan's id, so the
same command again (with --resume after Ctrl-C) reattaches to the sweep already in Redis and waits
only for what is missing; the workers go on meanwhile. --workers and --job-timeout are the
workers' (\`ensemble worker --concurrency --job-timeout\`). A Redis that cannot be reached fails
with exit 1 after --queue-timeout; the password is never printed.`;

function researchCommand(program: Command, name: string, description: string, examples: string): Command {
  const command = program
    .command(name)
    .description(description)
    .requiredOption('-s, --spec <file>', 'the spec (JSON; `ensemble schema ' + name + '` prints its JSON Schema)')
    .requiredOption('-o, --out <dir>', 'the output directory (created if missing)')
    .option('-w, --workers <n>', 'worker threads (default: every core)')
    .option('--job-timeout <duration>', 'stop a job after this long, e.g. 30s or 2m (default: no limit)')
    .option('--resume', 'continue the run recorded in OUT/journal.jsonl instead of starting over')
    .option('--html <file>', 'also write the research report: one self-contained HTML page (statistics with readings, heatmaps, trials)')
    .option('--no-progress', 'do not show progress on stderr');
  return addQueueOptions(command, 'optional', 'run the jobs on `ensemble worker`s through this Redis instead of local threads: redis://[user:password@]host[:port][/db] or rediss://…')
    .addHelpText('after', `${examples}${COMMON_HELP}${QUEUE_HELP}`);
}

/** Registers `ensemble sweep`: a parameter sweep from a spec, on worker threads, into a directory. */
export function registerSweepCommand(program: Command, io: CliIo): Command {
  return researchCommand(
    program,
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

Writes results.json and results.csv (every combination, ranked by the objective), best-config.json
(runnable: ensemble run --config out/sweep/best-config.json) and summary.json (deflated Sharpe
ratio, PBO, parameter stability).
`,
  ).action(async (flags: ResearchFlags) => {
    const plan = await planSweepFile(path.resolve(io.cwd, flags.spec));
    await runResearch(io, flags, 'sweep ', plan.sweepId, (executor, options) => runSweepToDirectory(plan, executor, path.resolve(io.cwd, flags.out), options), renderSweepSummary, sweepReportInput);
  });
}

/** Registers `ensemble walk-forward`: a walk-forward analysis from a spec, on worker threads, into a directory. */
export function registerWalkForwardCommand(program: Command, io: CliIo): Command {
  return researchCommand(
    program,
    'walk-forward',
    'choose parameters on rolling or anchored train windows and run them on the test windows that follow; stitch the out-of-sample equity',
    `
Examples:
  $ ensemble walk-forward --spec wf.json --out out/wf
  $ ensemble walk-forward --spec wf.json --out out/wf --workers 2 --resume
  $ ensemble walk-forward --spec wf.json --out out/wf --html out/wf/report.html
  $ ensemble walk-forward --spec wf.json --out out/wf --queue redis://:secret@10.0.0.5:6379/0
  $ ensemble schema walk-forward > wf.schema.json

Writes walk-forward.json (every window: chosen parameters, in- and out-of-sample metrics,
walk-forward efficiency; the out-of-sample metrics), windows.csv and oos-equity.csv.
`,
  ).action(async (flags: ResearchFlags) => {
    const plan = await planWalkForwardFile(path.resolve(io.cwd, flags.spec));
    await runResearch(io, flags, 'walk-forward ', plan.planId, (executor, options) => runWalkForwardToDirectory(plan, executor, path.resolve(io.cwd, flags.out), options), renderWalkForwardSummary, walkForwardReportInput);
  });
}
