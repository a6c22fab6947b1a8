import { readFile, stat } from 'node:fs/promises';
import { ConfigError, EnsembleError, FileTooLargeError, decodeJsonBytes, MAX_JSON_FILE_BYTES, MAX_LINE_LENGTH, checkArguments, echoValue, listValues, nullAsAbsent, optionsIssue, parseJsonText, quoteValue, stringIssue, toConfigIssues } from '@ensemble/protocol';
import { z } from 'zod';
import { backtestReportInput } from './from-backtest';
import type { BacktestReportSource } from './from-backtest';
import { orchestratorReportInput } from './from-orchestrator';
import type { OrchestratorReportSource } from './from-orchestrator';
import { inputParts, parseReportInput } from './report-input';
import type { NumberColumn, ReportInput } from './report-input';
import { derivedFigureIssues } from './derived-checks';
import { cashIssues, recordIssues } from './result-checks';
import type { SavedRecords } from './result-checks';
import { isoTime, jsonParts, mapFill, mapRecords, mapTrade, reportInputFromResultJson } from './result-json';
import { SavedReportJsonSchema, savedBenchmark } from './saved-report';
import { parseTime } from './time';

/** The JSON forms {@link parseResultJson} reads, told apart by their shape. */
export type ResultJsonKind = 'report' | 'orchestrator' | 'backtest' | 'engine';

/** Options of {@link parseResultJson} and {@link readResultFile}: what to show above a report of an orchestrator or backtest result. */
export interface ReadResultOptions {
  /** Default: the title the CLI's report had (its JSON's `report`), else the run config's `name`, or `Backtest: <strategy> on <symbols>`. */
  readonly title?: string | undefined;
  /** Default: the subtitle the CLI's report had, else the data and (for a run) the mode and allocation scheme. */
  readonly subtitle?: string | undefined;
  readonly generatedAt?: string | undefined;
}

const point = z.object({ time: isoTime, equity: z.number(), cash: z.number(), grossExposure: z.number().optional(), reserve: z.number().optional() });
const bySleeve = z.record(z.string(), z.number().nullable());
const weights = z.record(z.string(), z.number().nullable());
// A backtest of a data file writes `dataset: null` beside its `source`.
// A run config's `data.file` is one path or a list of them (one file per symbol).
const dataSection = z.looseObject({ dataset: z.string().nullish(), file: z.union([z.string(), z.array(z.string())]).nullish(), source: z.string().nullish() }).optional();

/** What a report reads of the orchestrator's JSON result (`version: 1`, `kind: "orchestrator"`); other fields are ignored. */
const OrchestratorJsonSchema = z.object({
  version: z.literal(1),
  kind: z.literal('orchestrator'),
  config: z.looseObject({
    name: z.string().optional(),
    data: dataSection,
    rebalance: z.looseObject({ schedule: z.union([z.string(), z.object({ everyBars: z.number() })]) }),
    fill: z.string().optional(),
    mode: z.string().optional(),
    conflictPolicy: z.string().optional(),
  }),
  mode: z.string(),
  allocationScheme: z.string(),
  periodsPerYear: z.number(),
  portfolio: z.object({ equity: z.array(point), metrics: jsonParts.metrics, trades: z.array(jsonParts.trade), fills: z.array(jsonParts.fill) }),
  sleeves: z.array(
    z.object({
      id: z.string(),
      strategy: z.string(),
      symbols: z.array(z.string()),
      equity: z.array(point.extend({ weight: z.number().nullable() })),
      metrics: jsonParts.metrics,
      trades: z.array(jsonParts.trade),
      fills: z.array(jsonParts.fill),
      error: z.string().nullable(),
      /** Absent from files written before it was recorded. */
      netTransfers: z.number().optional(),
    }),
  ),
  attribution: z.object({ total: z.object({ bySleeve }), monthly: z.array(z.object({ label: z.string(), bySleeve, portfolioReturn: z.number().nullable() })) }),
  correlation: z.object({ ids: z.array(z.string()), matrix: z.array(z.array(z.number().nullable())) }),
  diversificationRatio: z.number().nullable(),
  rebalances: z.array(z.object({ time: isoTime, reason: z.string(), reasons: z.array(z.string()), warmup: z.boolean(), weightsBefore: weights, weightsAfter: weights, unestimated: z.record(z.string(), z.string()).optional(), onPaper: z.array(z.string()).optional(), convergence: z.object({ converged: z.boolean() }).nullable().optional(), deferred: z.array(z.string()).optional(), belowCosts: z.array(z.string()).optional() })),
  conflicts: z.array(
    z.object({
      time: isoTime,
      symbol: z.string(),
      policy: z.string(),
      inputs: z.array(z.object({ strategyId: z.string(), direction: z.string(), strength: z.number() })),
      outcome: z.object({ direction: z.string(), target: z.number(), winner: z.string().nullable() }),
    }),
  ),
  risk: z.array(z.object({ time: isoTime, kind: z.string(), detail: z.string() })),
  crossing: z.object({ enabled: z.boolean(), savedTurnover: z.number(), savedCommission: z.number(), savedSlippage: z.number().optional() }),
  /** Absent from files written before it was read. */
  halted: z.object({ time: isoTime, reason: z.string() }).nullable().optional(),
  /** Added by `ensemble run --json`; absent from `serializeOrchestratorResult` and older files. */
  report: SavedReportJsonSchema.optional(),
});

/** The engine's JSON result (`serializeBacktestResult`, `version: 1`): what a report reads of it. */
const EngineJsonSchema = z.object({
  version: z.literal(1),
  strategy: z.looseObject({ id: z.string() }),
  symbols: z.array(z.string()),
  options: z.unknown(),
  equity: z.array(point),
  trades: z.array(jsonParts.trade),
  fills: z.array(jsonParts.fill),
});

/** `ensemble backtest --json` (`schemaVersion: 1`, `kind: "backtest"`): the engine's form plus the config and metrics (epoch-ms times). */
const BacktestJsonSchema = EngineJsonSchema.omit({ version: true }).extend({
  schemaVersion: z.literal(1),
  kind: z.literal('backtest'),
  config: z.looseObject({ strategy: z.looseObject({ name: z.string() }), data: dataSection }),
  metrics: inputParts.metrics,
  /** Absent from files written before it was added. */
  report: SavedReportJsonSchema.optional(),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Which JSON form `data` is, by its shape: `kind: "orchestrator"` or `"backtest"`, the report's
 * own form (`schemaVersion` and `title`, no `kind`), or the engine's (`version`, `strategy` and
 * `equity`, no `kind`); null for anything else.
 */
export function resultJsonKind(data: unknown): ResultJsonKind | null {
  if (!isRecord(data)) return null;
  if (data.kind === 'orchestrator') return 'orchestrator';
  if (data.kind === 'backtest') return 'backtest';
  if (data.kind !== undefined) return null;
  if ('schemaVersion' in data && 'title' in data) return 'report';
  if ('version' in data && 'strategy' in data && 'equity' in data) return 'engine';
  return null;
}

function parsed<T extends z.ZodType>(schema: T, data: unknown, source: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw new ConfigError(toConfigIssues(result.error), { source });
  return result.data;
}

/** The field holding each form's format version; every form this release reads is version 1. */
const VERSION_FIELD: Readonly<Record<ResultJsonKind, 'version' | 'schemaVersion'>> = { report: 'schemaVersion', orchestrator: 'version', backtest: 'schemaVersion', engine: 'version' };

/**
 * Refuses a result whose format version is a number other than 1, saying whether a newer release
 * wrote it; its other fields are not listed (a newer form differs in ways a list would only blur).
 * A missing or non-numeric version is left to the form's schema.
 */
function checkVersion(data: Record<string, unknown>, kind: ResultJsonKind, source: string): void {
  const field = VERSION_FIELD[kind];
  const version = data[field];
  if (typeof version !== 'number' || version === 1) return;
  const message =
    Number.isInteger(version) && version > 1
      ? `is ${String(version)}: the file was written by a newer release of Ensemble than this one, which reads version 1 only; make its report with that release, or upgrade`
      : `is ${String(version)}, not a version of this format (this release reads version 1); write the file again with this release`;
  throw new ConfigError([{ path: field, message }], { source });
}

/** The saved metrics of one equity curve: the number of bars and the end equity they were computed from. */
interface SavedCurve {
  /** Path of the metrics object in the file, e.g. `portfolio.metrics.metrics`. */
  readonly metricsPath: string;
  /** Path of the curve in the file, e.g. `portfolio.equity`. */
  readonly curvePath: string;
  readonly metrics: { readonly bars: number | null; readonly endEquity: number | null };
  readonly equity: readonly { readonly equity: number; readonly cash: number; readonly grossExposure?: number | undefined }[];
  /** Whether `endEquity` is the curve's last value (a sleeve's is that of its time-weighted index). */
  readonly endsCurve: boolean;
}

/**
 * The first point of a curve whose equity its cash and gross exposure cannot make (null when
 * there is none): equity − cash is the positions' signed value, at most their gross exposure in
 * size (to 1e-9 of the amounts, for rounding). An equity point edited alone — a curve that dives
 * to −5 on a bar the run held only cash — was drawn in the charts beside metrics that never saw it.
 */
function exposureIssue(curvePath: string, points: SavedCurve['equity'], advice: string): { path: string; message: string } | null {
  for (const [i, { equity, cash, grossExposure }] of points.entries()) {
    if (grossExposure === undefined) continue;
    const tolerance = 1e-9 * Math.max(1, Math.abs(equity), Math.abs(cash), Math.abs(grossExposure));
    if (Math.abs(equity - cash) <= Math.abs(grossExposure) + tolerance) continue;
    return {
      path: `${curvePath}.${String(i)}.equity`,
      message: `is ${String(equity)}, but its cash ${String(cash)} and gross exposure ${String(grossExposure)} allow an equity from ${String(cash - grossExposure)} to ${String(cash + grossExposure)}: ${advice}`,
    };
  }
  return null;
}

/**
 * Refuses a saved result one of whose equity points its cash and gross exposure cannot make
 * ({@link exposureIssue}). Checked after the metrics, the records and the cash, whose problems
 * name the edited field more closely (an edited cash breaks this too).
 */
function checkEquityAgainstCash(curves: readonly Pick<SavedCurve, 'curvePath' | 'equity'>[], source: string, remake: string): void {
  const advice = `the file was cut short or edited; write it again with \`${remake}\``;
  const issues = curves.map(({ curvePath, equity }) => exposureIssue(curvePath, equity, advice)).filter((issue) => issue !== null);
  if (issues.length > 0) throw new ConfigError(issues, { source });
}

/**
 * Refuses a saved result whose metrics do not describe its equity curve: the file was cut short
 * (and its JSON closed again) or edited. A report of it would show the metrics of one run beside
 * the curve and dates of another, with no word.
 */
function checkMetricsMatchCurves(curves: readonly SavedCurve[], source: string, remake: string): void {
  const issues: { path: string; message: string }[] = [];
  const advice = `the file was cut short or edited; write it again with \`${remake}\``;
  for (const { metricsPath, curvePath, metrics, equity, endsCurve } of curves) {
    if (metrics.bars !== null && metrics.bars !== equity.length) {
      issues.push({ path: `${metricsPath}.bars`, message: `is ${String(metrics.bars)}, but ${curvePath} has ${String(equity.length)} point${equity.length === 1 ? '' : 's'}: ${advice}` });
      continue;
    }
    const last = equity.at(-1)?.equity;
    if (!endsCurve || metrics.endEquity === null || last === undefined) continue;
    if (Math.abs(metrics.endEquity - last) > 1e-9 * Math.max(1, Math.abs(last))) {
      issues.push({ path: `${metricsPath}.endEquity`, message: `is ${String(metrics.endEquity)}, but the last point of ${curvePath} is ${String(last)}: ${advice}` });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { source });
}

/**
 * Refuses a saved result whose trades, fills or cash are not what the run could have written
 * ({@link recordIssues}, {@link cashIssues}): a report would show them as if real. `time` is the
 * portfolio's curve; the cash checks run once the records are sound.
 */
function checkRecords(records: readonly SavedRecords[], time: NumberColumn, cash: Parameters<typeof cashIssues>[0][], source: string): void {
  const first = time[0];
  const last = time.at(-1);
  if (first === undefined || last === undefined) return;
  const issues = recordIssues(records, first, last);
  if (issues.length === 0) issues.push(...cash.flatMap((curve) => cashIssues(curve)));
  if (issues.length > 0) throw new ConfigError(issues, { source });
}

/**
 * Columns of a JSON curve, times as epoch ms; the gross exposure too when every point has it (the
 * exposure metrics need it), and the reserve (the portfolio's cash no sleeve holds) likewise.
 */
function columns(points: readonly z.infer<typeof point>[]): { time: number[]; equity: number[]; cash: number[]; grossExposure?: number[]; reserve?: number[] } {
  const curve = { time: points.map((entry) => parseTime(entry.time)), equity: points.map((entry) => entry.equity), cash: points.map((entry) => entry.cash) };
  const exposure = points.map((entry) => entry.grossExposure);
  const reserve = points.map((entry) => entry.reserve);
  return {
    ...curve,
    ...(exposure.every((value) => value !== undefined) ? { grossExposure: exposure } : {}),
    ...(reserve.every((value) => value !== undefined) ? { reserve } : {}),
  };
}

/** The `config` of a JSON result as written (key order kept for the report's configuration section). */
function configAsWritten(data: unknown): unknown {
  return isRecord(data) ? data.config : undefined;
}

/** The data's name: its data set, its file, its files (the first three, then how many more) or its source. */
function dataName(data: z.infer<typeof dataSection>): string | undefined {
  const file = data?.file;
  const files = Array.isArray(file) ? listValues(file, { maxItems: 3, maxLength: MAX_LINE_LENGTH }) : file;
  return data?.dataset ?? files ?? data?.source ?? undefined;
}

function orchestratorInput(data: unknown, source: string, options: ReadResultOptions): ReportInput {
  const json = parsed(OrchestratorJsonSchema, data, source);
  const curves: SavedCurve[] = [
    { metricsPath: 'portfolio.metrics.metrics', curvePath: 'portfolio.equity', metrics: json.portfolio.metrics.metrics, equity: json.portfolio.equity, endsCurve: true },
    ...json.sleeves.map((sleeve, i) => ({ metricsPath: `sleeves.${String(i)}.metrics.metrics`, curvePath: `sleeves.${String(i)}.equity`, metrics: sleeve.metrics.metrics, equity: sleeve.equity, endsCurve: false })),
  ];
  checkMetricsMatchCurves(curves, source, 'ensemble run --json');
  const run: OrchestratorReportSource = {
    config: json.config,
    periodsPerYear: json.periodsPerYear,
    portfolio: { equity: columns(json.portfolio.equity), ...mapRecords(json.portfolio, parseTime) },
    sleeves: json.sleeves.map((sleeve) => ({
      ...sleeve,
      equity: columns(sleeve.equity),
      weight: sleeve.equity.map((entry) => entry.weight),
      ...mapRecords(sleeve, parseTime),
    })),
    attribution: json.attribution,
    correlation: json.correlation,
    diversificationRatio: json.diversificationRatio,
    rebalances: json.rebalances.map((event) => ({ ...event, time: parseTime(event.time) })),
    conflicts: json.conflicts.map((event) => ({ ...event, time: parseTime(event.time) })),
    risk: json.risk.map((event) => ({ ...event, time: parseTime(event.time) })),
    crossing: json.crossing,
    halted: json.halted === undefined || json.halted === null ? null : { ...json.halted, time: parseTime(json.halted.time) },
  };
  const time = run.portfolio.equity.time;
  const records: SavedRecords[] = [
    { path: 'portfolio', ...run.portfolio, symbols: new Set(json.sleeves.flatMap((sleeve) => sleeve.symbols)) },
    ...run.sleeves.map((sleeve, i) => ({ path: `sleeves.${String(i)}`, trades: sleeve.trades, fills: sleeve.fills, symbols: new Set(sleeve.symbols) })),
  ];
  checkRecords(records, time, [{ path: 'portfolio.equity', time, cash: run.portfolio.equity.cash, fills: run.portfolio.fills }], source);
  checkEquityAgainstCash(curves, source, 'ensemble run --json');
  const saved = json.report;
  const described = [dataName(json.config.data), `${json.mode} mode`, `${json.allocationScheme} allocation`].filter((part) => part !== undefined);
  const input = orchestratorReportInput(run, {
    title: options.title ?? saved?.title ?? json.config.name ?? 'Orchestrator run',
    config: configAsWritten(data),
    subtitle: options.subtitle ?? (saved === undefined ? described.join(' · ') : (saved.subtitle ?? undefined)),
    generatedAt: options.generatedAt,
  });
  return withBenchmark(input, savedBenchmark(saved));
}

/** `input` with the benchmark line its result JSON kept, if any. */
function withBenchmark(input: ReportInput, benchmark: ReportInput['benchmark']): ReportInput {
  return benchmark === undefined ? input : { ...input, benchmark };
}

function backtestInput(data: unknown, kind: 'backtest' | 'engine', source: string, options: ReadResultOptions): ReportInput {
  const json = kind === 'backtest' ? parsed(BacktestJsonSchema, data, source) : parsed(EngineJsonSchema, data, source);
  const run: BacktestReportSource = {
    strategy: json.strategy,
    symbols: json.symbols,
    options: json.options,
    equity: columns(json.equity),
    trades: json.trades.map((trade) => mapTrade(trade, parseTime)),
    fills: json.fills.map((fill) => mapFill(fill, parseTime)),
  };
  const cli = 'kind' in json ? json : undefined;
  if (cli !== undefined) {
    checkMetricsMatchCurves([{ metricsPath: 'metrics.metrics', curvePath: 'equity', metrics: cli.metrics.metrics, equity: json.equity, endsCurve: true }], source, 'ensemble backtest --json');
  }
  checkRecords([{ path: '', trades: run.trades, fills: run.fills, symbols: new Set(json.symbols) }], run.equity.time, [{ path: 'equity', time: run.equity.time, cash: run.equity.cash, fills: run.fills }], source);
  checkEquityAgainstCash([{ curvePath: 'equity', equity: json.equity }], source, cli === undefined ? 'serializeBacktestResult' : 'ensemble backtest --json');
  const saved = cli?.report;
  const subtitle = options.subtitle ?? (saved === undefined ? dataName(cli?.config.data) : (saved.subtitle ?? undefined));
  const input = backtestReportInput(run, {
    title: options.title ?? saved?.title ?? (cli === undefined ? undefined : `Backtest: ${cli.config.strategy.name} on ${json.symbols.join(', ')}`),
    subtitle,
    generatedAt: options.generatedAt,
    ...(cli === undefined ? {} : { config: configAsWritten(data), metrics: cli.metrics }),
  });
  return withBenchmark(input, savedBenchmark(saved));
}

/**
 * Reads any Ensemble result JSON (text or parsed value) into a {@link ReportInput}, so that every
 * report format can be made from it: the report's own JSON result (`toResultJson`; read back
 * byte-exact), the orchestrator's (`serializeOrchestratorResult`, `ensemble run --json`), a
 * backtest's (`ensemble backtest --json`) or the engine's (`serializeBacktestResult`; metrics
 * computed). The form is told by its shape ({@link resultJsonKind}); anything else, invalid
 * JSON, or a form with missing or mistyped fields throws the protocol's `ConfigError` naming
 * `source` and listing every problem by path, including a version this release cannot read.
 * The CLI's JSON results keep their report's title, subtitle and benchmark line (`report`), so
 * the report made from one is the one the command made; without that field (older files,
 * `serializeOrchestratorResult`, the engine's JSON) the titles come from the config and there is
 * no benchmark line (the metrics still compare with the benchmark).
 */
export function parseResultJson(value: unknown, source = 'result JSON', options: ReadResultOptions = {}): ReportInput {
  let kind: ResultJsonKind | null = null;
  try {
    // Text is read as configs are: a syntax error by line and column, and a key given twice (which
    // JSON.parse resolves to the last: `"kind"` twice read a backtest as a run) refused.
    const data = typeof value === 'string' ? parseJsonText(value, source) : value;
    kind = resultJsonKind(data);
    return resultInput(data, kind, source, options);
  } catch (error) {
    // A result is no configuration: its problems are headed as a result's, with the command that writes it again.
    if (!ConfigError.isInstance(error) || error.subject !== 'configuration') throw error;
    throw new ConfigError(error.issues, { source: error.source ?? source, subject: 'result', ...(kind === null ? {} : { hint: `write it again with ${REMAKE[kind]}` }), cause: error.cause });
  }
}

/** What writes each form again, for the heading of its problems. */
const REMAKE: Readonly<Record<ResultJsonKind, string>> = {
  report: "the report package (`renderJson`, `writeReport`'s json)",
  orchestrator: '`ensemble run --json`',
  backtest: '`ensemble backtest --json`',
  engine: "the engine's `serializeBacktestResult`",
};

/**
 * `input` once its derived figures agree with its curves ({@link derivedFigureIssues}); a
 * `ConfigError` naming each that does not otherwise.
 */
function derivedChecked(input: ReportInput, kind: ResultJsonKind, source: string): ReportInput {
  const issues = derivedFigureIssues(input, REMAKE[kind], {
    metrics: kind === 'backtest' ? 'metrics' : 'portfolio.metrics',
    attribution: kind === 'report' ? 'attribution.periods' : 'attribution.monthly',
  });
  if (issues.length > 0) throw new ConfigError(issues, { source });
  return input;
}

function resultInput(data: unknown, kind: ResultJsonKind | null, source: string, options: ReadResultOptions): ReportInput {
  if (kind !== null && isRecord(data)) checkVersion(data, kind, source);
  switch (kind) {
    case 'report': {
      const input = derivedChecked(reportInputFromResultJson(data, source), kind, source);
      return options.title === undefined && options.subtitle === undefined && options.generatedAt === undefined
        ? input
        : parseReportInput({ ...input, ...dropUndefined(options) }, source);
    }
    case 'orchestrator':
      return derivedChecked(parseReportInput(orchestratorInput(data, source, options), source), kind, source);
    case 'backtest':
      return derivedChecked(parseReportInput(backtestInput(data, kind, source, options), source), kind, source);
    case 'engine':
      // Its metrics are computed here, from its curve.
      return parseReportInput(backtestInput(data, kind, source, options), source);
    case null: {
      const found = isRecord(data) && typeof data.kind === 'string' ? `"kind" is ${quoteValue(data.kind)}` : isRecord(data) ? 'an object of another shape' : `a JSON ${Array.isArray(data) ? 'array' : data === null ? 'null' : typeof data}`;
      throw new ConfigError(
        [
          {
            path: '',
            message: `not an Ensemble result (${found}): expected the report's JSON result ("schemaVersion" and "title"), an orchestrator result ("kind": "orchestrator", from \`ensemble run --json\`), a backtest result ("kind": "backtest", from \`ensemble backtest --json\`) or the engine's ("version", "strategy" and "equity")`,
          },
        ],
        { source },
      );
    }
  }
}

function dropUndefined(options: ReadResultOptions): Partial<Pick<ReportInput, 'title' | 'subtitle' | 'generatedAt'>> {
  return Object.fromEntries(Object.entries(options).filter(([, entry]) => entry !== undefined));
}

/**
 * Reads a result JSON file (any form {@link parseResultJson} reads) into a {@link ReportInput}.
 * A file that cannot be read is an `EnsembleError` with code `IO_FAILED` naming the path.
 */
export async function readResultFile(path: string, options: ReadResultOptions = {}): Promise<ReportInput> {
  // From JavaScript the arguments can be anything: a path of another kind failed as an unreadable file named "".
  checkArguments('readResultFile', [stringIssue(path, 'path', 'the path of a result JSON file (a string)'), optionsIssue(options)]);
  // A device (/dev/zero) has no end: it was read to V8's longest string and failed as "Invalid string length".
  const info = await stat(path).catch(() => null);
  if (info !== null && (info.isCharacterDevice() || info.isBlockDevice())) {
    throw new EnsembleError('IO_FAILED', `Cannot read the result file ${quoteValue(path, MAX_LINE_LENGTH)}: it is a device, not a file; give the path of a result JSON file.`);
  }
  // Over V8's longest string it failed as "Invalid string length", after reading all of it.
  if (info !== null && info.size > MAX_JSON_FILE_BYTES) {
    throw new FileTooLargeError({
      what: 'result file',
      file: path,
      size: info.size,
      advice: 'Write the report from the run itself, which does not read its JSON back: `ensemble backtest` or `ensemble run` with --html or --md, or in code `backtestReportInput` or `orchestratorReportInput` of the result object; or run over fewer bars (a shorter period, daily instead of intraday bars).',
    });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new EnsembleError('IO_FAILED', `Cannot read the result file ${quoteValue(path, MAX_LINE_LENGTH)}: ${echoValue(error instanceof Error ? error.message : String(error), MAX_LINE_LENGTH)}.`, { cause: error });
  }
  return parseResultJson(decodeJsonBytes(bytes, path), path, nullAsAbsent(options, {}));
}
