import { formatValue } from './format-value';
import type { RebalanceRule } from './strategy';

const PERIODS: readonly string[] = ['week', 'month', 'quarter', 'year'];

/** The three forms a {@link RebalanceRule} takes, for messages. */
export const REBALANCE_RULE_FORMS = '{ kind: "never" }, { kind: "bars", every: N } (N a whole number of bars, at least 1) or { kind: "calendar", period: "week" | "month" | "quarter" | "year" }';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why `rule` is not a {@link RebalanceRule} the engine can follow, or null when it is one: an
 * unknown kind, a bar count that is not a whole number of at least 1 (0, -1, 2.5 and NaN would
 * rebalance on every bar, round or never fire again), or a calendar period other than week,
 * month, quarter or year. A portfolio strategy's own `rebalance` is checked with it when it is built.
 */
export function rebalanceRuleProblem(rule: unknown): string | null {
  if (!isRecord(rule)) return `is ${formatValue(rule)}; it must be ${REBALANCE_RULE_FORMS}`;
  const extra = Object.keys(rule).filter((key) => key !== 'kind' && key !== (rule.kind === 'bars' ? 'every' : rule.kind === 'calendar' ? 'period' : ''));
  switch (rule.kind) {
    case 'never':
    case 'bars':
    case 'calendar':
      break;
    default:
      return `has kind ${rule.kind === undefined ? '(missing)' : formatValue(rule.kind)}; it must be ${REBALANCE_RULE_FORMS}`;
  }
  if (rule.kind === 'bars' && !(typeof rule.every === 'number' && Number.isSafeInteger(rule.every) && rule.every >= 1)) {
    return `is { kind: "bars" } with every ${rule.every === undefined ? 'missing' : formatValue(rule.every)}; every must be a whole number of bars, at least 1`;
  }
  if (rule.kind === 'calendar' && !(typeof rule.period === 'string' && PERIODS.includes(rule.period))) {
    return `is { kind: "calendar" } with period ${rule.period === undefined ? 'missing' : formatValue(rule.period)}; period must be "week", "month", "quarter" or "year"`;
  }
  if (extra.length > 0) return `has ${extra.length === 1 ? 'a field' : 'fields'} a ${rule.kind} rule does not take (${extra.join(', ')}); it must be ${REBALANCE_RULE_FORMS}`;
  return null;
}

/** Whether `rule` is a {@link RebalanceRule} (see {@link rebalanceRuleProblem}). */
export function isRebalanceRule(rule: unknown): rule is RebalanceRule {
  return rebalanceRuleProblem(rule) === null;
}
