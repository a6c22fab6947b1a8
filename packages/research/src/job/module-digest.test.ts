import { execFileSync } from 'node:child_process';
import { cp, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { strategyModuleChange, strategyModuleDigest, strategyModuleRecord } from './module-digest';

/** The SHA-256 of a file's bytes, or of a text, by the system's sha256sum: not by the code under test. */
function sha256sum(file: string): string;
function sha256sum(file: null, text: string): string;
function sha256sum(file: string | null, text?: string): string {
  const output = file === null ? execFileSync('sha256sum', { input: text, encoding: 'utf8' }) : execFileSync('sha256sum', [file], { encoding: 'utf8' });
  return output.split(' ')[0] ?? '';
}

/** A folder holding `files` (relative path → text). */
async function folder(files: Record<string, string>): Promise<string> {
  const directory = await temporaryDirectory('ensemble-digest-');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(directory, name)), { recursive: true });
    await writeFile(join(directory, name), text);
  }
  return directory;
}

const EDGY = `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { EDGE } from './helper.ts';
export default defineStrategy({ name: 'edgy', kind: 'signal', description: 'x', params: z.strictObject({}), create: () => ({ warmup: 1, shouldEnter: (ctx) => (ctx.close() > EDGE ? { side: 'long' } : null), shouldExit: () => false }) });
`;

describe('strategyModuleDigest', () => {
  it('is the plain SHA-256 of a file that imports no local file: packages, node: built-ins and type-only imports are not covered', async () => {
    const directory = await folder({
      'plain.ts': "import { defineStrategy } from '@ensemble/protocol';\nimport { readFileSync } from 'node:fs';\nimport type { Shape } from './types';\nimport { type Other } from './other';\nexport const x: Shape | Other = defineStrategy ?? readFileSync;\n",
      'types.ts': 'export type Shape = number;\n',
      'other.ts': 'export type Other = string;\n',
    });
    const digest = await strategyModuleDigest(join(directory, 'plain.ts'));
    const plain = sha256sum(join(directory, 'plain.ts'));
    expect(digest).toEqual({ sha256: plain, files: [{ path: './plain.ts', sha256: plain }] });
    expect(strategyModuleRecord(digest)).toEqual({ sha256: plain });
  });

  it('covers every local file imported, transitively: relative paths, a .js name for a .ts file, JSON, a literal dynamic import, a cycle, another folder', async () => {
    const directory = await folder({
      'strategies/edgy.ts': EDGY.replace("import { EDGE } from './helper.ts';", "import { EDGE } from './helper.js';\nimport params from './params.json';\nimport { a } from './cycle-a.ts';\nexport const later = () => import('./later.ts');\nexport { params, a };"),
      'strategies/helper.ts': "export { SHARED as EDGE } from '../common/edge.ts';\n",
      'strategies/params.json': '{ "edge": 1 }\n',
      'strategies/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = () => b;\n",
      'strategies/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = () => a;\n",
      'strategies/later.ts': 'export const later = 1;\n',
      'common/edge.ts': 'export const SHARED = 1.0;\n',
    });
    const at = (name: string) => join(directory, name);
    const digest = await strategyModuleDigest(at('strategies/edgy.ts'));
    const files = [
      { path: './edgy.ts', sha256: sha256sum(at('strategies/edgy.ts')) },
      { path: '../common/edge.ts', sha256: sha256sum(at('common/edge.ts')) },
      { path: './cycle-a.ts', sha256: sha256sum(at('strategies/cycle-a.ts')) },
      { path: './cycle-b.ts', sha256: sha256sum(at('strategies/cycle-b.ts')) },
      { path: './helper.ts', sha256: sha256sum(at('strategies/helper.ts')) },
      { path: './later.ts', sha256: sha256sum(at('strategies/later.ts')) },
      { path: './params.json', sha256: sha256sum(at('strategies/params.json')) },
    ];
    expect(digest.files).toEqual(files);
    // The documented digest: SHA-256 of the JSON of a tag, the file's SHA-256 and each import's [path, SHA-256].
    const manifest = JSON.stringify(['ensemble-strategy-module/1', files[0]?.sha256, ...files.slice(1).map((file) => [file.path, file.sha256])]);
    expect(digest.sha256).toBe(sha256sum(null, manifest));
    expect(strategyModuleRecord(digest)).toEqual({ sha256: digest.sha256, files });
  });

  it('changes with a helper\'s bytes, not with where the folder is or what the strategy file is called', async () => {
    const directory = await folder({ 'mine/edgy.ts': EDGY, 'mine/helper.ts': 'export const EDGE = 1.0;\n' });
    const before = await strategyModuleDigest(join(directory, 'mine/edgy.ts'));
    // A copy elsewhere (a worker's --strategies-dir), and a renamed copy, hold the same code.
    await cp(join(directory, 'mine'), join(directory, 'worker'), { recursive: true });
    expect((await strategyModuleDigest(join(directory, 'worker/edgy.ts'))).sha256).toBe(before.sha256);
    await rename(join(directory, 'worker/edgy.ts'), join(directory, 'worker/renamed.ts'));
    expect((await strategyModuleDigest(join(directory, 'worker/renamed.ts'))).sha256).toBe(before.sha256);
    await writeFile(join(directory, 'mine/helper.ts'), 'export const EDGE = 1.05;\n');
    const after = await strategyModuleDigest(join(directory, 'mine/edgy.ts'));
    expect(after.sha256).not.toBe(before.sha256);
    expect(after.files[0]).toEqual(before.files[0]);
  });

  it('names a missing import by the path it looked for, and a file it cannot parse by line', async () => {
    const directory = await folder({ 'edgy.ts': EDGY, 'broken.ts': "import { x } from './fine.ts';\nexport default const = ;\n", 'fine.ts': 'export const x = 1;\n' });
    const missing = await strategyModuleDigest(join(directory, 'edgy.ts')).catch((error: unknown) => error);
    expect(ConfigError.isInstance(missing)).toBe(true);
    expect((missing as ConfigError).issues.map((issue) => issue.message)).toEqual([
      `edgy.ts:3:22: imports "./helper.ts", which is not there (looked for ${join(directory, 'helper.ts')}, also with a .ts, .js or .json extension)`,
    ]);
    const broken = await strategyModuleDigest(join(directory, 'broken.ts')).catch((error: unknown) => error);
    expect((broken as ConfigError).issues.map((issue) => issue.message)).toEqual(['broken.ts:2:16: Unexpected "const"']);
    const absent = await strategyModuleDigest(join(directory, 'absent.ts')).catch((error: unknown) => error);
    expect((absent as ConfigError).issues.map((issue) => issue.message)).toEqual([`file not found, looked for ${join(directory, 'absent.ts')}`]);
  });
});

describe('strategyModuleChange', () => {
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);
  const C = 'c'.repeat(64);
  const D = 'd'.repeat(64);

  it('says nothing when the digests agree, and keeps the plain message for a file without imports', () => {
    expect(strategyModuleChange({ sha256: A }, { sha256: A }, './edgy.ts')).toBeNull();
    expect(strategyModuleChange({ sha256: A }, { sha256: B }, './edgy.ts')).toBe(`its SHA-256 is now ${B}, not "${A}"`);
  });

  it('names the helper that changed, an import the record does not cover, one no longer imported, and the file itself', () => {
    const recorded = { sha256: C, files: [{ path: './edgy.ts', sha256: A }, { path: './helper.ts', sha256: B }] };
    expect(strategyModuleChange(recorded, { sha256: D, files: [{ path: './edgy.ts', sha256: A }, { path: './helper.ts', sha256: C }] }, './edgy.ts')).toBe(
      './helper.ts, which it imports, changed (SHA-256 now cccccccccccc…, recorded bbbbbbbbbbbb…)',
    );
    // A record made before imports were covered: the file's own digest, which still matches.
    expect(strategyModuleChange({ sha256: A }, { sha256: D, files: [{ path: './edgy.ts', sha256: A }, { path: './helper.ts', sha256: B }] }, './edgy.ts')).toBe(
      'it imports ./helper.ts, which the record does not cover (a new import, or a record made before digests covered imports)',
    );
    expect(strategyModuleChange(recorded, { sha256: D }, './edgy.ts')).toBe('the strategy file itself changed (SHA-256 now dddddddddddd…, recorded aaaaaaaaaaaa…); it no longer imports ./helper.ts');
    // Three changed files named at most; new imports listed, the list cut at three too.
    const paths = ['./a.ts', './b.ts', './c.ts', './d.ts', './e.ts'];
    const before = { sha256: C, files: [{ path: './edgy.ts', sha256: A }, ...paths.map((path) => ({ path, sha256: B }))] };
    const after = { sha256: D, files: [{ path: './edgy.ts', sha256: A }, ...paths.map((path) => ({ path, sha256: C })), ...['./f.ts', './g.ts', './h.ts', './i.ts'].map((path) => ({ path, sha256: C }))] };
    expect(strategyModuleChange(before, after, './edgy.ts')).toBe(
      [
        './a.ts, which it imports, changed (SHA-256 now cccccccccccc…, recorded bbbbbbbbbbbb…)',
        './b.ts, which it imports, changed (SHA-256 now cccccccccccc…, recorded bbbbbbbbbbbb…)',
        './c.ts, which it imports, changed (SHA-256 now cccccccccccc…, recorded bbbbbbbbbbbb…)',
        '2 more files it imports changed',
        'it imports ./f.ts, ./g.ts, ./h.ts, … and 1 more, which the record does not cover (a new import, or a record made before digests covered imports)',
      ].join('; '),
    );
  });
});
