import type { Objective } from './objective';
import { withConfigValues } from './config-path';
import type { PlannedParameter } from './sweep-plan';
import type { ParameterValue } from '../job/research-job';

/**
 * A plan's parts in words, by name, for its journal (`OpenJournalOptions.outline`): the
 * objective, each varied parameter's path and values (a range as one), and the base config with
 * the varied values set aside (so that a changed value is not also a changed config); `extra` adds
 * parts only the caller knows (a walk-forward's windows). A resume refused names the parts whose
 * words differ.
 */
export function planOutline(
  parameters: readonly PlannedParameter[],
  objective: Objective,
  config: Record<string, unknown> | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const outline: Record<string, string> = { objective: `${objective.metric}, ${objective.direction === 'max' ? 'maximised' : 'minimised'}` };
  for (const parameter of parameters) outline[`parameter ${parameter.name}`] = `${parameter.path} = ${valuesText(parameter.values)}`;
  // The base config itself, as JSON: a refusal names the fields that differ (`commission.rate`).
  if (config !== undefined) outline['base config'] = JSON.stringify(withConfigValues(config, parameters.map((parameter) => [parameter.path, '(varied)'] as const)));
  return { ...outline, ...extra };
}

/** A parameter's values in words: an even range of four or more as `5…100 by 5 (20 values)`, a long list by its ends. */
function valuesText(values: readonly ParameterValue[]): string {
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (numbers.length === values.length && numbers.length >= 4) {
    const step = (numbers[1] ?? 0) - (numbers[0] ?? 0);
    const even = step !== 0 && numbers.every((value, k) => k === 0 || Math.abs(value - (numbers[k - 1] ?? 0) - step) <= 1e-9 * Math.max(1, Math.abs(step)));
    if (even) return `${String(numbers[0])}…${String(numbers.at(-1))} by ${String(step)} (${String(numbers.length)} values)`;
  }
  if (values.length <= 8) return values.map(String).join(', ');
  return `${values.slice(0, 5).map(String).join(', ')}, …, ${String(values.at(-1))} (${String(values.length)} values)`;
}
