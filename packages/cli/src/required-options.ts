import type { Command, Option } from 'commander';
import { closestMatch, quoteValue } from '@ensemble/protocol';
import { redactRedisUrl } from '@ensemble/research-redis';
import { FlagProblems } from './flags';
import { knownLongFlags, strayArgumentProblems } from './stray-arguments';

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
    // `backtest --config FILE`: what the user wants is `run`, which reads every config.
    if (action.name() === 'backtest' && action.args.some((word) => word === '--config' || word.startsWith('--config='))) {
      action.error(`error: ${BACKTEST_CONFIG_HINT}`, { code: 'commander.unknownOption' });
    }
    const missing = action.options.filter((option) => deferred.has(option) && action.getOptionValue(option.attributeName()) === undefined);
    // A command that takes unknown flags to explain them in its action (`backtest`, `sweep`,
    // `walk-forward`) never gets there with a mandatory flag missing: when an unknown flag is the
    // missing one mistyped (`--strateg`, `--ot`), it is said first, with the nearest flag; any
    // other (`--fast 5`, a strategy's parameter) waits for the action, after the missing flag.
    const missingNames = missing.flatMap((option) => (option.long === undefined ? [] : [option.long.replace(/^--/, '')]));
    const mistyped = action.args.some((word) => word.startsWith('--') && closestMatch(word.replace(/^-+/, '').split('=')[0] ?? '', missingNames) !== undefined);
    if (missing.length > 0 && mistyped) {
      const problems = new FlagProblems();
      strayArgumentProblems(problems, action.args, [], { command: `ensemble ${action.name()}`, knownFlags: knownLongFlags(action) });
      problems.throwIfAny();
    }
    for (const option of missing) {
      action.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
    }
  });
}

/** Why `ensemble backtest` takes no `--config`, and what does. */
export const BACKTEST_CONFIG_HINT = 'ensemble backtest takes its run from flags, not from --config: a config file (a backtest config, such as a sweep\'s best-config.json, or a run config) runs with `ensemble run --config FILE`';

/** Per program: the values each flag that takes one value was given in the parse under way. */
const givenValues = new WeakMap<Command, Map<Option, string[]>>();
/** Options already counted (their `option:<name>` listener attached). */
const counted = new WeakSet<Option>();

/**
 * Makes a flag that takes one value an error when given more than once (`--strategy a --strategy
 * b`, `--json a.json --json b.json`): commander keeps the last one without a word, so a script
 * that appends a flag silently changed what ran. Repeatable flags (whose parser is in
 * `repeatable`: `--param`, `--symbol`, `--vary`, `--constraint`) and switches without a value are
 * left alone. Reported just before the action (after unknown flags), as commander's usage errors
 * are: exit 2; a value holding a password (a Redis URL) is shown masked. Call it before every
 * parse of `program` (`runProgram` does): it counts the options registered by then and starts
 * the counts afresh, so a program can be parsed again.
 */
export function refuseRepeatedFlags(program: Command, repeatable: ReadonlySet<unknown>): void {
  let given = givenValues.get(program);
  if (given === undefined) {
    const values = new Map<Option, string[]>();
    given = values;
    givenValues.set(program, values);
    program.hook('preAction', (_program, action) => {
      for (let command: Command | null = action; command !== null; command = command.parent) {
        for (const option of command.options) {
          const seen = values.get(option) ?? [];
          if (seen.length < 2) continue;
          const flag = option.long ?? option.short ?? option.flags;
          action.error(`error: ${flag} was given ${String(seen.length)} times (${seen.map((value) => quoteValue(redactRedisUrl(value))).join(', ')}); give it once`, {
            code: 'commander.optionRepeated',
          });
        }
      }
    });
  }
  given.clear();
  const values = given;
  const visit = (command: Command): void => {
    for (const option of command.options) {
      const takesValue = option.required || option.optional;
      if (!takesValue || option.variadic || repeatable.has(option.parseArg) || counted.has(option)) continue;
      counted.add(option);
      command.on(`option:${option.name()}`, (value: unknown) => {
        values.set(option, [...(values.get(option) ?? []), String(value)]);
      });
    }
    command.commands.forEach(visit);
  };
  visit(program);
}

/**
 * Makes a usage error of a command point at that command's help (`(run \`ensemble backtest
 * --help\` for usage)`, `ensemble queue status --help`) rather than the program's, which lists
 * only the commands: commander copies the program's `showHelpAfterError` text into every command.
 * Call it once every
 * command is registered (`runProgram` does, before each parse).
 */
export function pointUsageErrorsAtCommandHelp(program: Command): void {
  const visit = (command: Command, path: string): void => {
    for (const child of command.commands) {
      const name = `${path} ${child.name()}`;
      child.showHelpAfterError(`(run \`${name} --help\` for usage)`);
      visit(child, name);
    }
  };
  visit(program, program.name());
}
