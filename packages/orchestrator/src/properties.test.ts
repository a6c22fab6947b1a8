import type { CommissionModel, SizingRule, SlippageModel } from '@ensemble/engine';
import { runBacktest, wholeUnitSizingProblem } from '@ensemble/engine';
import type { BarSeries } from '@ensemble/protocol';
import { ConfigError, barSeriesFromBars, createTimeline, seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prng, testRegistry, walkSeries } from '../test/helpers';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';
import type { OrchestratorResult } from './result';

/** 1–3 symbols of 20–70 seeded bars; symbols after the first miss some dates. */
const seriesSet = fc
  .record({
    count: fc.integer({ min: 1, max: 3 }),
    length: fc.integer({ min: 20, max: 70 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    volatility: fc.double({ min: 0.005, max: 0.05, noNaN: true }),
    gaps: fc.double({ min: 0, max: 0.3, noNaN: true }),
  })
  .map(({ count, length, seed, volatility, gaps }): BarSeries[] =>
    Array.from({ length: count }, (_, k) => {
      const full = walkSeries(`S${k}`, length, seed + k * 7919, volatility, 20 + 40 * k);
      if (k === 0 || gaps === 0) return full;
      const random = prng(seed * 31 + k);
      const kept = seriesToBars(full).filter(() => random() >= gaps);
      return barSeriesFromBars(full.symbol, kept.length > 0 ? kept : seriesToBars(full).slice(0, 1));
    }),
  );

const commission: fc.Arbitrary<CommissionModel> = fc.oneof(
  fc.record({ kind: fc.constant('percent' as const), rate: fc.double({ min: 0, max: 0.01, noNaN: true }) }),
  fc.record({ kind: fc.constant('per-unit' as const), amount: fc.double({ min: 0, max: 0.05, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 3, noNaN: true }) }),
  fc.record({
    kind: fc.constant('percent' as const),
    rate: fc.double({ min: 0, max: 0.01, noNaN: true }),
    minimum: fc.double({ min: 0, max: 2, noNaN: true }),
  }),
);

const slippage: fc.Arbitrary<SlippageModel> = fc.oneof(
  fc.record({ kind: fc.constant('bps' as const), bps: fc.double({ min: 0, max: 50, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
);

const sizing: fc.Arbitrary<SizingRule> = fc.oneof(
  fc.record({ kind: fc.constant('percent-of-cash' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
  fc.record({ kind: fc.constant('percent-of-equity' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed-quantity' as const), quantity: fc.double({ min: 0.5, max: 200, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed-cash' as const), amount: fc.double({ min: 100, max: 30_000, noNaN: true }) }),
);

/** Whether a drawn sizing can run: a fixed quantity below one whole unit is refused as bad input (every entry would round to 0). */
const runnableSizing = (options: { readonly sizing: SizingRule; readonly fractional: boolean }): boolean => wholeUnitSizingProblem(options.sizing, options.fractional) === null;

const randomParams = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  enter: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
  exit: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
  short: fc.double({ min: 0, max: 0.6, noNaN: true }),
  strength: fc.boolean(),
});

const schedule = fc.oneof(
  fc.constantFrom('never' as const, 'week' as const, 'month' as const),
  fc.record({ everyBars: fc.integer({ min: 1, max: 15 }) }),
);

/** Portfolio equity rebuilt from the fills alone: starting cash + every fill's cash flow + Σ net position × last close. */
function rebuiltEquity(result: OrchestratorResult, series: readonly BarSeries[]): Float64Array {
  const used = result.symbols.map((symbol) => series.find((s) => s.symbol === symbol));
  const timeline = createTimeline(used.filter((s): s is BarSeries => s !== undefined));
  const fills = [...result.portfolio.fills];
  const held = new Float64Array(used.length);
  const mark = new Float64Array(used.length);
  const out = new Float64Array(timeline.length);
  let cash = result.initialCash;
  let next = 0;
  for (let t = 0; t < timeline.length; t++) {
    const time = timeline.time[t] ?? 0;
    for (; next < fills.length && (fills[next]?.time ?? Infinity) <= time; next++) {
      const fill = fills[next];
      if (fill === undefined) continue;
      const g = result.symbols.indexOf(fill.symbol);
      const value = fill.quantity * fill.price;
      cash += fill.side === 'buy' ? -(value + fill.commission) : value - fill.commission;
      held[g] = (held[g] ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
    }
    let equity = cash;
    used.forEach((s, g) => {
      const i = timeline.barIndex[g]?.[t] ?? -1;
      if (i >= 0) mark[g] = s?.close[i] ?? 0;
      equity += (held[g] ?? 0) * (mark[g] ?? 0);
    });
    out[t] = equity;
  }
  return out;
}

function closeTo(actual: number, expected: number, scale: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(scale));
}

describe('orchestrator invariants (fast-check)', () => {
  it('Σ sleeve equity + reserve = portfolio equity = the portfolio rebuilt from fills, at every bar', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.array(fc.record({ params: randomParams, symbols: fc.integer({ min: 1, max: 7 }) }), { minLength: 1, maxLength: 4 }),
        fc.record({
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          commission,
          slippage,
          fractional: fc.boolean(),
          scheme: fc.constantFrom('equal' as const, 'inverse-volatility' as const, 'risk-parity' as const, 'performance' as const),
          schedule,
          cashBuffer: fc.double({ min: 0, max: 0.3, noNaN: true }),
          drift: fc.option(fc.double({ min: 0.01, max: 0.2, noNaN: true }), { nil: undefined }),
        }),
        (series, sleeves, options) => {
          const symbols = series.map((s) => s.symbol);
          const config: RunConfigInput = {
            data: { dataset: 'test' },
            fill: options.fill,
            commission: options.commission,
            slippage: options.slippage,
            fractional: options.fractional,
            // "equal" reads no lookback (a config error there).
            allocation: { scheme: options.scheme, ...(options.scheme === 'equal' ? {} : { lookback: 5 }), cashBuffer: options.cashBuffer },
            rebalance: { schedule: options.schedule, ...(options.drift === undefined ? {} : { drift: { absolute: options.drift } }) },
            checkInvariants: true,
            strategies: sleeves.map((sleeve, i) => ({
              id: `s${i}`,
              strategy: 'random-signal',
              params: sleeve.params,
              symbols: symbols.filter((_, k) => (sleeve.symbols & (1 << k)) !== 0).concat(symbols.filter((_, k) => (sleeve.symbols & (1 << k)) !== 0).length === 0 ? [symbols[0] ?? 'S0'] : []),
            })),
          };
          const result = runOrchestrator(config, series, { registry: testRegistry });
          const rebuilt = rebuiltEquity(result, series);
          const curve = result.portfolio.equity;
          for (let t = 0; t < result.bars; t++) {
            let sum = curve.reserve[t] ?? 0;
            for (const sleeve of result.sleeves) sum += sleeve.equity.equity[t] ?? 0;
            const equity = curve.equity[t] ?? Number.NaN;
            const scale = Math.max(Math.abs(equity), curve.grossExposure[t] ?? 0, result.initialCash);
            if (!closeTo(sum, equity, scale) || !closeTo(rebuilt[t] ?? Number.NaN, equity, scale)) return false;
          }
          const { total } = result.attribution;
          return total.residual === null || Math.abs(total.residual) < 1e-9;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('without costs, crossed sleeves fill exactly what each strategy fills alone, entry strengths included', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.tuple(randomParams, randomParams),
        fc.record({ fill: fc.constantFrom('next-open' as const, 'close' as const), sizing, fractional: fc.boolean() }).filter(runnableSizing),
        (series, [first, second], options) => {
          const symbols = series.map((s) => s.symbol);
          const params = [
            { ...first, strength: true },
            { ...second, seed: second.seed + 1, strength: true },
          ];
          const result = runOrchestrator(
            {
              data: { dataset: 'test' },
              cash: 200_000,
              fill: options.fill,
              sizing: options.sizing,
              fractional: options.fractional,
              allocation: { scheme: 'fixed' },
              rebalance: { schedule: 'never' },
              strategies: params.map((p, i) => ({ id: `s${i}`, strategy: 'random-signal', params: p, symbols, weight: 0.5 })),
            },
            series,
            { registry: testRegistry },
          );
          const definition = testRegistry['random-signal'];
          if (definition === undefined) throw new Error('no random-signal');
          params.forEach((p, i) => {
            const alone = runBacktest({
              series,
              strategy: definition.create(definition.schema.parse(p), `s${i}`),
              cash: 100_000,
              fill: options.fill,
              sizing: options.sizing,
              fractional: options.fractional,
            });
            expect(result.sleeves[i]?.fills).toEqual(alone.fills);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('one strategy at weight 1 reproduces runBacktest exactly (fills, trades, equity curve)', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.oneof(
          randomParams.map((params) => ({ strategy: 'random-signal', params })),
          fc.record({ fast: fc.integer({ min: 2, max: 5 }), slow: fc.integer({ min: 6, max: 12 }), allowShort: fc.boolean() }).map((params) => ({ strategy: 'sma-crossover', params })),
          fc.constantFrom('week' as const, 'month' as const, 3).map((rebalance) => ({ strategy: 'equal-weight', params: { rebalance } })),
        ),
        fc.record({
          cash: fc.double({ min: 1_000, max: 1_000_000, noNaN: true }),
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          commission,
          slippage,
          sizing,
          fractional: fc.boolean(),
          closeAtEnd: fc.boolean(),
          schedule,
        }).filter(runnableSizing),
        (series, chosen, options) => {
          const definition = testRegistry[chosen.strategy];
          if (definition === undefined) throw new Error(`no ${chosen.strategy}`);
          const engine = runBacktest({
            series,
            strategy: definition.create(definition.schema.parse(chosen.params), 'solo'),
            cash: options.cash,
            fill: options.fill,
            commission: options.commission,
            slippage: options.slippage,
            sizing: options.sizing,
            fractional: options.fractional,
            closeAtEnd: options.closeAtEnd,
          });
          const result = runOrchestrator(
            {
              data: { dataset: 'test' },
              cash: options.cash,
              fill: options.fill,
              commission: options.commission,
              slippage: options.slippage,
              sizing: options.sizing,
              fractional: options.fractional,
              closeAtEnd: options.closeAtEnd,
              rebalance: { schedule: options.schedule },
              strategies: [{ id: 'solo', strategy: chosen.strategy, params: chosen.params, symbols: series.map((s) => s.symbol) }],
            },
            series,
            { registry: testRegistry },
          );
          const sleeve = result.sleeves[0];
          expect(sleeve?.fills).toEqual(engine.fills);
          expect(sleeve?.trades).toEqual(engine.trades);
          expect(sleeve?.equity.equity).toEqual(engine.equity.equity);
          expect(sleeve?.equity.cash).toEqual(engine.equity.cash);
          expect(result.portfolio.equity.equity).toEqual(engine.equity.equity);
          expect(sleeve?.openPositions).toEqual(engine.openPositions);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('k identical sleeves at equal weights with fractional units add up to one sleeve', () => {
    fc.assert(
      fc.property(
        seriesSet,
        randomParams,
        fc.integer({ min: 2, max: 4 }),
        fc.record({
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          rate: fc.double({ min: 0, max: 0.005, noNaN: true }),
          bps: fc.double({ min: 0, max: 30, noNaN: true }),
          sizing: fc.oneof(
            fc.record({ kind: fc.constant('percent-of-cash' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
            fc.record({ kind: fc.constant('percent-of-equity' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
          ),
        }),
        (series, params, k, options) => {
          const base = {
            data: { dataset: 'test' },
            fill: options.fill,
            commission: { kind: 'percent' as const, rate: options.rate },
            slippage: { kind: 'bps' as const, bps: options.bps },
            sizing: options.sizing,
            fractional: true,
            rebalance: { schedule: 'month' as const },
          };
          const symbols = series.map((s) => s.symbol);
          const one = runOrchestrator({ ...base, strategies: [{ id: 'one', strategy: 'random-signal', params, symbols }] }, series, { registry: testRegistry });
          const many = runOrchestrator(
            { ...base, strategies: Array.from({ length: k }, (_, i) => ({ id: `copy${i}`, strategy: 'random-signal', params, symbols })) },
            series,
            { registry: testRegistry },
          );
          for (let t = 0; t < one.bars; t++) {
            const single = one.portfolio.equity.equity[t] ?? Number.NaN;
            let sum = 0;
            for (const sleeve of many.sleeves) {
              sum += sleeve.equity.equity[t] ?? 0;
              if (!closeTo((sleeve.equity.equity[t] ?? 0) * k, single, single * 10)) return false;
            }
            if (!closeTo(sum, single, single * 10) || !closeTo(many.portfolio.equity.equity[t] ?? 0, single, single * 10)) return false;
          }
          return many.sleeves.every((sleeve) => sleeve.fills.length === one.sleeves[0]?.fills.length) && many.crossing.crossings === 0;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('internal crossing changes no position and no P&L before costs: only costs, and only downwards', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.array(randomParams, { minLength: 2, maxLength: 4 }),
        fc.record({
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          commission,
          slippage,
          quantity: fc.integer({ min: 1, max: 20 }),
          fractional: fc.boolean(),
        }),
        (series, sleeves, options) => {
          const config = (crossing: boolean): RunConfigInput => ({
            data: { dataset: 'test' },
            fill: options.fill,
            commission: options.commission,
            slippage: options.slippage,
            fractional: options.fractional,
            sizing: { kind: 'fixed-quantity', quantity: options.quantity },
            crossing,
            rebalance: { schedule: 'never' },
            strategies: sleeves.map((params, i) => ({ id: `s${i}`, strategy: 'random-signal', params: { ...params, short: 0.5 }, symbols: series.map((s) => s.symbol) })),
          });
          const crossed = runOrchestrator(config(true), series, { registry: testRegistry });
          const alone = runOrchestrator(config(false), series, { registry: testRegistry });
          for (let s = 0; s < sleeves.length; s++) {
            const a = crossed.sleeves[s];
            const b = alone.sleeves[s];
            if (a?.fills.length !== b?.fills.length || a === undefined || b === undefined) return false;
            let savedSoFar = 0;
            let next = 0;
            for (let t = 0; t < crossed.bars; t++) {
              const time = crossed.portfolio.equity.time[t] ?? 0;
              for (; next < a.fills.length && (a.fills[next]?.time ?? Infinity) <= time; next++) {
                const x = a.fills[next];
                const y = b.fills[next];
                if (x === undefined || y === undefined) return false;
                if (x.side !== y.side || x.quantity !== y.quantity || x.time !== y.time || x.reason !== y.reason) return false;
                const costX = x.commission + x.slippage;
                const costY = y.commission + y.slippage;
                if (costX > costY * (1 + 1e-12) + 1e-12) return false;
                savedSoFar += costY - costX;
              }
              const difference = (a.equity.equity[t] ?? 0) - (b.equity.equity[t] ?? 0);
              if (!closeTo(difference, savedSoFar, a.equity.equity[t] ?? 0)) return false;
            }
          }
          return crossed.crossing.savedCommission >= -1e-9 && crossed.crossing.savedSlippage >= -1e-9;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('target weights respect min/max, sum to at most leverage − cashBuffer, and sleeves get exactly them', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.array(randomParams, { minLength: 2, maxLength: 5 }),
        fc.record({
          scheme: fc.constantFrom('equal' as const, 'inverse-volatility' as const, 'risk-parity' as const, 'performance' as const),
          minWeight: fc.double({ min: 0, max: 0.15, noNaN: true }),
          maxWeight: fc.option(fc.double({ min: 0.2, max: 0.9, noNaN: true }), { nil: undefined }),
          cashBuffer: fc.double({ min: 0, max: 0.3, noNaN: true }),
          leverage: fc.double({ min: 1, max: 2, noNaN: true }),
          schedule: fc.record({ everyBars: fc.integer({ min: 2, max: 10 }) }),
        }),
        (series, sleeves, options) => {
          const config: RunConfigInput = {
            data: { dataset: 'test' },
            fractional: true,
            allocation: {
              scheme: options.scheme,
              ...(options.scheme === 'equal' ? {} : { lookback: 6 }),
              minWeight: options.minWeight,
              cashBuffer: options.cashBuffer,
              leverage: options.leverage,
              ...(options.maxWeight === undefined ? {} : { maxWeight: options.maxWeight }),
            },
            rebalance: { schedule: options.schedule },
            strategies: sleeves.map((params, i) => ({ id: `s${i}`, strategy: 'random-signal', params, symbols: [series[i % series.length]?.symbol ?? 'S0'] })),
          };
          const target = options.leverage - options.cashBuffer;
          if (sleeves.length * options.minWeight > target * (1 + 1e-12)) {
            // n × minWeight above the target cannot hold (e.g. 5 × 0.14 > 1 − 0.3): the config is
            // rejected before the run, naming allocation.minWeight.
            try {
              runOrchestrator(config, series, { registry: testRegistry });
              return false;
            } catch (error) {
              return ConfigError.isInstance(error) && error.issues.some((issue) => issue.path === 'allocation.minWeight');
            }
          }
          const result = runOrchestrator(config, series, { registry: testRegistry });
          for (const event of result.rebalances) {
            const weights = Object.values(event.targetWeights);
            const sum = weights.reduce((a, b) => a + b, 0);
            if (sum > target * (1 + 1e-12)) return false;
            if (event.constraintStatus === 'ok' && Math.abs(sum - target) > 1e-9) return false;
            // A sleeve whose symbol has had its last bar takes part in no allocation (weight 0,
            // `sleeve-finished`, when it holds no position), nor one whose symbol has not had its
            // first bar (`sleeve-not-started`): minWeight does not apply to them.
            const finished = (id: string): boolean => {
              const symbol = series[Number(id.slice(1)) % series.length];
              return symbol !== undefined && (symbol.time[symbol.length - 1] ?? Number.POSITIVE_INFINITY) < event.time;
            };
            const notStarted = (id: string): boolean => {
              const symbol = series[Number(id.slice(1)) % series.length];
              return symbol !== undefined && (symbol.time[0] ?? Number.POSITIVE_INFINITY) > event.time;
            };
            for (const [id, weight] of Object.entries(event.targetWeights)) {
              if (weight < options.minWeight - 1e-12 && !(weight === 0 && (finished(id) || notStarted(id)))) return false;
              if (options.maxWeight !== undefined && weight > options.maxWeight + 1e-12) return false;
            }
            // Sleeves that could be scaled get their targets — all of them scaled by one share s when
            // a sleeve holding a symbol without a bar kept its capital (deferred), a share above
            // maxWeight cut to it (the rest stays in the reserve).
            const moved = Object.keys(event.weightsAfter).filter((id) => !event.deferred.includes(id));
            const cap = options.maxWeight ?? Number.POSITIVE_INFINITY;
            const uncapped = moved.filter((id) => (event.weightsAfter[id] ?? 0) < cap - 1e-9 && (event.targetWeights[id] ?? 0) > 0);
            const wanted = uncapped.reduce((sum, id) => sum + (event.targetWeights[id] ?? 0), 0);
            const got = uncapped.reduce((sum, id) => sum + (event.weightsAfter[id] ?? 0), 0);
            const rescaled = event.deferred.length > 0;
            for (const id of moved) {
              const target = event.targetWeights[id] ?? Number.NaN;
              const after = event.weightsAfter[id] ?? Number.NaN;
              if (!rescaled) {
                if (Math.abs(after - target) > 1e-9) return false;
                continue;
              }
              if (after > Math.max(target, cap) + 1e-9) return false;
              // got × (target / wanted): the fraction first, as targets may be subnormal (minWeight 5e-324).
              if (wanted > 0 && uncapped.includes(id) && Math.abs(after - got * (target / wanted)) > 1e-9) return false;
              // A capped sleeve is one whose share would have been above the cap — read from the
              // uncapped sleeves' share, when they have one to read (subnormal targets round to 0).
              if (got > 0 && wanted > 0 && !uncapped.includes(id) && target > 0 && got * (target / wanted) < cap - 1e-9) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });
  it('without leverage the reserve never goes below 0, nor a long-only sleeve, whatever the weights (zeros and crumbs included)', () => {
    // Weights from a custom function: some sleeves at 0 (sold out), some at a millionth (a target
    // below the costs of selling), the rest random; portfolio sleeves rebalancing on transfer bars;
    // both fill rules, both transfer modes, whole units or fractional, costs. Found this way: a
    // receiver near its target was cut more than it was to receive, so the sleeves held more than
    // the portfolio; a portfolio sleeve sold out at a close sized its own sales to the costs it kept
    // and held a whole unit on borrowed cash; with cash transfers such a sleeve kept no costs at all;
    // crumbs worth less than a minimum commission were sold with the reserve paying the difference.
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          sleeves: fc.integer({ min: 2, max: 5 }),
          kinds: fc.array(fc.constantFrom('buy-and-hold', 'random-signal', 'equal-weight'), { minLength: 5, maxLength: 5 }),
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          transfers: fc.constantFrom('pro-rata' as const, 'cash' as const),
          fractional: fc.boolean(),
          commission,
          slippage,
          every: fc.integer({ min: 1, max: 5 }),
          zeros: fc.double({ min: 0, max: 0.6, noNaN: true }),
          crumbs: fc.boolean(),
          cashBuffer: fc.double({ min: 0, max: 0.2, noNaN: true }),
          volatility: fc.double({ min: 0.001, max: 0.03, noNaN: true }),
          short: fc.constantFrom(0, 0, 0.3),
        }),
        (o) => {
          const symbols = ['AAA', 'BBB', 'CCC'];
          const series = symbols.map((symbol, k) => walkSeries(symbol, 60, o.seed + k, o.volatility));
          const random = prng(o.seed * 13 + 5);
          const config: RunConfigInput = {
            data: { dataset: 'test' },
            fill: o.fill,
            fractional: o.fractional,
            commission: o.commission,
            slippage: o.slippage,
            transfers: o.transfers,
            allocation: { lookback: 5, minHistory: 0, cashBuffer: o.cashBuffer },
            rebalance: { schedule: { everyBars: o.every } },
            checkInvariants: true,
            strategies: Array.from({ length: o.sleeves }, (_, i) => {
              const kind = o.kinds[i] ?? 'buy-and-hold';
              if (kind === 'equal-weight') return { id: `s${i}`, strategy: kind, params: { rebalance: 3 }, symbols };
              const own = [symbols[i % symbols.length] ?? 'AAA'];
              if (kind === 'random-signal') return { id: `s${i}`, strategy: kind, params: { seed: o.seed + i, enter: 0.3, exit: 0.3, short: o.short }, symbols: own };
              return { id: `s${i}`, strategy: kind, symbols: own };
            }),
          };
          const result = runOrchestrator(config, series, {
            registry: testRegistry,
            allocate: ({ history }) => {
              const weights = history.returns.map(() => (random() < o.zeros ? 0 : o.crumbs && random() < 0.3 ? random() * 1e-6 : random()));
              if (!weights.some((weight) => weight > 0)) weights[0] = 1;
              return weights;
            },
          });
          for (let t = 0; t < result.bars; t++) {
            const floor = -1e-9 * Math.max(1, result.portfolio.equity.equity[t] ?? 0);
            if (!((result.portfolio.equity.reserve[t] ?? Number.NaN) >= floor)) return false;
            if (o.short === 0 && result.sleeves.some((sleeve) => !((sleeve.equity.equity[t] ?? Number.NaN) >= floor))) return false;
          }
          // And the sleeves' contributions add up to the portfolio's return.
          const { total } = result.attribution;
          return total.residual === null || Math.abs(total.residual) < 1e-9;
        },
      ),
      {
        numRuns: 80,
        // Found by the fuzz run (seed 571594528): two emptied sleeves each kept a crumb of about
        // 5e-5, within the dust of their target 0, so gave nothing, while the receivers took their
        // whole targets: the reserve paid both crumbs, 1.0e-4 on a portfolio of 1e5, beyond the
        // floor. A giver within dust of its target now counts its crumb as kept back.
        // Then three of a sleeve's own strategy buying crumbs, which no entry may now open (see the
        // engine's `below-closing-costs`): seed 111866, a `random-signal` sleeve cut to 0.105 of cash
        // bought 0.000311 of CCC (worth 0.0347) against a fixed commission of 0.0698, a transfer added
        // as much, and its exit raised 0.0697 for 0.0698; seed 953462338, an `equal-weight` sleeve
        // left with about 1e-4 of cash bought 3.7e-7 of AAA (worth 3.7e-5) under a minimum
        // commission of 5.9e-5 and sold part of it for less than that at its next rebalance; seed
        // 1477983860, a `random-signal` sleeve bought 0.0137 of BBB (worth 1.387) under a fixed
        // commission of 1.383 and a fixed slippage of 0.2, and its exit raised 1.3832 for 1.3833.
        examples: [
          [
            {
              seed: 107249,
              sleeves: 3,
              kinds: ['buy-and-hold', 'buy-and-hold', 'random-signal', 'buy-and-hold', 'buy-and-hold'],
              fill: 'next-open',
              transfers: 'pro-rata',
              fractional: true,
              commission: { kind: 'fixed', amount: 0.0697918350787452 },
              slippage: { kind: 'bps', bps: 0 },
              every: 5,
              zeros: 0,
              crumbs: true,
              cashBuffer: 5.551115123125784e-17,
              volatility: 0.02999999999999996,
              short: 0,
            },
          ],
          [
            {
              seed: 749558,
              sleeves: 5,
              kinds: ['buy-and-hold', 'buy-and-hold', 'equal-weight', 'buy-and-hold', 'buy-and-hold'],
              fill: 'next-open',
              transfers: 'pro-rata',
              fractional: true,
              commission: { kind: 'percent', rate: 0, minimum: 0.000058947057373748286 },
              slippage: { kind: 'bps', bps: 0 },
              every: 3,
              zeros: 0.564267245354131,
              crumbs: false,
              cashBuffer: 0,
              volatility: 0.0010000000000000037,
              short: 0,
            },
          ],
          [
            {
              seed: 968741,
              sleeves: 2,
              kinds: ['buy-and-hold', 'random-signal', 'buy-and-hold', 'buy-and-hold', 'buy-and-hold'],
              fill: 'next-open',
              transfers: 'pro-rata',
              fractional: true,
              commission: { kind: 'fixed', amount: 1.3832561707371789 },
              slippage: { kind: 'fixed', amount: 0.19999999999999576 },
              every: 3,
              zeros: 0,
              crumbs: true,
              cashBuffer: 0,
              volatility: 0.001,
              short: 0,
            },
          ],
          [
            {
              seed: 82302,
              sleeves: 5,
              kinds: ['buy-and-hold', 'buy-and-hold', 'buy-and-hold', 'buy-and-hold', 'buy-and-hold'],
              fill: 'next-open',
              transfers: 'pro-rata',
              fractional: false,
              commission: { kind: 'percent', rate: 0 },
              slippage: { kind: 'fixed', amount: 1.1519573916984883e-7 },
              every: 2,
              zeros: 0.584241356002167,
              crumbs: false,
              cashBuffer: 0,
              volatility: 0.0010000000000000009,
              short: 0,
            },
          ],
        ],
      },
    );
  });
});

describe('orchestrator invariants under risk limits, shared mode and leverage (fast-check)', () => {
  const limits = fc.record({
    maxGrossExposure: fc.option(fc.double({ min: 0.2, max: 2, noNaN: true }), { nil: undefined }),
    maxNetExposure: fc.option(fc.double({ min: 0.2, max: 2, noNaN: true }), { nil: undefined }),
    maxSymbolExposure: fc.option(fc.double({ min: 0.1, max: 1.5, noNaN: true }), { nil: undefined }),
    maxDrawdown: fc.option(
      fc.oneof(
        fc.record({ limit: fc.double({ min: 0.005, max: 0.2, noNaN: true }), action: fc.constant('flatten' as const) }),
        fc.record({ limit: fc.double({ min: 0.005, max: 0.2, noNaN: true }), action: fc.constant('scale-down' as const), scale: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }),
      ),
      { nil: undefined },
    ),
  });

  it('the books add up at every bar, and nothing trades after a drawdown stop flattens the portfolio', () => {
    fc.assert(
      fc.property(
        seriesSet,
        fc.array(fc.record({ params: randomParams, symbols: fc.integer({ min: 1, max: 7 }), kind: fc.constantFrom('random-signal', 'random-signal', 'buy-and-hold', 'equal-weight') }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.record({
          mode: fc.constantFrom('sleeves' as const, 'shared' as const),
          policy: fc.constantFrom('net' as const, 'priority' as const, 'vote' as const, 'veto' as const, 'first' as const),
          fill: fc.constantFrom('next-open' as const, 'close' as const),
          commission,
          slippage,
          sizing,
          fractional: fc.boolean(),
          transfers: fc.constantFrom('pro-rata' as const, 'cash' as const),
          scheme: fc.constantFrom('equal' as const, 'inverse-volatility' as const, 'risk-parity' as const, 'performance' as const),
          schedule,
          leverage: fc.constantFrom(1, 1, 1.5, 3),
          cashBuffer: fc.double({ min: 0, max: 0.3, noNaN: true }),
          limits,
        }),
        (series, sleeves, o) => {
          if (!runnableSizing(o)) return true;
          const symbols = series.map((s) => s.symbol);
          const pick = (mask: number): string[] => {
            const chosen = symbols.filter((_, k) => (mask & (1 << k)) !== 0);
            return chosen.length > 0 ? chosen : [symbols[0] ?? 'S0'];
          };
          const strategies = sleeves.map((sleeve, i) => {
            const own = pick(sleeve.symbols);
            if (sleeve.kind === 'random-signal') return { id: `s${i}`, strategy: 'random-signal', params: sleeve.params, symbols: own, priority: o.mode === 'shared' ? i % 3 : 0 };
            if (sleeve.kind === 'equal-weight' && o.mode === 'sleeves') return { id: `s${i}`, strategy: 'equal-weight', params: { rebalance: 3 }, symbols: own };
            return { id: `s${i}`, strategy: 'buy-and-hold', symbols: own, priority: o.mode === 'shared' ? i % 3 : 0 };
          });
          const common = {
            data: { dataset: 'test' },
            fill: o.fill,
            commission: o.commission,
            slippage: o.slippage,
            sizing: o.sizing,
            fractional: o.fractional,
            allocation: { scheme: o.scheme, ...(o.scheme === 'equal' ? {} : { lookback: 5 }), cashBuffer: Math.min(o.cashBuffer, o.leverage / 2), leverage: o.leverage },
            rebalance: { schedule: o.schedule },
            risk: o.limits,
            checkInvariants: true,
            strategies,
          };
          const config: RunConfigInput = o.mode === 'shared' ? { ...common, mode: 'shared', conflictPolicy: o.policy } : { ...common, transfers: o.transfers };
          let result: OrchestratorResult;
          try {
            result = runOrchestrator(config, series, { registry: testRegistry });
          } catch (error) {
            // A config the run refuses for what it is (e.g. a leverage beside a sizing it cannot fund) says so; anything else is a defect.
            if (error instanceof ConfigError) return true;
            throw error;
          }
          const rebuilt = rebuiltEquity(result, series);
          const curve = result.portfolio.equity;
          for (let t = 0; t < result.bars; t++) {
            const equity = curve.equity[t] ?? Number.NaN;
            if (!Number.isFinite(equity)) return false;
            const scale = Math.max(Math.abs(equity), curve.grossExposure[t] ?? 0, result.initialCash);
            if (!closeTo(rebuilt[t] ?? Number.NaN, equity, scale)) return false;
            if (o.mode === 'sleeves') {
              let sum = curve.reserve[t] ?? 0;
              for (const sleeve of result.sleeves) sum += sleeve.equity.equity[t] ?? 0;
              if (!closeTo(sum, equity, scale)) return false;
            }
          }
          if (result.halted !== null) {
            const stop = result.halted.time;
            // After the stop only the flattening trades: each symbol's at its first bar that can fill
            // them (the stop's close, or the next open; a symbol without a bar then, at its next one).
            const firstFill = (symbol: string): number => {
              const bars = series.find((s) => s.symbol === symbol);
              if (bars === undefined) return Number.NaN;
              for (let i = 0; i < bars.length; i++) {
                const time = bars.time[i] ?? 0;
                if (time > stop || (o.fill === 'close' && time === stop)) return time;
              }
              return Number.NaN;
            };
            if (result.portfolio.fills.some((fill) => fill.time > stop && (fill.reason !== 'risk' || fill.time !== firstFill(fill.symbol)))) return false;
            const last = result.bars - 1;
            // Flat at the end, unless the flattening orders had no bar left to fill at (a symbol's last bar at or before the stop, or next-open fills on the last bar).
            const fillable = series.every((s) => (s.time[s.length - 1] ?? 0) > stop || (o.fill === 'close' && (s.time[s.length - 1] ?? 0) === stop));
            if (fillable && Math.abs(curve.grossExposure[last] ?? Number.NaN) > 1e-9 * result.initialCash) return false;
          }
          const { total } = result.attribution;
          // Shared mode divides the shadows' P&L by the portfolio's equity: its residual is what netting changed, not rounding.
          return o.mode === 'shared' || total.residual === null || Math.abs(total.residual) < 1e-9;
        },
      ),
      { numRuns: 80 },
    );
  });
});
