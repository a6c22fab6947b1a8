import { computeMetrics } from '@ensemble/performance';
import type { Fill, Trade } from '@ensemble/protocol';
import type { ReportInput, ReportRebalance, ReportSleeve } from '../report-input';

const DAY_MS = 86_400_000;

/** Mulberry32: a small seeded generator, so fixtures are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function businessDays(start: number, count: number): number[] {
  const days: number[] = [];
  for (let t = start; days.length < count; t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(t);
  }
  return days;
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 3) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] ?? 0;
    mb += b[i] ?? 0;
  }
  ma /= n;
  mb /= n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : null;
}

function std(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

interface SleeveSpec {
  readonly id: string;
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly beta: number;
  readonly alpha: number;
  readonly noise: number;
  readonly cashShare: number;
}

const SLEEVES: readonly SleeveSpec[] = [
  { id: 'trend', strategy: 'sma-crossover', symbols: ['SPY', 'QQQ'], beta: 0.7, alpha: 0.0003, noise: 0.006, cashShare: 0.15 },
  { id: 'mean-reversion', strategy: 'rsi-mean-reversion', symbols: ['IWM', 'SPY'], beta: 0.3, alpha: 0.00035, noise: 0.007, cashShare: 0.3 },
  { id: 'breakout', strategy: 'donchian-breakout', symbols: ['GLD', 'TLT', 'DBC'], beta: -0.15, alpha: 0.0003, noise: 0.008, cashShare: 0.25 },
  { id: 'buy-and-hold', strategy: 'buy-and-hold', symbols: ['SPY'], beta: 1, alpha: 0, noise: 0.001, cashShare: 0.02 },
];

/** Options of {@link buildRandomWalkRun}. */
export interface RandomWalkRunOptions {
  readonly bars?: number;
  readonly sleeves?: number;
  readonly seed?: number;
  readonly tradesPerSleeve?: number;
  readonly conflicts?: number;
}

/**
 * A realistic orchestrator result from a seeded random walk: a market factor, N sleeves with their
 * own beta, drift and noise, monthly inverse-volatility rebalancing, trades and fills on per-symbol
 * price paths, conflicts, risk events, attribution by year, correlation and a benchmark.
 */
export function buildRandomWalkRun(options: RandomWalkRunOptions = {}): ReportInput {
  const bars = options.bars ?? 2500;
  const specs = SLEEVES.slice(0, options.sleeves ?? 3);
  const random = seeded(options.seed ?? 6);
  const time = businessDays(Date.UTC(2011, 0, 3), bars);
  const market = time.map(() => 0.0003 + 0.011 * normal(random));
  const sleeveReturns = specs.map((spec) => market.map((m) => spec.alpha + spec.beta * m + spec.noise * normal(random)));

  const startEquity = 1_000_000;
  const equity = specs.map(() => new Float64Array(bars));
  const weights = specs.map(() => new Float64Array(bars));
  const portfolio = new Float64Array(bars);
  const pnl = specs.map(() => new Float64Array(bars));
  const rebalances: ReportRebalance[] = [];
  let current = specs.map(() => (startEquity * 0.98) / specs.length);
  const reserve = startEquity * 0.02;
  const monthOf = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
  for (let t = 0; t < bars; t++) {
    if (t > 0) {
      current = current.map((value, i) => {
        const gain = value * (1 - (specs[i]?.cashShare ?? 0)) * (sleeveReturns[i]?.[t] ?? 0);
        const row = pnl[i];
        if (row !== undefined) row[t] = gain;
        return value + gain;
      });
      if (monthOf(time[t] ?? 0) !== monthOf(time[t - 1] ?? 0)) {
        const total = current.reduce((s, v) => s + v, 0) + reserve;
        const before = Object.fromEntries(specs.map((spec, i) => [spec.id, (current[i] ?? 0) / total]));
        const vols = specs.map((_, i) => (t >= 63 ? std((sleeveReturns[i] ?? []).slice(t - 63, t)) : 1));
        const inverse = vols.map((v) => 1 / v);
        const sum = inverse.reduce((s, v) => s + v, 0);
        const investable = total - reserve;
        current = inverse.map((v) => (investable * v) / sum);
        const after = Object.fromEntries(specs.map((spec, i) => [spec.id, (current[i] ?? 0) / total]));
        rebalances.push({ time: time[t] ?? 0, reason: 'month', weightsBefore: before, weightsAfter: after });
      }
    }
    const total = current.reduce((s, v) => s + v, 0) + reserve;
    portfolio[t] = total;
    specs.forEach((_, i) => {
      const e = equity[i];
      const w = weights[i];
      if (e !== undefined) e[t] = current[i] ?? 0;
      if (w !== undefined) w[t] = (current[i] ?? 0) / total;
    });
  }

  const prices = new Map<string, number[]>();
  for (const symbol of [...new Set(specs.flatMap((spec) => spec.symbols))]) {
    let price = 50 + random() * 200;
    prices.set(
      symbol,
      market.map((m) => {
        price *= 1 + 0.6 * m + 0.008 * normal(random);
        return price;
      }),
    );
  }
  const allTrades: Trade[] = [];
  const allFills: Fill[] = [];
  const sleeveTrades = specs.map((spec) => {
    const trades: Trade[] = [];
    const fills: Fill[] = [];
    const count = options.tradesPerSleeve ?? 40;
    for (let k = 0; k < count; k++) {
      const symbol = spec.symbols[k % spec.symbols.length] ?? 'SPY';
      const path = prices.get(symbol) ?? [];
      const entryIndex = Math.floor(((k + random() * 0.5) / count) * (bars - 40));
      const held = 3 + Math.floor(random() * 30);
      const exitIndex = Math.min(bars - 1, entryIndex + held);
      const side = random() < 0.8 ? 'long' : 'short';
      const entryPrice = path[entryIndex] ?? 100;
      const exitPrice = path[exitIndex] ?? 100;
      const quantity = Math.max(1, Math.floor(50_000 / entryPrice));
      const commission = 0.001 * quantity * (entryPrice + exitPrice);
      const gross = quantity * (exitPrice - entryPrice) * (side === 'long' ? 1 : -1);
      const trade: Trade = {
        strategyId: spec.id,
        symbol,
        side,
        quantity,
        entryTime: time[entryIndex] ?? 0,
        entryPrice,
        exitTime: time[exitIndex] ?? 0,
        exitPrice,
        commission,
        pnl: gross - commission,
        returnPct: (gross - commission) / (quantity * entryPrice),
        barsHeld: exitIndex - entryIndex,
        exitReason: random() < 0.15 ? 'stop-loss' : 'exit',
      };
      trades.push(trade);
      const entryFill: Fill = { strategyId: spec.id, symbol, time: trade.entryTime, side: side === 'long' ? 'buy' : 'sell', quantity, price: entryPrice, commission: 0.001 * quantity * entryPrice, slippage: 0.0002 * quantity * entryPrice, reason: 'entry' };
      const exitFill: Fill = { strategyId: spec.id, symbol, time: trade.exitTime, side: side === 'long' ? 'sell' : 'buy', quantity, price: exitPrice, commission: 0.001 * quantity * exitPrice, slippage: 0.0002 * quantity * exitPrice, reason: trade.exitReason };
      fills.push(entryFill, exitFill);
    }
    trades.sort((a, b) => a.exitTime - b.exitTime);
    fills.sort((a, b) => a.time - b.time);
    allTrades.push(...trades);
    allFills.push(...fills);
    return { trades, fills };
  });
  allTrades.sort((a, b) => a.exitTime - b.exitTime || a.strategyId.localeCompare(b.strategyId));
  allFills.sort((a, b) => a.time - b.time || a.strategyId.localeCompare(b.strategyId));

  let benchmarkLevel = 100;
  const benchmarkValue = market.map((m, t) => {
    if (t > 0) benchmarkLevel *= 1 + m;
    return benchmarkLevel;
  });
  const benchmark = { name: 'Market', time, value: benchmarkValue };
  const metricOptions = { periodsPerYear: 252, benchmark: { time, values: benchmarkValue } };

  // Sleeve performance is measured on a unit value that ignores the capital moved by rebalancing.
  const navs = specs.map((spec, i) => {
    const nav = new Float64Array(bars);
    let value = startEquity / specs.length;
    for (let t = 0; t < bars; t++) {
      if (t > 0) value *= 1 + (1 - spec.cashShare) * (sleeveReturns[i]?.[t] ?? 0);
      nav[t] = value;
    }
    return nav;
  });
  const sleeves: ReportSleeve[] = specs.map((spec, i) => {
    const e = equity[i] ?? new Float64Array(bars);
    const nav = navs[i] ?? new Float64Array(bars);
    const cash = e.map((v) => v * spec.cashShare);
    const gross = e.map((v, t) => v - (cash[t] ?? 0));
    const { trades, fills } = sleeveTrades[i] ?? { trades: [], fills: [] };
    const contribution = (pnl[i] ?? new Float64Array()).reduce((s, v) => s + v, 0) / startEquity;
    return {
      id: spec.id,
      strategy: spec.strategy,
      symbols: spec.symbols,
      equity: { time, equity: e, cash },
      weight: weights[i] ?? new Float64Array(bars),
      metrics: computeMetrics({ equity: { time, equity: nav, grossExposure: gross.map((g, t) => (g / (e[t] ?? 1)) * (nav[t] ?? 0)) }, trades, fills }, metricOptions),
      trades,
      fills,
      contribution,
    };
  });
  const portfolioCash = portfolio.map((_, t) => reserve + sleeves.reduce((s, sleeve) => s + (sleeve.equity.cash[t] ?? 0), 0));
  const portfolioGross = portfolio.map((v, t) => v - (portfolioCash[t] ?? 0));

  const years = new Map<string, Record<string, number>>();
  let yearStartValue = portfolio[0] ?? startEquity;
  let currentYear = '';
  for (let t = 1; t < bars; t++) {
    const year = String(new Date(time[t] ?? 0).getUTCFullYear());
    if (year !== currentYear) {
      currentYear = year;
      yearStartValue = portfolio[t - 1] ?? startEquity;
      years.set(year, Object.fromEntries(specs.map((spec) => [spec.id, 0])));
    }
    const row = years.get(year) ?? {};
    specs.forEach((spec, i) => {
      row[spec.id] = (row[spec.id] ?? 0) + (pnl[i]?.[t] ?? 0) / yearStartValue;
    });
  }

  const returnsOf = (values: ArrayLike<number>) => Array.from({ length: values.length - 1 }, (_, t) => (values[t + 1] ?? 0) / (values[t] ?? 1) - 1);
  const sleeveReturnSeries = navs.map((nav) => returnsOf(nav));
  const matrix = sleeveReturnSeries.map((a) => sleeveReturnSeries.map((b) => pearson(a, b)));
  const portfolioVol = std(returnsOf(portfolio));
  const weightedVol = sleeves.reduce((s, sleeve, i) => {
    const w = Array.from(sleeve.weight).reduce<number>((a, b) => a + (b ?? 0), 0) / bars;
    return s + w * std(sleeveReturnSeries[i] ?? []);
  }, 0);

  const conflicts = Array.from({ length: options.conflicts ?? 30 }, (_, k) => {
    const t = time[Math.floor(((k + 0.5) / (options.conflicts ?? 30)) * bars)] ?? 0;
    const signals = ['long', 'exit', 'short', 'long 0.5'];
    const a = signals[k % signals.length] ?? 'long';
    const b = signals[(k + 1) % signals.length] ?? 'exit';
    return {
      time: t,
      symbol: k % 3 === 0 ? 'IWM' : 'SPY',
      policy: k % 4 === 0 ? 'priority' : 'vote',
      inputs: [
        { strategyId: 'trend', signal: a },
        { strategyId: 'mean-reversion', signal: b },
      ],
      outcome: k % 2 === 0 ? a : 'flat',
    };
  });

  return {
    title: 'Three strategies on a simulated market',
    subtitle: 'Sleeves mode · inverse-volatility allocation · monthly rebalancing',
    config: {
      capital: 'sleeves',
      cash: startEquity,
      allocation: { scheme: 'inverse-volatility', lookback: 63, cashBuffer: 0.02 },
      rebalance: { calendar: 'month' },
      strategies: specs.map((spec) => ({ id: spec.id, strategy: spec.strategy, symbols: spec.symbols })),
    },
    periodsPerYear: 252,
    portfolio: {
      equity: { time, equity: portfolio, cash: portfolioCash },
      metrics: computeMetrics({ equity: { time, equity: portfolio, grossExposure: portfolioGross }, trades: allTrades, fills: allFills }, metricOptions),
      trades: allTrades,
      fills: allFills,
    },
    benchmark,
    sleeves,
    attribution: { periods: [...years.entries()].map(([label, bySleeve]) => ({ label, bySleeve })) },
    correlation: { ids: specs.map((spec) => spec.id), matrix },
    diversificationRatio: portfolioVol > 0 ? weightedVol / portfolioVol : null,
    rebalances,
    conflicts,
    risk: [
      { time: time[Math.floor(bars * 0.42)] ?? 0, kind: 'gross-exposure', detail: 'Gross exposure 1.07 above the cap of 1.00; orders scaled by 0.93.' },
      { time: time[Math.floor(bars * 0.77)] ?? 0, kind: 'symbol-cap', detail: 'SPY at 41% of equity above the 40% cap; order shrunk.' },
    ],
    crossing: { savedTurnover: 1_234_567.5, savedCommission: 1234.57 },
  };
}
