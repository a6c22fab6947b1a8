#!/usr/bin/env node
// Checks the READMEs that ship to npm (packages/*/README.md of every published package): a link
// that leaves the package directory, or points at a file the package does not have, is broken on
// npmjs.com. Such links must be absolute https://github.com/ensemble-backtest/ensemble/… URLs.
// Also checks that each README says the package is ESM-only. Exit 1 with every problem listed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
let checked = 0;

/** Every link target in Markdown text: inline `[text](target)`, images, and `[ref]: target`. */
function linkTargets(text) {
  const targets = [];
  const withoutCode = text.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, ' '));
  for (const match of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push({ target: match[1], index: match.index });
  for (const match of withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push({ target: match[1], index: match.index });
  for (const match of withoutCode.matchAll(/<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g)) targets.push({ target: match[1], index: match.index });
  return targets.map(({ target, index }) => ({ target, line: withoutCode.slice(0, index).split('\n').length }));
}

for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private === true) continue;
  const readme = join(dir, 'README.md');
  const shown = relative(root, readme);
  if (!existsSync(readme)) {
    problems.push(`${shown}: missing (every published package needs a README)`);
    continue;
  }
  checked++;
  const text = readFileSync(readme, 'utf8');
  if (!/ESM[- ]only/i.test(text)) problems.push(`${shown}: does not say that the package is ESM-only`);
  for (const { target, line } of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const path = target.split('#')[0].split('?')[0];
    const absolute = resolve(dir, path);
    const inside = relative(dir, absolute);
    if (inside.startsWith('..') || inside === '' && path.startsWith('/')) {
      problems.push(`${shown}:${line}: relative link "${target}" leaves the package: use https://github.com/ensemble-backtest/ensemble/${existsSync(absolute) && statSync(absolute).isDirectory() ? 'tree' : 'blob'}/main/${relative(root, absolute)}`);
      continue;
    }
    if (!existsSync(absolute)) {
      problems.push(`${shown}:${line}: link "${target}" points at a file that does not exist`);
      continue;
    }
    const top = inside.split(/[\\/]/)[0];
    const files = manifest.files ?? [];
    const shipped = ['README.md', 'package.json', 'LICENSE'].includes(inside) || files.some((entry) => entry.replace(/\/$/, '') === top || entry === inside);
    if (!shipped) problems.push(`${shown}:${line}: link "${target}" points at a file npm does not ship ("files" of package.json): use an absolute GitHub link`);
  }
}

if (problems.length > 0) {
  process.stderr.write(`README link check: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`README link check: ${checked} published READMEs, no relative link leaves its package, each says ESM-only\n`);
