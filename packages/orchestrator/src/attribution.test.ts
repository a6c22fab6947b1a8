import { describe, expect, it } from 'vitest';
import { computeAttribution } from './attribution';

const day = (month: number, date: number) => Date.UTC(2024, month, date);

describe('computeAttribution', () => {
  it('divides each sleeve’s P&L by the equity before the period, month by month', () => {
    // Start 1000. January: a +30, b −10 → 1020. February: a +51, b 0 → 1071.
    const attribution = computeAttribution({
      time: [day(0, 2), day(0, 3), day(1, 1), day(1, 2)],
      equity: [1010, 1020, 1071, 1071],
      initialEquity: 1000,
      sleeves: [
        { id: 'a', pnl: [20, 10, 51, 0] },
        { id: 'b', pnl: [-10, 0, 0, 0] },
      ],
    });
    expect(attribution.monthly.map((period) => period.label)).toEqual(['2024-01', '2024-02']);
    expect(attribution.monthly[0]?.bySleeve).toEqual({ a: 30 / 1000, b: -10 / 1000 });
    expect(attribution.monthly[1]?.bySleeve).toEqual({ a: 51 / 1020, b: 0 });
    expect(attribution.total.portfolioReturn).toBeCloseTo(0.071, 15);
    expect(attribution.total.residual).toBeCloseTo(0, 15);
  });

  it('gives null, not NaN, where the portfolio starts a period with no positive equity (regression)', () => {
    // The portfolio is wiped out in January (1000 → 0); February starts from 0.
    const attribution = computeAttribution({
      time: [day(0, 2), day(1, 1)],
      equity: [0, 5],
      initialEquity: 1000,
      sleeves: [{ id: 'a', pnl: [-1000, 5] }],
    });
    expect(attribution.monthly[0]?.bySleeve).toEqual({ a: -1 });
    expect(attribution.monthly[1]?.bySleeve).toEqual({ a: null });
    expect(attribution.monthly[1]?.portfolioReturn).toBeNull();
    expect(attribution.monthly[1]?.residual).toBeNull();
    // A result with null contributions survives JSON as it is (NaN would have become null silently).
    expect(JSON.parse(JSON.stringify(attribution))).toEqual(attribution);
  });
});
