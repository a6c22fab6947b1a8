import type { Command, Option } from 'commander';
import { quoteValue } from '@ensemble/protocol';

/**
 * Makes every mandatory flag of `program`'s commands (`requiredOption`) checked just before the
 * command's action instead of first: commander reports a missing mandatory flag before unknown
 * ones, so `ensemble run --confg x.json` said "required option '--config' not specified" where
 * the user needs "unknown option '--confg' (Did you mean --config?)". Unknown flags are now
 * reported first, with commander's suggestion; a flag that is really missing still gets
 * commander's message and exit code. Call it once every command is registered.
 */
export function reportUnknownFlagsFirst(program: Command): void {
  const deferred = new Set<Option>();
  const visit = (command: Command): void => {
    for (const option of command.options) {
      if (!option.mandatory) continue;
      option.mandatory = false;
      deferred.add(option);
    }
    command.commands.forEach(visit);
  };
  visit(program);
  program.hook('preAction', (_program, action) => {
    for (const option of action.options) {
      if (deferred.has(option) && action.getOptionValue(option.attributeName()) === undefined) {
        action.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
      }
    }
  });
}

/**
 * Makes a flag that takes one value an error when given more than once (`--strategy a --strategy
 * b`, `--json a.json --json b.json`): commander keeps the last one without a word, so a script
 * that appends a flag silently changed what ran. Repeatable flags (`--param`, `--symbol`,
 * `--vary`, `--constraint`, whose parser is in `repeatable`) and switches without a value are
 * left alone. Reported just before the action (after unknown flags), as commander's usage errors
 * are: exit 2. Call it once every command is registered.
 */
export function refuseRepeatedFlags(program: Command, repeatable: ReadonlySet<unknown>): void {
  const given = new Map<Option, string[]>();
  const visit = (command: Command): void => {
    for (const option of command.options) {
      const takesValue = option.required || option.optional;
      if (!takesValue || option.variadic || repeatable.has(option.parseArg)) continue;
      command.on(`option:${option.name()}`, (value: unknown) => {
        given.set(option, [...(given.get(option) ?? []), String(value)]);
      });
    }
    command.commands.forEach(visit);
  };
  visit(program);
  program.hook('preAction', (_program, action) => {
    for (let command: Command | null = action; command !== null; command = command.parent) {
      for (const option of command.options) {
        const values = given.get(option) ?? [];
        if (values.length < 2) continue;
        const flag = option.long ?? option.short ?? option.flags;
        action.error(`error: ${flag} was given ${String(values.length)} times (${values.map((value) => quoteValue(value)).join(', ')}); give it once`, {
          code: 'commander.optionRepeated',
        });
      }
    }
  });
}
