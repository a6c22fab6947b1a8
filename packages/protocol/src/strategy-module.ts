import type { StrategyDefinition } from './definition';
import { checkedStrategyDefinition, strategyDefinitionIssues } from './define-strategy';
import { echoValue, listValues, quoteValue } from './echo';
import { closestMatch } from './suggest';
import type { ConfigIssue } from './errors';
import { ConfigError } from './errors';

const HOW = 'a strategy file must `export default defineStrategy({ name, kind, description, params, create })` (or an array of such definitions), with defineStrategy from @ensemble/protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function looksLikeDefinition(value: unknown): boolean {
  return isRecord(value) && ('create' in value || 'schema' in value || 'params' in value) && 'name' in value;
}

/** The definitions `value` holds (one, or an array), with the issues of each at `path`. */
function definitionsAt(value: unknown, path: string, issues: ConfigIssue[]): StrategyDefinition[] {
  const entries = Array.isArray(value) ? (value as unknown[]) : [value];
  if (entries.length === 0) issues.push({ path, message: `is an empty array: ${HOW}` });
  const definitions: StrategyDefinition[] = [];
  entries.forEach((entry, index) => {
    const at = Array.isArray(value) ? `${path}.${index}` : path;
    if (isRecord(entry) && !Array.isArray(entry) && !('schema' in entry)) {
      // What defineStrategy returns has a schema; an object without one is a spec not yet wrapped
      // (with `params`) or something else, which its fields' messages would only confuse.
      issues.push({ path: at, message: `${'params' in entry ? 'is a plain spec' : 'is a plain object'}, not a definition: wrap it in defineStrategy({...}) (${HOW})` });
      return;
    }
    const problems = strategyDefinitionIssues(entry, 'schema');
    for (const problem of problems) issues.push({ path: problem.path === '' ? at : `${at}.${problem.path}`, message: problem.message });
    // A definition written by hand gets defineStrategy's checks of what its create builds.
    if (problems.length === 0) definitions.push(checkedStrategyDefinition(entry as StrategyDefinition));
  });
  return definitions;
}

/**
 * The ES module a namespace stands for: a TypeScript file Node (or tsx's `tsImport`) treats as
 * CommonJS (no `"type": "module"` above it) is compiled to CommonJS with an `__esModule` marker, and
 * importing it gives `{ default: module.exports }`; its own exports are those of `module.exports`.
 */
function esModuleOf(namespace: unknown): unknown {
  if (!isRecord(namespace)) return namespace;
  const inner = namespace.default;
  return isRecord(inner) && inner.__esModule === true ? inner : namespace;
}

/**
 * The strategy definitions a loaded module exports — what the CLI does with a strategy file once
 * it has imported it. Accepted shapes: a `default` export that is a definition (from
 * `defineStrategy`) or an array of them; without a default export, the named exports that are
 * definitions or arrays of them (several are the file's strategies, as an array default's
 * would be, a definition exported under two names counted once). Anything else throws a {@link ConfigError} whose source is
 * `file` and which says what the file should export; two definitions of one name are an error too.
 * A TypeScript file compiled as CommonJS (`{ default: module.exports }` with an `__esModule`
 * marker) is read as the ES module it was written as.
 */
export function strategyDefinitionsFromModule(namespace: unknown, file: string): StrategyDefinition[] {
  const source = `strategy file ${echoValue(file)}`;
  const moduleNamespace = esModuleOf(namespace);
  if (!isRecord(moduleNamespace)) throw new ConfigError([{ path: '', message: `is not a module: ${HOW}` }], { source });
  const issues: ConfigIssue[] = [];
  let definitions: StrategyDefinition[];
  // A file that exports nothing, loaded as CommonJS, has `module.exports`, an empty object, as its default.
  const emptyDefault = isRecord(moduleNamespace.default) && Object.getPrototypeOf(moduleNamespace.default) === Object.prototype && Object.keys(moduleNamespace.default).length === 0;
  if (moduleNamespace.default !== undefined && !emptyDefault) {
    definitions = definitionsAt(moduleNamespace.default, 'default', issues);
  } else {
    const named = Object.keys(moduleNamespace).filter((key) => {
      const value = moduleNamespace[key];
      return looksLikeDefinition(value) || (Array.isArray(value) && value.length > 0 && value.every(looksLikeDefinition));
    });
    const only = named[0];
    if (named.length === 1 && only !== undefined) {
      definitions = definitionsAt(moduleNamespace[only], only, issues);
    } else if (named.length > 1) {
      // Several named definitions are the file's strategies, as an array default would be: a
      // `file#name` picks one. One definition exported under two names (`export const all = [a, b]`
      // beside `a` and `b`) counts once.
      const seenValues = new Set<unknown>();
      definitions = named.flatMap((key) => {
        const value = moduleNamespace[key];
        const entries = (Array.isArray(value) ? (value as unknown[]) : [value]).filter((entry) => !seenValues.has(entry));
        for (const entry of entries) seenValues.add(entry);
        return entries.length === 0 ? [] : definitionsAt(Array.isArray(value) ? entries : value, key, issues);
      });
    } else {
      const exported = Object.keys(moduleNamespace).filter((key) => !(emptyDefault && (key === 'default' || key === 'module.exports')));
      throw new ConfigError([{ path: '', message: `it has no default export${exported.length === 0 ? ' and no named export' : ` (named exports: ${listValues(exported)})`}: ${HOW}` }], { source });
    }
  }
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition.name)) issues.push({ path: '', message: `defines strategy "${definition.name}" twice: give each definition its own name` });
    seen.add(definition.name);
  }
  if (issues.length > 0) throw new ConfigError(issues, { source });
  return definitions;
}

/** File extensions a strategy module may have: TypeScript loads without a build step. */
export const STRATEGY_MODULE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * True when `value` (a `--strategy` or a run config's `strategy`) names a file rather than a
 * registry name: it starts with `.` or `/` (or a Windows drive), or ends in a JavaScript or
 * TypeScript extension ({@link STRATEGY_MODULE_EXTENSIONS}). Registry names are kebab-case and
 * never look like this.
 */
export function looksLikeStrategyPath(value: string): boolean {
  const { file } = splitStrategyPath(value);
  return /^(?:\.|\/|[A-Za-z]:[\\/])/.test(file) || STRATEGY_MODULE_EXTENSIONS.some((extension) => file.endsWith(extension));
}

/**
 * Splits `file#name` (the strategy `name` of a file that exports several) into its parts. A `#`
 * followed by a folder or a file name (`./a#b/c.ts`, `./v#2.ts`) is part of the path; any other
 * text after it is a name, also one no definition can have (`./multi.ts#Two`), so that the file
 * is loaded and the definitions it has are named, rather than a file "multi.ts#Two" not found.
 */
export function splitStrategyPath(value: string): { readonly file: string; readonly name: string | undefined } {
  const at = value.lastIndexOf('#');
  const name = at < 0 ? '' : value.slice(at + 1);
  const partOfPath = name === '' || /[\\/]/.test(name) || STRATEGY_MODULE_EXTENSIONS.some((extension) => name.endsWith(extension));
  return at > 0 && !partOfPath ? { file: value.slice(0, at), name } : { file: value, name: undefined };
}

/**
 * What a strategy file's `#name` that none of its definitions has is told: `defines no strategy
 * "two"; it defines One, Two — did you mean "Two"? (names are case-sensitive)`. The suggestion is
 * the closest definition name ({@link closestMatch}), said when there is one close enough.
 */
export function unknownDefinitionText(name: string, names: readonly string[]): string {
  const match = closestMatch(name, names);
  const hint = match === undefined ? '' : ` — did you mean ${quoteValue(match)}?${match.toLowerCase() === name.toLowerCase() ? ' (names are case-sensitive)' : ''}`;
  return `defines no strategy ${quoteValue(name)}; it defines ${listValues(names)}${hint}`;
}
