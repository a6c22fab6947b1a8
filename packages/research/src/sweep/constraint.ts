import { ConfigError, quoteValue, checkArguments, arrayIssue, stringIssue } from '@ensemble/protocol';
import type { ParameterValue } from '../job/research-job';

/**
 * A constraint over a combination's parameters, e.g. `fast < slow && (scheme == "equal" || w >= 0.5)`.
 * A tiny safe expression language — never `eval`: parameter names (or paths), numbers, quoted
 * strings, `true`/`false`, `< <= > >= == !=`, `!`, `&&`, `||` and parentheses.
 */
export type Constraint = (values: ReadonlyMap<string, ParameterValue>) => boolean;

type Token =
  | { readonly kind: 'name'; readonly text: string; readonly at: number }
  | { readonly kind: 'literal'; readonly value: ParameterValue; readonly at: number }
  | { readonly kind: 'op'; readonly text: string; readonly at: number };

type Node =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: ParameterValue }
  | { readonly kind: 'not'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node };

const OPERATORS = ['<=', '>=', '==', '!=', '&&', '||', '<', '>', '!', '(', ')'];
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

class ConstraintSyntaxError extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      at += space[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    const name = NAME.exec(rest);
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (number !== null) {
      tokens.push({ kind: 'literal', value: Number(number[0]), at });
      at += number[0].length;
    } else if (name !== null) {
      const word = name[0];
      tokens.push(word === 'true' || word === 'false' ? { kind: 'literal', value: word === 'true', at } : { kind: 'name', text: word, at });
      at += word.length;
    } else if (rest.startsWith('"') || rest.startsWith("'")) {
      const quote = rest.charAt(0);
      const end = rest.indexOf(quote, 1);
      if (end < 0) throw new ConstraintSyntaxError(`unterminated string at character ${String(at + 1)}`);
      tokens.push({ kind: 'literal', value: rest.slice(1, end), at });
      at += end + 1;
    } else if (op !== undefined) {
      tokens.push({ kind: 'op', text: op, at });
      at += op.length;
    } else {
      throw new ConstraintSyntaxError(`unexpected ${quoteValue(rest.charAt(0))} at character ${String(at + 1)}`);
    }
  }
  return tokens;
}

/** How deep a constraint may nest parentheses and `!`, and how many tokens it may hold: the parser and the evaluation recurse. */
const MAX_NESTING = 100;
const MAX_TOKENS = 2_000;

function parseTokens(tokens: readonly Token[]): Node {
  if (tokens.length > MAX_TOKENS) throw new ConstraintSyntaxError(`it has ${tokens.length.toLocaleString('en-US')} names, values and operators, more than ${MAX_TOKENS.toLocaleString('en-US')}: split it into several constraints`);
  let position = 0;
  let depth = 0;
  const deeper = (): void => {
    if (++depth > MAX_NESTING) throw new ConstraintSyntaxError(`it nests "(" and "!" more than ${String(MAX_NESTING)} deep: write it flatter`);
  };
  const peek = (): Token | undefined => tokens[position];
  const isOp = (token: Token | undefined, ...ops: string[]): boolean => token?.kind === 'op' && ops.includes(token.text);
  const where = (token: Token | undefined): string => (token === undefined ? 'at the end' : `at character ${String(token.at + 1)}`);
  const primary = (): Node => {
    const token = peek();
    position++;
    if (token === undefined) throw new ConstraintSyntaxError('unexpected end: a value is missing');
    if (token.kind === 'name') return { kind: 'name', name: token.text };
    if (token.kind === 'literal') return { kind: 'literal', value: token.value };
    if (token.text === '!') {
      deeper();
      const operand = primary();
      depth--;
      return { kind: 'not', operand };
    }
    if (token.text === '(') {
      deeper();
      const inner = or();
      if (!isOp(peek(), ')')) throw new ConstraintSyntaxError(`missing ")" ${where(peek())}`);
      position++;
      depth--;
      return inner;
    }
    throw new ConstraintSyntaxError(`unexpected ${quoteValue(token.text)} ${where(token)}`);
  };
  const comparison = (): Node => {
    const left = primary();
    const token = peek();
    if (token?.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(token.text)) {
      position++;
      return { kind: 'binary', op: token.text, left, right: primary() };
    }
    return left;
  };
  const and = (): Node => {
    let node = comparison();
    while (isOp(peek(), '&&')) {
      position++;
      node = { kind: 'binary', op: '&&', left: node, right: comparison() };
    }
    return node;
  };
  const or = (): Node => {
    let node = and();
    while (isOp(peek(), '||')) {
      position++;
      node = { kind: 'binary', op: '||', left: node, right: and() };
    }
    return node;
  };
  const tree = or();
  if (position < tokens.length) throw new ConstraintSyntaxError(`unexpected ${quoteValue(tokens[position]?.kind === 'op' ? (tokens[position] as { text: string }).text : 'value')} ${where(tokens[position])}`);
  return tree;
}

function names(node: Node): string[] {
  switch (node.kind) {
    case 'name':
      return [node.name];
    case 'literal':
      return [];
    case 'not':
      return names(node.operand);
    case 'binary':
      return [...names(node.left), ...names(node.right)];
  }
}

/** `node` with each name of `constants` replaced by its value. */
function withConstants(node: Node, constants: ReadonlyMap<string, ParameterValue>): Node {
  switch (node.kind) {
    case 'name': {
      const value = constants.get(node.name);
      return value === undefined ? node : { kind: 'literal', value };
    }
    case 'literal':
      return node;
    case 'not':
      return { kind: 'not', operand: withConstants(node.operand, constants) };
    case 'binary':
      return { ...node, left: withConstants(node.left, constants), right: withConstants(node.right, constants) };
  }
}

/** How a value the base config fixes is named, for an unknown `name` (a path the config does not give, or a bare name). */
function fixedPathHint(name: string): string {
  const how = `a value the base config fixes is named by its config path (e.g. "params.${name}" in a backtest, "strategies.<id>.params.${name}" in a run)`;
  return name.includes('.') ? `the base config gives no value at ${quoteValue(name)}, and it is no parameter of a strategy there` : how;
}

function evaluate(node: Node, values: ReadonlyMap<string, ParameterValue>): ParameterValue {
  switch (node.kind) {
    case 'name':
      return values.get(node.name) ?? Number.NaN;
    case 'literal':
      return node.value;
    case 'not':
      return !truthy(evaluate(node.operand, values));
    case 'binary': {
      if (node.op === '&&') return truthy(evaluate(node.left, values)) && truthy(evaluate(node.right, values));
      if (node.op === '||') return truthy(evaluate(node.left, values)) || truthy(evaluate(node.right, values));
      const left = evaluate(node.left, values);
      const right = evaluate(node.right, values);
      if (node.op === '==') return left === right;
      if (node.op === '!=') return left !== right;
      if (typeof left !== 'number' || typeof right !== 'number') {
        throw new ConstraintSyntaxError(`"${node.op}" compares numbers, not ${quoteValue(String(left))} and ${quoteValue(String(right))}`);
      }
      if (node.op === '<') return left < right;
      if (node.op === '<=') return left <= right;
      if (node.op === '>') return left > right;
      return left >= right;
    }
  }
}

function truthy(value: ParameterValue): boolean {
  if (typeof value !== 'boolean') throw new ConstraintSyntaxError(`${quoteValue(String(value))} is not true or false; compare it (e.g. "x > 0")`);
  return value;
}

/**
 * Compiles constraint `text` over the parameter names `known` (each a name or a path). A name not
 * among them is looked up with `fixed` (a value the base config fixes, by its path) and stands for
 * that value. Throws a `ConfigError` at `path` for a syntax error or a name neither knows; the returned function throws a
 * `ConfigError` at `path` when a combination makes it compare a string with `<` or yield a non-boolean.
 */
export function compileConstraint(text: string, known: readonly string[], path: string, fixed?: (name: string) => ParameterValue | undefined): Constraint {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('compileConstraint', [
    stringIssue(text, 'text', 'a constraint expression (a string)'),
    arrayIssue(known, 'known', 'the parameter names the expression may use (an array)'),
    stringIssue(path, 'path', 'the config path of the constraint (a string)'),
  ]);
  let tree: Node;
  try {
    tree = parseTokens(tokenize(text));
  } catch (error) {
    if (!(error instanceof ConstraintSyntaxError)) throw error;
    throw new ConfigError([{ path, message: `${error.message} in ${quoteValue(text)}` }]);
  }
  // A name the grid does not vary may be a value the base config fixes, named by its path.
  const constants = new Map<string, ParameterValue>();
  const unknown = names(tree).filter((name) => {
    if (known.includes(name)) return false;
    const value = fixed?.(name);
    if (value === undefined) return true;
    constants.set(name, value);
    return false;
  });
  if (unknown.length > 0) {
    const hint = fixed === undefined ? '' : `; ${fixedPathHint(unknown[0] ?? '')}`;
    throw new ConfigError([{ path, message: `unknown parameter ${quoteValue(unknown[0] ?? '')} in ${quoteValue(text)}; the parameters are ${known.map((name) => quoteValue(name)).join(', ')}${hint}` }]);
  }
  if (constants.size > 0) tree = withConstants(tree, constants);
  return (values) => {
    try {
      return truthy(evaluate(tree, values));
    } catch (error) {
      if (!(error instanceof ConstraintSyntaxError)) throw error;
      throw new ConfigError([{ path, message: `${error.message} in ${quoteValue(text)}` }]);
    }
  };
}
