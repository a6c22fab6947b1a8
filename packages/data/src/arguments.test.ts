import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  createMarketData,
  generateSyntheticCsv,
  generateSyntheticData,
  getDatasetInfo,
  getSeries,
  inferFrequency,
  inspectMarketData,
  loadDataset,
  loadMarketData,
  parseDate,
  parseMarketData,
  readDataBytes,
  resolveDateBound,
  selectMarketData,
  selectRange,
  selectSymbols,
  toCsv,
} from './index';

const data = generateSyntheticData({ symbols: 2, bars: 5, seed: 3 });
const csv = 'date,open,high,low,close,volume\n2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1.5,2,1,1.8,120\n';

describe('entry points given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("bytes.indexOf is not a function", "Cannot read properties
  // of undefined (reading 'url')", "Cannot use 'in' operator to search for 'series' in 5", …).
  const cases: [string, string, () => unknown, string[]][] = [
    ['parseMarketData', 'undefined', () => parseMarketData(undefined as never), ['input']],
    ['parseMarketData', 'null', () => parseMarketData(null as never), ['input']],
    ['parseMarketData', 'a number', () => parseMarketData(5 as never), ['input']],
    ['parseMarketData', 'an array', () => parseMarketData([] as never), ['input']],
    ['parseMarketData', 'options of a string', () => parseMarketData(csv, 'x' as never), ['options']],
    ['loadMarketData', 'undefined', () => loadMarketData(undefined as never), ['path']],
    ['loadMarketData', 'an object', () => loadMarketData({} as never), ['path']],
    ['loadMarketData', 'NaN and options of 5', () => loadMarketData(NaN as never, 5 as never), ['path', 'options']],
    ['readDataBytes', 'null', () => readDataBytes(null as never), ['location']],
    ['loadDataset', 'undefined', () => loadDataset(undefined as never), ['dataset']],
    ['loadDataset', 'null', () => loadDataset(null as never), ['dataset']],
    ['loadDataset', 'an entry without url', () => loadDataset({} as never), ['dataset.url']],
    ['loadDataset', 'an ohlcv entry without symbols', () => loadDataset({ url: new URL('file:///x.csv'), format: 'ohlcv' } as never), ['dataset.symbols']],
    ['loadDataset', 'options of an array', () => loadDataset('sp500', [] as never), ['options']],
    ['getDatasetInfo', 'undefined', () => getDatasetInfo(undefined as never), ['name']],
    ['inspectMarketData', 'undefined', () => inspectMarketData(undefined as never), ['data']],
    ['inspectMarketData', 'an empty object', () => inspectMarketData({} as never), ['data.series']],
    ['inspectMarketData', 'data without a timeline', () => inspectMarketData({ series: [] } as never), ['data.timeline']],
    ['inspectMarketData', 'options of a number', () => inspectMarketData(data, 5 as never), ['options']],
    ['inferFrequency', 'null', () => inferFrequency(null as never), ['times']],
    ['toCsv', 'undefined', () => toCsv(undefined as never), ['data']],
    ['toCsv', 'a string', () => toCsv('x' as never), ['data']],
    ['toCsv', 'an empty object', () => toCsv({} as never), ['data']],
    ['toCsv', 'options of a string', () => toCsv(data, 'x' as never), ['options']],
    ['generateSyntheticData', 'a number', () => generateSyntheticData(5 as never), ['options']],
    ['generateSyntheticCsv', 'undefined', () => generateSyntheticCsv(undefined as never), ['options']],
    ['createMarketData', 'a number', () => createMarketData(5 as never), ['series']],
    ['createMarketData', 'a string', () => createMarketData('x' as never), ['series']],
    ['getSeries', 'undefined', () => getSeries(undefined as never, 'SYN0'), ['data']],
    ['getSeries', 'a symbol of a number', () => getSeries(data, 5 as never), ['symbol']],
    ['selectSymbols', 'no symbols', () => selectSymbols(data, undefined as never), ['symbols']],
    ['selectRange', 'no range', () => selectRange(data, undefined as never), ['range']],
    ['selectMarketData', 'null and no options', () => selectMarketData(null as never, undefined as never), ['data', 'options']],
    ['resolveDateBound', 'null and no bound', () => resolveDateBound(null as never, undefined as never), ['input', 'bound']],
    ['parseDate', 'a number', () => parseDate(5 as never), ['text']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('says what the argument must be and what it got', () => {
    expect(() => parseMarketData(5 as never)).toThrow('input: must be the text of a CSV or JSON file (a string) or its bytes (a Uint8Array); got number 5');
    expect(() => toCsv({} as never)).toThrow('data: must be market data, an array of bar series or one bar series (with its symbol); got an object without series or symbol');
  });

  it('takes null options as absent, as before for arguments of the right kind', async () => {
    expect(parseMarketData(csv, null as never)).toEqual(parseMarketData(csv));
    expect(parseMarketData(new TextEncoder().encode(csv), null as never)).toEqual(parseMarketData(csv));
    expect(generateSyntheticData(null as never)).toEqual(generateSyntheticData());
    expect(toCsv(data, null as never)).toBe(toCsv(data));
    expect(inspectMarketData(data, null as never)).toEqual(inspectMarketData(data));
    expect(createMarketData(data.series, null as never).source).toBe('memory');
    const loaded = await loadDataset('stocks5', null as never);
    expect(loaded.source).toBe('stocks5');
  });
});
