import { echoValue } from '@ensemble/protocol';
import type { StrategyDefinition } from '@ensemble/protocol';
import { formatCount } from './format';

/** An annualised Sharpe ratio above this, over a year of bars or more, is one no market gives for long. */
export const IMPLAUSIBLE_SHARPE = 3;

/**
 * A note for a strategy file whose results are too good to be true — an annualised Sharpe ratio
 * above {@link IMPLAUSIBLE_SHARPE} over at least a year of bars, what a rule that reads later bars
 * gives — pointing to `ensemble check`, which replays it on cut histories; null otherwise (and for
 * the built-in strategies, which are checked). `check` is the command to run, as typed.
 */
export function lookaheadHint(sharpe: number | null, bars: number, periodsPerYear: number, check: string): string | null {
  if (sharpe === null || !(sharpe > IMPLAUSIBLE_SHARPE) || !(bars >= periodsPerYear)) return null;
  const years = bars / periodsPerYear;
  return `a Sharpe ratio of ${sharpe.toFixed(1)} over ${years >= 2 ? `${formatCount(Math.floor(years))} years` : 'a year'} is more than markets give for long: a rule that reads later bars (a centred average, a shifted column, a look through a history view) does this — \`${echoValue(check, 200)}\` replays it on cut histories and says where`;
}

/** What the data, strategy and parameters of a run were, for the `ensemble check` command that checks it. */
export interface CheckedRun {
  /** `--dataset NAME` or `--data FILE`, as the run named it. */
  readonly data: readonly [flag: '--data' | '--dataset', value: string];
  /** The strategy file, as typed. */
  readonly strategy: string;
  /** Its definition, whose defaults the parameters are compared with; without it, every parameter is given. */
  readonly definition?: StrategyDefinition | undefined;
  /** The parameters it ran with (defaults applied): those that differ from the defaults are given. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly symbols?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** A word of a shell command, quoted when the shell would split or expand it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./#-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The `ensemble check` command of a run: its data, its strategy file, the parameters that differ
 * from the strategy's defaults (all of them when the schema has no defaults to compare with), its
 * symbols and its range — the command that replays what ran.
 */
export function checkCommand(run: CheckedRun): string {
  const defaults = run.definition?.schema.safeParse({});
  const given = Object.entries(run.params).filter(([key, value]) => defaults?.success !== true || JSON.stringify((defaults.data as Record<string, unknown>)[key]) !== JSON.stringify(value));
  const words = [
    'ensemble',
    'check',
    ...run.data,
    '--strategy',
    run.strategy,
    ...given.flatMap(([key, value]) => ['--param', `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`]),
    ...(run.symbols === undefined || run.symbols.length === 0 ? [] : ['--symbol', run.symbols.join(',')]),
    ...(run.from === undefined ? [] : ['--from', run.from]),
    ...(run.to === undefined ? [] : ['--to', run.to]),
  ];
  return words.map(shellWord).join(' ');
}
