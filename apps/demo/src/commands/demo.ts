import type { Command } from 'commander';
import { getDatasetInfo, inspectMarketData, listDatasets, loadDataset } from '@ensemble/data';
import { renderInspection } from '../inspect-report';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { globalOptions } from '../options';

/**
 * Registers `ensemble demo`: loads and validates every embedded real data set and prints its
 * summary table (symbols, range, bars, gaps).
 */
export function registerDemoCommand(program: Command, io: CliIo): Command {
  return program
    .command('demo')
    .description('run on the embedded real data: load, validate and summarise every data set')
    .action(async (_options: unknown, command: Command) => {
      const logger = createCliLogger(io, globalOptions(command).logLevel);
      const datasets = listDatasets();
      io.stdout.write(`Ensemble demo: the ${datasets.length} embedded real data sets, loaded and validated.\n`);
      for (const info of datasets) {
        const data = await loadDataset(info.name, { logger });
        io.stdout.write(`\n${renderInspection(inspectMarketData(data), getDatasetInfo(info.name))}`);
      }
    });
}
