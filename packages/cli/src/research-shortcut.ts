import { isDatasetName, listDatasets } from '@ensemble/data';
import { ConfigError, echoValue, looksLikeStrategyPath } from '@ensemble/protocol';
import type { ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { BASE_COMBINATION_CHECKS, BacktestRunConfigSchema, rangeValues } from '@ensemble/research';
import { coerceParameterStrings, getStrategy } from '@ensemble/strategies';
import { BACKTEST_CONFIG_FLAGS, parseBacktestConfigFlags } from './backtest-config-flags';
import type { BacktestConfigFlags, ParsedBacktestConfigFlags } from './backtest-config-flags';
import { COMMAND_LINE, FlagProblems, checkParameterFlags, flagText, parameterFlags, parseNumber, splitParamFlags } from './flags';
import { DATASET_AMONG_FILES, datasetSuggestion } from './data-source';

/**
 * The flags that build a sweep or walk-forward spec on the command line instead of `--spec`: a
 * base (`--config`, or `--strategy` and `--data` with every flag of `ensemble backtest` that
 * shapes its config, {@link BacktestConfigFlags}) and the research's own.
 */
export interface ResearchShortcutFlags extends BacktestConfigFlags {
  readonly config?: string;
  readonly strategy?: string;
  /** `--data`, each given: one file, or one per symbol (joined on one timeline). */
  readonly data?: readonly string[];
  /** `--dataset NAME`: `--data` with an embedded data set, as `ensemble backtest` takes it. */
  readonly dataset?: string;
  readonly vary?: readonly string[];
  readonly objective?: string;
  readonly minimize?: boolean;
  readonly maximize?: boolean;
  readonly constraint?: readonly string[];
  readonly sample?: string;
  readonly seed?: string;
  readonly pboBlocks?: string;
  readonly train?: string;
  readonly test?: string;
  readonly anchored?: boolean;
}

/** The research's own shortcut flags as typed, by their key in {@link ResearchShortcutFlags}. */
const OWN_FLAGS: Record<Exclude<keyof ResearchShortcutFlags, keyof BacktestConfigFlags>, string> = {
  config: '--config',
  strategy: '--strategy',
  data: '--data',
  dataset: '--dataset',
  vary: '--vary',
  objective: '--objective',
  minimize: '--minimize',
  maximize: '--maximize',
  constraint: '--constraint',
  sample: '--sample',
  seed: '--seed',
  pboBlocks: '--pbo-blocks',
  train: '--train',
  test: '--test',
  anchored: '--anchored',
};

/** Every shortcut flag as typed, by its key in {@link ResearchShortcutFlags}: the research's own, then `ensemble backtest`'s. */
const SHORTCUT_FLAGS: Record<keyof ResearchShortcutFlags, string> = {
  ...OWN_FLAGS,
  ...(Object.fromEntries(BACKTEST_CONFIG_FLAGS.map((flag) => [flag.key, flag.name])) as Record<keyof BacktestConfigFlags, string>),
};

/** Whether a flag was given: a switch when on, a repeatable flag at least once. */
function isGiven(value: unknown): boolean {
  return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}

/** The shortcut flags given, as typed (e.g. `['--config', '--vary']`). */
export function shortcutFlagsGiven(flags: ResearchShortcutFlags): string[] {
  return (Object.keys(SHORTCUT_FLAGS) as (keyof ResearchShortcutFlags)[]).filter((key) => isGiven(flags[key])).map((key) => SHORTCUT_FLAGS[key]);
}

/** A given flag as typed with its values (`--cash 5000`, `--fractional`, `--symbol A --symbol B`), for messages. */
function givenText(key: keyof ResearchShortcutFlags, value: unknown): string {
  const flag = SHORTCUT_FLAGS[key];
  if (typeof value === 'string') return flagText(flag, value);
  if (Array.isArray(value)) return value.map((item) => flagText(flag, String(item))).join(' ');
  return flag;
}

const VARY_FORM = 'write PATH=START:STOP:STEP (a range) or PATH=V1,V2,… (a list), e.g. strategies.trend.params.fast=5:50:5 or allocation.scheme=equal,inverse-volatility';

/** A value of a `--vary` list: `true`/`false`, a number, or the text itself. */
function listItem(text: string): number | string | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  return parseNumber(text) ?? text;
}

/** The config path a `--vary` names: for a backtest base a bare name that is no field of the backtest config is a strategy parameter (`fast` → `params.fast`). */
function fullVaryPath(path: string, backtest: boolean): string {
  return backtest && !path.includes('.') && !(path in BacktestRunConfigSchema.shape) ? `params.${path}` : path;
}

/** Whether a `--vary` of a backtest base varies one of the strategy's parameters (`fast=5,10`, `params.fast=…`). */
function variesParameter(text: string): boolean {
  const path = fullVaryPath(text.slice(0, Math.max(0, text.indexOf('='))).trim(), true);
  return path === 'params' || path.startsWith('params.');
}

/**
 * One `--vary` as a spec parameter: `path=start:stop:step` is a range, `path=a,b,c` a list. For a
 * backtest base (`--strategy`), a bare name that is not a field of the backtest config is one of
 * the strategy's parameters: `fast=5:50:5` is `params.fast`.
 */
function varyParameter(text: string, backtest: boolean, problems: FlagProblems): Record<string, unknown> {
  const at = text.indexOf('=');
  const path = at < 0 ? '' : text.slice(0, at).trim();
  const values = at < 0 ? '' : text.slice(at + 1).trim();
  if (path === '' || values === '') {
    problems.add(flagText('--vary', text), VARY_FORM);
    return { path: text, values: [0] };
  }
  const full = fullVaryPath(path, backtest);
  const range = values.split(':');
  if (range.length === 3) {
    const [start, stop, step] = range.map((part) => parseNumber(part));
    if (start === null || stop === null || step === null || start === undefined || stop === undefined || step === undefined) {
      problems.add(flagText('--vary', text), `a range is three numbers START:STOP:STEP, e.g. ${path}=5:50:5`);
      return { path: full, values: [0] };
    }
    return { path: full, range: { start, stop, step } };
  }
  // Numbers joined by colons but not three (`fast=2:80`): a range missing its step, not a list item.
  if (range.length !== 1 && range.every((part) => parseNumber(part) !== null)) {
    problems.add(flagText('--vary', text), `a range is three numbers START:STOP:STEP; give the step too, e.g. ${path}=${range[0] ?? '5'}:${range[1] ?? '50'}:1`);
    return { path: full, values: [0] };
  }
  return { path: full, values: values.split(',').map((item) => listItem(item.trim())) };
}

/**
 * `--vary` cannot give a parameter a `"name"`: parameters whose paths end alike
 * (`strategies.hold.weight`, `strategies.calm.weight`) are named by as many of their last
 * segments as tell them apart, joined by `_` (`hold_weight`, `calm_weight`), the characters a
 * name cannot hold replaced by `_`; the others keep the default, their path's last segment.
 */
export function nameClashingParameters(parameters: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const segments = parameters.map((parameter) => (typeof parameter.path === 'string' ? parameter.path.split('.') : []));
  const nameOf = (k: number, count: number): string => {
    const name = (segments[k] ?? []).slice(-count).join('_').replace(/[^A-Za-z0-9_]/g, '_');
    return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
  };
  const last = segments.map((_, k) => nameOf(k, 1));
  return parameters.map((parameter, k) => {
    if (last.filter((name) => name === last[k]).length < 2) return parameter;
    const own = segments[k] ?? [];
    for (let count = 2; count <= own.length; count++) {
      const name = nameOf(k, count);
      const clashes = segments.some((other, j) => j !== k && other.length >= count && nameOf(j, count) === name);
      if (!clashes) return { ...parameter, name };
    }
    return parameter;
  });
}

/** A whole number flag (`--sample`, `--seed`, `--pbo-blocks`), or a problem. */
function wholeNumber(problems: FlagProblems, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = parseNumber(text);
  if (value === null || !Number.isInteger(value)) problems.add(flagText(flag, text), 'must be a whole number');
  return value ?? undefined;
}

/** A window length: bars (`250`), calendar days or weeks (`10d`, `2w`) or calendar months or years (`6m`, `3y`). */
function windowLength(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text) : text.trim();
}

/** A spec built from flags, and how to name each of its paths as the flag that gave it. */
export interface ShortcutSpec {
  readonly spec: Record<string, unknown>;
  /** The spec's problems renamed to the flags that gave them (`parameters.0.range.step` → `--vary fast=5:50:0`). */
  rename(error: unknown): unknown;
}

/** The research's own flags that also make a backtest base: refused beside `--config`. */
const BASE_FLAGS = ['strategy', 'data', 'dataset'] as const;

/** A backtest base config built from flags, and the flag that set each of its paths. */
interface BacktestBase {
  readonly config: Record<string, unknown>;
  /** Config paths (`cash`, `data.format`, `params.fast`) → the flag that set them, as typed. */
  readonly origins: ReadonlyMap<string, string>;
}

/** The strategy `--strategy` names, when it is known here: a strategy file the caller loaded, or a built-in. */
function knownDefinition(name: string, fromFile: StrategyDefinition | undefined): StrategyDefinition | undefined {
  if (fromFile !== undefined) return fromFile;
  try {
    return getStrategy(name);
  } catch {
    // An unknown name is the planner's to report, with the names it knows.
    return undefined;
  }
}

/**
 * The backtest config `ensemble backtest` would run with the same flags, as JSON: the flags parsed
 * by the backtest's own parser (so a bad one gets the same message), and only the fields a flag
 * set written (the schema's defaults are the engine's, which the backtest's parser applies too).
 * `--param` values are typed by the strategy's parameter schema as `ensemble backtest` types them,
 * and checked, with the varied ones, in every combination when the spec is planned.
 */
function backtestBase(flags: ResearchShortcutFlags, strategy: string, source: { readonly dataset: string } | { readonly file: string | readonly string[] }, fromFile: StrategyDefinition | undefined, problems: FlagProblems): BacktestBase {
  const definition = knownDefinition(strategy, fromFile);
  const parsed: ParsedBacktestConfigFlags = parseBacktestConfigFlags(problems, flags, { dataset: 'dataset' in source ? source.dataset : undefined, strategy: { name: strategy, kind: definition?.kind } });
  const origins = new Map(parsed.origins);
  // Without a definition (an unknown name, which the planner reports) the values stay text.
  const raw = definition === undefined ? { ...splitParamFlags(problems, flags.param ?? []), typed: undefined } : parameterFlagsOf(problems, definition, flags);
  const params = raw.typed ?? raw.values;
  for (const [key, flag] of Object.entries(raw.flags)) origins.set(`params.${key}`, flag);
  const engine = parsed.engine;
  const engineFields = engine === undefined ? {} : Object.fromEntries(parsed.engineGiven.filter((key) => engine[key] !== null).map((key) => [key, engine[key]]));
  const config: Record<string, unknown> = {
    data: {
      ...source,
      ...(parsed.format === undefined ? {} : { format: parsed.format }),
      ...(parsed.dateFormat === undefined ? {} : { dateFormat: parsed.dateFormat }),
      ...(parsed.decimal === undefined ? {} : { decimal: parsed.decimal }),
      ...(parsed.adjust ? { adjust: true } : {}),
      ...(parsed.sort ? { sort: true } : {}),
      ...(flags.from === undefined ? {} : { from: flags.from }),
      ...(flags.to === undefined ? {} : { to: flags.to }),
    },
    strategy,
    ...(Object.keys(params).length === 0 ? {} : { params }),
    ...(parsed.symbols.length === 0 ? {} : { symbols: parsed.symbols }),
    ...(parsed.benchmark.kind === 'auto' ? {} : { benchmark: parsed.benchmark.kind === 'none' ? null : parsed.benchmark.symbol }),
    ...(parsed.riskFreeRate === undefined ? {} : { riskFreeRate: parsed.riskFreeRate }),
    ...(parsed.periodsPerYear === undefined ? {} : { periodsPerYear: parsed.periodsPerYear }),
    ...engineFields,
  };
  return { config, origins };
}

/**
 * The `--param` values typed by the strategy's parameter schema, and checked. With no parameter
 * varied they are the parameters of every combination: checked as `ensemble backtest` checks them,
 * a rule across them (fast below slow) included, with its messages. With one varied, the varied
 * values complete them: each is checked alone here, and the planner checks the rules in each
 * combination.
 */
function parameterFlagsOf(problems: FlagProblems, definition: StrategyDefinition, flags: ResearchShortcutFlags): ReturnType<typeof parameterFlags> {
  // A strategy file's definition is listed by the path typed: its name is no registry name.
  const listedAs = flags.strategy !== undefined && looksLikeStrategyPath(flags.strategy) ? flags.strategy : undefined;
  if ((flags.vary ?? []).some(variesParameter)) return parameterFlags(problems, definition, flags.param ?? [], listedAs);
  const before = problems.issues.length;
  const raw = splitParamFlags(problems, flags.param ?? []);
  if (problems.issues.length === before) checkParameterFlags(problems, definition, raw, listedAs);
  return { ...raw, typed: coerceParameterStrings(definition, raw.values) };
}

/** The flag that set `path` of a backtest base, or of the field holding it (`commission.rate` → `--commission-rate 0.001`). */
function originOf(origins: ReadonlyMap<string, string>, path: string): string | undefined {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const origin = origins.get(parts.slice(0, n).join('.'));
    if (origin !== undefined) return origin;
  }
  return undefined;
}

/** The cost model each cost flag sets and that model's fields: `--vary` of another field of the same cost cannot go with the flag. */
const COST_MODEL_FLAGS: readonly { readonly key: 'commissionRate' | 'commissionPerUnit' | 'commissionFixed' | 'slippageBps' | 'slippageFixed'; readonly field: string; readonly model: string; readonly fields: readonly string[] }[] = [
  { key: 'commissionRate', field: 'commission', model: 'a commission as a fraction of the traded value', fields: ['kind', 'rate', 'minimum'] },
  { key: 'commissionPerUnit', field: 'commission', model: 'a commission per unit traded', fields: ['kind', 'amount', 'minimum'] },
  { key: 'commissionFixed', field: 'commission', model: 'a fixed commission per order', fields: ['kind', 'amount', 'minimum'] },
  { key: 'slippageBps', field: 'slippage', model: 'a slippage in basis points of the price', fields: ['kind', 'bps'] },
  { key: 'slippageFixed', field: 'slippage', model: 'a fixed slippage per unit', fields: ['kind', 'amount'] },
];

/**
 * Builds the spec `--spec` would name from the shortcut flags of `ensemble sweep` or
 * `walk-forward`: the base (`--config FILE`, a run config; or `--strategy NAME|FILE --data
 * DATASET|FILE` with any flag of `ensemble backtest` that shapes its config, a backtest config),
 * `--vary` (repeatable), `--objective` with `--minimize`/`--maximize`, `--constraint`
 * (repeatable), `--sample` with `--seed`, `--pbo-blocks` (sweep), `--train`/`--test`/`--anchored`
 * (walk-forward). The spec is then validated by the same schema as a file's; a bad flag is a
 * `ConfigError` naming it and what to write (exit 2). `fromFile` is the definition of the
 * strategy file `--strategy` names, when the caller loaded it (it types `--param` values and
 * checks `--sizing` and `--rebalance` against the strategy's kind, as `ensemble backtest` does).
 */
export function shortcutSpec(flags: ResearchShortcutFlags, command: 'sweep' | 'walk-forward', fromFile?: StrategyDefinition, configKind: 'backtest' | 'run' | null = null): ShortcutSpec {
  const problems = new FlagProblems();
  const backtest = flags.config === undefined;
  // A --config that is a backtest config (a sweep's best-config.json of one): a backtest base.
  const backtestBaseGiven = backtest || configKind === 'backtest';
  let config: string | Record<string, unknown> = flags.config ?? {};
  let origins: ReadonlyMap<string, string> = new Map();
  if (flags.config !== undefined) {
    for (const key of [...BASE_FLAGS, ...BACKTEST_CONFIG_FLAGS.map((flag) => flag.key)]) {
      const value = flags[key];
      if (isGiven(value)) problems.add(givenText(key, value), `goes with --strategy and --data (a backtest base), not with --config: put it in the run config instead`);
    }
  } else if ((flags.data ?? []).length > 0 && flags.dataset !== undefined) {
    problems.add(flagText('--dataset', flags.dataset), 'give --data or --dataset, not both');
  } else if (flags.dataset !== undefined && !isDatasetName(flags.dataset)) {
    problems.add(flagText('--dataset', flags.dataset), `is not an embedded data set: ${listDatasets().map((info) => info.name).join(', ')} (\`ensemble data list\`); for a file, give --data FILE${datasetSuggestion(flags.dataset)}`);
  } else if (flags.strategy === undefined || ((flags.data ?? []).length === 0 && flags.dataset === undefined)) {
    problems.add(flags.strategy === undefined ? '--strategy' : '--data', 'the base of the research is missing: give --config run.json, or --strategy NAME|FILE and --data DATASET|FILE (or a whole spec with --spec)');
  } else {
    const files = flags.data ?? [];
    const dataset = flags.dataset ?? (files.length === 1 && isDatasetName(files[0] ?? '') ? files[0] : undefined);
    const among = files.length > 1 ? files.find((file) => isDatasetName(file)) : undefined;
    if (among !== undefined) problems.add(flagText('--data', among), DATASET_AMONG_FILES);
    const base = backtestBase(flags, flags.strategy, dataset === undefined ? { file: files.length === 1 ? (files[0] ?? '') : files } : { dataset }, fromFile, problems);
    config = base.config;
    origins = base.origins;
  }
  const vary = flags.vary ?? [];
  if (vary.length === 0) problems.add('--vary', `at least one is needed: ${VARY_FORM}`);
  const parameters = nameClashingParameters(vary.map((text) => varyParameter(text, backtestBaseGiven, problems)));
  // A varied field that a flag also sets: the flag's value would be replaced in every combination without a word.
  parameters.forEach((parameter, k) => {
    const path = typeof parameter.path === 'string' ? parameter.path : '';
    const key = [...origins.keys()].find((given) => given === path || path.startsWith(`${given}.`) || given.startsWith(`${path}.`));
    if (key !== undefined) problems.add(`${origins.get(key) ?? key} ${flagText('--vary', vary[k] ?? '')}`, `both set ${path}: --vary gives it a value in each combination; leave out the other flag`);
    // The engine's schedule beside the strategy's own, varied: the flag's would replace it in every combination.
    const schedule = origins.get('rebalance');
    if (path === 'params.rebalance' && schedule !== undefined) {
      problems.add(`${schedule} ${flagText('--vary', vary[k] ?? '')}`, '--rebalance replaces the strategy\'s own schedule in every combination: leave it out to vary params.rebalance, or vary rebalance instead');
    }
    // A field of another cost model than the flag's (--commission-fixed beside --vary commission.rate): not a misspelling.
    const [field, name, ...rest] = path.split('.');
    const model = key === undefined && rest.length === 0 ? COST_MODEL_FLAGS.find((entry) => entry.field === field && flags[entry.key] !== undefined) : undefined;
    if (model !== undefined && name !== undefined && !model.fields.includes(name)) {
      const flag = SHORTCUT_FLAGS[model.key];
      problems.add(`${flagText(flag, flags[model.key] ?? '')} ${flagText('--vary', vary[k] ?? '')}`, `${flag} sets ${model.model}, which has no ${name}: leave out one of them`);
    }
  });
  if (flags.minimize === true && flags.maximize === true) problems.add('--minimize', 'give --minimize or --maximize, not both');
  const count = wholeNumber(problems, '--sample', flags.sample);
  const seed = wholeNumber(problems, '--seed', flags.seed);
  if (flags.seed !== undefined && flags.sample === undefined) problems.add(flagText('--seed', flags.seed ?? ''), 'goes with --sample N (the number of combinations to draw)');
  const pboBlocks = wholeNumber(problems, '--pbo-blocks', flags.pboBlocks);
  const spec: Record<string, unknown> = {
    kind: backtestBaseGiven ? 'backtest' : 'run',
    config,
    parameters,
    constraints: [...(flags.constraint ?? [])],
    ...(flags.objective === undefined ? {} : { objective: flags.objective }),
    ...(flags.minimize === true ? { direction: 'min' } : flags.maximize === true ? { direction: 'max' } : {}),
    ...(count === undefined ? {} : { sampling: { random: { count, ...(seed === undefined ? {} : { seed }) } } }),
  };
  if (command === 'sweep') {
    for (const key of ['train', 'test', 'anchored'] as const) if (flags[key] !== undefined && flags[key] !== false) problems.add(SHORTCUT_FLAGS[key], 'is a walk-forward flag: use `ensemble walk-forward`');
    if (pboBlocks !== undefined) spec.pboBlocks = pboBlocks;
  } else {
    if (flags.pboBlocks !== undefined) problems.add('--pbo-blocks', 'is a sweep flag: use `ensemble sweep`');
    if (flags.train === undefined || flags.test === undefined) problems.add(flags.train === undefined ? '--train' : '--test', 'a walk-forward needs both window lengths, in bars or calendar units: e.g. --train 3y --test 1y, or --train 750 --test 250');
    spec.windows = { mode: flags.anchored === true ? 'anchored' : 'rolling', train: windowLength(flags.train ?? ''), test: windowLength(flags.test ?? '') };
  }
  problems.throwIfAny();
  const flagOf = (path: string): string => {
    const [head, second] = path.split('.');
    if (head === 'parameters') return second === undefined ? vary.map((text) => flagText('--vary', text)).join(' ') : flagText('--vary', vary[Number(second)] ?? '');
    if (head === 'objective' || head === 'direction') return flagText('--objective', flags.objective ?? 'sharpe');
    if (head === 'constraints') return second === undefined ? '--constraint' : flagText('--constraint', flags.constraint?.[Number(second)] ?? '');
    if (head === 'sampling') return path.endsWith('.seed') && flags.seed !== undefined ? flagText('--seed', flags.seed) : flagText('--sample', flags.sample ?? '');
    if (head === 'pboBlocks') return flagText('--pbo-blocks', flags.pboBlocks ?? '');
    if (head === 'windows') return second === 'test' ? flagText('--test', flags.test ?? '') : second === 'train' ? flagText('--train', flags.train ?? '') : '--train';
    if (head === 'config' && backtest) {
      const origin = originOf(origins, path.slice('config.'.length));
      if (origin !== undefined) return origin;
      // A rule across parameters broken through another parameter: the --param flags that set the base's.
      if (second === 'params' && (flags.param ?? []).length > 0) return (flags.param ?? []).map((param) => flagText('--param', param)).join(' ');
      if (second !== 'data') return flagText('--strategy', flags.strategy ?? '');
      return flags.dataset === undefined ? (flags.data ?? []).map((file) => flagText('--data', file)).join(' ') : flagText('--dataset', flags.dataset);
    }
    return path;
  };
  // The flags that set the strategy's parameters: the --vary of each varied one, then every --param.
  const parameterFlagsText = [...vary.filter(variesParameter).map((text) => flagText('--vary', text)), ...(flags.param ?? []).map((param) => flagText('--param', param))].join(' ');
  const rangeFlags = [flags.from === undefined ? null : flagText('--from', flags.from), flags.to === undefined ? null : flagText('--to', flags.to)].filter((flag) => flag !== null).join(' ');
  return {
    spec,
    rename: (error) => {
      if (!ConfigError.isInstance(error) || error.source !== COMMAND_LINE) return error;
      const given = backtest ? parameterRuleIssues(error.issues, { flags: parameterFlagsText, strategy: flags.strategy ?? '', parameters }) : error.issues;
      const issues = given.map((issue): ConfigIssue => {
        if (issue.path === parameterFlagsText && parameterFlagsText !== '') return issue;
        // An empty date range, as `ensemble backtest` names it: by the --from and --to given.
        if (backtest && (issue.path === 'config.data.from' || issue.path === 'config.data.to') && issue.message.startsWith('the date range is empty') && rangeFlags !== '') return { path: rangeFlags, message: issue.message };
        const flag = flagOf(issue.path);
        // A field a flag set by itself (`--symbol XYZ`, `--benchmark XYZ`) is that flag's problem, said as `ensemble backtest` says it.
        const own = backtest && issue.path.startsWith('config.') && origins.has(issue.path.slice('config.'.length));
        // The constraints as a whole are the --constraint flags as a whole: nothing to point at.
        return { path: flag, message: flag === issue.path || issue.path === 'constraints' || issue.path === 'parameters' || own ? issue.message : `${issue.message} (at ${issue.path} of the spec)` };
      });
      return new ConfigError(issues, { source: COMMAND_LINE, cause: error });
    },
  };
}

/** A combination the planner names (`combination 1 (fast=50)`), and a problem of the strategy's parameters in it (`params.fast: fast (50) must …`). */
const COMBINATION_PATH = /^combination \d+ \(.*\)$/;
const PARAMETER_PROBLEM = /^params\.[^:\s]*: /;

/** The first combination of the grid (each parameter's first value) as the planner names it: `combination 0 (fast=5 slow=50)`. */
function firstCombination(parameters: readonly Record<string, unknown>[]): { readonly text: string; readonly size: number } {
  let size = 1;
  const parts = parameters.map((parameter) => {
    const path = typeof parameter.path === 'string' ? parameter.path : '';
    const name = typeof parameter.name === 'string' ? parameter.name : (path.split('.').at(-1) ?? path);
    const range = parameter.range as { start: number; stop: number; step: number } | undefined;
    const values = range === undefined ? ((parameter.values as readonly unknown[] | undefined) ?? []) : rangeValues(range, '', []);
    size *= values.length;
    return `${name}=${String(values[0])}`;
  });
  return { text: `combination 0 (${parts.join(' ')})`, size };
}

/**
 * The planner's problems of a rule across the strategy's parameters (`fast` below `slow`) that
 * `--vary` and `--param` values break, named by those flags (`flags`) rather than spec paths: each
 * combination that breaks it with its values (`combination 1 (fast=50): fast (50) must be less
 * than slow (20) …`); when every combination breaks it, that once, with the first combination.
 * Other problems are kept.
 */
function parameterRuleIssues(issues: readonly ConfigIssue[], context: { readonly flags: string; readonly strategy: string; readonly parameters: readonly Record<string, unknown>[] }): ConfigIssue[] {
  if (context.flags === '' || !context.flags.includes('--vary')) return [...issues];
  const change = `change the ${context.flags.includes('--param') ? '--vary or --param' : '--vary'} values`;
  const every = (example: string): ConfigIssue => ({ path: context.flags, message: `every combination breaks a rule of ${echoValue(context.strategy)}'s parameters, so none can run: ${example}; ${change}` });
  // The base itself refused: no combination the planner tried mends it (the first is named).
  const base = issues.find((issue) => issue.path.startsWith('config.params.'));
  if (base !== undefined) {
    const first = firstCombination(context.parameters);
    const rest = issues.filter((issue) => issue !== base);
    if (first.size <= BASE_COMBINATION_CHECKS) return [every(`${first.text}: ${base.message}`), ...rest];
    return [{ path: context.flags, message: `none of ${BASE_COMBINATION_CHECKS.toLocaleString('en-US')} combinations tried across the grid can run: ${first.text}: ${base.message}; ${change}` }, ...rest];
  }
  const combinations = issues.filter((issue) => COMBINATION_PATH.test(issue.path));
  const rules = combinations.filter((issue) => PARAMETER_PROBLEM.test(issue.message));
  if (rules.length === 0) return [...issues];
  const said = (issue: ConfigIssue): string => `${issue.path}: ${issue.message.replace(PARAMETER_PROBLEM, '')}`;
  const noneCanRun = issues.some((issue) => issue.path === 'parameters' && issue.message.includes('none can run'));
  const [first] = rules;
  if (noneCanRun && rules.length === combinations.length && first !== undefined) {
    return [every(said(first)), ...issues.filter((issue) => !COMBINATION_PATH.test(issue.path) && issue.path !== 'parameters')];
  }
  return issues.map((issue) => (rules.includes(issue) ? { path: context.flags, message: said(issue) } : issue));
}
