import type { RebalanceEvent } from '../result';
import type { QueuedTransferOrders } from './transfer-orders';

/** `values` as a record by sleeve id. */
export function record(ids: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  ids.forEach((id, i) => {
    out[id] = values[i] ?? Number.NaN;
  });
  return out;
}

/** {@link record} of weights: NaN (a share of a portfolio worth zero or less) becomes null. */
function weightRecord(ids: readonly string[], values: ArrayLike<number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  ids.forEach((id, i) => {
    const value = values[i] ?? Number.NaN;
    out[id] = Number.isNaN(value) ? null : value;
  });
  return out;
}

/** The weights and transfers of a {@link RebalanceEvent}, one value per sleeve in sleeve order. */
export interface EventColumns {
  readonly weightsBefore: ArrayLike<number>;
  readonly targetWeights: ArrayLike<number>;
  readonly weightsAfter: ArrayLike<number>;
  readonly transfers: ArrayLike<number>;
}

/** What an event's lazy fields are built from. */
interface LazySource {
  readonly ids: readonly string[];
  readonly columns: EventColumns;
  readonly queued: QueuedTransferOrders | null;
}

/** Per event built by {@link rebalanceEvent}, what its lazy fields are built from. */
const sources = new WeakMap<object, LazySource>();

/** The event `receiver` reads a lazy field of: itself, or the event on its prototype chain. */
function eventOf(receiver: object): { readonly event: object; readonly source: LazySource } {
  for (let at: object | null = receiver; at !== null; at = Object.getPrototypeOf(at) as object | null) {
    const source = sources.get(at);
    if (source !== undefined) return { event: at, source };
  }
  throw new TypeError('a rebalance event field read on an object that is no rebalance event');
}

/**
 * An enumerable accessor for `field` that computes its value from the event's source on first
 * read and then becomes that value (a data property, in the same place among the keys). One
 * descriptor for every event, which finds its source by the event: a closure, getter and setter
 * made per field and event were most of what building an event cost.
 */
function lazyDescriptor(field: string, make: (source: LazySource) => unknown): PropertyDescriptor {
  const settle = (event: object, value: unknown): void => {
    Object.defineProperty(event, field, { value, enumerable: true, configurable: true, writable: true });
  };
  return {
    enumerable: true,
    configurable: true,
    get(this: object): unknown {
      const { event, source } = eventOf(this);
      const value = make(source);
      settle(event, value);
      return value;
    },
    // As assigning a data property would: the value lands on the object assigned to (an object
    // whose prototype is the event gets its own), and the event keeps its own.
    set(this: object, value: unknown): void {
      settle(this, value);
    },
  };
}

const LAZY_FIELDS: PropertyDescriptorMap = {
  weightsBefore: lazyDescriptor('weightsBefore', ({ ids, columns }) => weightRecord(ids, columns.weightsBefore)),
  targetWeights: lazyDescriptor('targetWeights', ({ ids, columns }) => record(ids, columns.targetWeights)),
  weightsAfter: lazyDescriptor('weightsAfter', ({ ids, columns }) => weightRecord(ids, columns.weightsAfter)),
  transfers: lazyDescriptor('transfers', ({ ids, columns }) => record(ids, columns.transfers)),
  orders: lazyDescriptor('orders', ({ queued }) => queued?.orders() ?? []),
  sales: lazyDescriptor('sales', ({ queued }) => queued?.sales() ?? []),
};

/**
 * A rebalance event whose four per-sleeve records (weights before, targets, weights after,
 * transfers) are built from `columns`, and its `orders` and `sales` from `queued`, when first
 * read, then kept as plain data properties. They are own enumerable properties from the start,
 * so `JSON.stringify`, spreading, `structuredClone` and deep equality see the event as if it had
 * been built eagerly. With 1,000 sleeves and a rebalance a month, building them eagerly was a
 * fifth of what a run allocated, for records a run mostly never reads. `columns` and `queued`
 * must not change afterwards.
 */
export function rebalanceEvent(ids: readonly string[], columns: EventColumns, queued: QueuedTransferOrders | null, rest: Omit<RebalanceEvent, keyof EventColumns | 'orders' | 'sales'>): RebalanceEvent {
  const { time, reason, reasons, ...after } = rest;
  // The lazy fields' places among the keys come first (redefining a property keeps its place).
  const event = { time, reason, reasons, weightsBefore: null, targetWeights: null, weightsAfter: null, transfers: null, orders: null, sales: null, ...after } as unknown as RebalanceEvent;
  sources.set(event, { ids, columns, queued });
  Object.defineProperties(event, LAZY_FIELDS);
  return event;
}
