import type { ConfigIssue, Fill, Trade } from '@ensemble/protocol';
import { quoteValue } from '@ensemble/protocol';
import type { NumberColumn } from './report-input';

/** Issues collected per file at most: a file wrong in every record says so in its first ones. */
const MAX_ISSUES = 100;

/** The trades and fills of one account of a saved result (the backtest, the portfolio or a sleeve), times in epoch ms. */
export interface SavedRecords {
  /** Path of the part in the file, e.g. `sleeves.1` (empty for a backtest's top level). */
  readonly path: string;
  readonly trades: readonly Trade[];
  readonly fills: readonly Fill[];
  /** The symbols the account may trade (a backtest's `symbols`, a sleeve's, the union of the sleeves' for a portfolio). */
  readonly symbols: ReadonlySet<string>;
}

/** An equity curve of a saved result whose cash moves only by its fills (no deposits or transfers), times in epoch ms. */
export interface SavedCashCurve {
  /** Path of the curve in the file, e.g. `portfolio.equity`. */
  readonly path: string;
  readonly time: NumberColumn;
  readonly cash: NumberColumn;
  readonly fills: readonly Fill[];
}

function at(path: string, ...parts: (string | number)[]): string {
  return [path, ...parts.map(String)].filter((part) => part !== '').join('.');
}

function shown(time: number): string {
  const text = new Date(time).toISOString();
  return text.endsWith('T00:00:00.000Z') ? text.slice(0, 10) : text;
}

/** The cash a fill moves: a buy pays quantity × price plus commission, a sell receives quantity × price less commission. */
function cashFlow(fill: Fill): number {
  return fill.side === 'buy' ? -(fill.quantity * fill.price + fill.commission) : fill.quantity * fill.price - fill.commission;
}

/**
 * Checks the trades and fills of a saved result, record by record and against each other, in one
 * pass over each list: times inside the run (`first` … `last`) and no exit before its entry,
 * symbols the account has, positive finite quantities and prices, commissions of zero or more;
 * and, per strategy and symbol, the trades must be the round trips the fills close — as many, of
 * the same total quantity — as the engine books them (a fill against the position closes
 * min(its quantity, the position) in one trade).
 * Returns the issues found (at most {@link MAX_ISSUES}).
 */
export function recordIssues(parts: readonly SavedRecords[], first: number, last: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string): void => {
    if (issues.length < MAX_ISSUES) issues.push({ path, message });
  };
  const range = `the run's range, ${shown(first)} to ${shown(last)}`;
  for (const part of parts) {
    // Paths are built only for a record found wrong: a large result's records are many.
    const check = (list: 'trades' | 'fills', i: number, field: string, wrong: boolean, message: () => string): void => {
      if (wrong) add(at(part.path, list, i, field), message());
    };
    const symbols = part.symbols;
    const notSymbol = (value: string) => () =>
      `is ${quoteValue(value)}, not a symbol of this ${symbols.size === 0 ? 'run (it has none)' : `part of the run (${[...symbols].slice(0, 10).join(', ')}${symbols.size > 10 ? ', …' : ''})`}`;
    const notPositive = (value: number, what: string) => () => `is ${String(value)}; ${what} must be a positive number`;
    const negative = (value: number) => () => `is ${String(value)}; a commission is zero or more`;
    const outside = (time: number) => () => `is ${shown(time)}, outside ${range}`;
    const { trades, fills } = part;
    for (let i = 0; i < trades.length; i++) {
      const trade = trades[i];
      if (trade === undefined) continue;
      check('trades', i, 'symbol', !symbols.has(trade.symbol), notSymbol(trade.symbol));
      check('trades', i, 'quantity', !(trade.quantity > 0), notPositive(trade.quantity, 'a quantity'));
      check('trades', i, 'entryPrice', !(trade.entryPrice > 0), notPositive(trade.entryPrice, 'a price'));
      check('trades', i, 'exitPrice', !(trade.exitPrice > 0), notPositive(trade.exitPrice, 'a price'));
      check('trades', i, 'commission', !(trade.commission >= 0), negative(trade.commission));
      check('trades', i, 'entryTime', trade.entryTime < first || trade.entryTime > last, outside(trade.entryTime));
      if (trade.exitTime < trade.entryTime) check('trades', i, 'exitTime', true, () => `is ${shown(trade.exitTime)}, before the trade's entryTime ${shown(trade.entryTime)}`);
      else check('trades', i, 'exitTime', trade.exitTime > last, outside(trade.exitTime));
    }
    for (let i = 0; i < fills.length; i++) {
      const fill = fills[i];
      if (fill === undefined) continue;
      check('fills', i, 'symbol', !symbols.has(fill.symbol), notSymbol(fill.symbol));
      check('fills', i, 'quantity', !(fill.quantity > 0), notPositive(fill.quantity, 'a quantity'));
      check('fills', i, 'price', !(fill.price > 0), notPositive(fill.price, 'a price'));
      check('fills', i, 'commission', !(fill.commission >= 0), negative(fill.commission));
      check('fills', i, 'time', fill.time < first || fill.time > last, outside(fill.time));
    }
    if (issues.length === 0) tradesMatchFills(part, add);
  }
  return issues;
}

/** Per strategy and symbol: the fills replayed as the engine books them close as many trades, of the same total quantity, as the file lists. */
function tradesMatchFills(part: SavedRecords, add: (path: string, message: string) => void): void {
  const key = (record: { strategyId: string; symbol: string }) => `${record.strategyId}\u0000${record.symbol}`;
  const held = new Map<string, number>();
  const closed = new Map<string, { count: number; quantity: number }>();
  for (const fill of part.fills) {
    const k = key(fill);
    const current = held.get(k) ?? 0;
    const sign = fill.side === 'buy' ? 1 : -1;
    if (current === 0 || Math.sign(current) === sign) {
      held.set(k, current + sign * fill.quantity);
      continue;
    }
    const amount = Math.min(fill.quantity, Math.abs(current));
    const sum = closed.get(k) ?? { count: 0, quantity: 0 };
    closed.set(k, { count: sum.count + 1, quantity: sum.quantity + amount });
    const opened = fill.quantity - amount;
    held.set(k, amount < Math.abs(current) ? current + sign * fill.quantity : opened > 0 ? sign * opened : 0);
  }
  const listed = new Map<string, { count: number; quantity: number; first: number }>();
  part.trades.forEach((trade, i) => {
    const k = key(trade);
    const sum = listed.get(k) ?? { count: 0, quantity: 0, first: i };
    listed.set(k, { count: sum.count + 1, quantity: sum.quantity + trade.quantity, first: sum.first });
  });
  const names = new Map<string, { strategyId: string; symbol: string }>();
  for (const record of [...part.trades, ...part.fills]) names.set(key(record), record);
  for (const [k, name] of names) {
    const byFills = closed.get(k) ?? { count: 0, quantity: 0 };
    const byTrades = listed.get(k) ?? { count: 0, quantity: 0, first: -1 };
    const same = byFills.count === byTrades.count && Math.abs(byFills.quantity - byTrades.quantity) <= 1e-9 * Math.max(1, Math.abs(byFills.quantity));
    if (same) continue;
    const count = (n: number) => `${String(n)} trade${n === 1 ? '' : 's'}`;
    add(
      byTrades.first >= 0 ? at(part.path, 'trades', byTrades.first) : at(part.path, 'trades'),
      `the trades of ${quoteValue(name.symbol)} (strategy ${quoteValue(name.strategyId)}) are ${count(byTrades.count)} of ${String(byTrades.quantity)} units, but the fills in ${at(part.path, 'fills')}, booked as the engine books them, close ${count(byFills.count)} of ${String(byFills.quantity)} units`,
    );
  }
}

/**
 * Checks a cash column against the fills: from one bar to the next, cash moves by exactly the
 * fills' cash flows between them (quantity × price ∓ commission), as the engine books them.
 * Returns the first bar where it does not (one issue: a cash edited or cut short shows there).
 */
export function cashIssues(curve: SavedCashCurve): ConfigIssue[] {
  const flows = new Map<number, { flow: number; size: number }>();
  for (const fill of curve.fills) {
    const flow = cashFlow(fill);
    const sum = flows.get(fill.time) ?? { flow: 0, size: 0 };
    flows.set(fill.time, { flow: sum.flow + flow, size: sum.size + Math.abs(flow) });
  }
  const times = [...flows.keys()].sort((a, b) => a - b);
  let j = 0;
  while (j < times.length && (times[j] ?? Number.NaN) <= (curve.time[0] ?? Number.NaN)) j++;
  for (let i = 1; i < curve.time.length; i++) {
    const time = curve.time[i] ?? Number.NaN;
    let flow = 0;
    let size = 0;
    while (j < times.length && (times[j] ?? Number.NaN) <= time) {
      const sum = flows.get(times[j] ?? Number.NaN);
      flow += sum?.flow ?? 0;
      size += sum?.size ?? 0;
      j++;
    }
    const before = curve.cash[i - 1] ?? Number.NaN;
    const cash = curve.cash[i] ?? Number.NaN;
    const expected = before + flow;
    if (Math.abs(cash - expected) <= 1e-9 * Math.max(1, Math.abs(cash), Math.abs(before), size)) continue;
    return [
      {
        path: at(curve.path, i, 'cash'),
        message: `is ${String(cash)}, but the cash of the bar before (${String(before)}) plus the cash the fills moved since (${String(flow)}) is ${String(expected)}: the file was edited or damaged`,
      },
    ];
  }
  return [];
}
