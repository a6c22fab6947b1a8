import { closestMatch, echoValue } from '@ensemble/protocol';
import type { Command } from 'commander';
import type { StrategyDefinition } from '@ensemble/protocol';
import { describeParameters, getStrategy } from '@ensemble/strategies';
import { flagText } from './flags';
import type { FlagProblems } from './flags';

/** What {@link strayArgumentProblems} knows of the command the words were given to. */
export interface StrayArgumentContext {
  /** The command as typed in suggestions, e.g. `ensemble backtest`. */
  readonly command: string;
  /** Every long flag the command accepts, its own and the global ones (`--fill`, `--log-level`). */
  readonly knownFlags: readonly string[];
  /** The `--strategy` given, whose parameters an unknown flag may have meant. */
  readonly strategy?: string | undefined;
  /** That strategy's definition when it is no registry name (a strategy file's, loaded already); a registry name's is looked up. */
  readonly definition?: StrategyDefinition | undefined;
  /** Whether the command also varies parameters (`--vary`): a sweep's or walk-forward's hint names it too. */
  readonly varies?: boolean;
}

/** A number, which may start with `-` and still be a flag's value (`--cash -5`). */
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function isValue(word: string | undefined): word is string {
  return word !== undefined && (!word.startsWith('-') || NUMBER.test(word));
}

/** The parameter names of `definition`, else of the strategy called `name`; none when there is no such strategy. */
function parameterNames(name: string | undefined, definition: StrategyDefinition | undefined): readonly string[] {
  if (definition !== undefined) return describeParameters(definition).map((parameter) => parameter.name);
  if (name === undefined) return [];
  try {
    return describeParameters(getStrategy(name)).map((parameter) => parameter.name);
  } catch {
    return [];
  }
}

/** Every long flag `command` takes, its own and its parent's (the global ones: `--log-level`). */
export function knownLongFlags(command: Command): string[] {
  return [...command.options, ...(command.parent?.options ?? [])].flatMap((option) => (option.long === undefined ? [] : [option.long]));
}

/**
 * Records a problem for every word of the command line the parser could not place (`args` of a
 * command that allows unknown options and excess arguments), each saying what to type instead:
 * an unknown `--name [value]` that is a parameter of the chosen strategy → `--param name=value`;
 * another unknown flag → the nearest known flag by edit distance (or the nearest parameter), or
 * where to find them all; a value left after `--param key` (`--param fast 10`) → `key=value` as
 * one argument; any other word → the command takes no arguments. Returns the `--param` values
 * such a word completed: they are reported here, so the parameter checks should leave them out.
 */
export function strayArgumentProblems(problems: FlagProblems, args: readonly string[], params: readonly string[], context: StrayArgumentContext): Set<string> {
  const parameters = parameterNames(context.strategy, context.definition);
  const knownNames = context.knownFlags.map((flag) => flag.replace(/^--/, ''));
  const incomplete = params.filter((param) => !param.includes('='));
  const explained = new Set<string>();
  const help = `\`${context.command} --help\` lists every flag`;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word.startsWith('-') && !NUMBER.test(word)) {
      const separator = word.indexOf('=');
      const flag = separator < 0 ? word : word.slice(0, separator);
      const next = args[i + 1];
      const value = separator < 0 ? (isValue(next) ? next : undefined) : word.slice(separator + 1);
      if (separator < 0 && value !== undefined) i++;
      const typed = value === undefined ? flag : separator < 0 ? `${flag} ${value}` : word;
      const name = flag.replace(/^-+/, '');
      const example = `--param ${name}=${value ?? 'VALUE'}`;
      if (parameters.includes(name)) {
        const vary = context.varies === true ? ` (or ${echoValue(`--vary ${name}=V1,V2,…`)} to vary it)` : '';
        problems.add(echoValue(typed), `unknown flag: ${echoValue(name)} is a parameter of ${context.strategy ?? ''}; give it as ${echoValue(example)}${vary}`);
        continue;
      }
      const nearFlag = flag.startsWith('--') ? closestMatch(name, knownNames) : undefined;
      const nearParameter = nearFlag === undefined ? closestMatch(name, parameters) : undefined;
      const hint =
        nearFlag !== undefined
          ? `did you mean --${nearFlag}? (${help})`
          : nearParameter !== undefined
            ? `did you mean the parameter ${nearParameter} of ${context.strategy ?? ''}: --param ${nearParameter}=${echoValue(value ?? 'VALUE')}?`
            : help;
      problems.add(echoValue(typed), `unknown flag; ${hint}`);
      continue;
    }
    const param = incomplete.shift();
    if (param !== undefined) {
      explained.add(param);
      problems.add(
        `${flagText('--param', param)} ${echoValue(word)}`,
        `a parameter is one argument, key=value: ${echoValue(`--param ${param}=${word}`)}`,
      );
      continue;
    }
    problems.add(echoValue(word), `unexpected argument: ${context.command} takes only flags (${help})`);
  }
  return explained;
}
