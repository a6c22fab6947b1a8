import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@ensemble/data';
import { parseRunConfig, runOrchestrator, runSymbols } from '@ensemble/orchestrator';
import type { OrchestratorResult } from '@ensemble/orchestrator';
import type { BarSeries } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** A run config of the repository's `examples/` (on an embedded data set), `change`d, run by the orchestrator, with the series it ran on. */
export async function runExample(file: string, change: (config: Record<string, unknown>) => unknown = (config) => config): Promise<{ result: OrchestratorResult; series: readonly BarSeries[] }> {
  const input = change(JSON.parse(await readFile(`${examples}${file}`, 'utf8')) as Record<string, unknown>);
  const config = parseRunConfig(input, { source: file, registry: strategyRegistry });
  const selection = { symbols: config.data.symbols ?? runSymbols(config), from: config.data.from, to: config.data.to };
  const data = await loadDataset(config.data.dataset ?? '', selection);
  return { result: runOrchestrator(config, data.series, { registry: strategyRegistry }), series: data.series };
}
