import { describe, expect, it } from 'vitest';
import { sleeveOrdersText } from './run-summary';

type Sleeves = Parameters<typeof sleeveOrdersText>[0]['sleeves'];
const sleeve = (id: string, shrunkOrders: number, rejectedOrders: number): Sleeves[number] => ({ id, shrunkOrders, rejectedOrders }) as Sleeves[number];

describe('sleeveOrdersText', () => {
  it('names the sleeves whose orders were shrunk or rejected, most first, three at most', () => {
    const sleeves = [sleeve('a', 0, 0), sleeve('b', 2, 1), sleeve('c', 0, 17), sleeve('d', 1, 0), sleeve('e', 0, 1)];
    expect(sleeveOrdersText({ mode: 'sleeves', sleeves })).toBe('c 17 rejected · b 2 shrunk, 1 rejected · d 1 shrunk · … and 1 more sleeve');
  });

  it('says nothing with one sleeve, in shared mode, or when no order was shrunk or rejected', () => {
    expect(sleeveOrdersText({ mode: 'sleeves', sleeves: [sleeve('a', 3, 4)] })).toBeNull();
    expect(sleeveOrdersText({ mode: 'shared', sleeves: [sleeve('a', 3, 4), sleeve('b', 0, 1)] })).toBeNull();
    expect(sleeveOrdersText({ mode: 'sleeves', sleeves: [sleeve('a', 0, 0), sleeve('b', 0, 0)] })).toBeNull();
  });
});
