import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { FlagProblems } from './flags';
import { checkOutputTargets, sameFileMessage, resolveOutputFlags } from './output-targets';
import type { OutputFlag } from './output-targets';
import { canonicalFile } from './write-file';

const root = mkdtempSync(path.join(tmpdir(), 'ensemble-targets-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function resolve(flags: readonly OutputFlag[], cwd = root) {
  const problems = new FlagProblems();
  const targets = resolveOutputFlags(problems, flags, cwd);
  return { targets, issues: problems.issues };
}

async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  if (!ConfigError.isInstance(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.issues;
}

describe('resolveOutputFlags', () => {
  it('resolves paths against cwd, keeps - where stdout is allowed, and skips absent flags', () => {
    const { targets, issues } = resolve([
      { flag: '--json', value: '-', stdout: true },
      { flag: '--md', value: 'out/report.md' },
      { flag: '--html', value: undefined },
    ]);
    expect(issues).toEqual([]);
    expect(targets).toEqual([
      { flag: '--json', typed: '-', path: '-' },
      { flag: '--md', typed: 'out/report.md', path: path.join(root, 'out', 'report.md') },
    ]);
  });

  it('two spellings of one path are one file: one problem naming every flag that writes it', () => {
    expect(resolve([
      { flag: '--json', value: 'same.json', stdout: true },
      { flag: '--md', value: './same.json' },
      { flag: '--html', value: `../${path.basename(root)}/same.json` },
    ]).issues).toEqual([{ path: `--json same.json --md ./same.json --html ../${path.basename(root)}/same.json`, message: sameFileMessage() }]);
    expect(resolve([
      { flag: '--json', value: 'a.json' },
      { flag: '--md', value: 'a.json' },
      { flag: '--html', value: 'b.html' },
    ]).issues).toEqual([{ path: '--json a.json --md a.json', message: sameFileMessage() }]);
  });

  it('rejects - where stdout is not allowed, and an empty name', () => {
    expect(resolve([
      { flag: '--json', value: '-', stdout: true },
      { flag: '--md', value: '-' },
      { flag: '--html', value: ' ' },
    ]).issues).toEqual([
      { path: '--md -', message: 'cannot write to stdout; give a file name (only --json accepts -, which sends the summary to stderr)' },
      { path: '--html ""', message: 'give a file name' },
    ]);
    // A command none of whose outputs goes to stdout (`ensemble report`) says so.
    expect(resolve([
      { flag: '--md', value: '-' },
      { flag: '--html', value: 'a.html' },
    ]).issues).toEqual([{ path: '--md -', message: 'cannot write to stdout; give a file name (no output of this command goes to stdout)' }]);
  });
});

describe('checkOutputTargets', () => {
  it('accepts distinct files and stdout', async () => {
    const { targets } = resolve([
      { flag: '--json', value: '-', stdout: true },
      { flag: '--md', value: 'a.md' },
      { flag: '--html', value: 'a.html' },
    ]);
    await expect(checkOutputTargets(targets)).resolves.toBeUndefined();
  });

  // Regressions: `--json /dev/stdout` had the summary written over the JSON, `--json res/` made a
  // file named res.
  it('reads /dev/stdout as - where - is allowed, refuses it elsewhere, and refuses a path naming a directory', () => {
    const { targets, issues } = resolve([
      { flag: '--json', value: '/dev/stdout', stdout: true },
      { flag: '--md', value: '/dev/fd/1' },
      { flag: '--html', value: 'reports/' },
      { flag: '--csv', value: 'reports/..' },
    ]);
    expect(targets).toEqual([{ flag: '--json', typed: '/dev/stdout', path: '-' }]);
    expect(issues).toEqual([
      { path: '--md /dev/fd/1', message: 'is stdout, where this command prints its summary; give a file name (only --json accepts -, which sends the summary to stderr)' },
      { path: '--html reports/', message: 'names a directory; give a file name in it' },
      { path: '--csv reports/..', message: 'names a directory; give a file name in it' },
    ]);
  });

  // Regression: `--json - --md /dev/stdout` wrote a JSON and a Markdown document one after the
  // other to stdout, where a pipe read neither.
  it('counts - as the file /dev/stdout names when another output reaches it through a link', async () => {
    const link = path.join(root, 'to-stdout.md');
    symlinkSync('/dev/stdout', link);
    const { targets } = resolve([
      { flag: '--json', value: '-', stdout: true },
      { flag: '--md', value: link },
    ]);
    const issues = await issuesOf(checkOutputTargets(targets));
    // Where this process's stdout is the null device, which takes both harmlessly, nothing is refused.
    if ((await canonicalFile('/dev/stdout')) === '/dev/null') expect(issues).toEqual([]);
    else {
      // Said once: the same file as `-` is the same problem.
      expect(issues).toEqual([{ path: `--md ${link}`, message: 'is the file stdout goes to, where this command prints its summary, which it would lose: give another file' }]);
      // A command that prints nothing on stdout (`data export`) refuses only the clash with `-`.
      expect(await issuesOf(checkOutputTargets(targets, [], { summaryOnStdout: false }))).toEqual([{ path: `--json - --md ${link}`, message: sameFileMessage('stdout') }]);
    }
  });

  // Regression: with `here → .`, `here/n/a.json` and `n/a.json` (a directory not there yet) passed,
  // and one output replaced the other.
  it('finds one file through a link above directories not there yet', async () => {
    const directory = path.join(root, 'above');
    mkdirSync(directory);
    symlinkSync('.', path.join(directory, 'here'));
    const { targets } = resolve([
      { flag: '--json', value: 'above/here/n/a.json' },
      { flag: '--md', value: 'above/n/a.json' },
    ]);
    expect(await issuesOf(checkOutputTargets(targets))).toEqual([{ path: '--json above/here/n/a.json --md above/n/a.json', message: sameFileMessage(path.join(directory, 'n', 'a.json')) }]);
  });

  it('finds one file reached through a symbolic link to its directory', async () => {
    const real = path.join(root, 'real');
    mkdirSync(real);
    symlinkSync(real, path.join(root, 'link'));
    const { targets, issues } = resolve([
      { flag: '--json', value: 'real/result.json' },
      { flag: '--html', value: 'link/result.json' },
    ]);
    expect(issues).toEqual([]);
    expect(await issuesOf(checkOutputTargets(targets))).toEqual([
      { path: '--json real/result.json --html link/result.json', message: sameFileMessage(path.join(real, 'result.json')) },
    ]);
    // The same through an existing file.
    writeFileSync(path.join(real, 'result.json'), '{}');
    expect(await issuesOf(checkOutputTargets(targets))).toHaveLength(1);
  });

  // Regression: a link's `..` was read against the link's path, not the real directory it is in,
  // so the check and the writer named different files: `--json t/alias/link.json --md
  // t/real/deep/out.json` passed, and the Markdown silently replaced the JSON.
  it("reads a link's .. against the real directory it is in, as the writer does", async () => {
    const directory = path.join(root, 'dotted');
    mkdirSync(path.join(directory, 'real', 'deep', 'dir'), { recursive: true });
    symlinkSync(path.join('real', 'deep', 'dir'), path.join(directory, 'alias'));
    symlinkSync('../out.json', path.join(directory, 'real', 'deep', 'dir', 'link.json'));
    const { targets } = resolve([
      { flag: '--json', value: 'dotted/alias/link.json' },
      { flag: '--md', value: 'dotted/real/deep/out.json' },
      { flag: '--html', value: 'dotted/out.json' },
    ]);
    expect(await issuesOf(checkOutputTargets(targets))).toEqual([
      { path: '--json dotted/alias/link.json --md dotted/real/deep/out.json', message: sameFileMessage(path.join(directory, 'real', 'deep', 'out.json')) },
    ]);
  });

  it('a symbolic link as target is the file it points to (one that does not exist yet too)', async () => {
    const directory = path.join(root, 'links');
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'report.md'), '');
    symlinkSync(path.join(directory, 'report.md'), path.join(directory, 'alias.md'));
    // Relative links, and a link pointing nowhere yet: writing through it creates `later.json`.
    symlinkSync('later.json', path.join(directory, 'dangling.json'));
    symlinkSync('dangling.json', path.join(directory, 'twice.json'));
    const { targets } = resolve([
      { flag: '--md', value: 'links/report.md' },
      { flag: '--html', value: 'links/alias.md' },
      { flag: '--json', value: 'links/twice.json' },
      { flag: '--csv', value: 'links/later.json' },
    ]);
    expect(await issuesOf(checkOutputTargets(targets))).toEqual([
      { path: '--md links/report.md --html links/alias.md', message: sameFileMessage(path.join(directory, 'report.md')) },
      { path: '--json links/twice.json --csv links/later.json', message: sameFileMessage(path.join(directory, 'later.json')) },
    ]);
    // A loop of links ends the look, and is refused as a target.
    symlinkSync('loop-b', path.join(directory, 'loop-a'));
    symlinkSync('loop-a', path.join(directory, 'loop-b'));
    expect(await issuesOf(checkOutputTargets(resolve([{ flag: '--json', value: 'links/loop-a' }]).targets))).toEqual([
      { path: '--json', message: `cannot write ${path.join(directory, 'loop-a')}: it is a symbolic link that leads back to itself (a loop of links); give a file name` },
    ]);
  });

  it('refuses an output that is a symbolic link to one of the kept files (an input it would overwrite)', async () => {
    const directory = path.join(root, 'kept');
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'prices.csv'), 'date,close\n');
    symlinkSync('prices.csv', path.join(directory, 'out.json'));
    const { targets } = resolve([{ flag: '--json', value: 'kept/out.json' }]);
    const issues = await issuesOf(checkOutputTargets(targets, [{ path: path.join(directory, 'prices.csv'), what: 'the data file (--data)' }]));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('the data file (--data)');
  });

  it('lists every directory problem and every duplicate in one error', async () => {
    writeFileSync(path.join(root, 'plain'), '');
    const targets = [
      { flag: '--json', typed: 'plain/a.json', path: path.join(root, 'plain', 'a.json') },
      { flag: '--md', typed: 'x.md', path: path.join(root, 'real', 'x.md') },
      { flag: '--html', typed: 'link/x.md', path: path.join(root, 'link', 'x.md') },
    ];
    const issues = await issuesOf(checkOutputTargets(targets));
    expect(issues.map((issue) => issue.path)).toEqual(['--json', '--md x.md --html link/x.md']);
    expect(issues[0]?.message).toContain('is not a directory');
  });
});
