import { Command, Option } from 'commander';
import { safeMessage } from '@ensemble/protocol';
import { registerBacktestCommand } from './commands/backtest';
import { registerCheckCommand } from './commands/check';
import { registerDataCommand } from './commands/data';
import { registerInitCommand } from './commands/init';
import { registerQueueCommand, registerWorkerCommand } from './commands/queue';
import { registerReportCommand } from './commands/report';
import { registerSweepCommand, registerWalkForwardCommand } from './commands/research';
import { registerRunCommand } from './commands/run';
import { registerSchemaCommand } from './commands/schema';
import { registerStrategiesCommand } from './commands/strategies';
import { reportError } from './errors';
import { processIo } from './io';
import type { CliIo } from './io';
import { LOG_LEVELS } from './logger';
import { appendValue } from './flags';
import { pointUsageErrorsAtCommandHelp, refuseRepeatedFlags, reportUnknownFlagsFirst } from './required-options';
import { versionText } from './version';

/** Name and description of a program made by {@link createBaseProgram}. */
export interface BaseProgramOptions {
  /** The command name shown in usage lines and help, e.g. `ensemble`. */
  readonly name: string;
  readonly description: string;
  /** What `--log-level` logs when it is not given, for the help (e.g. `run logs nothing`). */
  readonly logLevelDefault: string;
}

/**
 * A commander program writing to `io` with the CLI's global options (`--debug`, `--log-level`,
 * `--log-json`, `-V, --version`), its escaping of usage errors and no process exit of its own
 * (usage errors surface as `CommanderError`s for {@link runProgram}). {@link createProgram}
 * adds the `ensemble` commands to one; another program (the repository's demo) adds its own.
 */
export function createBaseProgram(io: CliIo, options: BaseProgramOptions): Command {
  return new Command()
    .name(options.name)
    .description(options.description)
    .version(versionText(), '-V, --version', 'print the version of the CLI and of the @ensemble packages')
    .option('--debug', 'print stack traces of errors (also ENSEMBLE_DEBUG=1)')
    .addOption(
      new Option(
        '--log-level <level>',
        `level of the logs on stderr (default: ${options.logLevelDefault})`,
      ).choices(LOG_LEVELS),
    )
    .option('--log-json', 'write logs as JSON lines even on a terminal (they are readable lines there otherwise)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors repeat what was typed (`unknown option '…'`): escaped and bounded like every echo.
      outputError: (text, write) => {
        write(safeMessage(text));
      },
    })
    .exitOverride()
    .showHelpAfterError(`(run \`${options.name} --help\` for usage)`);
}

/**
 * Builds the `ensemble` program writing to `io`: global options, help, version and every command.
 * Commander never exits the process; usage errors surface as `CommanderError`s.
 */
export function createProgram(io: CliIo): Command {
  const program = createBaseProgram(io, {
    name: 'ensemble',
    description: 'Backtest trading strategies and orchestrate many of them on one portfolio.',
    logLevelDefault: 'run logs nothing and backtest only errors, as their summaries count the events; data logs warnings',
  });
  registerDataCommand(program, io);
  registerBacktestCommand(program, io);
  registerCheckCommand(program, io);
  registerRunCommand(program, io);
  registerReportCommand(program, io);
  registerSweepCommand(program, io);
  registerWalkForwardCommand(program, io);
  registerWorkerCommand(program, io);
  registerQueueCommand(program, io);
  registerSchemaCommand(program, io);
  registerStrategiesCommand(program, io);
  registerInitCommand(program, io);
  reportUnknownFlagsFirst(program);
  return program;
}

/** The parsers of the flags that may be given more than once (their values add up). */
const REPEATABLE: ReadonlySet<unknown> = new Set([appendValue]);

/** Parses `argv` (node-style: the first two entries are the runtime and the script) and runs the command; returns the exit code. */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug') || io.env.ENSEMBLE_DEBUG === '1';
  // Every program run this way (the demo's too) refuses a one-value flag given twice.
  refuseRepeatedFlags(program, REPEATABLE);
  pointUsageErrorsAtCommandHelp(program);
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return 0;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 run failure, 2 bad input (invalid data or
 * config, unknown names, missing files, usage errors).
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let program: Command;
  try {
    program = createProgram(io);
  } catch (error) {
    return reportError(error, io, argv.includes('--debug') || io.env.ENSEMBLE_DEBUG === '1');
  }
  return runProgram(program, argv, io);
}
