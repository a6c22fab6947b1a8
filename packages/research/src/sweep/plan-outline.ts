import type { Objective } from './objective';
import { withConfigValues } from './config-path';
import type { PlannedParameter } from './sweep-plan';
import { jsonDigest } from './sweep-plan';

/**
 * A plan's parts in words, by name, for its journal (`OpenJournalOptions.outline`): the
 * objective, each varied parameter's path and values, and a digest of the base config with the
 * varied values set aside (so that a changed value is not also a changed config); `extra` adds
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
  for (const parameter of parameters) outline[`parameter ${parameter.name}`] = `${parameter.path} = ${parameter.values.map(String).join(', ')}`;
  if (config !== undefined) {
    const base = withConfigValues(config, parameters.map((parameter) => [parameter.path, '(varied)'] as const));
    outline['base config'] = `digest ${jsonDigest(base).slice(0, 12)}`;
  }
  return { ...outline, ...extra };
}
