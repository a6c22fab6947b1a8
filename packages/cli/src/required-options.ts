import type { Command, Option } from 'commander';

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
