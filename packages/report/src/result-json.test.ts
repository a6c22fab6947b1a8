import { readFileSync } from 'node:fs';
import { ConfigError } from '@ensemble/protocol';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildRandomWalkRun } from './__fixtures__/random-walk-run';
import { buildSmallRun } from './__fixtures__/small-run';
import { runExample } from './__fixtures__/example-run';
import { orchestratorReportInput } from './from-orchestrator';
import { parseResultJson } from './read-result';
import { renderMarkdown } from './markdown';
import type { ReportInput } from './report-input';
import {
  RESULT_SCHEMA_VERSION,
  renderJson,
  resultJsonSchema,
  resultJsonSchemaText,
  toResultJson,
} from './result-json';

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(resultJsonSchema());
}

describe('JSON result format', () => {
  it('validates against its own JSON Schema, for a small and a large run', () => {
    const validate = validator();
    for (const input of [buildSmallRun(), buildRandomWalkRun({ bars: 600 })]) {
      const json = JSON.parse(renderJson(input)) as unknown;
      const valid = validate(json);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('the JSON Schema rejects what breaks the format', () => {
    const validate = validator();
    const json = toResultJson(buildSmallRun());
    expect(validate({ ...json, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...json, extra: true })).toBe(false);
    expect(validate({ ...json, portfolio: { ...json.portfolio, equity: { ...json.portfolio.equity, time: [1706486400000] } } })).toBe(false);
    const { title: _title, ...withoutTitle } = json;
    expect(validate(withoutTitle)).toBe(false);
  });

  it('writes versioned, ISO-dated JSON with null for absent parts', () => {
    const input = buildSmallRun();
    const json = toResultJson(input);
    expect(json.schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    expect(json.timeFormat).toBe('date');
    expect(json.portfolio.equity.time.slice(0, 3)).toEqual(['2024-01-29', '2024-01-30', '2024-01-31']);
    expect(json.portfolio.trades[1]?.entryTime).toBe('2024-01-30');
    expect(json.portfolio.metrics.start).toBe('2024-01-29');
    expect(json.portfolio.metrics.monthlyReturns.map((period) => [period.label, period.start])).toEqual([
      ['2024-01', '2024-01-30'],
      ['2024-02', '2024-02-01'],
    ]);
    expect(json.generatedAt).toBeNull();
    expect(json.sleeves[1]?.error).toBe('threw "boom" on TLT at 2024-02-06');
    expect(json.sleeves[0]?.error).toBeNull();

    const bare: ReportInput = { ...input, benchmark: undefined, attribution: undefined, correlation: undefined, crossing: undefined, diversificationRatio: undefined, subtitle: undefined };
    const empty = toResultJson(bare);
    expect([empty.benchmark, empty.attribution, empty.correlation, empty.crossing, empty.diversificationRatio, empty.subtitle]).toEqual([null, null, null, null, null, null]);
  });

  it('writes full ISO times when a time is not a UTC midnight', () => {
    const input = buildSmallRun();
    const hourly = input.portfolio.equity.time.map((_, i) => Date.UTC(2024, 0, 29, 14, 30) + i * 3_600_000);
    const json = toResultJson({
      ...input,
      portfolio: { ...input.portfolio, equity: { ...input.portfolio.equity, time: hourly } },
      sleeves: [],
      attribution: undefined,
    });
    expect(json.timeFormat).toBe('datetime');
    expect(json.portfolio.equity.time[0]).toBe('2024-01-29T14:30:00.000Z');
    expect(json.portfolio.trades[0]?.entryTime).toBe('2024-01-30T00:00:00.000Z');
  });

  it('round-trips: reading the JSON back and writing it again gives the same bytes', () => {
    for (const input of [buildSmallRun(), { ...buildRandomWalkRun({ bars: 400 }), generatedAt: '2025-01-02T03:04:05.000Z' }]) {
      const text = renderJson(input);
      const again = renderJson(parseResultJson(text));
      expect(again).toBe(text);
      const back = parseResultJson(JSON.parse(text));
      expect(Array.from(back.portfolio.equity.time)).toEqual(Array.from(input.portfolio.equity.time));
      expect(back.portfolio.metrics).toEqual(input.portfolio.metrics);
      expect(back.portfolio.trades).toEqual(input.portfolio.trades);
    }
  });

  it("keeps a sleeve's net transfers, and round-trips them", () => {
    const input = buildSmallRun();
    const sleeves = input.sleeves.map((sleeve, i) => ({ ...sleeve, netTransfers: i === 0 ? -150 : 150 }));
    const text = renderJson({ ...input, sleeves });
    expect(JSON.parse(text)).toMatchObject({ sleeves: [{ id: 'momentum', netTransfers: -150 }, { id: 'carry', netTransfers: 150 }] });
    expect(validator()(JSON.parse(text))).toBe(true);
    expect(parseResultJson(text).sleeves.map((sleeve) => sleeve.netTransfers)).toEqual([-150, 150]);
    expect(renderJson(parseResultJson(text))).toBe(text);
    // Without them (a backtest, shared mode, an older file) the field is left out.
    expect(renderJson(input)).not.toContain('netTransfers');
  });

  it("keeps an orchestrated portfolio's reserve and gross exposure, validates them, and round-trips them", async () => {
    const { result } = await runExample('stocks5-60-40.json');
    const input = orchestratorReportInput(result, { title: '60/40' });
    const text = renderJson(input);
    const reserve = Array.from(result.portfolio.equity.reserve);
    const grossExposure = Array.from(result.portfolio.equity.grossExposure);
    expect(grossExposure.some((value) => value > 0)).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ portfolio: { equity: { reserve, grossExposure } } });
    expect(validator()(JSON.parse(text))).toBe(true);
    const back = parseResultJson(text).portfolio.equity;
    expect([Array.from(back.reserve ?? []), Array.from(back.grossExposure ?? [])]).toEqual([reserve, grossExposure]);
    expect(renderJson(parseResultJson(text))).toBe(text);
    // Without them (the fixture's curve has neither) the fields are left out.
    expect(renderJson(buildSmallRun())).not.toMatch(/reserve|grossExposure/);
  });

  it('keeps the rebalance and sleeves notes, validates them, and round-trips them', async () => {
    const input: ReportInput = {
      ...buildSmallRun(),
      rebalanceNote: 'Shared mode: a rebalance moves no capital.',
      sleevesNote: 'Shared mode: the strategy columns are shadow sleeves.',
    };
    const text = renderJson(input);
    expect(JSON.parse(text)).toMatchObject({ rebalanceNote: 'Shared mode: a rebalance moves no capital.', sleevesNote: 'Shared mode: the strategy columns are shadow sleeves.' });
    expect(validator()(JSON.parse(text))).toBe(true);
    const back = parseResultJson(text);
    expect([back.rebalanceNote, back.sleevesNote]).toEqual([input.rebalanceNote, input.sleevesNote]);
    expect(renderJson(back)).toBe(text);
    // The report made again from the JSON shows them where the first one did.
    const options = { markdownCharts: false } as const;
    expect(await renderMarkdown(back, options)).toBe(await renderMarkdown(input, options));
    expect(await renderMarkdown(back, options)).toContain('Shared mode: the strategy columns are shadow sleeves.');
    // Not strings: refused by path, by the reader and by the JSON Schema.
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(() => parseResultJson({ ...json, rebalanceNote: 3 }, 'report.json')).toThrow(/report\.json[\s\S]*rebalanceNote/);
    expect(() => parseResultJson({ ...json, sleevesNote: null }, 'report.json')).toThrow(/report\.json[\s\S]*sleevesNote/);
    expect(validator()({ ...json, sleevesNote: ['a'] })).toBe(false);
    // Without them (a backtest, a sleeves run that fills at the close, an older file) they are left out.
    const plain = renderJson(buildSmallRun());
    expect(plain).not.toContain('rebalanceNote');
    expect(plain).not.toContain('sleevesNote');
    expect(parseResultJson(plain).rebalanceNote).toBeUndefined();
  });

  it('is deterministic', () => {
    expect(renderJson(buildRandomWalkRun({ bars: 300 }))).toBe(renderJson(buildRandomWalkRun({ bars: 300 })));
  });

  it('reading rejects bad JSON and other schema versions with a ConfigError naming the path', () => {
    expect(() => parseResultJson('{not json', 'run.json')).toThrow(/run\.json[\s\S]*not valid JSON/);
    const json = toResultJson(buildSmallRun());
    try {
      parseResultJson({ ...json, schemaVersion: 2 }, 'old.json');
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toContain('schemaVersion');
      expect((error as ConfigError).message).toContain('old.json');
    }
    expect(() => parseResultJson({ ...json, rebalances: [{ ...json.rebalances[0], time: '2024-02-30T' }] })).toThrow(/rebalances\.0\.time/);
  });

  it('schema/result.schema.json is up to date (run `pnpm --filter @ensemble/report schema` to refresh it)', () => {
    const onDisk = readFileSync(new URL('../schema/result.schema.json', import.meta.url), 'utf8');
    expect(onDisk).toBe(resultJsonSchemaText());
  });
});
