import { z } from 'zod';
import type { ReportBenchmark } from './report-input';
import { jsonParts } from './result-json';
import { parseTime } from './time';

/**
 * What the CLI's JSON results (`ensemble run --json`, `ensemble backtest --json`) keep of the
 * report the run made, as their optional `report` field, so that {@link parseResultJson} makes
 * the same report from the file: its title, subtitle and benchmark line. Results written before
 * the field existed read without it (titles from the config, no benchmark line).
 */
export const SavedReportJsonSchema = z
  .object({
    title: z.string(),
    subtitle: z.string().nullable(),
    benchmark: jsonParts.benchmark
      .nullable()
      .describe("The benchmark line the report draws: the benchmark's closes inside the run's time range, before rebasing; null without a benchmark."),
  })
  .describe('The report of the run: title, subtitle and benchmark line.');

/** The `report` field of a CLI JSON result (see {@link SavedReportJsonSchema}); times as ISO strings. */
export type SavedReportJson = z.infer<typeof SavedReportJsonSchema>;

/** The benchmark of a saved report as a report input's (epoch-ms times), or undefined without one. */
export function savedBenchmark(saved: SavedReportJson | undefined): ReportBenchmark | undefined {
  const benchmark = saved?.benchmark ?? null;
  return benchmark === null ? undefined : { name: benchmark.name, time: benchmark.time.map(parseTime), value: benchmark.value };
}
