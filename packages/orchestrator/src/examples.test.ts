import { readFileSync, readdirSync } from 'node:fs';
import { loadDataset } from '@ensemble/data';
import { jsonTextChunks } from '@ensemble/engine';
import { strategyRegistry } from '@ensemble/strategies';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from './config';
import { runSymbols } from './run-data';
import { runOrchestrator } from './orchestrator';
import { orchestratorResultJsonRows, serializeOrchestratorResult } from './result/json';

const directory = new URL('../../../examples/', import.meta.url);
const files = readdirSync(directory).filter((file) => file.endsWith('.json')).sort();

describe('examples/*.json', () => {
  it('has the documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['dow30-inverse-vol.json', 'dow30-shared-vote.json', 'sp500-two-sleeves.json', 'stocks5-60-40.json', 'stocks5-equal-weight.json']),
    );
  });

  it.each(files)('%s validates and runs on the embedded data with its invariants audited', async (file) => {
    const raw: unknown = JSON.parse(readFileSync(new URL(file, directory), 'utf8'));
    const config = parseRunConfig(raw, { source: file, registry: strategyRegistry });
    const { dataset, symbols, from, to } = config.data;
    expect(dataset).toBeDefined();
    const data = await loadDataset(dataset ?? '', { symbols: symbols ?? runSymbols(config), from, to });
    const result = runOrchestrator({ ...config, checkInvariants: true }, data.series, { registry: strategyRegistry, source: file });
    expect(result.bars).toBe(data.timeline.length);
    expect(Number.isFinite(result.finalEquity)).toBe(true);
    expect(result.sleeves.map((sleeve) => sleeve.id)).toEqual(config.strategies.map((entry) => entry.id));
    expect(result.portfolio.fills.length).toBeGreaterThan(0);
    expect(result.isolated).toEqual([]);
    if (config.mode === 'shared') expect(result.conflicts.length).toBeGreaterThan(0);
    const { total } = result.attribution;
    expect(total.residual === null ? 0 : Math.abs(total.residual)).toBeLessThan(config.mode === 'shared' ? Number.POSITIVE_INFINITY : 1e-9);
    const text = JSON.stringify(serializeOrchestratorResult(result));
    expect(JSON.stringify(result)).toBe(text);
    expect([...jsonTextChunks(orchestratorResultJsonRows(result), { chunkSize: 4096 })].join('')).toBe(text);
  });
});
