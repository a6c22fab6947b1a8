import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { isoTimeFormatter } from '@ensemble/engine';
import { orchestratorReportInput } from '@ensemble/report';
import { decodeJsonBytes, parseJsonText } from '@ensemble/protocol';
import { relativeBaseOf } from '@ensemble/research';
import { dataFiles } from '@ensemble/orchestrator';
import { isBacktestConfig, planBacktestConfig } from '../backtest-config';
import { paletteFor } from '../color';
import { dataProblemsAsGiven, endedSymbolNote, endedSymbols, holeNotes, idleSymbolNotes, loadNotes, spacingNotes, splitNotes } from '../data-source';
import { endedHoldingsNote } from '../ended-holdings';
import { formatCount } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import type { LogLevel } from '../logger';
import { globalOptions } from '../options';
import { runJsonChunks, writeRunOutputs } from '../run-files';
import { configDataFiles, executeRun, isDevice, loadRunConfigFile, oversizedJsonFile, runBenchmark, shownDataPath } from '../run-pipeline';
import type { LoadedRunConfig, RunOutcome } from '../run-pipeline';
import { countOnly, progressPhases, progressWanted, withProgress } from '../progress';
import { renderRunSummary } from '../run-summary';
import { FlagProblems } from '../flags';
import { dataFileKept, strategyFilesKept } from '../input-files';
import { checkKeptFiles, checkOutputTargets, resolveOutputFlags } from '../output-targets';
import type { KeptFile } from '../output-targets';
import { allocationWarmupNote, warmupNotes } from '../warmup-notes';
import { writeChunks } from '../write-file';
import { backtestInputsKept, runAndReportBacktest } from './backtest';

const EXAMPLES = `
Examples:
  $ ensemble run --config examples/sp500-two-sleeves.json
  $ ensemble run --config examples/dow30-inverse-vol.json --html report.html --md report.md
  $ ensemble run --config examples/stocks5-60-40.json --json result.json
  $ ensemble run --config examples/dow30-shared-vote.json --json - | jq .attribution.total
  $ ensemble run --config out/sweep/best-config.json
  $ ensemble schema --out run-config.schema.json

The config is JSON (\`ensemble schema\` prints its JSON Schema; examples/ has one per feature).
A relative data.file is relative to the config file's directory, and so is a strategy file:
"strategy": "./strategies/momentum.ts" runs the strategy that file defines. A single-strategy
backtest config (\`"strategy"\` at the top, no \`"strategies"\` — the best-config.json of a sweep
over a backtest) runs as \`ensemble backtest\` runs one, and reproduces the sweep's metrics.

Exit codes: 0 success; 1 the run failed (e.g. a strategy threw under errorPolicy "fail"); 2 bad
input — invalid JSON (line and column), an invalid config (every problem listed by path), an
unknown data set or symbol, a missing file — reported before any data is loaded where possible,
with no stack trace (--debug adds it). No output file is written unless the whole run succeeds;
files are written atomically (a temporary file in the same directory, then renamed); through a
symbolic link, the file it names is replaced and the link stays; a file that is no regular one
(/dev/null, /dev/stdout, a named pipe) is written in place and stays what it is.

With --json -, the JSON goes to stdout and the summary to stderr. When stderr is a terminal, the
loading of a data file (MB), the run (bars, time left) and the writing (MB) show their progress
on it (--no-progress turns it off); in a pipe nothing but the summary is written.`;

/** Flags of `ensemble run`. */
interface RunFlags {
  readonly config: string;
  readonly json?: string;
  readonly md?: string;
  readonly html?: string;
  readonly progress: boolean;
}

/**
 * The log level of a run: the `--log-level` given, or `silent` when none was given — the summary
 * counts what the events would say (shrunk and rejected orders, risk breaches, isolated
 * strategies) and a failure is reported as one line, so by default stderr stays clean.
 */
function runLogLevel(command: Command): LogLevel {
  return globalOptions(command).logLevel ?? 'silent';
}

/**
 * The config file's content when it is a single-strategy backtest config, with its directory;
 * undefined for anything else, a file that cannot be read or JSON that does not parse included
 * (the run config loader reports those).
 */
export async function readBacktestConfig(file: string, cwd: string): Promise<{ input: Record<string, unknown>; configDir: string } | { text: string | undefined }> {
  const absolute = path.resolve(cwd, file);
  if ((await isDevice(absolute)) || (await oversizedJsonFile(absolute)) !== null) return { text: undefined };
  let bytes: Buffer;
  let input: unknown;
  try {
    bytes = await readFile(absolute);
  } catch {
    return { text: undefined };
  }
  // Bytes of another encoding than UTF-8 are the file's problem whatever config it holds.
  const text = decodeJsonBytes(bytes, file);
  // A pipe (`--config <(…)`) gives its bytes once: the run config's loader takes them from here.
  const piped = await stat(absolute).then((info) => info.isFIFO() || info.isSocket(), () => false);
  try {
    input = parseJsonText(text, absolute);
  } catch {
    return { text: piped ? text : undefined };
  }
  return isBacktestConfig(input) ? { input, configDir: await relativeBaseOf(absolute, cwd) } : { text: piped ? text : undefined };
}

/**
 * A data problem of a config's data file as `ensemble run` says it: the file as seen from where
 * the config was given (`cfg/../prices.csv` → `prices.csv`), and for day-month dates the config's
 * `dateFormat` field to set (`run` takes no `--date-format`). `input` is the config's content when
 * its data file is to be renamed (the run config's loader names it so already).
 */
export function configDataProblem(error: unknown, config: string, input: Record<string, unknown> | undefined, configDir: string, cwd: string): unknown {
  const files = new Map<string, string>();
  for (const file of configDataFiles(input)) files.set(path.resolve(configDir, file), shownDataPath(file, config, configDir, cwd));
  return dataProblemsAsGiven(error, { files, config: { file: config, at: 'the data' } });
}

/** The note as a list: empty for none. */
function nonNull(note: string | null): string[] {
  return note === null ? [] : [note];
}

/** The files a run reads, which none of its outputs may replace: its `data.file` and every strategy file it names, with the local files they import. */
function runInputsKept(loaded: LoadedRunConfig): KeptFile[] {
  return [
    ...dataFiles(loaded.config.data).flatMap((file) => dataFileKept(file, loaded.configDir, 'the data file (data.file)')),
    ...loaded.modules.flatMap((module) => strategyFilesKept({ path: module.absolute, files: module.ref.files }, loaded.configDir, 'a strategy file of the config')),
  ];
}

/** The report title and subtitle of a run. */
function reportTitles(outcome: RunOutcome, source: string): { title: string; subtitle: string } {
  const { result, dataset } = outcome;
  const data = dataset === undefined ? outcome.data.source : `${dataset.name}: ${dataset.description}`;
  return {
    title: result.config.name ?? `Orchestrator run: ${path.basename(source)}`,
    subtitle: `${data} · ${result.mode} mode · ${result.allocationScheme} allocation`,
  };
}

/**
 * Registers `ensemble run`: an orchestrator run from a JSON config — a summary, and optionally
 * the JSON result, a Markdown report and an HTML tearsheet.
 */
export function registerRunCommand(program: Command, io: CliIo): Command {
  return program
    .command('run')
    .description('orchestrate several strategies on one portfolio from a JSON run config; print a summary, write JSON/Markdown/HTML')
    .requiredOption('-c, --config <file>', 'the run config (JSON; see `ensemble schema` and examples/*.json)')
    .option('--json <file>', 'write the JSON result (serializeOrchestratorResult, version 1); - writes it to stdout')
    .option('--md <file>', 'write a Markdown report')
    .option('--html <file>', 'write a self-contained HTML tearsheet')
    .option('--no-progress', 'do not show progress (it is shown only when stderr is a terminal)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: RunFlags, command: Command) => {
      const level = runLogLevel(command);
      const logger = createCliLogger(io, level, { json: globalOptions(command).logJson === true });
      const problems = new FlagProblems();
      const targets = resolveOutputFlags(
        problems,
        [
          { flag: '--json', value: flags.json, stdout: true },
          { flag: '--md', value: flags.md },
          { flag: '--html', value: flags.html },
        ],
        io.cwd,
      );
      problems.throwIfAny();
      await checkOutputTargets(targets, [{ what: 'the run config (--config)', path: path.resolve(io.cwd, flags.config) }]);
      const target = (flag: string) => targets.find((entry) => entry.flag === flag)?.path;
      const json = target('--json');
      const md = target('--md');
      const html = target('--html');
      const phases = progressPhases(io.stderr, progressWanted(io, { progress: flags.progress, logLevel: level }));

      // A single-strategy backtest config (a sweep's best-config.json over a backtest) runs as
      // `ensemble backtest` would run it.
      const backtest = await readBacktestConfig(flags.config, io.cwd);
      if ('input' in backtest) {
        const plan = await planBacktestConfig(backtest.input, flags.config, backtest.configDir, { json, md, html }, targets);
        await checkKeptFiles(targets, backtestInputsKept(plan, io.cwd));
        await runAndReportBacktest(plan, io, createCliLogger(io, globalOptions(command).logLevel ?? 'error', { json: globalOptions(command).logJson === true }), phases).catch((error: unknown) => {
          throw configDataProblem(error, flags.config, backtest.input, backtest.configDir, io.cwd);
        });
        return;
      }
      const loaded = await loadRunConfigFile(flags.config, { cwd: io.cwd, text: backtest.text });
      await checkKeptFiles(targets, runInputsKept(loaded));

      // Loading, then running: two phases of one call, each drawn while it lasts.
      const loading = phases('load ', 'bytes');
      const running = phases('run  ', 'bars');
      let outcome: RunOutcome;
      try {
        outcome = await executeRun(loaded.config, {
          source: loaded.source,
          configDir: loaded.configDir,
          cwd: io.cwd,
          registry: loaded.registry,
          logger,
          onLoadProgress: loading.onProgress,
          onProgress:
            running.onProgress &&
            ((done, total) => {
              loading.stop();
              running.onProgress?.(done, total);
            }),
        });
      } catch (error) {
        throw configDataProblem(error, flags.config, undefined, loaded.configDir, io.cwd);
      } finally {
        loading.stop();
        running.stop();
      }
      const { result } = outcome;
      const reportInput = orchestratorReportInput(result, { ...reportTitles(outcome, loaded.source), benchmark: runBenchmark(result, outcome.data) });
      const summarySink = json === '-' ? io.stderr : io.stdout;
      const notes = [
        ...loadNotes(outcome.data, outcome.dataset, { requested: loaded.config.data.adjust === true || loaded.config.data.sort === true, advice: 'config' }),
        ...splitNotes(outcome.data, { advice: 'config' }),
        ...holeNotes(outcome.data),
        ...spacingNotes(outcome.data),
        ...idleSymbolNotes(outcome.data, result.config.strategies),
        ...warmupNotes(outcome.data, result.config.strategies, loaded.registry, result.bars),
        ...nonNull(allocationWarmupNote(result)),
        ...nonNull(endedSymbolNote(outcome.data, result.symbols, isoTimeFormatter(result.portfolio.equity.time))),
        ...nonNull(endedHoldingsNote(result, endedSymbols(outcome.data, result.symbols).ended)),
      ];
      const summary = renderRunSummary(result, paletteFor(io, summarySink), { source: loaded.source, notes, cwd: io.cwd });
      const written = await withProgress(phases, 'write', 'bytes', (onProgress) =>
        writeRunOutputs({ json: json === '-' ? undefined : json, md, html }, result, reportInput, { logger, onProgress: countOnly(onProgress) }),
      );
      if (json === '-') await withProgress(phases, 'write', 'bytes', (onProgress) => writeChunks(io.stdout, runJsonChunks(result, reportInput), countOnly(onProgress)));
      summarySink.write(summary);
      for (const file of written) summarySink.write(`wrote ${flags[file.kind] ?? file.path} (${formatCount(file.bytes)} bytes)\n`);
    });
}
