import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import type { ResearchJobResult } from '../job/research-job';
import { ConfigError } from '@ensemble/protocol';
import { computingPackageVersions, openJournal, withDirectoryJournal } from './journal';

describe('openJournal', () => {
  // Regression: a resume refused after the data file changed said "the spec, its config, its data
  // or its strategy files changed", without naming the file.
  it('names a data file whose bytes changed when it refuses a resume', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const then = { file: '/data/prices.csv', sha256: 'a'.repeat(64) };
    const journal = await openJournal(file, 'plan-d1', { resume: false, data: [then, { name: 'sp500', sha256: 'c'.repeat(64) }] });
    journal.close();
    const now = { file: '/data/prices.csv', sha256: 'b'.repeat(64) };
    const refused = await openJournal(file, 'plan-d2', { resume: true, data: [now, { name: 'sp500', sha256: 'c'.repeat(64) }] }).catch((error: unknown) => error);
    expect(ConfigError.isInstance(refused)).toBe(true);
    expect((refused as ConfigError).message).toContain('belongs to another plan: remove that file (or write to another output directory) to start over, or restore what changed and resume it (--resume).');
    expect((refused as ConfigError).message).toContain(`its data changed since it was written: "/data/prices.csv" had SHA-256 ${'a'.repeat(64)} then, ${'b'.repeat(64)} now (its plan`);
    // The same data: the general reason.
    const same = await openJournal(file, 'plan-d3', { resume: true, data: [then] }).catch((error: unknown) => error);
    expect((same as ConfigError).message).toContain('the spec, its config, its data or its strategy files changed since it was written');
  });

  // Regression: a sweep interrupted after 1,474 of 2,940 jobs, run again without --resume,
  // overwrote its journal and started over without a word.
  it('without resume, refuses to overwrite finished jobs, of this plan or another, and replaces a journal without any', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const result = (index: number): ResearchJobResult => ({ index, status: 'ok', metrics: null, periodReturns: new Float64Array([index]) });
    const first = await openJournal(file, 'plan-r', { resume: false, outline: { 'parameter k': 'params.k = 1, 2' } });
    for (const index of [0, 1, 2]) first.append(result(index));
    first.close();
    const message = async (planId: string, outline?: Record<string, string>): Promise<string> =>
      ((await openJournal(file, planId, { resume: false, ...(outline === undefined ? {} : { outline }) }).catch((error: unknown) => error)) as ConfigError).message;
    expect(await message('plan-r')).toContain('holds 3 finished jobs of this same plan: resume it (--resume) to reuse them');
    // Another plan (one value changed): what changed, and the ways on. Before, it was replaced.
    expect(await message('plan-s', { 'parameter k': 'params.k = 1, 3' })).toContain(
      'holds 3 finished jobs of another plan: remove that file (or write to another output directory) to start over, or restore what changed and resume it (--resume). its plan changed since it was written — parameter k: params.k = 1, 2 then, params.k = 1, 3 now',
    );
    // Nothing was lost: resuming reads the three back.
    const resumed = await openJournal(file, 'plan-r', { resume: true });
    expect([...resumed.finished.keys()]).toEqual([0, 1, 2]);
    resumed.close();
    // Written by other versions: its jobs cannot be resumed, and it says so.
    const older = JSON.stringify({ journal: 'ensemble-research', version: 1, planId: 'plan-v', packages: { '@ensemble/engine': '0.0.1' } });
    await writeFile(file, `${older}\n${JSON.stringify({ index: 0, status: 'ok', metrics: null, periodReturns: [1] })}\n`);
    expect(await message('plan-v')).toContain('holds 1 finished job written by other versions');
    // A header alone (nothing finished) is replaced, whatever its plan.
    await writeFile(file, `${older}\n`);
    (await openJournal(file, 'plan-w', { resume: false })).close();
    expect(JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '')).toMatchObject({ planId: 'plan-w' });
  });

  // Regression: a resume refused after a parameter's step changed said only "the spec, its
  // config, its data or its strategy files changed".
  it('names the parts of the plan that changed when it refuses a resume', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const then = { objective: 'sharpe, maximised', 'parameter k': 'params.k = 1, 1.5, 2', 'parameter period': 'params.period = 10, 20', 'base config': 'digest 0123456789ab' };
    (await openJournal(file, 'plan-o1', { resume: false, outline: then })).close();
    const now = { ...then, 'parameter k': 'params.k = 1, 2, 3' };
    const refused = await openJournal(file, 'plan-o2', { resume: true, outline: now }).catch((error: unknown) => error);
    expect((refused as ConfigError).message).toContain('its plan changed since it was written — parameter k: params.k = 1, 1.5, 2 then, params.k = 1, 2, 3 now (its plan');
    // A part added and one gone are named too; a long one is cut in the middle.
    const long = Array.from({ length: 45 }, (_, i) => String(i)).join(', ');
    const other = { objective: 'cagr, maximised', 'parameter k': `params.k = ${long}` };
    const both = await openJournal(file, 'plan-o3', { resume: true, outline: other }).catch((error: unknown) => error);
    const message = (both as ConfigError).issues[0]?.message ?? '';
    expect(message).toContain('objective: sharpe, maximised then, cagr, maximised now');
    expect(message).toContain('parameter period: params.period = 10, 20 then, none now');
    expect(message).toContain('params.k = 0, 1, 2, 3');
    expect(message).toContain(' … ');
    // A part written as JSON (the base config): the fields that differ.
    const config = (rate: number) => JSON.stringify({ cash: 100000, commission: { kind: 'percent', rate }, strategy: 'sma-crossover' });
    (await openJournal(file, 'plan-o5', { resume: false, outline: { 'base config': config(0.0005) } })).close();
    const edited = await openJournal(file, 'plan-o6', { resume: true, outline: { 'base config': config(0.001) } }).catch((error: unknown) => error);
    expect((edited as ConfigError).message).toContain('base config: commission.rate 0.0005 then, 0.001 now');
    (await openJournal(file, 'plan-o1', { resume: false, outline: then })).close();
    // The same outline (the plan changed elsewhere, a sampling seed say): the general reason.
    const same = await openJournal(file, 'plan-o4', { resume: true, outline: then }).catch((error: unknown) => error);
    expect((same as ConfigError).message).toContain('the spec, its config, its data or its strategy files changed since it was written');
  });

  it('gives back on resume every bit of the period returns it journalled (-0, NaN), not their JSON form', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const result: ResearchJobResult = { index: 3, status: 'ok', metrics: null, periodReturns: new Float64Array([0.1, -0, Number.NaN, -1.5e-300]), error: { code: 'X', message: 'kept' } };
    const journal = await openJournal(file, 'plan-a', { resume: false });
    journal.append(result);
    journal.close();
    const back = (await openJournal(file, 'plan-a', { resume: true })).finished.get(3);
    expect(back).toEqual(result);
    expect(Object.is(back?.periodReturns[1], -0)).toBe(true);
    expect(Number.isNaN(back?.periodReturns[2])).toBe(true);
    expect(Object.keys(back ?? {})).toEqual(Object.keys(result));
  });

  it('writes a long column of returns as base64 of raw doubles, and still reads lines with a JSON array', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const periodReturns = Float64Array.from({ length: 5_000 }, (_, i) => Math.sin(i) / 100);
    const journal = await openJournal(file, 'plan-b', { resume: false });
    journal.append({ index: 0, status: 'ok', metrics: null, periodReturns });
    journal.close();
    const text = await readFile(file, 'utf8');
    expect(text.length).toBeLessThan(5_000 * 8 * 1.4 + 500); // base64: 4 characters per 3 bytes
    await appendFile(file, `${JSON.stringify({ index: 1, status: 'ok', metrics: null, periodReturns: [0.5, -0.25] })}\n`);
    const finished = (await openJournal(file, 'plan-b', { resume: true })).finished;
    expect(finished.get(0)?.periodReturns).toEqual(periodReturns);
    expect(finished.get(1)?.periodReturns).toEqual(new Float64Array([0.5, -0.25]));
  });

  it('after a line torn by a kill, resumes on a new line: the torn job runs again and every later result is read back', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const result = (index: number): ResearchJobResult => ({ index, status: 'ok', metrics: null, periodReturns: new Float64Array([index / 100]) });
    const journal = await openJournal(file, 'plan-t', { resume: false });
    for (const index of [0, 1, 2]) journal.append(result(index));
    journal.close();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 20)); // job 2's line cut short, no newline
    const resumed = await openJournal(file, 'plan-t', { resume: true });
    expect([...resumed.finished.keys()]).toEqual([0, 1]);
    // A torn last line is what an interruption leaves, not damage: not counted.
    expect(resumed.unreadable).toBe(0);
    resumed.append(result(2));
    resumed.append(result(3));
    resumed.close();
    const again = (await openJournal(file, 'plan-t', { resume: true })).finished;
    expect([...again.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(again.get(3)).toEqual(result(3));
  });

  it('runs again a job whose line has a metric that is not a number (a hand-edited journal), keeping the others', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const metrics = { bars: 3, sharpe: 0.5, totalReturn: 0.1, sortino: null } as unknown as ResearchJobResult['metrics'];
    const journal = await openJournal(file, 'plan-e', { resume: false });
    for (const index of [0, 1, 2]) journal.append({ index, status: 'ok', metrics, periodReturns: new Float64Array([0.01, 0.02]) });
    journal.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    const edit = (line: number, field: string, value: unknown): void => {
      const record = JSON.parse(lines[line] ?? '') as { metrics: Record<string, unknown> };
      record.metrics[field] = value;
      lines[line] = JSON.stringify(record);
    };
    edit(2, 'totalReturn', 'abc');
    edit(3, 'sharpe', 'NaN');
    await writeFile(file, lines.join('\n'));
    const resumed = await openJournal(file, 'plan-e', { resume: true });
    const finished = resumed.finished;
    expect([...finished.keys()]).toEqual([0]);
    expect(finished.get(0)?.metrics).toEqual(metrics);
    // Both edited lines are counted, so that the one resuming can be told (a new journal has none).
    expect(resumed.unreadable).toBe(2);
    expect((await openJournal(join(file, '..', 'new.jsonl'), 'plan-e', { resume: false })).unreadable).toBe(0);
  });

  it('runs again a job whose line was edited to another plausible number or damaged in its returns, by its checksum; reads lines without one', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const metrics = { bars: 3, sharpe: 0.5, totalReturn: 0.1 } as unknown as ResearchJobResult['metrics'];
    const journal = await openJournal(file, 'plan-c', { resume: false });
    for (const index of [0, 1, 2, 3]) journal.append({ index, status: 'ok', metrics, periodReturns: new Float64Array([0.01, 0.02, 0.03]) });
    journal.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    // Each result line is headed by the first 16 hex digits of the SHA-256 of the result's own text.
    const line1 = lines[1] ?? '';
    const check = /^\{"check":"([0-9a-f]{16})",/.exec(line1);
    expect(check).not.toBeNull();
    const body = `{${line1.slice(check?.[0].length ?? 0)}`;
    expect(createHash('sha256').update(body).digest('hex').slice(0, 16)).toBe(check?.[1]);
    // Job 1: a Sharpe ratio edited in place to another valid number; job 2: the first character of
    // its base64 returns changed (still valid base64 of three doubles); job 3: its checksum removed,
    // as a line written before checksums reads (kept).
    lines[2] = (lines[2] ?? '').replace('"sharpe":0.5', '"sharpe":0.6');
    expect(lines[2]).toContain('"sharpe":0.6');
    const field = '"periodReturnsF64":"';
    expect(lines[3]).toContain(field);
    const returnsAt = (lines[3] ?? '').indexOf(field) + field.length;
    const original = (lines[3] ?? '').charAt(returnsAt);
    lines[3] = `${(lines[3] ?? '').slice(0, returnsAt)}${original === 'A' ? 'B' : 'A'}${(lines[3] ?? '').slice(returnsAt + 1)}`;
    lines[4] = `{${(lines[4] ?? '').replace(/^\{"check":"[0-9a-f]{16}",/, '')}`;
    await writeFile(file, lines.join('\n'));
    const resumed = await openJournal(file, 'plan-c', { resume: true });
    expect([...resumed.finished.keys()].sort()).toEqual([0, 3]);
    expect(resumed.finished.get(3)?.metrics).toEqual(metrics);
    expect(resumed.unreadable).toBe(2);
  });

  it('resumes an empty journal (killed before its header was written) as a new one, and says why a directory in its place cannot be read', async () => {
    const directory = await temporaryDirectory('journal-');
    const file = join(directory, 'journal.jsonl');
    await writeFile(file, '');
    const journal = await openJournal(file, 'plan-z', { resume: true });
    expect(journal.finished.size).toBe(0);
    journal.append({ index: 0, status: 'ok', metrics: null, periodReturns: new Float64Array([0.5]) });
    journal.close();
    expect((await openJournal(file, 'plan-z', { resume: true })).finished.get(0)?.periodReturns).toEqual(new Float64Array([0.5]));
    const folder = join(directory, 'folder.jsonl');
    await mkdir(folder);
    await expect(openJournal(folder, 'plan-z', { resume: true })).rejects.toThrow(`Cannot read the journal "${folder}": it is a directory; remove it or choose another output directory.`);
  });

  it('records the versions of the packages that compute results, as their package.json files say', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    (await openJournal(file, 'plan-v', { resume: false })).close();
    const header = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '') as { packages?: Record<string, string> };
    const engine = JSON.parse(await readFile(new URL('../../../engine/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(header.packages?.['@ensemble/engine']).toBe(engine.version);
    expect(Object.keys(header.packages ?? {}).sort()).toEqual([
      '@ensemble/data',
      '@ensemble/engine',
      '@ensemble/orchestrator',
      '@ensemble/performance',
      '@ensemble/protocol',
      '@ensemble/research',
      '@ensemble/strategies',
    ]);
    expect(header.packages).toEqual(computingPackageVersions());
  });

  it('refuses to resume a journal written by other versions of those packages, naming each one that changed', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const then = { ...computingPackageVersions(), '@ensemble/engine': '0.1.0' };
    const journal = await openJournal(file, 'plan-v', { resume: false, packages: then });
    journal.append({ index: 0, status: 'ok', metrics: null, periodReturns: new Float64Array([0.01]) });
    journal.close();
    const error = await openJournal(file, 'plan-v', { resume: true, packages: { ...then, '@ensemble/engine': '0.2.0' } }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('@ensemble/engine "0.1.0" then, "0.2.0" now');
    expect((error as ConfigError).message).not.toContain('@ensemble/data');
    // The same versions resume, and a journal refused is left as it was.
    expect((await openJournal(file, 'plan-v', { resume: true, packages: then })).finished.size).toBe(1);
  });

  it('refuses to resume a journal whose header records no package versions (written before they were recorded)', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    await writeFile(file, `${JSON.stringify({ journal: 'ensemble-research', version: 1, planId: 'plan-o' })}\n${JSON.stringify({ index: 0, status: 'ok', metrics: null, periodReturns: [0.5] })}\n`);
    const error = await openJournal(file, 'plan-o', { resume: true }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('earlier release');
    // Without resume it is not silently replaced either: its one job is said, and how to start over.
    const fresh = await openJournal(file, 'plan-o', { resume: false }).catch((caught: unknown) => caught);
    expect((fresh as ConfigError).message).toContain('holds 1 finished job written by other versions, which cannot be resumed: remove that file (or write to another output directory) to start over. it was written by an earlier release');
  });

  it('gives back a window curve as it journalled it', async () => {
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const result: ResearchJobResult = {
      index: 0,
      status: 'ok',
      metrics: null,
      periodReturns: new Float64Array([0.01, -0.02]),
      curve: { time: new Float64Array([86_400_000, 172_800_000, 259_200_000]), equity: new Float64Array([100, 101, 98.98]) },
    };
    const journal = await openJournal(file, 'plan-d', { resume: false });
    journal.append(result);
    journal.close();
    expect((await openJournal(file, 'plan-d', { resume: true })).finished.get(0)).toEqual(result);
  });
});

describe('withDirectoryJournal', () => {
  it('says why the output directory cannot be created: a file in the way', async () => {
    const file = join(await temporaryDirectory('journal-'), 'results');
    await writeFile(file, 'not a directory');
    const work = (): Promise<void> => Promise.resolve();
    await expect(withDirectoryJournal(file, 'plan-c', false, work)).rejects.toThrow(
      `Cannot create the output directory "${file}": it is a file, not a directory; give the path of a directory (it is created if missing).`,
    );
    await expect(withDirectoryJournal(join(file, 'below'), 'plan-c', false, work)).rejects.toThrow(
      `Cannot create the output directory "${join(file, 'below')}": a part of the path is a file, not a directory; give the path of a directory (it is created if missing).`,
    );
  });

  it('refuses before the work starts when a directory has the name of an output file', async () => {
    const out = await temporaryDirectory('journal-');
    await mkdir(join(out, 'results.json'));
    let ran = false;
    const work = (): Promise<void> => {
      ran = true;
      return Promise.resolve();
    };
    await expect(withDirectoryJournal(out, 'plan-e', false, work, ['results.csv', 'results.json'])).rejects.toThrow(
      `Cannot write "results.json" in the output directory "${out}": a directory has its name. Remove it or choose another output directory.`,
    );
    expect(ran).toBe(false);
    await withDirectoryJournal(out, 'plan-e', false, work, ['results.csv']);
    expect(ran).toBe(true);
  });
});
