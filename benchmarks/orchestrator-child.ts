/**
 * The child process of `orchestrator-1000-sleeves-rss` (run with `child-rss.ts` preloaded):
 * `orchestrator-child.ts run BARS SLEEVES` generates the 100 synthetic series, runs the
 * 1,000-sleeve orchestration once and keeps its result until exit; `… setup BARS SLEEVES` does
 * the same up to the run and stops (the baseline: node, the modules and the data).
 */
import { generateSyntheticData } from '@ensemble/data';
import { parseRunConfig, runOrchestrator } from '@ensemble/orchestrator';
import { strategyRegistry } from '@ensemble/strategies';
import { thousandSleeveConfig } from './cases/orchestrator';

const [mode, bars, sleeves] = process.argv.slice(2);
const { series } = generateSyntheticData({ bars: Number(bars), symbols: 100, seed: 11 });
const config = parseRunConfig(thousandSleeveConfig(series, Number(sleeves)), { registry: strategyRegistry });
if (mode === 'run') {
  const result = runOrchestrator(config, series, { registry: strategyRegistry });
  process.stdout.write(`${String(result.finalEquity)}\n`);
}
