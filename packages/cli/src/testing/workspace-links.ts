import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('../../../../', import.meta.url));
const require = createRequire(import.meta.url);

/** A package's directory as installed for the CLI (pnpm's real path). */
export function installedPackageDirectory(name: string): string {
  return realpathSync(path.dirname(require.resolve(`${name}/package.json`)));
}

/**
 * What `npm install` would give a project in `directory`, from this workspace: a link in its
 * `node_modules` for each `@ensemble/<name>` to the workspace package, and for each other package
 * to the copy the CLI uses. Workspace packages then resolve to their TypeScript source under the
 * `@ensemble/source` condition, so nothing needs building.
 */
export function linkWorkspacePackages(directory: string, packages: readonly string[]): void {
  for (const name of packages) {
    const target = name.startsWith('@ensemble/') ? path.join(repository, 'packages', name.slice('@ensemble/'.length)) : installedPackageDirectory(name);
    const link = path.join(directory, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
}
