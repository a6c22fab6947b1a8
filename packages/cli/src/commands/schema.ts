import path from 'node:path';
import type { Command } from 'commander';
import { runConfigJsonSchema } from '@ensemble/orchestrator';
import { ConfigError, quoteValue } from '@ensemble/protocol';
import { backtestConfigJsonSchema, sweepSpecJsonSchema, walkForwardSpecJsonSchema } from '@ensemble/research';
import { formatCount } from '../format';
import type { CliIo } from '../io';
import { checkOutputPath, writeFileAtomic } from '../write-file';
import { COMMAND_LINE } from '../flags';

/** The JSON Schema of the run config as `ensemble schema` prints it: two-space indented, with a final newline. */
export function runConfigSchemaText(): string {
  return `${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`;
}

/** The schemas `ensemble schema [kind]` prints, by kind. */
const SCHEMAS = { run: runConfigJsonSchema, backtest: backtestConfigJsonSchema, sweep: sweepSpecJsonSchema, 'walk-forward': walkForwardSpecJsonSchema } as const;

/** The JSON Schema of `kind` (`run`, `backtest`, `sweep` or `walk-forward`), two-space indented with a final newline. */
export function schemaText(kind: string): string {
  if (!Object.hasOwn(SCHEMAS, kind)) {
    throw new ConfigError([{ path: 'kind', message: `unknown schema ${quoteValue(kind)}; the schemas are run, backtest, sweep and walk-forward` }], { source: COMMAND_LINE });
  }
  return `${JSON.stringify(SCHEMAS[kind as keyof typeof SCHEMAS](), null, 2)}\n`;
}

/**
 * Registers `ensemble schema`: prints the JSON Schema (draft 2020-12) of the run config that
 * `ensemble run --config` reads, generated from the orchestrator's zod schema, or writes it to a
 * file with `--out`.
 */
export function registerSchemaCommand(program: Command, io: CliIo): Command {
  return program
    .command('schema')
    .argument(
      '[kind]',
      'run (default): the run config of `ensemble run`; backtest: a one-strategy config (`ensemble run` reads it too; a sweep\'s best-config.json); sweep: the spec of `ensemble sweep`; walk-forward: the spec of `ensemble walk-forward`',
      'run',
    )
    .description('print the JSON Schema of the run config of `ensemble run`, of a one-strategy backtest config, or of a sweep or walk-forward spec (every field described)')
    .option('-o, --out <file>', 'write the schema to this file instead of stdout (- is stdout)')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble schema > run-config.schema.json
  $ ensemble schema --out run-config.schema.json
  $ ensemble schema sweep > sweep.schema.json
  $ ensemble schema backtest > backtest.schema.json

Point an editor at it for completion and checks: "$schema": "./run-config.schema.json" at the top
of a run config.`,
    )
    .action(async (kind: string, flags: { out?: string }) => {
      const text = kind === 'run' ? runConfigSchemaText() : schemaText(kind);
      if (flags.out === undefined || flags.out === '-') {
        io.stdout.write(text);
        return;
      }
      const target = path.resolve(io.cwd, flags.out);
      await checkOutputPath(target, '--out');
      await writeFileAtomic(target, text);
      io.stdout.write(`wrote ${flags.out} (${formatCount(Buffer.byteLength(text, 'utf8'))} bytes)\n`);
    });
}
