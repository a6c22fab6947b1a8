import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-schema-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

interface JsonSchema {
  $schema?: string;
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema & { items?: JsonSchema; default?: unknown; const?: unknown }>;
  oneOf?: JsonSchema[];
  required?: string[];
  additionalProperties?: unknown;
}

describe('ensemble schema', () => {
  it('prints the run config JSON Schema, pretty-printed, with every field described', async () => {
    const { code, out, err } = await run(['schema']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).toMatch(/^\{\n {2}"\$schema": /);
    const schema = JSON.parse(out) as JsonSchema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    // One strict object per capital mode: a field of one mode is an error in the other.
    const branches = schema.oneOf ?? [];
    expect(branches.map((branch) => branch.properties?.mode?.const)).toEqual(['sleeves', 'shared']);
    for (const branch of branches) {
      expect(branch.type).toBe('object');
      expect(branch.additionalProperties).toBe(false);
      expect(branch.required).toEqual(expect.arrayContaining(['data', 'strategies']));
      const properties = branch.properties ?? {};
      expect(Object.keys(properties)).toEqual(expect.arrayContaining(['data', 'cash', 'mode', 'allocation', 'rebalance', 'errorPolicy', 'risk', 'strategies']));
      expect(properties.strategies?.type).toBe('array');
      expect(properties.cash?.default).toBe(100_000);
      for (const [name, property] of Object.entries(properties)) expect(property.description, name).toMatch(/\w/);
    }
    expect(Object.keys(branches[0]?.properties ?? {})).toContain('crossing');
    expect(Object.keys(branches[1]?.properties ?? {})).toContain('conflictPolicy');
    expect(branches[0]?.properties).not.toHaveProperty('conflictPolicy');
  });

  it('--out writes the same text to a file, atomically', async () => {
    const printed = (await run(['schema'])).out;
    const { code, out } = await run(['schema', '--out', 'run-config.schema.json']);
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote run-config\.schema\.json \([\d,]+ bytes\)\n$/);
    expect(readFileSync(path.join(scratch, 'run-config.schema.json'), 'utf8')).toBe(printed);
    expect(readdirSync(scratch)).toEqual(['run-config.schema.json']);
  });

  it('backtest: the schema of a one-strategy config, which a sweep\'s best-config.json follows', async () => {
    const { code, out } = await run(['schema', 'backtest']);
    expect(code).toBe(0);
    const schema = JSON.parse(out) as JsonSchema;
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['data', 'strategy']));
    const properties = schema.properties ?? {};
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['data', 'strategy', 'module', 'params', 'symbols', 'benchmark', 'cash', 'sizing', 'rebalance']));
    for (const [name, property] of Object.entries(properties)) expect(property.description, name).toMatch(/\w/);
  });

  it('says in JSON Schema what the parsers refuse across fields: one data source, format, dateFormat and decimal with a file (the date formats and decimal marks listed), dates as epoch ms, range steps, even PBO blocks, window lengths', async () => {
    const run0 = JSON.parse((await run(['schema'])).out) as { oneOf: { properties: Record<string, Record<string, unknown>> }[] };
    const data = run0.oneOf[0]?.properties.data ?? {};
    expect(data.oneOf).toEqual([{ required: ['dataset'] }, { required: ['file'] }]);
    expect(data.dependentRequired).toEqual({ format: ['file'], dateFormat: ['file'], decimal: ['file'] });
    expect((data.properties as Record<string, { enum?: string[] }>).decimal?.enum).toEqual(['auto', 'point', 'comma']);
    expect((data.properties as Record<string, { enum?: string[] }>).dateFormat?.enum).toEqual(['auto', 'YYYY-MM-DD', 'YYYY/MM/DD', 'YYYY.MM.DD', 'DD/MM/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'MM/DD/YYYY', 'MM.DD.YYYY', 'MM-DD-YYYY', 'DD/MM/YY', 'DD.MM.YY', 'DD-MM-YY', 'MM/DD/YY', 'MM.DD.YY', 'MM-DD-YY']);
    const backtestData = (JSON.parse((await run(['schema', 'backtest'])).out) as JsonSchema).properties?.data as { properties?: Record<string, { enum?: string[] }> } | undefined;
    expect(backtestData?.properties?.dateFormat?.enum).toContain('DD/MM/YYYY');
    const from = (data.properties as Record<string, { anyOf: Record<string, unknown>[] }>).from;
    expect(from?.anyOf[1]).toMatchObject({ type: 'number', anyOf: [{ minimum: 1e11 }, { maximum: -1e11 }] });
    // One mode's fields in the other: a priority other than 0 in sleeves mode, drift bands in shared mode.
    expect(run0.oneOf[0]?.properties.strategies?.allOf).toMatchObject([{ items: { properties: { priority: { const: 0 } } } }]);
    expect(run0.oneOf[0]?.properties.strategies?.items).toHaveProperty('properties.symbols');
    expect(run0.oneOf[1]?.properties.rebalance?.not).toEqual({ required: ['drift'] });
    expect(run0.oneOf[0]?.properties.rebalance).not.toHaveProperty('not');
    const sweep = (await run(['schema', 'sweep'])).out;
    expect(sweep).toContain('"exclusiveMinimum": 0');
    expect(sweep).toContain('"multipleOf": 2');
    expect(sweep).toContain('"uniqueItems": true');
    const walkForward = (await run(['schema', 'walk-forward'])).out;
    expect(walkForward).toContain('"pattern": "^[1-9][0-9]{0,3}(d|w|m|y)$"');
  });

  it('--out - prints to stdout, as - does for every other output flag', async () => {
    const printed = (await run(['schema', 'sweep'])).out;
    const { code, out } = await run(['schema', 'sweep', '--out', '-']);
    expect(code).toBe(0);
    expect(out).toBe(printed);
    expect(existsSync(path.join(scratch, '-'))).toBe(false);
  });

  it('--out into directories not there yet creates them; under a file it exits 2', async () => {
    const made = await run(['schema', '--out', 'new/deeper/schema.json']);
    expect(made.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(scratch, 'new', 'deeper', 'schema.json'), 'utf8'))).toHaveProperty('$schema');
    writeFileSync(path.join(scratch, 'plain'), '');
    const { code, err } = await run(['schema', '--out', 'plain/schema.json']);
    expect(code).toBe(2);
    expect(err).toContain('--out: cannot write');
    expect(err).toContain('is not a directory');
  });
});

describe('ensemble schema with an unknown kind', () => {
  it('exits 2 naming the argument as a command-line problem, with the kinds there are', async () => {
    const { code, err } = await run(['schema', 'bogus']);
    expect(code).toBe(2);
    expect(err).toContain('Invalid configuration in the command-line options:\n  - kind: unknown schema "bogus"; the schemas are run, backtest, sweep and walk-forward');
  });
});
