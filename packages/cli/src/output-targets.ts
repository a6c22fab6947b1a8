import path from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { COMMAND_LINE, flagText } from './flags';
import type { FlagProblems } from './flags';
import { canonicalFile, checkOutputPath } from './write-file';

/** The file standing for the process's stdout, compared with the outputs that name it. */
const STDOUT_FILE = '/dev/stdout';
/** Names of the process's stdout, read as `-`. */
const STDOUT_NAMES = new Set([STDOUT_FILE, '/dev/fd/1', '/proc/self/fd/1']);

/** An output flag as commander hands it over: its name, the value typed (undefined when absent), and whether `-` (stdout) is allowed. */
export interface OutputFlag {
  readonly flag: string;
  readonly value: string | undefined;
  readonly stdout?: boolean | undefined;
}

/** An output flag resolved: the flag, the value as typed, and the absolute path (or `-` for stdout). */
export interface OutputTarget {
  readonly flag: string;
  readonly typed: string;
  readonly path: string;
}

/** The message of an output written twice; `file` names it when the flags spell it differently. */
export function sameFileMessage(file?: string): string {
  return `two outputs would write the same file${file === undefined ? '' : ` (${file})`}; give each its own path`;
}

/**
 * Resolves output flags against `cwd` (`path.resolve`, so `./a.json` and `a.json` are one path),
 * recording in `problems` an empty value, `-` where stdout is not allowed, and two flags that name
 * the same path (one problem per file, naming every flag that writes it). Returns the targets given,
 * in the order of `flags`; flags absent or invalid are left out.
 */
export function resolveOutputFlags(problems: FlagProblems, flags: readonly OutputFlag[], cwd: string): OutputTarget[] {
  const targets: OutputTarget[] = [];
  for (const { flag, value, stdout } of flags) {
    if (value === undefined) continue;
    // `/dev/stdout` is `-` by another name: its summary goes to stderr then, not into the output.
    if (value === '-' || STDOUT_NAMES.has(value) || STDOUT_NAMES.has(path.resolve(cwd, value))) {
      if (stdout === true) targets.push({ flag, typed: value, path: '-' });
      else {
        const toStdout = flags.filter((entry) => entry.stdout === true).map((entry) => entry.flag);
        const why = value === '-' ? 'cannot write to stdout' : 'is stdout, where this command prints its summary';
        problems.add(flagText(flag, value), `${why}; give a file name${toStdout.length === 0 ? ' (no output of this command goes to stdout)' : ` (only ${toStdout.join(', ')} accepts -, which sends the summary to stderr)`}`);
      }
      continue;
    }
    if (value.trim() === '') {
      problems.add(`${flag} ""`, 'give a file name');
      continue;
    }
    // A path ending in a separator, `.` or `..` names a directory: writing it made a file of that name.
    if (/[\\/]$/.test(value) || /(^|[\\/])\.\.?$/.test(value)) {
      problems.add(flagText(flag, value), 'names a directory; give a file name in it');
      continue;
    }
    targets.push({ flag, typed: value, path: path.resolve(cwd, value) });
  }
  for (const issue of sameFileIssues(targets, (target) => target.path)) problems.add(issue.path, issue.message);
  return targets;
}

/** One issue per file that several targets (stdout aside) would write, by `key`: the flags as typed, and {@link sameFileMessage}. */
function sameFileIssues(targets: readonly OutputTarget[], key: (target: OutputTarget) => string, shown?: (file: string) => string): ConfigIssue[] {
  const groups = new Map<string, OutputTarget[]>();
  for (const target of targets) {
    if (target.path === '-') continue;
    const file = key(target);
    groups.set(file, [...(groups.get(file) ?? []), target]);
  }
  const issues: ConfigIssue[] = [];
  for (const [file, group] of groups) {
    if (group.length < 2) continue;
    issues.push({ path: group.map((target) => flagText(target.flag, target.typed)).join(' '), message: sameFileMessage(shown?.(file)) });
  }
  return issues;
}

/**
 * Checks, before any work starts, every output of a command that writes several: each one's
 * directory exists and is writable and the target is not a directory ({@link checkOutputPath}), and
 * no two name the same file — also through a symbolic link to a directory or another spelling of an
 * existing file's name — nor any of the `kept` files (the command's inputs, files it writes
 * itself). Throws one `ConfigError` (exit 2) listing every problem, duplicates named by every flag
 * involved. Stdout (`-`) is not checked as a path, but counts as the file `/dev/stdout` names
 * when another output names it too; an output that is that file is refused, as the command's
 * summary goes there, unless `summaryOnStdout` is false. The null device is never compared.
 */
export async function checkOutputTargets(targets: readonly OutputTarget[], kept: readonly KeptFile[] = [], options: { readonly summaryOnStdout?: boolean } = {}): Promise<void> {
  const files = targets.filter((target) => target.path !== '-');
  const issues: ConfigIssue[] = [];
  for (const target of files) {
    try {
      await checkOutputPath(target.path, target.flag);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      issues.push(...error.issues);
    }
  }
  const canonical = new Map<OutputTarget, string>();
  for (const target of files) canonical.set(target, await canonicalFile(target.path));
  // `-` is the process's stdout, as `/dev/stdout` (or the file a shell sent it to) is: two outputs
  // written there would run into one another (a JSON followed by a Markdown document).
  // The null device takes everything harmlessly: nothing is compared with it.
  const found = await canonicalFile(STDOUT_FILE);
  const stdout = found === '/dev/null' ? null : found;
  // An output that is the file the shell sent stdout to (`--json out.json > out.json`) would lose
  // the summary the command prints there (said once, not again as a same-file clash with `-`).
  const onStdout = new Set(options.summaryOnStdout === false ? [] : files.filter((target) => stdout !== null && canonical.get(target) === stdout));
  for (const target of onStdout) issues.push({ path: flagText(target.flag, target.typed), message: 'is the file stdout goes to, where this command prints its summary, which it would lose: give another file' });
  const compared = targets.flatMap((target) => (onStdout.has(target) ? [] : target.path !== '-' ? [target] : stdout === null ? [] : [{ ...target, path: STDOUT_FILE }]));
  for (const target of compared) if (!canonical.has(target)) canonical.set(target, stdout ?? STDOUT_FILE);
  issues.push(...sameFileIssues(compared, (target) => canonical.get(target) ?? target.path, (file) => (file === stdout ? 'stdout' : file)));
  issues.push(...(await keptFileIssues(files, kept)));
  if (issues.length > 0) throw new ConfigError(issues, { source: COMMAND_LINE });
}

/** One issue per output that would replace one of the `kept` files (compared as {@link canonicalFile}s). */
async function keptFileIssues(targets: readonly OutputTarget[], kept: readonly KeptFile[]): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const target of targets) {
    if (target.path === '-') continue;
    const file = await canonicalFile(target.path);
    for (const entry of kept) {
      if ((await canonicalFile(entry.path)) !== file) continue;
      issues.push({ path: flagText(target.flag, target.typed), message: `would overwrite ${entry.what} (${entry.path}); give the output its own path` });
    }
  }
  return issues;
}

/**
 * Checks that no output replaces one of the `kept` files (for an output whose directory the command
 * creates, so {@link checkOutputTargets} does not apply). Throws one `ConfigError` (exit 2).
 */
export async function checkKeptFiles(targets: readonly OutputTarget[], kept: readonly KeptFile[]): Promise<void> {
  const issues = await keptFileIssues(targets, kept);
  if (issues.length > 0) throw new ConfigError(issues, { source: COMMAND_LINE });
}

/** A file an output must not replace: an input of the command, or another file it writes; `what` names it in the message. */
export interface KeptFile {
  readonly what: string;
  readonly path: string;
}
