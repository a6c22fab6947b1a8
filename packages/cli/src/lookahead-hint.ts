import { echoValue } from '@ensemble/protocol';
import type { StrategyDefinition } from '@ensemble/protocol';
import type { BacktestConfigFlags } from './backtest-config-flags';
import { formatCount } from './format';

/** An annualised Sharpe ratio above this, over a year of bars or more, is one no market gives for long. */
export const IMPLAUSIBLE_SHARPE = 3;

/** A share of winning trades at least this, over {@link IMPLAUSIBLE_TRADES} closed trades or more, is another. */
export const IMPLAUSIBLE_WIN_RATE = 0.95;
export const IMPLAUSIBLE_TRADES = 50;

/** What {@link lookaheadHint} judges a result by. */
export interface HintMetrics {
  readonly sharpe: number | null;
  readonly winRate: number | null;
  readonly tradeCount: number | null;
}

/**
 * A note for a strategy file whose results are too good to be true over at least a year of bars —
 * an annualised Sharpe ratio above {@link IMPLAUSIBLE_SHARPE}, or {@link IMPLAUSIBLE_WIN_RATE} of
 * {@link IMPLAUSIBLE_TRADES} trades or more won, what a rule that reads later bars gives — pointing to `ensemble check`, which replays it on cut histories; null otherwise (and for
 * the built-in strategies, which are checked). `check` is the command to run, as typed.
 */
export function lookaheadHint(metrics: HintMetrics, bars: number, periodsPerYear: number, check: string): string | null {
  const { sharpe, winRate, tradeCount } = metrics;
  if (!(bars >= periodsPerYear)) return null;
  const years = bars / periodsPerYear;
  const span = years >= 2 ? `${formatCount(Math.floor(years))} years` : 'a year';
  let what: string;
  if (sharpe !== null && sharpe > IMPLAUSIBLE_SHARPE) what = `a Sharpe ratio of ${sharpe.toFixed(1)} over ${span}`;
  else if (winRate !== null && tradeCount !== null && winRate >= IMPLAUSIBLE_WIN_RATE && tradeCount >= IMPLAUSIBLE_TRADES) what = `${formatCount(Math.round(winRate * tradeCount))} winning trades of ${formatCount(tradeCount)} over ${span}`;
  else return null;
  return `${what} is more than markets give for long: a rule that reads later bars (a centred average, a shifted column, a look through a history view) does this — \`${echoValue(check, 200)}\` replays it on cut histories and says where`;
}

/** What the data, strategy and parameters of a run were, for the `ensemble check` command that checks it. */
export interface CheckedRun {
  /** `--dataset NAME` or `--data FILE` (once per file), as the run named it: the words of the command line. */
  readonly data: readonly string[];
  /** The strategy file, as typed. */
  readonly strategy: string;
  /** Its definition, whose defaults the parameters are compared with; without it, every parameter is given. */
  readonly definition?: StrategyDefinition | undefined;
  /** The parameters it ran with (defaults applied): those that differ from the defaults are given. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly symbols?: readonly string[] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** How the data file was read, when not as detected: its layout, date format, decimal mark, adjustment and sorting. */
  readonly reading?: DataReading | undefined;
}

/** The options a data file was read with: `backtest`'s flags of that name, a run config's `data` fields. */
export type DataReading = Pick<BacktestConfigFlags, 'format' | 'dateFormat' | 'decimal' | 'adjust' | 'sort'>;

/** The flags that read a data file as `reading` says: none for what is detected by default. */
function readingFlags(reading: DataReading | undefined): string[] {
  if (reading === undefined) return [];
  return [
    ...(reading.format === undefined ? [] : ['--format', reading.format]),
    ...(reading.dateFormat === undefined || reading.dateFormat === 'auto' ? [] : ['--date-format', reading.dateFormat]),
    ...(reading.decimal === undefined || reading.decimal === 'auto' ? [] : ['--decimal', reading.decimal]),
    ...(reading.adjust === true ? ['--adjust'] : []),
    ...(reading.sort === true ? ['--sort'] : []),
  ];
}

/** A word of a shell command, quoted when the shell would split or expand it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./#-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The `ensemble check` command of a run: its data as it was read, its strategy file, the parameters that differ
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
    ...readingFlags(run.reading),
    '--strategy',
    run.strategy,
    ...given.flatMap(([key, value]) => ['--param', `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`]),
    ...(run.symbols === undefined || run.symbols.length === 0 ? [] : ['--symbol', run.symbols.join(',')]),
    ...(run.from === undefined ? [] : ['--from', run.from]),
    ...(run.to === undefined ? [] : ['--to', run.to]),
  ];
  return words.map(shellWord).join(' ');
}
