import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, spawnNode } from './testing/spawn-cli';
import type { SpawnedCli } from './testing/spawn-cli';
import { linkWorkspacePackages } from './testing/workspace-links';

// The root README's "Write a strategy" section, run as a reader would: its files written into a
// fresh project, its commands run in order. A block tagged `file=PATH` is a file; a `sh` block is
// commands, each `pnpm ensemble …` (the real CLI) or `npx tsx FILE` (node with tsx).

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(path.join(repository, 'README.md'), 'utf8');
const SECTION = '## Write a strategy';

interface Block {
  readonly language: string;
  readonly file: string | undefined;
  readonly text: string;
}

/** The fenced code blocks of the README section titled `title`, in order. */
function sectionBlocks(markdown: string, title: string): Block[] {
  const start = markdown.indexOf(`\n${title}\n`);
  if (start < 0) throw new Error(`README.md has no section ${title}`);
  const next = markdown.indexOf('\n## ', start + title.length + 2);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    language: match[1] ?? '',
    file: /\bfile=(\S+)/.exec(match[2] ?? '')?.[1],
    text: match[3] ?? '',
  }));
}

/** The commands of a `sh` block: one per line, comments and blank lines left out. */
function commands(block: Block): string[][] {
  return block.text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
}

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-readme-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const blocks = sectionBlocks(readme, SECTION);
const files = blocks.filter((block) => block.file !== undefined);
const shell = blocks.filter((block) => block.language === 'sh').flatMap(commands);

/** Runs one README command in the project; throws on a command of another form. */
function runCommand(words: readonly string[], cwd: string): Promise<SpawnedCli> {
  const [tool, verb, ...rest] = words;
  if (tool === 'pnpm' && verb === 'ensemble') return spawnCli(rest, { cwd });
  if (tool === 'npx' && verb === 'tsx' && rest.length === 1) return spawnNode(rest, { cwd });
  throw new Error(`README command of an unknown form: ${words.join(' ')}`);
}

describe(`README.md "${SECTION.slice(3)}"`, () => {
  it('has the strategy file, the library snippet, the run config and commands for the CLI, the run and the report', () => {
    expect(files.map((block) => block.file)).toEqual(['strategies/momentum.ts', 'backtest.ts', 'run.json']);
    const lines = shell.map((words) => words.join(' '));
    expect(lines).toContain('npx tsx backtest.ts');
    expect(lines.some((line) => line.startsWith('pnpm ensemble backtest') && line.includes('--strategy ./strategies/momentum.ts'))).toBe(true);
    expect(lines.some((line) => line.startsWith('pnpm ensemble run --config run.json') && line.includes('--html'))).toBe(true);
  });

  it('runs: every command exits 0, and the library and the CLI agree on the backtest', async () => {
    // An ES module project with the packages the section names installed (from this workspace).
    writeFileSync(path.join(scratch, 'package.json'), '{ "type": "module" }\n');
    linkWorkspacePackages(scratch, ['@ensemble/data', '@ensemble/engine', '@ensemble/performance', '@ensemble/protocol', 'zod']);
    for (const block of files) {
      const target = path.join(scratch, block.file ?? '');
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, block.text);
    }
    const outputs = new Map<string, string>();
    for (const words of shell) {
      const { code, out, err } = await runCommand(words, scratch);
      expect(err, words.join(' ')).toBe('');
      expect(code, words.join(' ')).toBe(0);
      outputs.set(words.slice(0, 3).join(' '), out);
    }

    const strategy = path.join(scratch, 'strategies/momentum.ts');
    const module = { path: './strategies/momentum.ts', sha256: createHash('sha256').update(readFileSync(strategy)).digest('hex') };
    expect(outputs.get('pnpm ensemble strategies')).toMatch(/lookback\s+integer\s+126\s+>= 1 and <= 500\s+Bars back to compare/);
    expect(outputs.get('pnpm ensemble check')).toContain('  ✓ does not look ahead\n');
    expect(outputs.get('pnpm ensemble check')).toMatch(/All 6 checks passed\. /);

    // Two paths to one backtest (default engine options, lookback 126): the same total return.
    const backtest = JSON.parse(readFileSync(path.join(scratch, 'backtest.json'), 'utf8')) as { config: { strategy: { name: string; module: unknown } }; metrics: { metrics: { totalReturn: number } } };
    expect(backtest.config.strategy).toMatchObject({ name: 'momentum', module });
    expect(outputs.get('npx tsx backtest.ts')).toBe(`total return ${(backtest.metrics.metrics.totalReturn * 100).toFixed(2)}%\n`);

    // The run: the sleeve named by its definition, said to come from the file, recorded with its hash.
    expect(outputs.get('pnpm ensemble run')).toContain('momentum (signal) on SP500 · lookback=126 · from ./strategies/momentum.ts');
    const run = JSON.parse(readFileSync(path.join(scratch, 'result.json'), 'utf8')) as { config: { strategies: { strategy: string; module?: unknown }[] } };
    expect(run.config.strategies[0]).toMatchObject({ strategy: 'momentum', module });
    expect(readFileSync(path.join(scratch, 'report.html'), 'utf8')).toContain('./strategies/momentum.ts');
  });
});
