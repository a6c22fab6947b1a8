import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../test/helpers';
import { StrategyModuleError, localStrategyModule } from './strategy-modules';

const directory = mkdtempSync(join(tmpdir(), 'ensemble-strategies-'));
writeFileSync(join(directory, 'mine.mjs'), 'abc');
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const OTHER = '0'.repeat(64);

async function failure(promise: Promise<unknown>): Promise<StrategyModuleError> {
  const error = await rejectionOf(promise);
  if (StrategyModuleError.isInstance(error)) return error;
  throw error;
}

describe('localStrategyModule', () => {
  it('maps the planner\'s path to the file of the same name under the strategies directory when the hash matches', async () => {
    expect(await localStrategyModule({ path: '/elsewhere/strategies/mine.mjs', sha256: ABC }, directory)).toEqual({ path: join(directory, 'mine.mjs'), sha256: ABC });
  });

  it('looks for a module at its relative path when the plan\'s modules share a file name, naming that path when it is missing or differs', async () => {
    // SHA-256("abd") by `printf abd | sha256sum`, not by the code under test.
    const ABD = 'a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9';
    mkdirSync(join(directory, 'a'));
    mkdirSync(join(directory, 'b'));
    writeFileSync(join(directory, 'a', 'mine.mjs'), 'abc');
    writeFileSync(join(directory, 'b', 'mine.mjs'), 'abd');
    const a = { path: '/planner/strategies/a/mine.mjs', sha256: ABC, relativePath: 'a/mine.mjs' };
    const b = { path: '/planner/strategies/b/mine.mjs', sha256: ABD, relativePath: 'b/mine.mjs' };
    expect(await localStrategyModule(a, directory)).toEqual({ ...a, path: join(directory, 'a', 'mine.mjs') });
    expect(await localStrategyModule(b, directory)).toEqual({ ...b, path: join(directory, 'b', 'mine.mjs') });
    // b's copy is a's: refused, naming b's path.
    const changed = await failure(localStrategyModule({ ...b, sha256: ABC }, directory));
    expect(changed.message).toBe(`The job needs the strategy module "b/mine.mjs" with SHA-256 ${ABC}, but "${join(directory, 'b', 'mine.mjs')}" has SHA-256 ${ABD}: copy the version the sweep was planned with.`);
    expect(changed.file).toBe('b/mine.mjs');
    const missing = await failure(localStrategyModule({ ...b, relativePath: 'c/mine.mjs' }, directory));
    expect(missing.message).toBe(
      `The job needs the strategy module "c/mine.mjs" with SHA-256 ${ABD}, which is not in this worker's strategies directory "${directory}": copy it there as "c/mine.mjs".\nThe sweep's strategy files share a file name, so each is looked for at its path relative to the deepest folder holding them all and the files they import.\nMake the strategies directory a copy of that folder's tree.`,
    );
    // When the job's path ends in its relative path, the message names the folder to copy as the planner had it.
    const unplaced = await failure(localStrategyModule({ path: '/planner/lay/x/c/mine.mjs', sha256: ABD, relativePath: 'x/c/mine.mjs' }, directory));
    expect(unplaced.message).toContain('\nThe sweep\'s strategy files share a file name, so each is looked for at its path relative to the deepest folder holding them all and the files they import, "/planner/lay" where the sweep was planned.\nMake the strategies directory a copy of that folder\'s tree.');
    const windows = await failure(localStrategyModule({ path: 'C:\\planner\\lay\\x\\c\\mine.mjs', sha256: ABD, relativePath: 'x/c/mine.mjs' }, directory));
    expect(windows.message).toContain(String.raw`the files they import, "C:\planner\lay" where the sweep was planned.`);
    // A path that would leave the directory is never opened.
    for (const relativePath of ['../mine.mjs', 'a/../../mine.mjs', '/etc/mine.mjs', 'a//mine.mjs']) {
      expect((await failure(localStrategyModule({ ...a, relativePath }, join(directory, 'a')))).message).toContain('The job names no strategy module file');
    }
  });

  it('names the expected file and hash: without a strategies directory, missing, changed, or no file name', async () => {
    const none = await failure(localStrategyModule({ path: '/x/mine.mjs', sha256: ABC }, undefined));
    expect(none.message).toContain('"mine.mjs" with SHA-256 ba7816bf');
    expect(none.message).toContain('--strategies-dir');
    const missing = await failure(localStrategyModule({ path: '/x/absent.mjs', sha256: ABC }, directory));
    expect(missing.message).toContain('"absent.mjs" with SHA-256 ba7816bf');
    expect(missing.file).toBe('absent.mjs');
    const changed = await failure(localStrategyModule({ path: '/x/mine.mjs', sha256: OTHER }, directory));
    expect(changed.message).toContain(`has SHA-256 ${ABC}`);
    expect(changed.sha256).toBe(OTHER);
    const parent = await failure(localStrategyModule({ path: '/x/..', sha256: ABC }, directory));
    expect(parent.code).toBe('STRATEGY_NOT_FOUND');
  });

  it('checks the local files the module imports where they are relative to it under the strategies directory, naming one that differs or is missing', async () => {
    // The planner's folder, and three workers' strategies directories: the same files, another helper, no helper.
    const files = { 'edgy.mjs': "import { EDGE } from './lib/helper.mjs';\nexport const edge = EDGE;\n", 'lib/helper.mjs': 'export const EDGE = 1.0;\n' };
    const write = (name: string, contents: Record<string, string>): string => {
      const at = join(directory, name);
      for (const [file, text] of Object.entries(contents)) {
        mkdirSync(join(at, file, '..'), { recursive: true });
        writeFileSync(join(at, file), text);
      }
      return at;
    };
    const planned = write('planner', files);
    // The planner's reference, by the documented formula: each file's SHA-256, then the SHA-256 of
    // the JSON of a tag, the strategy file's SHA-256 and each import's [path, SHA-256].
    const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
    const [entry, helper] = [sha256(files['edgy.mjs']), sha256(files['lib/helper.mjs'])];
    const ref = {
      path: join(planned, 'edgy.mjs'),
      sha256: sha256(JSON.stringify(['ensemble-strategy-module/1', entry, ['./lib/helper.mjs', helper]])),
      files: [
        { path: './edgy.mjs', sha256: entry },
        { path: './lib/helper.mjs', sha256: helper },
      ],
    };

    const same = write('same', files);
    expect(await localStrategyModule(ref, same)).toEqual({ ...ref, path: join(same, 'edgy.mjs') });

    const other = write('other', { ...files, 'lib/helper.mjs': 'export const EDGE = 1.05;\n' });
    const changed = await failure(localStrategyModule(ref, other));
    expect(changed.message).toBe(
      [
        `The job needs the strategy module "edgy.mjs" with SHA-256 ${ref.sha256}, but in "${join(other, 'edgy.mjs')}", ./lib/helper.mjs, which it imports, changed (SHA-256 now ${sha256('export const EDGE = 1.05;\n').slice(0, 12)}…, recorded ${helper.slice(0, 12)}…).`,
        'Copy the version the sweep was planned with and the files it imports (./lib/helper.mjs), at the same paths relative to it.',
      ].join('\n'),
    );

    const missing = await failure(localStrategyModule(ref, write('missing', { 'edgy.mjs': files['edgy.mjs'] })));
    expect(missing.code).toBe('STRATEGY_NOT_FOUND');
    expect(missing.message).toBe(
      [
        `The job needs the strategy module "edgy.mjs" with SHA-256 ${ref.sha256}, but this worker cannot read what "${join(directory, 'missing', 'edgy.mjs')}" imports:`,
        `  edgy.mjs:1:22: imports "./lib/helper.mjs", which is not there (looked for ${join(directory, 'missing', 'lib', 'helper.mjs')}, also with a .ts, .js or .json extension)`,
        'Copy the version the sweep was planned with and the files it imports (./lib/helper.mjs), at the same paths relative to it.',
      ].join('\n'),
    );
  });
});
