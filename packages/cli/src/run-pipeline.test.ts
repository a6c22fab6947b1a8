import { fileURLToPath } from 'node:url';
import { ConfigError, EnsembleError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { executeRun, loadRunConfigFile, parseRunConfigInput, parseRunConfigText } from './run-pipeline';

const repository = fileURLToPath(new URL('../../../', import.meta.url));

function issues(action: () => unknown): { path: string; message: string }[] {
  try {
    action();
  } catch (error) {
    if (ConfigError.isInstance(error)) return [...error.issues];
    throw error;
  }
  return [];
}

describe('loadRunConfigFile', () => {
  it('parses an example, defaults applied, with its directory', async () => {
    const loaded = await loadRunConfigFile('examples/stocks5-60-40.json', { cwd: repository });
    expect(loaded.source).toBe('examples/stocks5-60-40.json');
    expect(loaded.configDir).toBe(`${repository}examples`);
    expect(loaded.config.strategies.map((entry) => entry.weight)).toEqual([0.6, 0.4]);
    expect(loaded.config.mode).toBe('sleeves');
    expect(loaded.config.errorPolicy).toBe('fail');
  });

  it('a missing file is an IO_FAILED error naming the path', async () => {
    const error: unknown = await loadRunConfigFile('no/such.json', { cwd: repository }).catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
    expect((error as Error).message).toContain('Cannot read the run config "no/such.json": no such file');
  });

  // Regression: /dev/zero was read to V8's longest string, then failed as "Invalid string length".
  it.skipIf(process.platform === 'win32')('a device is an IO_FAILED error, said so', async () => {
    const error: unknown = await loadRunConfigFile('/dev/zero', { cwd: repository }).catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
    expect((error as Error).message).toBe('Cannot read the run config "/dev/zero": it is a device, not a file; give the path of a JSON file.');
  });

  it('an empty path says so (it resolved to the working directory: "it is a directory")', async () => {
    for (const file of ['', '  ']) {
      const error: unknown = await loadRunConfigFile(file, { cwd: repository }).catch((caught: unknown) => caught);
      expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
      expect((error as Error).message).toBe(`Cannot read the run config "${file}": the path is empty; give the path of a JSON file.`);
    }
  });
});

describe('parseRunConfigText and parseRunConfigInput', () => {
  const valid = { data: { dataset: 'stocks5' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] }] };

  it('accept a valid config', () => {
    expect(parseRunConfigText(JSON.stringify(valid), 'x.json').strategies[0]?.id).toBe('a');
    expect(parseRunConfigInput(valid, 'demo').data.dataset).toBe('stocks5');
  });

  it('list the schema problems and the data problems together, every key by its own path', () => {
    const input = {
      ...valid,
      data: { dataset: 'nyse', from: '2005-01-01', to: '2001-01-01', colour: 'x' },
      extra: 1,
      strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'], size: 3 }],
    };
    expect(issues(() => parseRunConfigInput(input, 'demo')).map((issue) => issue.path).sort()).toEqual(
      ['data.colour', 'data.dataset', 'data.to', 'extra', 'strategies.0.size'].sort(),
    );
    expect(issues(() => parseRunConfigInput(input, 'demo')).find((issue) => issue.path === 'data.colour')?.message).toBe(
      'unknown key "colour" (check its spelling; `ensemble schema` lists every field)',
    );
  });
});

describe('executeRun', () => {
  it('reports progress about a hundred times, ending at the number of bars', async () => {
    const loaded = await loadRunConfigFile('examples/stocks5-equal-weight.json', { cwd: repository });
    const calls: [number, number][] = [];
    const { result, data, dataset } = await executeRun(loaded.config, {
      source: loaded.source,
      configDir: loaded.configDir,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(dataset?.name).toBe('stocks5');
    expect(data.series.map((series) => series.symbol)).toEqual(['AAPL', 'MSFT', 'IBM', 'AMZN', 'GOOG']);
    expect(calls.at(-1)).toEqual([result.bars, result.bars]);
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.every(([done], k) => k === 0 || done > (calls[k - 1]?.[0] ?? 0))).toBe(true);
  });

  it('an empty date range is a problem of data.from', async () => {
    const config = parseRunConfigInput({ data: { dataset: 'stocks5', from: '2015-01-01' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] }] }, 'x.json');
    const error: unknown = await executeRun(config, { source: 'x.json', configDir: repository }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]?.path).toBe('data.from');
    expect((error as ConfigError).message).toContain('Invalid configuration in x.json');
  });
});
