import { readFile } from 'node:fs/promises';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which output of `ensemble sweep` or `ensemble walk-forward` a parsed JSON file is, by its shape; null for none. */
export function researchOutputKind(data: unknown): 'sweep results' | 'sweep summary' | 'walk-forward' | null {
  if (!isRecord(data)) return null;
  if (typeof data.sweepId === 'string' && Array.isArray(data.rows) && isRecord(data.counts)) return 'sweep results';
  if (typeof data.sweepId === 'string' && isRecord(data.statistics) && isRecord(data.counts)) return 'sweep summary';
  if (typeof data.planId === 'string' && Array.isArray(data.steps) && typeof data.mode === 'string') return 'walk-forward';
  return null;
}

/**
 * Why `ensemble report` cannot read `file` when it is an output of a research command (a sweep's
 * `results.json` or `summary.json`, a walk-forward's `walk-forward.json`), and how that command
 * writes its HTML report; null for any other file (or one that cannot be read as JSON).
 */
export async function researchOutputProblem(file: string): Promise<string | null> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
  const kind = researchOutputKind(data);
  if (kind === null) return null;
  const command = kind === 'walk-forward' ? 'walk-forward' : 'sweep';
  const what = kind === 'sweep results' ? "a sweep's results (results.json of `ensemble sweep`)" : kind === 'sweep summary' ? "a sweep's summary (summary.json of `ensemble sweep`)" : "a walk-forward's result (walk-forward.json of `ensemble walk-forward`)";
  return `${what}, not a run or backtest result: \`ensemble report\` makes the reports of one run. The research report of a ${command} is written by the command itself: run the same \`ensemble ${command}\` with --html FILE and --resume, which takes every finished job from the output directory's journal.jsonl (or, with --queue, from Redis) instead of running it again`;
}
