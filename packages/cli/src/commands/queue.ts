import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, echoValue, MAX_LINE_LENGTH, quoteValue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { directoryCreationProblem, makeDirectory } from '@ensemble/report';
import type { JobExecutor } from '@ensemble/research';
import { researchWorkerUrl } from '../research-worker-url';
import { DEFAULT_PREFIX, checkQueueName, cleanSweep, compatibilityDifference, createRedisExecutor, parseRedisUrl, redactRedisUrl, researchCompatibility, startRedisWorker, sweepStatus } from '@ensemble/research-redis';
import type { QueueAddress, SweepStatus, WorkerThroughput } from '@ensemble/research-redis';
import { CliExit } from '../errors';
import { COMMAND_LINE } from '../flags';
import { formatCount, formatNumber } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { globalOptions } from '../options';
import { parseDuration, parseWorkers } from '../research-options';

/** Flags naming the Redis queue: `--queue`, `--queue-prefix`, `--queue-timeout`. */
export interface QueueFlags {
  readonly queue?: string;
  readonly queuePrefix?: string;
  readonly queueTimeout?: string;
}

/** Adds `--queue` (required or not), `--queue-prefix` and `--queue-timeout` to a command. */
export function addQueueOptions(command: Command, queue: 'required' | 'optional', queueHelp: string): Command {
  const url = '--queue <redis-url>';
  return (queue === 'required' ? command.requiredOption(url, queueHelp) : command.option(url, queueHelp))
    .option('--queue-prefix <prefix>', 'namespace of every Redis key; coordinator and workers must use the same (default: ensemble)')
    .option('--queue-timeout <duration>', 'how long to wait for Redis at start, e.g. 5s (default: 10s)');
}

/** The environment variable holding the Redis password, so that it stays off the command line (where `ps` shows it). */
export const PASSWORD_ENV = 'ENSEMBLE_REDIS_PASSWORD';

/**
 * Where the queue is, from the flags: the URL checked (a bad one is a `ConfigError` naming
 * `--queue`), with the password of {@link PASSWORD_ENV} when the URL has none.
 */
export function queueAddress(flags: QueueFlags & { readonly queue: string }, env: CliIo['env']): QueueAddress {
  const settings = parseRedisUrl(flags.queue, '--queue');
  const password = env[PASSWORD_ENV];
  let url = flags.queue;
  if (password !== undefined && password !== '') {
    if (settings.password !== undefined) {
      throw new ConfigError([{ path: '--queue', message: `the URL has a password and ${PASSWORD_ENV} is set: give it once (the variable keeps it out of the command line)` }]);
    }
    const withPassword = new URL(flags.queue);
    // The variable holds the password itself: encoded here, as a URL's userinfo is read decoded
    // (set as it is, `ab%41` authenticated as `abA`, and a `%` not followed by two hex digits was refused).
    withPassword.password = encodeURIComponent(password);
    url = withPassword.toString();
  }
  // Checked here for every command: a worker or a status under a prefix no coordinator can use
  // (a space in it) listened to nothing and said nothing.
  if (flags.queuePrefix !== undefined) checkQueueName(flags.queuePrefix, '--queue-prefix');
  return {
    url,
    ...(flags.queuePrefix === undefined ? {} : { prefix: flags.queuePrefix }),
    ...(flags.queueTimeout === undefined ? {} : { connectTimeoutMs: parseDuration(flags.queueTimeout, '--queue-timeout', 'the default, 10 s') }),
  };
}

/** An executor the CLI closes after the run; `complete`, when it has one, is called once a phased run (a walk-forward) finished. */
export type ClosableExecutor = JobExecutor & { close(): Promise<void>; complete?: () => Promise<void> };

/**
 * The executor of `ensemble sweep --queue` and `ensemble walk-forward --queue`: the jobs go to
 * Redis under `researchId` (the plan's id, so running the same spec again reattaches to the sweep
 * already there). `--workers` and `--job-timeout` belong to the workers and are refused here. A
 * worker that leaves the sweep because it runs other versions of the packages is named on stderr,
 * once: while only such workers listen, nothing runs.
 */
export function queueExecutor(flags: QueueFlags & { readonly queue: string; readonly workers?: string; readonly jobTimeout?: string }, researchId: string, io: Pick<CliIo, 'env' | 'stderr'>, phased = false): ClosableExecutor {
  const env = io.env;
  for (const [flag, value] of [['--workers', flags.workers], ['--job-timeout', flags.jobTimeout]] as const) {
    if (value !== undefined) throw new ConfigError([{ path: flag, message: `${flag} has no effect with --queue: the workers run the jobs; give --concurrency or --job-timeout to each \`ensemble worker\`` }]);
  }
  const address = queueAddress(flags, env);
  const ours = researchCompatibility();
  const executor = createRedisExecutor({
    ...address,
    sweepId: researchId,
    compatibility: ours,
    phased,
    onRefusal: ({ workerId, compatibility }) => {
      const differ = compatibilityDifference(compatibility, ours);
      io.stderr.write(`warning: worker ${echoValue(workerId)} runs other versions (${differ.theirs}; this sweep needs ${differ.ours}) and leaves the sweep's jobs to workers that run the same\n`);
    },
    onStoredAgain: ({ delivered, requeued }) => {
      io.stderr.write(
        `warning: the sweep was gone from Redis when it came back (restarted without persistence?): stored again; the ${formatCount(delivered)} result${delivered === 1 ? '' : 's'} received before stay with this run, and ${formatCount(requeued)} job${requeued === 1 ? ' was' : 's were'} queued again (a job that was running is run again)\n`,
      );
    },
    onIdle: ({ prefix, idleMs, waiting }) => {
      io.stderr.write(
        `warning: no worker has taken a job of this sweep for ${String(Math.round(idleMs / 1000))} s (${String(waiting)} waiting): start \`ensemble worker --queue ${redactRedisUrl(flags.queue)}${prefix === DEFAULT_PREFIX ? '' : ` --queue-prefix ${echoValue(prefix)}`}\` where this Redis is reachable (a worker started with another --queue-prefix never sees these jobs); this sweep waits, Ctrl-C stops it and --resume goes on\n`,
      );
    },
  });
  return { run: (jobs, options) => executor.run(jobs, options), close: () => Promise.resolve(), ...(phased ? { complete: () => executor.complete() } : {}) };
}

/** Flags of `ensemble worker`. */
interface WorkerFlags extends QueueFlags {
  readonly queue: string;
  readonly concurrency?: string;
  readonly strategiesDir?: string;
  readonly cacheDir?: string;
  readonly jobTimeout?: string;
}

/** Waits for SIGINT or SIGTERM; null once `cancel` aborts (its listeners removed). */
function untilSignal(): Promise<NodeJS.Signals>;
function untilSignal(cancel: AbortSignal): Promise<NodeJS.Signals | null>;
function untilSignal(cancel?: AbortSignal): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals | null): void => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      cancel?.removeEventListener('abort', onCancel);
      resolve(signal);
    };
    const onCancel = (): void => {
      stop(null);
    };
    const onInterrupt = (): void => {
      stop('SIGINT');
    };
    const onTerminate = (): void => {
      stop('SIGTERM');
    };
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onTerminate);
    cancel?.addEventListener('abort', onCancel, { once: true });
  });
}

/** Registers `ensemble worker`: takes research jobs from Redis until SIGINT or SIGTERM. */
export function registerWorkerCommand(program: Command, io: CliIo): Command {
  const command = program.command('worker').description('take research jobs (sweeps, walk-forwards) from a Redis queue and run them on this machine until stopped');
  return addQueueOptions(command, 'required', 'the Redis to take jobs from: redis://[user:password@]host[:port][/db], or rediss://… for TLS')
    .option('-c, --concurrency <n>', 'jobs at once, each on its own worker thread (default: 1)')
    .option('--strategies-dir <dir>', 'the only directory strategy modules are loaded from (default: built-in strategies only)')
    .option('--cache-dir <dir>', 'keep data files fetched from Redis here, by hash, across runs (created when missing; default: a temporary directory)')
    .option('--job-timeout <duration>', 'stop a job after this long and report it timed out, e.g. 30s or 2m (default: no limit)')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble worker --queue redis://:secret@10.0.0.5:6379/0 --concurrency 4
  $ ENSEMBLE_QUEUE=redis://ensemble:secret@10.0.0.5:6379/0; ensemble worker --queue "$ENSEMBLE_QUEUE" --strategies-dir ./strategies --cache-dir ~/.cache/ensemble
  $ ensemble worker --queue rediss://ensemble:secret@redis.internal:6380/0 --queue-prefix team-a

The worker follows every sweep under the prefix, runs their jobs and stores the results; start as
many as you like, on as many machines, before or after the coordinator (\`ensemble sweep --queue\`).
A job runs a strategy file only from the worker's copy under --strategies-dir, checked by digest
with the files it imports: DIR/<file name>, its helpers at the same paths relative to it. When
two of a sweep's strategy files share a name (a/mine.ts, b/mine.ts), each is looked for at its
path relative to the deepest folder holding them all and the files they import: give a copy of
that folder's tree as DIR.
It logs on stderr (--log-level to change, --log-json for JSON lines): a line for each job it
takes and finishes (job id, sweep id, combination index, attempt, time waited and taken, outcome:
ok, failed or timed-out; rejected when it failed for good without a retry, such as a strategy file
not in --strategies-dir; error when it threw and goes back to the queue), sweeps joined and left,
failures. Ctrl-C or SIGTERM stops it cleanly: a job it fetched ahead goes back to the queue at
once, running jobs finish (at most 30 s; a second Ctrl-C does not wait) and are otherwise stopped
and handed back to the queue, where another worker takes them at once. The password is never printed; give it in
ENSEMBLE_REDIS_PASSWORD (with a URL without one) to keep it out of the command line (\`ps\`).

Exit codes: 130 after SIGINT, 143 after SIGTERM (a clean stop); 1 Redis unreachable at start; 2 bad input.`,
    )
    .action(async (flags: WorkerFlags, self: Command) => {
      const address = queueAddress(flags, io.env);
      const strategiesDir = flags.strategiesDir === undefined ? undefined : path.resolve(io.cwd, flags.strategiesDir);
      const cacheDir = flags.cacheDir === undefined ? undefined : path.resolve(io.cwd, flags.cacheDir);
      // Checked before it takes a job: a worker that cannot read its strategies or keep its data
      // would fail every job it took from a shared sweep.
      await checkWorkerDirectories(flags, strategiesDir, cacheDir);
      const options = globalOptions(self);
      const logger = createCliLogger(io, options.logLevel ?? 'info', { json: options.logJson === true });
      const worker = await startRedisWorker({
        ...address,
        logger,
        workerUrl: researchWorkerUrl(),
        ...(flags.concurrency === undefined ? {} : { concurrency: parseConcurrency(flags.concurrency) }),
        ...(strategiesDir === undefined ? {} : { strategiesDir }),
        ...(cacheDir === undefined ? {} : { cacheDir }),
        ...(flags.jobTimeout === undefined ? {} : { jobTimeoutMs: parseDuration(flags.jobTimeout, '--job-timeout') }),
      });
      io.stderr.write(`worker ${echoValue(worker.id)} taking jobs from ${echoValue(redactRedisUrl(flags.queue))}; Ctrl-C to stop\n`);
      const signal = await untilSignal();
      io.stderr.write(`${signal}: stopping (waiting for the running jobs; Ctrl-C again to hand them back to the queue at once)\n`);
      const closing = worker.close();
      // A second signal while it waits: the running jobs go back to the queue now, for another worker.
      const closed = new AbortController();
      void untilSignal(closed.signal).then((second) => {
        if (second === null) return;
        io.stderr.write(`${second}: handing the running jobs back to the queue\n`);
        return worker.close({ now: true });
      });
      try {
        await closing;
      } finally {
        closed.abort();
      }
      io.stderr.write(`worker ${echoValue(worker.id)} stopped: ${formatCount(worker.completed)} job${worker.completed === 1 ? '' : 's'} done\n`);
      throw new CliExit(signal === 'SIGINT' ? 130 : 143);
    });
}

/**
 * `--strategies-dir` must be a directory that exists; `--cache-dir` is created when missing and
 * must be writable. Problems are bad input (exit 2), named by flag.
 */
async function checkWorkerDirectories(flags: WorkerFlags, strategiesDir: string | undefined, cacheDir: string | undefined): Promise<void> {
  const issues: ConfigIssue[] = [];
  // An empty path resolves to the working directory: every file under it would be a strategy module, or the cache.
  for (const [flag, value] of [['--strategies-dir', flags.strategiesDir], ['--cache-dir', flags.cacheDir]] as const) {
    if (value?.trim() === '') issues.push({ path: `${flag} ""`, message: 'give a directory' });
  }
  if (issues.length > 0) throw new ConfigError(issues, { source: COMMAND_LINE });
  if (strategiesDir !== undefined) {
    const found = await stat(strategiesDir).catch(() => null);
    const problem = found === null ? 'does not exist' : found.isDirectory() ? null : 'is a file, not a directory';
    if (problem !== null) issues.push({ path: `--strategies-dir ${echoValue(flags.strategiesDir ?? '')}`, message: `${problem}; give the directory the worker loads strategy modules from` });
  }
  if (cacheDir !== undefined) {
    let problem: string | null = null;
    try {
      await makeDirectory(cacheDir);
      await access(cacheDir, constants.W_OK);
    } catch (error) {
      problem = directoryCreationProblem(error) ?? (error instanceof Error ? error.message : String(error));
    }
    if (problem !== null) issues.push({ path: `--cache-dir ${echoValue(flags.cacheDir ?? '')}`, message: `${problem}; give a directory the worker can create and write to` });
  }
  if (issues.length > 0) throw new ConfigError(issues, { source: COMMAND_LINE });
}

function parseConcurrency(text: string): number {
  try {
    return parseWorkers(text);
  } catch {
    throw new ConfigError([{ path: '--concurrency', message: `${quoteValue(text)} is not a number of jobs at once; use a whole number ≥ 1` }]);
  }
}

function minutes(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${formatCount(seconds)} s` : `${formatNumber(seconds / 60, 1)} min`;
}

/** `· N fetched ahead` when a worker holds jobs it has not started (a worker takes one more than it has threads); nothing otherwise. */
function fetchedAhead(count: number): string {
  return count > 0 ? ` · ${formatCount(count)} fetched ahead` : '';
}

/** What a worker holds now, `2 active · 1 fetched ahead · `, each part only when not 0. */
function holding(worker: WorkerThroughput): string {
  const parts = [...(worker.active > 0 ? [`${formatCount(worker.active)} active`] : []), ...(worker.fetchedAhead > 0 ? [`${formatCount(worker.fetchedAhead)} fetched ahead`] : [])];
  return parts.map((part) => `${part} · `).join('');
}

/**
 * Where the sweeps stand, for people: one block per sweep with its counts, ETA and workers.
 * Active jobs are the running ones; a job a worker took ahead of time, to start when one of its
 * threads is free, is counted apart ("fetched ahead"), in the sweep's line and its worker's.
 */
export function renderSweepStatus(statuses: readonly SweepStatus[]): string {
  if (statuses.length === 0) return 'no sweeps in Redis under this prefix\n';
  const lines: string[] = [];
  for (const status of statuses) {
    const created = status.created === null ? '' : ` · created ${new Date(status.created).toISOString()}`;
    const idle = status.waiting + status.active + status.fetchedAhead === 0;
    const state = status.finished
      ? 'finished'
      : status.phasesLeft && idle
        ? 'between phases: its coordinator has more jobs to queue (a walk-forward\'s next windows); run it again to finish it'
        : status.etaMs === null && idle
          ? 'no job waiting or running'
          : `${minutes(status.etaMs)} left`;
    lines.push(
      `sweep ${status.sweepId}${created} · ${state}`,
      // Finished with fewer results stored than jobs: Redis lost some after its coordinator had them.
      ...(status.finished && status.done < status.total
        ? [`  its coordinator had every result; ${formatCount(status.total - status.done)} of them are no longer in Redis (restarted without persistence?): its output files hold them all`]
        : []),
      // A job failed for good is done too once its coordinator records its failure as its result.
      `  jobs ${formatCount(status.total)}: ${formatCount(status.done)} done${status.failed > 0 ? ' (a failure its coordinator recorded counts as done)' : ''} · ${formatCount(status.waiting)} waiting · ${formatCount(status.active)} active${fetchedAhead(status.fetchedAhead)} · ${formatCount(status.failed)} failed`,
      // Jobs that are none of the sweep's (written by hand or another program), rejected by the workers.
      ...(status.foreign > 0 ? [`  ${formatCount(status.foreign)} foreign ${status.foreign === 1 ? 'job' : 'jobs'} in its queue (not of this sweep) rejected and failed by the workers; not counted above`] : []),
      ...(status.compatibility === null ? [] : [`  runs on workers with ${echoValue(status.compatibility, MAX_LINE_LENGTH)}`]),
      ...status.workers.map(
        (worker) =>
          worker.workerId === COORDINATOR_ID
            ? `  coordinator: ${formatCount(worker.completed)} failed ${worker.completed === 1 ? 'job' : 'jobs'} recorded as ${worker.completed === 1 ? 'its result' : 'their results'} (the workers that tried them gave up) · last ${worker.lastAt === null ? '—' : new Date(worker.lastAt).toISOString()}`
            : `  worker ${echoValue(worker.workerId)}: ${holding(worker)}${formatCount(worker.completed)} done · ${worker.perMinute === null ? '—' : formatNumber(worker.perMinute, 1)} jobs/min · last ${worker.lastAt === null ? '—' : new Date(worker.lastAt).toISOString()}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The id under which a coordinator stores the results of jobs that failed for good (`settleFailed`). */
const COORDINATOR_ID = 'coordinator';

/** Registers `ensemble queue status` and `ensemble queue clean`. */
export function registerQueueCommand(program: Command, io: CliIo): Command {
  const queue = program.command('queue').description('see and clean the sweeps in a Redis research queue');
  addQueueOptions(queue.command('status').description('jobs waiting, active, done and failed, per-worker throughput and time left, of one sweep or of all').argument('[sweep-id]', 'one sweep, by its id or a unique prefix of 12+ characters (default: every sweep under the prefix)'), 'required', 'the Redis holding the sweeps')
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble queue status --queue redis://:secret@10.0.0.5:6379/0
  $ ensemble queue status --queue redis://:secret@10.0.0.5:6379/0 3f9c0a1b2c3d --json

A sweep's id is its plan's id (results.json's sweepId; a walk-forward's planId); its first 12
characters, as the summary prints them ("Sweep 3f9c0a1b2c3d"), or any unique prefix that long do too.
Exit codes: 0 success; 1 Redis unreachable; 2 bad input (an unknown or ambiguous sweep id, a bad URL).`,
    )
    .action(async (sweepId: string | undefined, flags: QueueFlags & { readonly queue: string; readonly json?: boolean }) => {
      const statuses = await sweepStatus(queueAddress(flags, io.env), sweepId);
      io.stdout.write(flags.json === true ? `${JSON.stringify(statuses, null, 2)}\n` : renderSweepStatus(statuses));
    });
  addQueueOptions(queue.command('clean').description("remove a finished sweep's keys from Redis: its queue, results, data files and counts").argument('<sweep-id>', 'the sweep to remove, by its id or a unique prefix of 12+ characters'), 'required', 'the Redis holding the sweep')
    .option('--force', 'also remove a sweep that is not finished (its workers lose its jobs)')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble queue clean --queue redis://:secret@10.0.0.5:6379/0 3f9c0a1b2c3d
  $ ensemble queue clean --queue redis://:secret@10.0.0.5:6379/0 3f9c0a1b2c3d --force

The id may be the short one the summary prints (any unique prefix of 12 or more characters; an
ambiguous one lists the matches). An unfinished sweep is refused without --force. Exit codes: 0 success; 1 Redis unreachable; 2 bad
input (an unknown, ambiguous or unfinished sweep, a bad URL).`,
    )
    .action(async (sweepId: string, flags: QueueFlags & { readonly queue: string; readonly force?: boolean }) => {
      const removed = await cleanSweep(queueAddress(flags, io.env), sweepId, { force: flags.force === true });
      io.stdout.write(`removed sweep ${echoValue(sweepId)}: ${formatCount(removed)} key${removed === 1 ? '' : 's'} (queue, results, data files, counts) and its registry entry\n`);
    });
  return queue;
}
