import { seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarketData } from './parse';
import { generateSyntheticData } from './synthetic';
import { toCsv } from './to-csv';

describe('toCsv', () => {
  it('writes the long OHLCV layout', () => {
    const data = parseMarketData('date,open,high,low,close,volume\n2000-01-03,1.5,2,1,1.75,100\n', { symbol: 'X' });
    expect(toCsv(data)).toBe('date,open,high,low,close,volume\n2000-01-03,1.5,2,1,1.75,100\n');
    expect(toCsv(data, { decimals: 2, symbolColumn: true })).toBe(
      'symbol,date,open,high,low,close,volume\nX,2000-01-03,1.50,2.00,1.00,1.75,100\n',
    );
  });

  it('round-trips through parseMarketData exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3 }), (seed, bars, symbols) => {
        const data = generateSyntheticData({ seed, bars, symbols });
        const back = parseMarketData(toCsv(data));
        expect(back.timeline.symbols).toEqual(data.timeline.symbols.length > 1 ? data.timeline.symbols : ['DATA']);
        back.series.forEach((s, k) => {
          const original = data.series[k];
          expect(seriesToBars(s)).toEqual(original === undefined ? [] : seriesToBars(original));
        });
      }),
      { numRuns: 50 },
    );
  });

  it('writes date-times for bars that are not at midnight', () => {
    const data = parseMarketData('date,close\n2000-01-03T14:30:00Z,1\n');
    expect(toCsv(data).split('\n')[1]).toBe('2000-01-03T14:30:00.000Z,1,1,1,1,0');
  });
});
