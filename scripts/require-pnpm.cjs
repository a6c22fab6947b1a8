// Runs as the root `preinstall` script: this workspace uses pnpm workspaces and a catalog,
// which npm and yarn cannot install. Stop early with the command to run instead.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  process.stderr.write(
    '\nThis repository is a pnpm workspace; npm and yarn cannot install it.\n' +
      'Run instead:\n\n  npx -y pnpm@10.34.9 install --frozen-lockfile\n\n',
  );
  process.exit(1);
}
