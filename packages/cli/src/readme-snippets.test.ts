import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The TypeScript examples of every README, read as a user copying them would: what an example
// imports from an @ensemble package must be exported by that entry point (a subpath the
// package's `exports` names), what it imports from a `node:` module must exist there, and every
// function it calls must be imported or defined — by the example itself or by an earlier example
// of the same README. They are parsed, not type-checked: type-checking them against the
// packages' sources takes tens of seconds. A block that imports nothing and does not parse is a
// sketch of a shape (`{ strategy, symbols, … }`), not code, and is left alone.

const repository = fileURLToPath(new URL('../../../', import.meta.url));

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
}

/** The ```ts / ```typescript / ```js blocks of a Markdown text, indented ones (in a list) dedented. */
function typescriptBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^( *)```(?:ts|typescript|js|javascript)\b[^\n]*\n([\s\S]*?)^\1```[ \t]*$/gm)) {
    const indent = match[1] ?? '';
    const text = (match[2] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, text });
  }
  return blocks;
}

interface Import {
  readonly specifier: string;
  /** Exported names read from the module (`default` for a default import). */
  readonly names: readonly { readonly name: string; readonly typeOnly: boolean }[];
}

interface Parsed {
  readonly syntaxErrors: number;
  readonly imports: readonly Import[];
  /** Names the block brings into scope: imports and every declaration, parameter and binding. */
  readonly declared: ReadonlySet<string>;
  /** Identifiers called as `f(…)`, `new F(…)` or a tag. */
  readonly called: ReadonlySet<string>;
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

function parseBlock(text: string): Parsed {
  const { diagnostics = [] } = ts.transpileModule(text, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const source = ts.createSourceFile('example.ts', text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: Import[] = [];
  const declared = new Set<string>();
  const called = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const clauseTypeOnly = clause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
      const names: { name: string; typeOnly: boolean }[] = [];
      if (clause?.name !== undefined) {
        declared.add(clause.name.text);
        names.push({ name: 'default', typeOnly: clauseTypeOnly });
      }
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          declared.add(element.name.text);
          names.push({ name: (element.propertyName ?? element.name).text, typeOnly: clauseTypeOnly || element.isTypeOnly });
        }
      }
      imports.push({ specifier: node.moduleSpecifier.text, names });
    }
    if (ts.isVariableDeclaration(node) || ts.isParameter(node)) bindingNames(node.name, declared);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isFunctionExpression(node)) && node.name !== undefined) declared.add(node.name.text);
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && ts.isIdentifier(node.expression)) called.add(node.expression.text);
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag)) called.add(node.tag.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { syntaxErrors: diagnostics.length, imports, declared, called };
}

/** The names a module source file exports, following `export … from` re-exports of local files. */
function exportedNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (clause !== undefined && ts.isNamedExports(clause)) for (const element of clause.elements) names.add(element.name.text);
      if (clause !== undefined && ts.isNamespaceExport(clause)) names.add(clause.name.text);
      if (clause === undefined && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
        const target = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
        const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((candidate) => existsSync(candidate));
        if (resolved !== undefined) for (const name of exportedNames(resolved, seen)) names.add(name);
      }
      continue;
    }
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) === true;
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) bindingNames(declaration.name, names);
    else if (ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword) === true) names.add('default');
    else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    )
      names.add(statement.name.text);
  }
  return names;
}

/** The source file an `@ensemble/<name>[/subpath]` specifier names, or why there is none. */
function ensembleEntry(specifier: string): { file: string } | { problem: string } {
  const [, name = '', subpath = ''] = /^@ensemble\/([^/]+)(\/.*)?$/.exec(specifier) ?? [];
  const manifestPath = path.join(repository, 'packages', name, 'package.json');
  if (!existsSync(manifestPath)) return { problem: `${specifier}: no package ${name} in packages/` };
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, string | Record<string, string>> };
  const entry = manifest.exports?.[`.${subpath}`];
  const source = typeof entry === 'object' ? entry['@ensemble/source'] : undefined;
  if (source === undefined) return { problem: `${specifier}: not an entry point of @ensemble/${name} (its package.json exports name ${Object.keys(manifest.exports ?? {}).join(', ')})` };
  return { file: path.join(repository, 'packages', name, source) };
}

/** What is wrong with a README's TypeScript examples, one line each; and how many blocks were checked. */
async function readmeSnippetProblems(markdown: string): Promise<{ problems: string[]; checked: number }> {
  const problems: string[] = [];
  const inScope = new Set<string>();
  let checked = 0;
  for (const block of typescriptBlocks(markdown)) {
    const parsed = parseBlock(block.text);
    const where = `the example at line ${block.line}`;
    if (parsed.syntaxErrors > 0) {
      if (parsed.imports.length > 0) problems.push(`${where} does not parse as TypeScript`);
      continue;
    }
    checked++;
    for (const { specifier, names } of parsed.imports) {
      if (specifier.startsWith('@ensemble/')) {
        const entry = ensembleEntry(specifier);
        if ('problem' in entry) {
          problems.push(`${where} imports ${entry.problem}`);
          continue;
        }
        const exported = exportedNames(entry.file);
        for (const { name } of names) if (!exported.has(name)) problems.push(`${where} imports ${name} from ${specifier}, which does not export it`);
      } else if (specifier.startsWith('node:') || builtinModules.includes(specifier)) {
        const module = (await import(specifier)) as Record<string, unknown>;
        for (const { name, typeOnly } of names) if (!typeOnly && !(name in module)) problems.push(`${where} imports ${name} from ${specifier}, which does not export it`);
      }
    }
    for (const name of parsed.declared) inScope.add(name);
    for (const name of parsed.called) {
      if (!inScope.has(name) && !(name in globalThis)) problems.push(`${where} calls ${name}, which it neither imports nor defines`);
    }
  }
  return { problems, checked };
}

/** Every Markdown file of the repository with TypeScript examples a user may copy. */
function readmes(): string[] {
  const files = ['README.md'];
  const docs = path.join(repository, 'docs');
  for (const name of readdirSync(docs)) if (name.endsWith('.md')) files.push(path.join('docs', name));
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(path.join(repository, group))) {
      const readme = path.join(group, name, 'README.md');
      if (existsSync(path.join(repository, readme))) files.push(readme);
      const walk = (directory: string): void => {
        if (!existsSync(path.join(repository, directory))) return;
        for (const entry of readdirSync(path.join(repository, directory), { withFileTypes: true })) {
          const relative = path.join(directory, entry.name);
          if (entry.isDirectory() && entry.name !== 'node_modules') walk(relative);
          else if (entry.name === 'README.md') files.push(relative);
        }
      };
      walk(path.join(group, name, 'src'));
    }
  }
  return files;
}

describe('README examples: imports that exist, calls of what they import or define', () => {
  const files = readmes();

  it('finds the examples (a fence the pattern missed would pass unread)', async () => {
    let total = 0;
    for (const file of files) total += (await readmeSnippetProblems(readFileSync(path.join(repository, file), 'utf8'))).checked;
    expect(files).toContain(path.join('packages', 'orchestrator', 'src', 'allocation', 'README.md'));
    expect(total).toBeGreaterThanOrEqual(25);
  });

  it.each(files)('%s', async (file) => {
    const { problems } = await readmeSnippetProblems(readFileSync(path.join(repository, file), 'utf8'));
    expect(problems).toEqual([]);
  });

  it('catches a missing import, a name an entry point lacks, a subpath not exported and a sketch that is code', async () => {
    const markdown = [
      '```ts',
      "import { runBacktest, runBacktests } from '@ensemble/engine';",
      "import { readFile } from 'node:fs/promises';",
      "import type { BarSeries } from '@ensemble/protocol';",
      "import { parseMarketData } from '@ensemble/data/parse';",
      'const result = runBacktest({ series, strategy });',
      "writeFileSync('result.json', JSON.stringify(result));",
      '```',
      '',
      '  ```ts',
      "  import { planWalkForwardFile } from '@ensemble/research';",
      "  const plan = await planWalkForwardFile('wf.json');",
      '  const { result } = await runWalkForwardToDirectory(plan, executor, out);',
      '  ```',
      '',
      '```ts',
      '{ strategy: { id, kind }, symbols: string[], bars, }',
      '```',
      '',
      '```ts',
      "import { a } from '@ensemble/engine'",
      'const = 1;',
      '```',
    ].join('\n');
    const { problems, checked } = await readmeSnippetProblems(markdown);
    expect(checked).toBe(2);
    expect(problems).toEqual([
      'the example at line 1 imports runBacktests from @ensemble/engine, which does not export it',
      expect.stringMatching(/^the example at line 1 imports @ensemble\/data\/parse: not an entry point of @ensemble\/data/),
      'the example at line 1 calls writeFileSync, which it neither imports nor defines',
      'the example at line 10 calls runWalkForwardToDirectory, which it neither imports nor defines',
      'the example at line 20 does not parse as TypeScript',
    ]);
  });
});
