import { describe, expect, it } from 'vitest';
import type { RebalanceEvent } from '../result';
import { rebalanceEvent } from './rebalance-event';

const ids = ['trend', 'hold'];
const columns = {
  weightsBefore: new Float64Array([0.6, Number.NaN]),
  targetWeights: new Float64Array([0.5, 0.5]),
  weightsAfter: new Float64Array([0.5, 0.5]),
  transfers: new Float64Array([-100, 100]),
};
/** The fields an event has after its lazy ones, as given. */
const after = {
  deferred: [],
  belowCosts: [],
  scheme: { name: 'equal' },
  warmup: false,
  constraintStatus: 'ok',
  convergence: null,
  unestimated: {},
  onPaper: [],
};
const head = { time: Date.UTC(2024, 0, 31), reason: 'schedule', reasons: ['schedule'] };
const rest = { ...head, ...after } as unknown as Omit<RebalanceEvent, 'weightsBefore' | 'targetWeights' | 'weightsAfter' | 'transfers' | 'orders' | 'sales'>;

/** The event as built eagerly, keys in the order the lazy one has them. */
const eager = {
  ...head,
  weightsBefore: { trend: 0.6, hold: null },
  targetWeights: { trend: 0.5, hold: 0.5 },
  weightsAfter: { trend: 0.5, hold: 0.5 },
  transfers: { trend: -100, hold: 100 },
  orders: [],
  sales: [],
  ...after,
};

describe('rebalanceEvent: per-sleeve records built when first read', () => {
  it('reads, serialises, spreads and clones as the event built eagerly, keys in the same order', () => {
    expect(JSON.stringify(rebalanceEvent(ids, columns, null, rest))).toBe(JSON.stringify(eager));
    expect({ ...rebalanceEvent(ids, columns, null, rest) }).toEqual(eager);
    expect(structuredClone(rebalanceEvent(ids, columns, null, rest))).toEqual(eager);
    expect(Object.keys(rebalanceEvent(ids, columns, null, rest))).toEqual(Object.keys(eager));
  });

  it('a field, once read, is the same object at every read; assigned, it holds what was assigned', () => {
    const event = rebalanceEvent(ids, columns, null, rest);
    expect(event.transfers).toBe(event.transfers);
    (event as { orders: unknown }).orders = ['mine'];
    expect(event.orders).toEqual(['mine']);
    expect(Object.getOwnPropertyDescriptor(event, 'orders')).toMatchObject({ value: ['mine'], writable: true, enumerable: true });
  });

  it('an object whose prototype is an event reads its fields; assigning to it leaves the event as it was', () => {
    const event = rebalanceEvent(ids, columns, null, rest);
    const derived = Object.create(event) as { transfers: unknown; weightsAfter: unknown };
    expect(derived.transfers).toEqual({ trend: -100, hold: 100 });
    derived.weightsAfter = 'changed';
    expect(derived.weightsAfter).toBe('changed');
    expect(event.weightsAfter).toEqual({ trend: 0.5, hold: 0.5 });
  });
});
