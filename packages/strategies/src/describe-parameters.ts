import { DECIMAL_PATTERN, checkArguments, describeGiven, objectIssue, parseJsonText } from '@ensemble/protocol';
import type { ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { z } from 'zod';

type JsonSchema = z.core.JSONSchema.JSONSchema;

/** One parameter of a strategy, derived from its zod schema (via `z.toJSONSchema`). */
export interface ParameterDescription {
  readonly name: string;
  /** JSON Schema type in words: `integer`, `number`, `boolean`, `string`, or a union such as `"week" | "month" | integer`. */
  readonly type: string;
  /** False when the parameter has a default (every sample strategy parameter has one). */
  readonly required: boolean;
  /** The default value, or `undefined` when there is none. */
  readonly default: unknown;
  /** Inclusive lower bound, or null. */
  readonly minimum: number | null;
  /** Exclusive lower bound, or null. */
  readonly exclusiveMinimum: number | null;
  /** Inclusive upper bound, or null. */
  readonly maximum: number | null;
  /** Exclusive upper bound, or null. */
  readonly exclusiveMaximum: number | null;
  /** The allowed literal values (of an enum or an enum branch of a union), or null. */
  readonly values: readonly (string | number | boolean | null)[] | null;
  /** The bounds in words (`>= 1 and <= 10000`), or null when unbounded. */
  readonly bounds: string | null;
  /** The field's `.describe()` text (cross-field rules such as `fast < slow` are stated there). */
  readonly description: string;
}

function isSchema(node: unknown): node is JsonSchema {
  return typeof node === 'object' && node !== null;
}

function branches(node: JsonSchema): JsonSchema[] {
  return node.anyOf ?? node.oneOf ?? [node];
}

function typeName(node: JsonSchema): string {
  if (node.anyOf !== undefined || node.oneOf !== undefined) return branches(node).map(typeName).join(' | ');
  if (node.enum !== undefined) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.type)) return node.type.join(' | ');
  return node.type ?? 'unknown';
}

function acceptedTypes(node: JsonSchema): Set<string> {
  const types = new Set<string>();
  for (const branch of branches(node)) {
    if (Array.isArray(branch.type)) for (const type of branch.type) types.add(type);
    else if (branch.type !== undefined) types.add(branch.type);
    for (const value of branch.enum ?? (branch.const === undefined ? [] : [branch.const])) types.add(typeof value);
  }
  return types;
}

function bound(value: number | boolean | undefined): number | null {
  if (typeof value !== 'number' || Math.abs(value) >= Number.MAX_SAFE_INTEGER) return null;
  return value;
}

/**
 * The parameters of a strategy definition: per field of its (object) schema, the name, type,
 * default, bounds and description — what `ensemble strategies` prints. Derived from
 * `z.toJSONSchema(schema, { io: 'input' })`; bounds of a union come from its numeric branch.
 */
export function describeParameters(definition: StrategyDefinition): ParameterDescription[] {
  checkArguments('describeParameters', [definitionIssue(definition)]);
  const root = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' });
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([name, property]) => {
    const node: JsonSchema = isSchema(property) ? property : {};
    const numeric = branches(node).find((branch) => branch.type === 'integer' || branch.type === 'number') ?? {};
    const values = branches(node).flatMap((branch) => branch.enum ?? []);
    const minimum = bound(numeric.minimum);
    const exclusiveMinimum = bound(numeric.exclusiveMinimum);
    const maximum = bound(numeric.maximum);
    const exclusiveMaximum = bound(numeric.exclusiveMaximum);
    const words = [
      minimum === null ? null : `>= ${minimum}`,
      exclusiveMinimum === null ? null : `> ${exclusiveMinimum}`,
      maximum === null ? null : `<= ${maximum}`,
      exclusiveMaximum === null ? null : `< ${exclusiveMaximum}`,
    ].filter((word) => word !== null);
    return {
      name,
      type: typeName(node),
      required: required.has(name),
      default: node.default,
      minimum,
      exclusiveMinimum,
      maximum,
      exclusiveMaximum,
      values: values.length === 0 ? null : values,
      bounds: words.length === 0 ? null : words.join(' and '),
      description: node.description ?? '',
    };
  });
}

/**
 * Turns `key=value` strings (CLI `--param fast=10`) into typed values by each parameter's schema
 * type: a numeric string becomes a number where the parameter accepts numbers, `true`/`false`
 * a boolean where it accepts booleans, JSON (`[0.6,0.4]`, `{"a":1}`) a list or an object where it
 * accepts one; anything else (unknown keys included) stays a string for the schema to accept or
 * reject with a precise message. Pass the result to `createStrategy`.
 */
export function coerceParameterStrings(
  definition: StrategyDefinition,
  values: Readonly<Record<string, string>>,
): Record<string, unknown> {
  checkArguments('coerceParameterStrings', [definitionIssue(definition), objectIssue(values, 'values', 'parameter values by name, each a string (e.g. { fast: "10" })')]);
  const root = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' });
  const properties = root.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    const types = isSchema(property) ? acceptedTypes(property) : new Set<string>();
    const text = raw.trim();
    const value =
      (types.has('number') || types.has('integer')) && DECIMAL_PATTERN.test(text)
        ? Number(text)
        : types.has('boolean') && (text === 'true' || text === 'false')
          ? text === 'true'
          : (types.has('array') || types.has('object')) && !types.has('string') && /^[[{]/.test(text)
            ? jsonOr(text, raw)
            : raw;
    // Defined, not assigned: `__proto__` stays a key for the schema to refuse (assigned, it would
    // set the object's prototype and vanish).
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * `text` read as JSON (a list or an object parameter: `weights=[0.6,0.4]`) by the project's reader
 * (a key given twice refused, as in a config), or `raw` when it is none (the schema then refuses it).
 */
function jsonOr(text: string, raw: string): unknown {
  try {
    return parseJsonText(text, '--param');
  } catch {
    return raw;
  }
}

/** The problem with a strategy definition argument (null when there is none): an object with a zod `schema`. */
function definitionIssue(definition: unknown): ConfigIssue | null {
  const what = 'a strategy definition (e.g. getStrategy(name) or a defineStrategy result)';
  const issue = objectIssue(definition, 'definition', what);
  if (issue !== null) return issue;
  const { schema } = definition as { schema?: unknown };
  // Duck-typed: a definition from a module may carry its own copy of zod.
  if (typeof schema === 'object' && schema !== null && typeof (schema as { safeParse?: unknown }).safeParse === 'function') return null;
  return { path: 'definition.schema', message: `must be the definition's parameter schema (a zod schema; ${what}); got ${describeGiven(schema)}` };
}
