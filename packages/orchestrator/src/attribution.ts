import { calendarPeriodKey } from '@ensemble/protocol';

/** Each sleeve's contribution to the portfolio return over one period. */
export interface AttributionPeriod {
  /** `YYYY-MM` for a month, `YYYY` for a year, `total` for the whole run. */
  readonly label: string;
  /** Epoch ms of the period's first and last bar. */
  readonly start: number;
  readonly end: number;
  /** Bars in the period. */
  readonly bars: number;
  /** `E_end / E_before − 1`; null when `E_before ≤ 0`. */
  readonly portfolioReturn: number | null;
  /**
   * Per sleeve id: its P&L over the period (transfers excluded) / `E_before`, a fraction; null when
   * it cannot be computed (`E_before ≤ 0`, or a P&L that is not a finite number).
   */
  readonly bySleeve: Readonly<Record<string, number | null>>;
  /**
   * `portfolioReturn − Σ bySleeve`: 0 up to rounding in sleeves mode (the reserve earns nothing);
   * in shared mode, what conflict resolution added to (or took from) the shadow sleeves' P&L.
   * Null when the portfolio return or any sleeve's contribution is null.
   */
  readonly residual: number | null;
}

/** Attribution of the portfolio return to the sleeves: per calendar month, per year and in total. */
export interface Attribution {
  readonly total: AttributionPeriod;
  readonly monthly: readonly AttributionPeriod[];
  readonly yearly: readonly AttributionPeriod[];
}

/** What {@link computeAttribution} reads. */
export interface AttributionInput {
  /** Epoch ms of every step. */
  readonly time: ArrayLike<number>;
  /** Portfolio equity after every step. */
  readonly equity: ArrayLike<number>;
  /** Portfolio equity before the first step (the starting cash). */
  readonly initialEquity: number;
  /** Each sleeve's P&L per step, transfers excluded: `E_t − E_{t−1} − transfers_t`. */
  readonly sleeves: readonly { readonly id: string; readonly pnl: ArrayLike<number> }[];
}

const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];

function labelOf(time: number, period: 'month' | 'year'): string {
  const date = new Date(time);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  return period === 'year' ? year : `${year}-${MONTHS[date.getUTCMonth()] ?? '??'}`;
}

function periodOf(input: AttributionInput, label: string, first: number, last: number): AttributionPeriod {
  const before = first === 0 ? input.initialEquity : (input.equity[first - 1] ?? Number.NaN);
  const end = input.equity[last] ?? Number.NaN;
  const bySleeve: Record<string, number | null> = {};
  let sum: number | null = 0;
  for (const sleeve of input.sleeves) {
    let pnl = 0;
    for (let t = first; t <= last; t++) pnl += sleeve.pnl[t] ?? 0;
    const contribution = before > 0 && Number.isFinite(pnl) ? pnl / before : null;
    bySleeve[sleeve.id] = contribution;
    sum = sum === null || contribution === null ? null : sum + contribution;
  }
  const portfolioReturn = before > 0 && Number.isFinite(end) ? end / before - 1 : null;
  return {
    label,
    start: input.time[first] ?? Number.NaN,
    end: input.time[last] ?? Number.NaN,
    bars: last - first + 1,
    portfolioReturn,
    bySleeve,
    residual: portfolioReturn === null || sum === null ? null : portfolioReturn - sum,
  };
}

function byCalendar(input: AttributionInput, period: 'month' | 'year'): AttributionPeriod[] {
  const periods: AttributionPeriod[] = [];
  const n = input.time.length;
  let first = 0;
  for (let t = 1; t <= n; t++) {
    if (t === n || calendarPeriodKey(input.time[t] ?? 0, period) !== calendarPeriodKey(input.time[first] ?? 0, period)) {
      periods.push(periodOf(input, labelOf(input.time[first] ?? 0, period), first, t - 1));
      first = t;
    }
  }
  return periods;
}

/**
 * P&L attribution: a sleeve's contribution over a period is its P&L over the period (cash
 * transfers between sleeves excluded, crossing savings and costs included) divided by the
 * portfolio equity just before the period. Because the sleeves' P&L add up to the portfolio's
 * (transfers net to zero, the reserve earns nothing), the contributions of a period sum to the
 * portfolio return of that period exactly (up to rounding): `residual` shows what is left. Per
 * bar this is `w_{t−1} × r_t` with `w` the sleeve's weight and `r` its return excluding
 * transfers. Months and years are UTC calendar periods; the first period starts from the cash.
 */
export function computeAttribution(input: AttributionInput): Attribution {
  const n = input.time.length;
  const total =
    n === 0
      ? {
          label: 'total',
          start: Number.NaN,
          end: Number.NaN,
          bars: 0,
          portfolioReturn: null,
          bySleeve: Object.fromEntries(input.sleeves.map((sleeve) => [sleeve.id, 0])),
          residual: null,
        }
      : periodOf(input, 'total', 0, n - 1);
  return { total, monthly: byCalendar(input, 'month'), yearly: byCalendar(input, 'year') };
}
