import { isoTimeFormatter } from '@ensemble/engine';
import type { JsonListMaker, WithJsonRows } from '@ensemble/engine';
import { benchmarkInRange } from '@ensemble/report';
import type { ReportInput, SavedReportJson } from '@ensemble/report';

/**
 * The `report` field of the JSON results `run --json` and `backtest --json` write: the title and
 * subtitle of the report made from `input`, and its benchmark line — the benchmark's closes inside
 * the run's time range, as the equity chart draws them (before rebasing), with ISO times
 * (`YYYY-MM-DD` when every one is a UTC midnight) — or null without a benchmark. `readResultFile`
 * of `@ensemble/report` makes the same report from the file. `list` makes the benchmark's
 * columns: plain arrays (`jsonArrays`), or lazy rows to stream (`jsonRows`).
 */
export function savedReportJson(input: ReportInput, list: JsonListMaker): WithJsonRows<SavedReportJson> {
  const benchmark = input.benchmark === undefined ? undefined : benchmarkInRange(input.portfolio.equity.time, input.benchmark);
  return {
    title: input.title,
    subtitle: input.subtitle ?? null,
    benchmark:
      benchmark === undefined
        ? null
        : { name: benchmark.name, time: list(benchmark.time, isoTimeFormatter(benchmark.time)), value: list(benchmark.value, (close) => close) },
  };
}
