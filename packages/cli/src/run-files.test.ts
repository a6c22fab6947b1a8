import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeOrchestratorResult } from '@ensemble/orchestrator';
import type { OrchestratorResult } from '@ensemble/orchestrator';
import { EnsembleError } from '@ensemble/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJsonChunks, writeRunOutputs } from './run-files';
import { executeRun, loadRunConfigFile } from './run-pipeline';
import type { RunOutcome } from './run-pipeline';
import { orchestratorReportInput } from '@ensemble/report';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-run-files-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** What `--json` wrote before it streamed: the whole text from `JSON.stringify`, and a newline; with the report's part when given. */
function stringified(result: OrchestratorResult, report?: unknown): string {
  return `${JSON.stringify(report === undefined ? serializeOrchestratorResult(result) : { ...serializeOrchestratorResult(result), report })}\n`;
}

let outcome: RunOutcome;
beforeAll(async () => {
  const loaded = await loadRunConfigFile('examples/stocks5-60-40.json', { cwd: repository });
  outcome = await executeRun(loaded.config, { source: loaded.source, configDir: loaded.configDir });
});

describe('writeRunOutputs', () => {
  it('writes the JSON result, Markdown and HTML, creating directories when asked', async () => {
    const directory = path.join(scratch, 'out', 'nested');
    const input = orchestratorReportInput(outcome.result, { title: '60/40' });
    const targets = { json: path.join(directory, 'run.json'), md: path.join(directory, 'run.md'), html: path.join(directory, 'run.html') };
    const written = await writeRunOutputs(targets, outcome.result, input, { createDirectories: true });
    expect(written.map((file) => file.kind)).toEqual(['json', 'md', 'html']);
    for (const file of written) expect(statSync(file.path).size).toBe(file.bytes);
    // The run has no benchmark: the report's part holds its title only.
    expect(readFileSync(targets.json, 'utf8')).toBe(stringified(outcome.result, { title: '60/40', subtitle: null, benchmark: null }));
    expect(readFileSync(targets.md, 'utf8')).toContain('# 60/40');
    expect(readFileSync(targets.html, 'utf8')).toContain('tech');
    expect(readdirSync(directory).sort()).toEqual(['run.html', 'run.json', 'run.md']);
  });

  it('running the same config again gives the same JSON bytes', async () => {
    const loaded = await loadRunConfigFile('examples/stocks5-60-40.json', { cwd: repository });
    const again = await executeRun(loaded.config, { source: loaded.source, configDir: loaded.configDir });
    const text = [...runJsonChunks(again.result)].join('');
    expect(text).toBe(stringified(outcome.result));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
  });

  it('writes nothing when one target cannot be written', async () => {
    const directory = mkdtempSync(path.join(scratch, 'partial-'));
    // A file where the HTML's directory would be: no directory can be made there.
    writeFileSync(path.join(directory, 'plain'), '');
    const input = orchestratorReportInput(outcome.result, { title: '60/40' });
    const error: unknown = await writeRunOutputs(
      { json: path.join(directory, 'run.json'), html: path.join(directory, 'plain', 'run.html') },
      outcome.result,
      input,
    ).catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
    expect((error as Error).message).toContain(path.join(directory, 'plain', 'run.html'));
    expect(readdirSync(directory)).toEqual(['plain']);
  });
});
