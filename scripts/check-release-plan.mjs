#!/usr/bin/env node
// The pending changesets' release plan bumps a package to a new major version only where a
// changeset asks for it. Changesets may raise a bump on its own (a package whose peer dependency
// is released leaves that peer's range and is bumped to major); at 0.x that would publish a
// 1.0.0 nobody asked for, as it did for @ensemble/data whenever @ensemble/data-dow30 had a minor
// changeset. Exit 1 naming each such package and the bump it got.
//
//   node scripts/check-release-plan.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'ensemble-release-plan-'));
const output = join(work, 'plan.json');
try {
  // `--output` takes a path relative to the working directory.
  const status = spawnSync(join(root, 'node_modules', '.bin', 'changeset'), ['status', '--output', output], { cwd: root, encoding: 'utf8' });
  if (status.status !== 0) {
    process.stderr.write(`check-release-plan: \`changeset status\` failed:\n${status.stdout}${status.stderr}`);
    process.exit(1);
  }
  const plan = JSON.parse(readFileSync(output, 'utf8'));
  const asked = new Set(plan.changesets.flatMap((changeset) => changeset.releases.filter((release) => release.type === 'major').map((release) => release.name)));
  const unasked = plan.releases.filter((release) => release.type === 'major' && !asked.has(release.name));
  if (unasked.length > 0) {
    for (const release of unasked) {
      process.stderr.write(
        `check-release-plan: ${release.name} would go from ${release.oldVersion} to ${release.newVersion} (major), though no changeset asks for a major bump of it: a dependency of it is released out of the range it declares (a peer dependency bumps it to major)\n`,
      );
    }
    process.exit(1);
  }
  console.log(`check-release-plan: ${plan.releases.filter((release) => release.type !== 'none').length} packages to release, no major bump that no changeset asks for`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
