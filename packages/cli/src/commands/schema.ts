import path from 'node:path';
import type { Command } from 'commander';
import { runConfigJsonSchema } from '@ensemble/orchestrator';
import { formatCount } from '../format';
import type { CliIo } from '../io';
import { checkOutputPath, writeFileAtomic } from '../write-file';

/** The JSON Schema of the run config as `ensemble schema` prints it: two-space indented, with a final newline. */
export function runConfigSchemaText(): string {
  return `${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`;
}

/**
 * Registers `ensemble schema`: prints the JSON Schema (draft 2020-12) of the run config that
 * `ensemble run --config` reads, generated from the orchestrator's zod schema, or writes it to a
 * file with `--out`.
 */
export function registerSchemaCommand(program: Command, io: CliIo): Command {
  return program
    .command('schema')
    .description('print the JSON Schema of the run config of `ensemble run` (every field described)')
    .option('-o, --out <file>', 'write the schema to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble schema > run-config.schema.json
  $ ensemble schema --out run-config.schema.json

Point an editor at it for completion and checks: "$schema": "./run-config.schema.json" at the top
of a run config.`,
    )
    .action(async (flags: { out?: string }) => {
      const text = runConfigSchemaText();
      if (flags.out === undefined) {
        io.stdout.write(text);
        return;
      }
      const target = path.resolve(io.cwd, flags.out);
      await checkOutputPath(target, '--out');
      await writeFileAtomic(target, text);
      io.stdout.write(`wrote ${flags.out} (${formatCount(Buffer.byteLength(text, 'utf8'))} bytes)\n`);
    });
}
