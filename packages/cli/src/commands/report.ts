import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '@ensemble/protocol';
import type { Logger } from '@ensemble/protocol';
import { REPORT_CSV_FILES, ReportGenerator, readResultFile } from '@ensemble/report';
import type { ReadResultOptions, ReportFile, ReportInput } from '@ensemble/report';
import { COMMAND_LINE, FlagProblems } from '../flags';
import { formatCount } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { globalOptions } from '../options';
import { checkOutputTargets, resolveOutputFlags } from '../output-targets';
import { researchOutputProblem } from '../research-output-kind';
import { writeFilesAtomic } from '../write-file';

/** The flags of `ensemble report`. */
interface ReportFlags {
  readonly html?: string;
  readonly md?: string;
  readonly csvDir?: string;
  readonly title?: string;
  readonly subtitle?: string;
}

const EXAMPLES = `
Examples:
  $ ensemble run --config examples/sp500-two-sleeves.json --json result.json
  $ ensemble report result.json --html report.html --md report.md
  $ ensemble backtest --dataset sp500 --strategy sma-crossover --json bt.json
  $ ensemble report bt.json --csv-dir csv --title "SMA 10/30 on the S&P 500"

Reads a JSON result of \`ensemble run --json\` or \`ensemble backtest --json\` (or the engine's,
the orchestrator's or the report package's own JSON form) and writes the reports the command
would have written: the same title, subtitle and benchmark line, byte for byte, for results of
this release (older files have no benchmark line). The CSV directory gets equity.csv (with the
gross exposure, and an orchestrator run's reserve), trades.csv, fills.csv and, for an
orchestrator run, weights.csv; it is created if missing.

The research report of a sweep or walk-forward (its results.json, summary.json, walk-forward.json
are no result of one run) is written by that command: the same \`ensemble sweep\` with --html FILE
and --resume takes every finished job from the journal instead of running it again.`;

/**
 * The CSV directory flag resolved against `cwd`: an empty value is a problem, and so is an
 * existing file (not a directory) at that path. Missing directories are created when writing.
 */
async function csvDirectory(problems: FlagProblems, value: string | undefined, cwd: string): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    problems.add('--csv-dir ""', 'give a directory name');
    return undefined;
  }
  const directory = path.resolve(cwd, value);
  const found = await stat(directory).catch(() => null);
  if (found !== null && !found.isDirectory()) problems.add(`--csv-dir ${value}`, `${directory} is a file, not a directory; give a directory (it is created if missing)`);
  return directory;
}

/** The report of a result read from `file`: a result the report package refuses is that file's problem (exit 2, naming it). */
function reportOfFile(input: ReportInput, file: string, logger: Logger): ReportGenerator {
  try {
    return new ReportGenerator(input, { logger });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(error.issues, { source: file, subject: 'result', cause: error });
  }
}

/**
 * Registers `ensemble report`: the Markdown report, HTML tearsheet and CSV exports of a saved JSON
 * result (`readResultFile` of `@ensemble/report`), written all or nothing.
 */
export function registerReportCommand(program: Command, io: CliIo): Command {
  return program
    .command('report')
    .argument('<result>', 'a JSON result: ensemble run --json, ensemble backtest --json, or the report package\'s JSON')
    .description('write the Markdown report, HTML tearsheet or CSV exports of a saved JSON result (of `run --json` or `backtest --json`)')
    .option('--html <file>', 'write a self-contained HTML tearsheet')
    .option('--md <file>', 'write a Markdown report')
    .option('--csv-dir <dir>', 'write equity.csv, trades.csv, fills.csv (and weights.csv for an orchestrator run) into this directory')
    .option('--title <text>', 'the report\'s title (default: the one the command gave it)')
    .option('--subtitle <text>', 'the report\'s subtitle (default: the one the command gave it)')
    .addHelpText('after', EXAMPLES)
    .action(async (result: string, flags: ReportFlags, command: Command) => {
      const logger = createCliLogger(io, globalOptions(command).logLevel ?? 'silent', { json: globalOptions(command).logJson === true });
      const problems = new FlagProblems();
      if (flags.html === undefined && flags.md === undefined && flags.csvDir === undefined) {
        throw new ConfigError([{ path: 'outputs', message: 'nothing to write: give --html FILE, --md FILE or --csv-dir DIR (or several)' }], { source: COMMAND_LINE });
      }
      const targets = resolveOutputFlags(
        problems,
        [
          { flag: '--md', value: flags.md },
          { flag: '--html', value: flags.html },
        ],
        io.cwd,
      );
      const csvDir = await csvDirectory(problems, flags.csvDir, io.cwd);
      // A report written where a CSV export goes would be replaced by it (or replace it).
      if (csvDir !== undefined) {
        for (const target of targets) {
          if (REPORT_CSV_FILES.some((name) => path.join(csvDir, name) === target.path)) problems.add(`${target.flag} ${target.typed}`, `is where --csv-dir ${flags.csvDir ?? ''} writes ${path.basename(target.path)}; give the report its own path`);
        }
      }
      problems.throwIfAny();
      const source = path.resolve(io.cwd, result);
      await checkOutputTargets(targets, [{ what: 'the result file', path: source }]);
      const options: ReadResultOptions = {
        ...(flags.title === undefined ? {} : { title: flags.title }),
        ...(flags.subtitle === undefined ? {} : { subtitle: flags.subtitle }),
      };
      let input: ReportInput;
      try {
        input = await readResultFile(source, options);
      } catch (error) {
        // An output of `ensemble sweep` or `walk-forward` is no result of one run: say what it is and how its report is made.
        if (!ConfigError.isInstance(error)) throw error;
        const research = await researchOutputProblem(source);
        // The file as the user typed it, not its absolute path.
        if (research === null) throw new ConfigError(error.issues, { source: result, subject: error.subject, hint: error.hint, cause: error.cause });
        throw new ConfigError([{ path: '', message: research }], { source: result, subject: 'result', cause: error });
      }
      const generator = reportOfFile(input, result, logger);
      const target = (flag: string) => targets.find((entry) => entry.flag === flag);
      const md = target('--md');
      const html = target('--html');
      const files = await generator.files({ md: md?.path, html: html?.path, csvDir });
      // Each path as the user typed it: the flag's value, or the CSV directory's and the file's name.
      const shown = (file: ReportFile): string => (file.kind === 'md' ? (md?.typed ?? file.path) : file.kind === 'html' ? (html?.typed ?? file.path) : path.join(flags.csvDir ?? '', path.basename(file.path)));
      const written = await writeFilesAtomic(files);
      files.forEach((file, k) => {
        io.stdout.write(`wrote ${shown(file)} (${formatCount(written[k]?.bytes ?? 0)} bytes)\n`);
      });
    });
}
