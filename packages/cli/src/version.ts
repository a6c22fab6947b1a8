import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

function readPackage(specifier: string): PackageJson {
  return require(specifier) as PackageJson;
}

/** The CLI's own version and that of every `@ensemble/*` package it uses, one per line. */
export function versionText(): string {
  const own = readPackage('../package.json');
  const lines = [`ensemble ${own.version}`];
  for (const name of Object.keys(own.dependencies ?? {}).filter((dependency) => dependency.startsWith('@ensemble/')).sort()) {
    lines.push(`${name} ${readPackage(`${name}/package.json`).version}`);
  }
  return lines.join('\n');
}
