import path from 'node:path';
import {
  countOnly,
  createBaseProgram,
  createCliLogger,
  executeRun,
  formatCount,
  globalOptions,
  orchestratorReportInput,
  paletteFor,
  parseRunConfigInput,
  processIo,
  progressPhases,
  progressWanted,
  renderRunSummary,
  runBenchmark,
  runProgram,
  withProgress,
  writeRunOutputs,
} from '@ensemble/cli';
import type { CliIo, LogLevel, WrittenRunFile } from '@ensemble/cli';
import type { Command } from 'commander';
import { DEMO_RUNS } from './demo-configs';
import type { DemoRun } from './demo-configs';

/** Where the demo writes its reports unless `--out` says otherwise. */
export const DEFAULT_DEMO_OUT = path.join('out', 'demo');

const DETAILS = `
What it does:
  1. Four sample strategies (buy-and-hold, SMA crossover 50/200, RSI mean reversion, Donchian
     breakout) as sleeves of one portfolio on the S&P 500 index, 2000–2020: capital split by the
     inverse volatility of the sleeves' returns and rebalanced monthly (and when a weight drifts
     10 points), 0.05% commission and 2 bps slippage, opposite orders crossed internally.
     Writes DIR/report.html, DIR/report.json and DIR/report.md.
  2. Four strategies across the Dow 30 stocks, 1991–2000 (two bt-style portfolios and two signal
     strategies), risk-parity allocation rebalanced quarterly or on a 5-point drift, with a
     per-symbol exposure cap. Writes DIR/dow30.html, .json and .md.
Everything runs on the real data embedded in @ensemble/data. Each run's config is the same JSON
\`ensemble run --config\` reads (see examples/).

Examples:
  $ pnpm demo
  $ pnpm demo --out /tmp/ensemble-demo --log-level info
  $ pnpm demo --log-level info --log-json 2> events.jsonl`;

/** Flags of the demo. */
interface DemoFlags {
  readonly out: string;
  readonly progress: boolean;
}

/** Runs one demo configuration end to end and returns the summary text and the files written. */
async function runDemo(
  run: DemoRun,
  out: string,
  io: CliIo,
  options: { readonly level: LogLevel; readonly json: boolean; readonly progress: boolean },
): Promise<{ summary: string; files: WrittenRunFile[] }> {
  const logger = createCliLogger(io, options.level, { json: options.json }).child({ demo: run.name });
  const source = `demo:${run.name}`;
  const config = parseRunConfigInput(run.config, source);
  const phases = progressPhases(io.stderr, progressWanted(io, { progress: options.progress, logLevel: options.level }));
  const outcome = await withProgress(phases, run.name.padEnd(6), 'bars', (onProgress) => executeRun(config, { source, logger, onProgress }));
  const { result } = outcome;
  const reportInput = orchestratorReportInput(result, {
    title: run.title,
    subtitle: run.subtitle,
    config: run.config,
    benchmark: runBenchmark(result, outcome.data),
  });
  const target = (extension: string) => path.join(out, `${run.name}.${extension}`);
  const files = await withProgress(phases, 'write ', 'bytes', (onProgress) =>
    writeRunOutputs({ json: target('json'), md: target('md'), html: target('html') }, result, reportInput, {
      createDirectories: true,
      logger,
      onProgress: countOnly(onProgress),
    }),
  );
  return { summary: renderRunSummary(result, paletteFor(io, io.stdout), { source: `${run.title} (${source})` }), files };
}

/**
 * The demo as a program: the orchestrator showcase on the embedded real data — summary tables in
 * the terminal, and an HTML tearsheet, a JSON result and a Markdown report per run. It has the
 * `ensemble` CLI's global options (`--log-level`, `--log-json`, `--debug`) and logs nothing unless
 * `--log-level` is given: the summaries count what the events say.
 */
export function createDemoProgram(io: CliIo): Command {
  return createBaseProgram(io, {
    name: 'demo',
    description: 'Orchestrate the sample strategies on embedded real data; print summaries, write HTML/JSON/Markdown reports.',
    logLevelDefault: 'nothing is logged, as the summaries count the events',
  })
    .option('-o, --out <dir>', 'directory for the reports (created if missing)', DEFAULT_DEMO_OUT)
    .option('--no-progress', 'do not draw progress bars (they are drawn only when stderr is a terminal)')
    .addHelpText('after', DETAILS)
    .action(async (flags: DemoFlags, command: Command) => {
      const out = path.resolve(io.cwd, flags.out);
      const global = globalOptions(command);
      const options = { level: global.logLevel ?? 'silent', json: global.logJson === true, progress: flags.progress };
      const palette = paletteFor(io, io.stdout);
      io.stdout.write(`${palette.bold('Ensemble demo')}: several strategies sharing one portfolio, on real market data.\n`);
      const written: WrittenRunFile[] = [];
      for (const run of DEMO_RUNS) {
        const { summary, files } = await runDemo(run, out, io, options);
        io.stdout.write(`\n${summary}`);
        written.push(...files);
      }
      io.stdout.write(`\n${palette.bold('Reports')}\n`);
      for (const file of written) {
        io.stdout.write(`  ${path.relative(io.cwd, file.path) || file.path}  (${formatCount(file.bytes)} bytes)\n`);
      }
      const flagship = written.find((file) => file.kind === 'html');
      if (flagship !== undefined) io.stdout.write(`\nOpen ${path.relative(io.cwd, flagship.path)} in a browser to see the tearsheet.\n`);
    });
}

/** Runs the demo with `argv` (node-style: runtime, script, then the flags) and returns its exit code (0, 1 or 2 as the CLI's). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(createDemoProgram(io), argv, io);
}
