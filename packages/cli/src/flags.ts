import { resolveDateBound } from '@ensemble/data';
import type { SizingRule } from '@ensemble/engine';
import { ConfigError, DECIMAL_MARK_HELP, TWO_DIGIT_YEARS, closestMatch, dateFormatProblem, decimalMarkProblem, echoValue, isDateFormat, isDecimalMarkSetting, listValues, parseDecimal, parseJsonText, quoteValue, tightestBoundIssues, zodIssueMessage } from '@ensemble/protocol';
import type { AnyStrategy, ConfigIssue, DateFormat, DecimalMarkSetting, StrategyDefinition } from '@ensemble/protocol';
import type { z } from 'zod';
import { coerceParameterStrings, describeParameters, getStrategy, listStrategies } from '@ensemble/strategies';

/** Where problems with command-line flags are reported from (the `source` of their `ConfigError`). */
export const COMMAND_LINE = 'the command-line options';

/**
 * Collects problems with command-line flags, each as `{ path: '--flag value', message }`, so that
 * every bad flag is reported at once; {@link FlagProblems.throwIfAny} throws them as one protocol
 * `ConfigError` (exit code 2).
 */
export class FlagProblems {
  readonly #issues: ConfigIssue[] = [];

  /** Records that `flag` (the flag as typed, e.g. `--cash -5`) breaks a rule. */
  add(flag: string, message: string): void {
    this.#issues.push({ path: flag, message });
  }

  /** The problems recorded so far. */
  get issues(): readonly ConfigIssue[] {
    return this.#issues;
  }

  /** Throws a `ConfigError` listing every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.#issues.length > 0) throw new ConfigError(this.#issues, { source: COMMAND_LINE });
  }
}

/**
 * Collects a repeatable option's values without a default list (so `--help` shows none):
 * `--param a=1 --param b=2` → `['a=1', 'b=2']`; absent → `undefined`.
 */
export function appendValue(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * A flag as the user typed it, for messages: `--cash -5`, `--param fast=40`; the value is made
 * safe to print (control characters escaped, cut after 80 characters with its length).
 */
export function flagText(flag: string, value: string): string {
  return `${flag} ${echoValue(value)}`;
}

/**
 * Parses a plain decimal number (`100000`, `0.001`, `-2.5`, `1e6`): anything else — empty text,
 * `abc`, `1,000`, `0x10`, `Infinity`, a decimal beyond the range of doubles — is null.
 */
export function parseNumber(text: string): number | null {
  const value = parseDecimal(text.trim());
  return Number.isFinite(value) ? value : null;
}

/** Rules a numeric flag can impose beyond being a number. */
export interface NumberRule {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  readonly integer?: boolean;
  /** The flag takes a fraction (0.001 = 0.1%): a value written as a percentage gets the fraction to write instead. */
  readonly fraction?: boolean;
}

/** A number followed by `%`, as a percentage is written: `0.1%`. */
const PERCENTAGE = /^\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*%\s*$/;

/** Why a percentage given to a flag that takes a fraction is refused, with the fraction to write; null otherwise. */
function percentageProblem(text: string, rule: NumberRule): string | null {
  const match = rule.fraction === true ? PERCENTAGE.exec(text) : null;
  const percent = match === null ? null : parseNumber(match[1] ?? '');
  if (percent === null) return null;
  return `${quoteValue(text)} is a percentage; this flag takes a fraction: write ${String(Number((percent / 100).toPrecision(12)))} for ${String(percent)}%`;
}

function ruleBroken(value: number, rule: NumberRule): string | null {
  if (rule.integer === true && !Number.isInteger(value)) return 'must be a whole number';
  if (rule.min !== undefined && value < rule.min) return `must be ${rule.min} or more`;
  if (rule.above !== undefined && value <= rule.above) return `must be greater than ${rule.above}`;
  if (rule.max !== undefined && value > rule.max) return `must be at most ${rule.max}`;
  return null;
}

/**
 * Reads the number of a flag (`undefined` when the flag was not given); a value that is not a
 * number, or breaks `rule`, is recorded in `problems` and gives `undefined`.
 */
export function numberFlag(problems: FlagProblems, flag: string, text: string | undefined, rule: NumberRule = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = parseNumber(text);
  if (value === null) {
    const beyond = Math.abs(parseDecimal(text.trim())) === Number.POSITIVE_INFINITY;
    problems.add(
      flagText(flag, text),
      beyond ? `${quoteValue(text)} is beyond the range of numbers (about ±1.8e308)` : (percentageProblem(text, rule) ?? `expected a number, got ${quoteValue(text)}`),
    );
    return undefined;
  }
  const broken = ruleBroken(value, rule);
  if (broken !== null) {
    // A fraction above 1 is most likely a percentage (--risk-free-rate 2 for 2%).
    const hint = rule.fraction === true && Math.abs(value) > 1 ? `; it is a fraction: write ${String(Number((value / 100).toPrecision(12)))} for ${String(value)}%` : '';
    problems.add(flagText(flag, text), `${broken}${hint}`);
    return undefined;
  }
  return value;
}

/**
 * Reads a date flag (`--from`, `--to`) to epoch ms UTC: `YYYY-MM-DD`, an ISO date-time, a month
 * name form or epoch ms, as `@ensemble/data` parses dates. A date-only `--to` covers that whole
 * day (its last millisecond). An unreadable date is recorded in `problems`.
 */
export function dateFlag(problems: FlagProblems, flag: '--from' | '--to' | '--warmup-from', text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return resolveDateBound(text, flag === '--to' ? 'to' : 'from');
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    problems.add(flagText(flag, text), `${quoteValue(text)} is not a date; use YYYY-MM-DD (e.g. 2005-01-31), an ISO date-time or epoch milliseconds`);
    return undefined;
  }
}

/** The help of `--date-format`, the same on every command that loads a data file. */
export const DATE_FORMAT_HELP = `how the data file writes its dates: DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD, or DD/MM/YY, MM/DD/YY, with the file's separator (-, / or .); DD and MM take one or two digits; ${TWO_DIGIT_YEARS}; a time of day after the date is read (default: auto, detected; a day and a month before the year, 01/03/1995, and a two-digit year are refused, never guessed)`;

/**
 * Reads `--date-format` (how the data file writes its dates: `auto` or a pattern such as
 * `DD/MM/YYYY`); an unknown format is recorded in `problems` with what to write instead, and
 * with `dataset` (an embedded data set's name) the flag is refused: its dates are `YYYY-MM-DD`.
 */
export function dateFormatFlag(problems: FlagProblems, text: string | undefined, dataset?: string): DateFormat | undefined {
  if (text === undefined) return undefined;
  if (!isDateFormat(text)) {
    problems.add(flagText('--date-format', text), dateFormatProblem(text));
    return undefined;
  }
  if (dataset !== undefined) {
    problems.add(flagText('--date-format', text), `applies to a data file; the data set ${quoteValue(dataset)} writes its dates as YYYY-MM-DD`);
    return undefined;
  }
  return text;
}

/** The help of `--decimal`, the same on every command that loads a data file. */
export const DECIMAL_HELP = `${DECIMAL_MARK_HELP}; with "point" or "comma" a number written with the other mark or with a thousands separator is refused`;

/**
 * Reads `--decimal` (how the data file's numbers write their fractions: `auto`, `point` or
 * `comma`); an unknown setting is recorded in `problems` with what to write instead, and with
 * `dataset` (an embedded data set's name) the flag is refused: its numbers have decimal points.
 */
export function decimalFlag(problems: FlagProblems, text: string | undefined, dataset?: string): DecimalMarkSetting | undefined {
  if (text === undefined) return undefined;
  if (!isDecimalMarkSetting(text)) {
    problems.add(flagText('--decimal', text), decimalMarkProblem(text));
    return undefined;
  }
  if (dataset !== undefined) {
    problems.add(flagText('--decimal', text), `applies to a data file; the data set ${quoteValue(dataset)} writes decimal points`);
    return undefined;
  }
  return text;
}

/**
 * Reads `--from` and `--to` together; records `--from` after `--to` as a problem. Returns the
 * bounds in epoch ms (either may be undefined).
 */
export function dateRangeFlags(
  problems: FlagProblems,
  from: string | undefined,
  to: string | undefined,
): { readonly from: number | undefined; readonly to: number | undefined } {
  const start = dateFlag(problems, '--from', from);
  const end = dateFlag(problems, '--to', to);
  if (start !== undefined && end !== undefined && start > end) {
    problems.add(`${flagText('--from', from ?? '')} ${flagText('--to', to ?? '')}`, '--from is after --to: the date range is empty; swap them');
    return { from: undefined, to: undefined };
  }
  return { from: start, to: end };
}

/** The forms `--sizing` accepts, for messages and help. */
export const SIZING_FORMS = ['percent-of-cash:P', 'percent-of-equity:P', 'fixed-quantity:Q', 'fixed-cash:C'] as const;

/**
 * Parses `--sizing KIND:VALUE` into the engine's sizing rule: `percent-of-cash:P` and
 * `percent-of-equity:P` (0 < P ≤ 100), `fixed-quantity:Q` (units), `fixed-cash:C` (currency,
 * commission included). Records a problem and returns undefined for anything else; the bounds
 * are the engine's (`SizingRuleSchema`) and are checked when the engine options are parsed.
 */
export function sizingFlag(problems: FlagProblems, text: string | undefined): SizingRule | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  const kind = colon < 0 ? undefined : text.slice(0, colon).trim();
  const amountText = text.slice(colon + 1).trim();
  const amount = parseNumber(amountText);
  const forms = `expected one of ${SIZING_FORMS.join(', ')} (e.g. --sizing percent-of-cash:100)`;
  if (kind === undefined || !['percent-of-cash', 'percent-of-equity', 'fixed-quantity', 'fixed-cash'].includes(kind)) {
    problems.add(flagText('--sizing', text), forms);
    return undefined;
  }
  if (amount === null) {
    problems.add(flagText('--sizing', text), `${quoteValue(amountText)} is not a number; ${forms}`);
    return undefined;
  }
  switch (kind) {
    case 'percent-of-cash':
      return { kind: 'percent-of-cash', percent: amount };
    case 'percent-of-equity':
      return { kind: 'percent-of-equity', percent: amount };
    case 'fixed-quantity':
      return { kind: 'fixed-quantity', quantity: amount };
    default:
      return { kind: 'fixed-cash', amount };
  }
}

/**
 * Reads a "how many rows" flag such as `--trades`: a whole number ≥ 0, or `all` (returned as
 * `Infinity`). Records a problem and returns `fallback` otherwise.
 */
export function countOrAllFlag(problems: FlagProblems, flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (text.trim().toLowerCase() === 'all') return Number.POSITIVE_INFINITY;
  const value = parseNumber(text);
  if (value === null || !Number.isInteger(value) || value < 0) {
    problems.add(flagText(flag, text), 'expected a whole number of rows (0 or more) or "all"');
    return fallback;
  }
  return value;
}

/** `--param key=value` flags split into a record, before typing. */
export interface RawParams {
  /** The value text by key. */
  readonly values: Readonly<Record<string, string>>;
  /** The flag as typed, by key, for messages. */
  readonly flags: Readonly<Record<string, string>>;
}

/**
 * Splits repeated `--param key=value` flags. A flag without `=` or with an empty key, and a key
 * given twice, are recorded as problems.
 */
export function splitParamFlags(problems: FlagProblems, params: readonly string[]): RawParams {
  // Without a prototype: `__proto__` is then a key like any other (on `{}` assigning it set nothing,
  // and the flag was ignored in silence).
  const values = Object.create(null) as Record<string, string>;
  const flags = Object.create(null) as Record<string, string>;
  for (const param of params) {
    const separator = param.indexOf('=');
    const key = separator < 0 ? '' : param.slice(0, separator).trim();
    if (key === '') {
      problems.add(flagText('--param', param), 'expected key=value, e.g. --param fast=10');
      continue;
    }
    if (Object.hasOwn(values, key)) {
      problems.add(flagText('--param', param), `${echoValue(key)} is already set by ${flags[key] ?? ''}; give each parameter once`);
      continue;
    }
    values[key] = param.slice(separator + 1).trim();
    flags[key] = flagText('--param', param);
  }
  return { values, flags };
}

/** A strategy built from `--strategy` and `--param` flags. */
export interface StrategyFromFlags {
  readonly definition: StrategyDefinition;
  readonly strategy: AnyStrategy;
  /** Every parameter with defaults applied (the schema's output), for headers and result files. */
  readonly params: Readonly<Record<string, unknown>>;
}

function describeRule(definition: StrategyDefinition, key: string): string {
  const parameter = describeParameters(definition).find((candidate) => candidate.name === key);
  if (parameter === undefined) return '';
  const parts = [parameter.type, parameter.bounds, parameter.default === undefined ? null : `default ${JSON.stringify(parameter.default)}`];
  return ` (${key}: ${parts.filter((part) => part !== null).join(', ')})`;
}

/**
 * What `--param KEY=…` is told when the strategy takes no parameter `key`. `listedAs` is what
 * `ensemble strategies` takes to list its parameters: a strategy file's path as typed (its
 * definition's name is no registry name), the name by default.
 */
function unknownParameterMessage(definition: StrategyDefinition, key: string, listedAs: string = definition.name): string {
  const known = describeParameters(definition).map((parameter) => parameter.name);
  const match = closestMatch(key, known);
  return `unknown parameter ${quoteValue(key)}${match === undefined ? ':' : ` — did you mean ${quoteValue(match)}?`} ${definition.name} takes ${known.length === 0 ? 'no parameters' : known.join(', ')} (see \`ensemble strategies ${echoValue(listedAs)}\`)`;
}

/** What `--param KEY=VALUE` is told when the parameter's schema refuses the value: the value, the rule broken, the parameter's type and bounds. */
function refusedValueMessage(definition: StrategyDefinition, key: string, value: string, issue: z.core.$ZodIssue): string {
  const wrongType = issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'invalid_value';
  return `${wrongType ? wrongTypeMessage(key, value, issue) : zodIssueMessage(issue)}${describeRule(definition, key)}`;
}

/** Whether `text` reads as JSON by the project's reader (a key given twice refused). */
function readsAsJson(text: string): boolean {
  try {
    parseJsonText(text, '--param');
    return true;
  } catch {
    return false;
  }
}

/** A `--param` value of the wrong kind, in words: `"2.5" is not a whole number`; a list or an object as the JSON it takes. */
function wrongTypeMessage(key: string, value: string, issue: z.core.$ZodIssue): string {
  const shown = quoteValue(value);
  // The parameter's own type (not a field inside a list or an object it holds).
  if (issue.code === 'invalid_type' && issue.path.length <= 1) {
    const said: Partial<Record<string, string>> = {
      int: `${shown} is not a whole number`,
      number: `${shown} is not a number`,
      boolean: `${shown} is not true or false`,
      array: `${shown} is not a list: give it as JSON, --param '${key}=[0.6,0.4]' (quoted for the shell)`,
      object: `${shown} is not an object: give it as JSON, --param '${key}={"a":1}' (quoted for the shell)`,
    };
    const wanted = issue.expected === 'array' ? 'a list' : 'an object';
    if (/^[[{]/.test(value.trim()) && (issue.expected === 'array' || issue.expected === 'object')) {
      // JSON of the other kind (`{…}` for a list), or JSON that does not read (a bracket or a quote
      // missing, a key given twice).
      if (readsAsJson(value)) return `${shown} is ${value.trim().startsWith('[') ? 'a list' : 'an object'}, not ${wanted}`;
      return `${shown} is not ${wanted}: it does not read as JSON (check its brackets and quotes, and that no key is given twice)`;
    }
    const words = said[issue.expected];
    if (words !== undefined) return words;
  }
  // A field inside the list or object: where, and what it takes.
  if (issue.code === 'invalid_type' && issue.path.length > 1) {
    const expected = issue.expected === 'int' ? 'a whole number' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
    return `${shown} is not accepted: ${key}${issue.path.slice(1).map((part) => (typeof part === 'number' ? `[${String(part)}]` : `.${String(part)}`)).join('')} must be ${expected}`;
  }
  return `${shown} is not accepted: ${issue.message}`;
}

/** A parameter's field schema, as far as checking one value needs it. */
interface FieldSchema {
  safeParse(value: unknown): { readonly error?: { readonly issues: readonly z.core.$ZodIssue[] } | undefined };
}

/**
 * Types `--param` flags as {@link strategyFromFlags} does and checks each parameter on its own:
 * an unknown key, a wrong type or a bound is recorded against its flag with the same message.
 * Rules across parameters (`fast < slow`) are not checked: a sweep's base is completed by the
 * varied parameters, and each combination is checked when the spec is planned. Returns the typed
 * values by key, and the flag that gave each.
 */
export function parameterFlags(problems: FlagProblems, definition: StrategyDefinition, params: readonly string[], listedAs?: string): RawParams & { readonly typed: Record<string, unknown> } {
  const raw = splitParamFlags(problems, params);
  const typed = coerceParameterStrings(definition, raw.values);
  // A definition's schema is a zod object (`strategyDefinitionIssues` checks it): its fields, each checked alone.
  const shape = (definition.schema as unknown as { shape?: Record<string, FieldSchema | undefined> }).shape;
  if (shape === undefined) return { ...raw, typed };
  for (const [key, value] of Object.entries(typed)) {
    const flag = raw.flags[key] ?? flagText('--param', key);
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) {
      problems.add(flag, unknownParameterMessage(definition, key, listedAs));
      continue;
    }
    const [issue] = field.safeParse(value).error?.issues ?? [];
    if (issue !== undefined) problems.add(flag, refusedValueMessage(definition, key, raw.values[key] ?? '', issue));
  }
  return { ...raw, typed };
}

/**
 * Looks up strategy `name` and builds it from `--param` flags, typing each value by the
 * parameter's schema (`coerceParameterStrings`) and validating with it. Every problem — an
 * unknown strategy (with the available names), an unknown key, a wrong type, a bound or a
 * cross-field rule — is recorded against the flag that caused it, e.g.
 * `--param fast=40: fast (40) must be less than slow (30)`. Returns undefined after a problem.
 */
export function strategyFromFlags(problems: FlagProblems, name: string, params: readonly string[], fromFile?: StrategyDefinition): StrategyFromFlags | undefined {
  let definition: StrategyDefinition;
  try {
    definition = fromFile ?? getStrategy(name);
  } catch {
    const names = listStrategies().map((candidate) => candidate.name);
    const match = closestMatch(name, names);
    problems.add(
      flagText('--strategy', name),
      `unknown strategy ${quoteValue(name)}${match === undefined ? '.' : ` — did you mean ${quoteValue(match)}?`} Available: ${listValues(names)}. Run \`ensemble strategies\` to see them with their parameters`,
    );
    return undefined;
  }
  const before = problems.issues.length;
  const raw = splitParamFlags(problems, params);
  if (problems.issues.length > before) return undefined;
  // A file's definition is listed by the path typed: its name is no registry name.
  const parsed = checkParameterFlags(problems, definition, raw, fromFile === undefined ? undefined : name);
  if (parsed === undefined) return undefined;
  return { definition, strategy: definition.create(parsed, definition.name), params: parsed };
}

/**
 * Checks `--param` flags (split by {@link splitParamFlags}) against the strategy's whole parameter
 * schema, as `ensemble backtest` does: every problem — an unknown key, a wrong type, a bound, a rule
 * across parameters (`fast` below `slow`, one broken through a default named so) — recorded against
 * the flag that caused it. Returns every parameter with defaults applied, or undefined after a problem.
 */
export function checkParameterFlags(problems: FlagProblems, definition: StrategyDefinition, raw: RawParams, listedAs?: string): Record<string, unknown> | undefined {
  const typed = coerceParameterStrings(definition, raw.values);
  const parsed = definition.schema.safeParse(typed);
  if (!parsed.success) {
    for (const issue of tightestBoundIssues(parsed.error.issues)) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [String(issue.path[0] ?? '')];
      for (const key of keys) {
        const flag = raw.flags[key];
        if (issue.code === 'unrecognized_keys') {
          problems.add(flag ?? flagText('--param', key), unknownParameterMessage(definition, key, listedAs));
        } else if (flag === undefined) {
          // A cross-field rule broken through a default (`--param slow=5` against the default fast=10).
          const given = Object.values(raw.flags);
          const fallback = describeParameters(definition).find((parameter) => parameter.name === key)?.default;
          const note = fallback === undefined ? `${key} is not set` : `${key} is not set, so it is at its default ${JSON.stringify(fallback)}`;
          problems.add(given.length === 0 ? flagText('--param', key) : given.join(' '), `${zodIssueMessage(issue)} (${note})`);
        } else {
          problems.add(flag, refusedValueMessage(definition, key, raw.values[key] ?? '', issue));
        }
      }
    }
    return undefined;
  }
  return parsed.data as Record<string, unknown>;
}
