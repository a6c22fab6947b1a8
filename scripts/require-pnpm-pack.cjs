// Runs as each published package's `prepack` script. `npm pack` and `npm publish` would ship
// `workspace:^` ranges and the `@ensemble/source` export condition as they are; `pnpm pack`
// and `pnpm publish` replace them (publishConfig, real versions). Stop early with the command.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  process.stderr.write(
    '\nPack and publish Ensemble packages with pnpm: npm would ship "workspace:^" dependency\n' +
      'ranges and source-only exports that no registry install can resolve.\n' +
      'Run instead, in this package directory:\n\n  npx -y pnpm@10.34.9 pack\n\n' +
      '(or `npx -y pnpm@10.34.9 publish`; releases go through `pnpm release` at the root).\n\n',
  );
  process.exit(1);
}
