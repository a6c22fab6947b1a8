import type { Command } from 'commander';
import type { StrategyDefinition } from '@ensemble/protocol';
import { describeParameters, getStrategy, listStrategies } from '@ensemble/strategies';
import type { ParameterDescription } from '@ensemble/strategies';
import { paletteFor } from '../color';
import type { Palette } from '../color';
import { MISSING, formatTable } from '../format';
import type { CliIo } from '../io';

/** A strategy as `ensemble strategies --json` prints it. */
export interface StrategyListing {
  readonly name: string;
  readonly kind: 'signal' | 'portfolio';
  readonly description: string;
  readonly parameters: readonly ParameterDescription[];
}

/** The listing of one registry definition: name, kind, description and every parameter. */
export function strategyListing(definition: StrategyDefinition): StrategyListing {
  return { name: definition.name, kind: definition.kind, description: definition.description, parameters: describeParameters(definition) };
}

function formatDefault(parameter: ParameterDescription): string {
  if (parameter.default === undefined) return parameter.required ? 'required' : MISSING;
  return typeof parameter.default === 'string' ? parameter.default : JSON.stringify(parameter.default);
}

/** The text block of one strategy: a headline, its description and a parameter table. */
export function renderStrategy(listing: StrategyListing, palette: Palette): string {
  const lines = [`${palette.bold(listing.name)}  ${palette.dim(`(${listing.kind})`)}`, `  ${listing.description}`];
  if (listing.parameters.length === 0) {
    lines.push('  parameters: none');
  } else {
    const table = formatTable(
      [{ header: 'parameter' }, { header: 'type' }, { header: 'default' }, { header: 'bounds' }, { header: 'description' }],
      listing.parameters.map((parameter) => [parameter.name, parameter.type, formatDefault(parameter), parameter.bounds ?? MISSING, parameter.description]),
    );
    lines.push('', ...table.split('\n').map((line) => `  ${line}`));
  }
  return lines.join('\n');
}

/**
 * Registers `ensemble strategies [name]`: every registered strategy (or one) with its kind,
 * description and parameters — name, type, default, bounds, description — as text or `--json`.
 */
export function registerStrategiesCommand(program: Command, io: CliIo): Command {
  return program
    .command('strategies')
    .description('list the strategies with their parameters (name, type, default, bounds)')
    .argument('[name]', 'show only this strategy')
    .option('--json', 'print the list (or the one strategy) as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ ensemble strategies
  $ ensemble strategies sma-crossover
  $ ensemble strategies --json

Set a parameter in a backtest with --param, e.g.:
  $ ensemble backtest --dataset sp500 --strategy sma-crossover --param fast=20 --param slow=50`,
    )
    .action((name: string | undefined, options: { json?: boolean }) => {
      const definitions = name === undefined ? listStrategies() : [getStrategy(name)];
      const listings = definitions.map(strategyListing);
      if (options.json === true) {
        io.stdout.write(`${JSON.stringify(name === undefined ? listings : listings[0], null, 2)}\n`);
        return;
      }
      const palette = paletteFor(io, io.stdout);
      const blocks = listings.map((listing) => renderStrategy(listing, palette));
      const footer =
        name === undefined
          ? `${listings.length} strategies. Run one: ensemble backtest --dataset sp500 --strategy NAME [--param key=value]...`
          : `Run it: ensemble backtest --dataset ${listings[0]?.kind === 'portfolio' ? 'dow30' : 'sp500'} --strategy ${listings[0]?.name ?? ''} [--param key=value]...`;
      io.stdout.write(`${blocks.join('\n\n')}\n\n${footer}\n`);
    });
}
