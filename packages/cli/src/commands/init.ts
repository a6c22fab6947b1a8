import { lstat, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, echoValue, quoteValue } from '@ensemble/protocol';
import { directoryCreationProblem, makeDirectory } from '@ensemble/report';
import {
  README_TEMPLATE,
  RUN_CONFIG_TEMPLATE,
  STRATEGY_TEMPLATE,
  STRATEGY_TEST_TEMPLATE,
  TEMPLATE_DEPENDENCY_VERSIONS,
  packageJsonTemplate,
} from '../init/templates';
import { COMMAND_LINE } from '../flags';
import { formatCounted } from '../format';
import type { CliIo } from '../io';
import { cliVersion } from '../version';

/** One file `ensemble init` writes: its path relative to the project directory and its text. */
export interface InitFile {
  readonly path: string;
  readonly content: string;
}

/** The version of packages built from the repository, never released. */
const UNRELEASED = '0.0.0';

/** What the project's README says first when it was made by an unreleased CLI (from a clone). */
const UNRELEASED_NOTE =
  'The `@ensemble` packages this project depends on are not on the npm registry yet, so `npm install` cannot fetch them: until they are, run the commands below with `pnpm -s -C <path to your Ensemble clone> ensemble …` in place of `npx ensemble …` (`pnpm ensemble init`, run in the clone, printed the exact command). Or build the clone once (`npx -y pnpm@10.34.9 build` in it) and install its packages here from it: `npm install <clone>/packages/cli <clone>/packages/protocol <clone>/packages/data` (npm links the folders); then `npm test`, `npx ensemble …` and the scripts of package.json work as written.';

/**
 * The files of a new strategy project, relative to its directory: `strategies/my-strategy.ts`,
 * `strategies/my-strategy.test.ts`, `run.json`, `package.json` (depending on `@ensemble/*` at
 * `ensembleVersion`) and `README.md`.
 */
export function initFiles(ensembleVersion: string): InitFile[] {
  return [
    { path: 'strategies/my-strategy.ts', content: STRATEGY_TEMPLATE },
    { path: 'strategies/my-strategy.test.ts', content: STRATEGY_TEST_TEMPLATE },
    { path: 'run.json', content: RUN_CONFIG_TEMPLATE },
    { path: 'package.json', content: packageJsonTemplate({ ensemble: ensembleVersion, ...TEMPLATE_DEPENDENCY_VERSIONS }) },
    { path: 'README.md', content: ensembleVersion === UNRELEASED ? README_TEMPLATE.replace('## Next steps\n', `## Next steps\n\n${UNRELEASED_NOTE}\n`) : README_TEMPLATE },
  ];
}

/**
 * Writes {@link initFiles} into `directory` (created when missing). Nothing is written when a
 * directory stands where a file goes (or a file where a folder goes), nor, without `force`, when
 * any of the files exists: an `IO_FAILED` error names every one (exit 2). Returns the absolute
 * paths written.
 */
export async function writeInitFiles(directory: string, options: { readonly force?: boolean } = {}): Promise<string[]> {
  const files = initFiles(cliVersion());
  const absolute = files.map((file) => path.join(directory, file.path));
  // Checked before anything is written: a directory where a file goes (or a file where a folder
  // of the project goes) would stop the writing half-way, even with --force.
  const blocked = [...new Set((await Promise.all(files.map((file) => blockedPath(directory, file.path)))).filter((problem) => problem !== null))];
  if (blocked.length > 0) {
    throw new EnsembleError(
      'IO_FAILED',
      [
        `ensemble init did not write anything: ${blocked.length === 1 ? 'a path' : 'paths'} it would write ${blocked.length === 1 ? 'is' : 'are'} taken in ${quoteValue(directory, MAX_LINE_LENGTH)}:`,
        ...blocked.map((problem) => `  - ${echoValue(problem, MAX_LINE_LENGTH)}`),
        `Move ${blocked.length === 1 ? 'it' : 'them'} away or choose another directory (--force overwrites files, not directories).`,
      ].join('\n'),
    );
  }
  if (options.force !== true) {
    // lstat: a symbolic link counts as there, even one pointing nowhere (writing through it would write outside the project).
    const existing = (await Promise.all(absolute.map(async (file) => ((await lstat(file).catch(() => null)) === null ? null : file)))).filter((file) => file !== null);
    if (existing.length > 0) {
      const listed = existing.map((file) => `  - ${echoValue(file, MAX_LINE_LENGTH)}`);
      throw new EnsembleError(
        'IO_FAILED',
        [
          `ensemble init did not write anything: ${formatCounted(existing.length, 'file')} it would write ${existing.length === 1 ? 'exists' : 'exist'} in ${quoteValue(directory, MAX_LINE_LENGTH)}, and it does not overwrite files:`,
          ...listed,
          'Choose another directory, or add --force to overwrite them.',
        ].join('\n'),
      );
    }
  }
  try {
    await makeDirectory(directory);
  } catch (error) {
    const problem = directoryCreationProblem(error);
    if (problem === null) throw error;
    const remedy = problem === 'permission denied' ? 'choose a directory you can write to' : 'give ensemble init a directory (it is created when missing)';
    throw new EnsembleError('IO_FAILED', `ensemble init cannot create the directory ${quoteValue(directory, MAX_LINE_LENGTH)}: ${problem}; ${remedy}.`, { cause: error });
  }
  for (const [k, file] of files.entries()) {
    const target = absolute[k] ?? path.join(directory, file.path);
    await makeDirectory(path.dirname(target));
    await writeFile(target, file.content);
  }
  return absolute;
}

/**
 * Why `relative` (a file of the project, `/`-separated) cannot be written under `directory`: a
 * folder on its way that is a file, or a directory where the file goes; null when it can be
 * (absent, or an existing file). Only paths inside the project are looked at: `directory`
 * itself is checked when it is created.
 */
async function blockedPath(directory: string, relative: string): Promise<string | null> {
  const parts = relative.split('/');
  let at = directory;
  for (const [k, part] of parts.entries()) {
    at = path.join(at, part);
    const found = await stat(at).catch(() => null);
    if (found === null) return null;
    const last = k === parts.length - 1;
    if (last && found.isDirectory()) return `${at} is a directory, where ensemble init writes a file`;
    if (!last && !found.isDirectory()) return `${at} is a file, where ensemble init makes a folder`;
  }
  return null;
}

/**
 * Registers `ensemble init [dir]`: scaffolds a strategy project — a strategy, its contract tests,
 * an orchestrated run that uses it, a package.json and a README — refusing to overwrite files
 * unless `--force`.
 */
export function registerInitCommand(program: Command, io: CliIo): Command {
  return program
    .command('init')
    .description('start a strategy project: a strategy file, its tests, a run config using it, package.json and README')
    .argument('[dir]', 'directory to write into, created when missing (default: the current directory)')
    .option('--force', 'overwrite files that exist')
    .addHelpText(
      'after',
      `
Writes strategies/my-strategy.ts, strategies/my-strategy.test.ts, run.json, package.json and
README.md. Exits 2 without writing anything when one of them exists (--force overwrites).

Examples:
  $ ensemble init my-strategies
  $ ensemble run --config my-strategies/run.json --html report.html
  $ ensemble backtest --dataset sp500 --strategy my-strategies/strategies/my-strategy.ts`,
    )
    .action(async (dir: string | undefined, options: { force?: boolean }) => {
      // An empty directory argument (`init ""`, an unset shell variable) would resolve to the
      // working directory, writing the project there unasked; leaving it out does that on purpose.
      if (dir?.trim() === '') {
        throw new ConfigError([{ path: '[dir] ""', message: 'give the directory to write into (it is created when missing), or leave it out to write into the current directory' }], {
          source: COMMAND_LINE,
        });
      }
      const directory = path.resolve(io.cwd, dir ?? '.');
      const written = await writeInitFiles(directory, { force: options.force === true });
      const shown = dir ?? '.';
      const shownPath = (file: string) => (path.relative(io.cwd, file).startsWith('..') ? file : path.relative(io.cwd, file));
      const lines = written.map((file) => `wrote ${echoValue(shownPath(file), MAX_LINE_LENGTH)}`);
      const config = echoValue(path.join(shown, 'run.json'), MAX_LINE_LENGTH);
      const strategy = echoValue(path.join(shown, 'strategies', 'my-strategy.ts'), MAX_LINE_LENGTH);
      // Run from a clone (`pnpm ensemble init`), the command a newcomer can type is pnpm's, from the clone.
      const clone = io.env.npm_lifecycle_event === 'ensemble' ? io.env.PNPM_SCRIPT_SRC_DIR : undefined;
      const ensemble = clone === undefined ? 'ensemble' : `pnpm -s -C ${echoValue(clone, MAX_LINE_LENGTH)} ensemble`;
      lines.push(
        '',
        'Next:',
        `  ${ensemble} run --config ${config} --html report.html`,
        `  ${ensemble} backtest --dataset sp500 --strategy ${strategy}`,
        `  ${ensemble} strategies ${strategy}`,
        `  ${ensemble} check --dataset sp500 --strategy ${strategy}`,
        cliVersion() === UNRELEASED
          ? clone === undefined
            ? `  (the npm registry has no release of the @ensemble packages yet, so these run from a clone of Ensemble: there, npx -y pnpm@10.34.9 ensemble … in place of ensemble …; ${echoValue(path.join(shown, 'README.md'), MAX_LINE_LENGTH)} says how to install the project's packages from the clone)`
            : `  (the npm registry has no release of the @ensemble packages yet, so these run from the clone, as above; ${echoValue(path.join(shown, 'README.md'), MAX_LINE_LENGTH)} says how to install the project's packages from it)`
          : `  cd ${echoValue(shown, MAX_LINE_LENGTH)} && npm install && npm test   (see its README.md)`,
      );
      io.stdout.write(`${lines.join('\n')}\n`);
    });
}
