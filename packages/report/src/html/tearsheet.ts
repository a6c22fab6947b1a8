import { buildCharts, PORTFOLIO_COLOR, sleeveColor } from '../charts/index';
import type { ChartId, ReportChart } from '../charts/index';
import { formatCount, formatCurrency, formatMetric, formatNumber, formatPercent } from '../format';
import { resolveOptions } from '../options';
import type { ReportOptions, ResolvedReportOptions } from '../options';
import { parseReportInput } from '../report-input';
import type { ReportInput } from '../report-input';
import { formatConflictInputs, formatWeights, GROUP_TITLES, headline, averageWeight, lastValue, metricRows, metricsColumns, formatSpan, rebalanceTurnover, sleeveReturnsNote, steadyReturnsNote, strategyTradeCount } from '../sections';
import type { HeadlineCard } from '../sections';
import { detectTimeFormat, formatTime } from '../time';
import type { TimeFormat } from '../time';
import { escapeHtml, htmlPage } from './page';
import { HTML_CHART_WIDTH, chartPanel, describedSpec, interactiveTable, swatch, toneClass } from './parts';
import type { InteractiveTable } from './parts';

function metricsTable(input: ReportInput): string {
  const columns = metricsColumns(input);
  const head = columns
    .map((column) => `<th scope="col" class="num" title="${escapeHtml(column.label)}">${column.sleeveIndex === null ? swatch(PORTFOLIO_COLOR) : swatch(sleeveColor(column.sleeveIndex))}${escapeHtml(column.label)}</th>`)
    .join('');
  const body = metricRows(columns)
    .map(
      (group) =>
        `<tr class="group"><td colspan="${columns.length + 1}">${escapeHtml(GROUP_TITLES[group.group])}</td></tr>` +
        group.rows
          .map(
            (row) =>
              `<tr><td class="metric-name" title="${escapeHtml(row.description)}">${escapeHtml(row.label)}</td>${row.cells
                .map((text) => `<td class="num">${escapeHtml(text)}</td>`)
                .join('')}</tr>`,
          )
          .join(''),
    )
    .join('');
  const note = [sleeveReturnsNote(input), steadyReturnsNote(columns)].filter((text) => text !== '').join(' ');
  return `<div class="panel"><div class="table-wrap"><table class="metrics" style="--value-columns:${columns.length}"><thead><tr><th scope="col">Metric</th>${head}</tr></thead><tbody>${body}</tbody></table></div>
<p class="caption">Hover a metric's name for its definition. A dash marks a value that cannot be computed.${note === '' ? '' : ` ${escapeHtml(note)}`}</p></div>`;
}

function sleevesTable(input: ReportInput, footer: string): string {
  const rows = input.sleeves
    .map((sleeve, index) => {
      const m = sleeve.metrics.metrics;
      return `<tr><td>${swatch(sleeveColor(index))}${escapeHtml(sleeve.id)}</td><td>${escapeHtml(sleeve.strategy)}</td><td class="symbols">${escapeHtml(sleeve.symbols.join(', '))}</td><td class="num">${formatPercent(averageWeight(sleeve.weight))}</td><td class="num">${formatPercent(lastValue(sleeve.weight))}</td><td class="${toneClass(sleeve.contribution)}">${formatPercent(
        sleeve.contribution,
      )}</td><td class="${toneClass(m.totalReturn)}">${formatPercent(m.totalReturn)}</td><td class="num">${formatMetric(m.sharpe, 'ratio')}</td><td class="num">${formatPercent(
        m.maxDrawdown,
      )}</td><td class="num">${formatCount(strategyTradeCount(sleeve))}</td><td>${
        sleeve.error === undefined ? 'active' : `<span title="${escapeHtml(sleeve.error)}">isolated</span>`
      }</td></tr>`;
    })
    .join('');
  return `<div class="panel"><div class="table-wrap"><table class="sleeves"><thead><tr><th scope="col">Sleeve</th><th scope="col">Strategy</th><th scope="col">Symbols</th><th scope="col" class="num" title="Average weight: the sleeve's share of the portfolio's equity, averaged over every bar">Avg weight</th><th scope="col" class="num" title="The sleeve's share of the portfolio's equity at the last bar">Final weight</th><th scope="col" class="num">Contribution</th><th scope="col" class="num">Total return</th><th scope="col" class="num">Sharpe</th><th scope="col" class="num">Max drawdown</th><th scope="col" class="num">Trades</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table></div>${footer}</div>`;
}

function drawdownsTable(input: ReportInput, timeFormat: TimeFormat): string {
  const rows = input.portfolio.metrics.drawdowns
    .map(
      (period, index) =>
        `<tr><td class="num">${index + 1}</td><td>${formatTime(period.peak, timeFormat)}</td><td>${formatTime(period.trough, timeFormat)}</td><td>${
          period.recovery === null ? 'not recovered' : formatTime(period.recovery, timeFormat)
        }</td><td class="num neg">${formatPercent(period.depth)}</td><td class="num">${formatCount(period.bars)}</td><td class="num">${formatCount(
          Math.round(period.days),
        )}</td></tr>`,
    )
    .join('');
  return `<div class="panel"><div class="table-wrap"><table><thead><tr><th scope="col" class="num">#</th><th scope="col">Peak</th><th scope="col">Trough</th><th scope="col">Recovery</th><th scope="col" class="num">Depth</th><th scope="col" class="num">Bars</th><th scope="col" class="num">Days</th></tr></thead><tbody>${rows}</tbody></table></div></div>`;
}

/**
 * Why the trades table lists more trades than the Trades metric counts, when it does: the partial
 * sales of capital transfers (exit reason `transfer`) and the sales of risk limits (`risk`) are in
 * the table and left out of the trade statistics.
 */
function portfolioTradesNote(input: ReportInput): string {
  const trades = input.portfolio.trades;
  const transfers = trades.filter((trade) => trade.exitReason === 'transfer').length;
  const risk = trades.filter((trade) => trade.exitReason === 'risk').length;
  if (transfers + risk === 0) return '';
  const own = trades.length - transfers - risk;
  const parts = [
    ...(transfers > 0 ? [`${formatCount(transfers)} partial ${transfers === 1 ? 'sale' : 'sales'} of capital transfers (exit reason <code>transfer</code>: capital the allocator moved out of a sleeve)`] : []),
    ...(risk > 0 ? [`${formatCount(risk)} ${risk === 1 ? 'sale' : 'sales'} of the risk limits (exit reason <code>risk</code>: an exposure cap's trim or the drawdown stop)`] : []),
  ];
  return `<p class="caption">${formatCount(own)} ${own === 1 ? 'trade' : 'trades'} closed by the strategies and ${parts.join(' and ')}, which the trade statistics leave out.</p>`;
}

function tables(input: ReportInput): Record<string, InteractiveTable> {
  const result: Record<string, InteractiveTable> = {};
  if (input.portfolio.trades.length > 0) {
    result.trades = {
      noun: 'trades',
      sortable: true,
      columns: [
        { label: 'Sleeve', type: 'sleeve' },
        { label: 'Symbol', type: 'text' },
        { label: 'Side', type: 'text' },
        { label: 'Quantity', type: 'qty' },
        { label: 'Entry', type: 'time' },
        { label: 'Avg entry price', type: 'price' },
        { label: 'Exit', type: 'time' },
        { label: 'Exit price', type: 'price' },
        { label: 'P&L', type: 'money', signed: true },
        { label: 'Return', type: 'pct', signed: true },
        { label: 'Bars', type: 'int' },
        { label: 'Exit reason', type: 'text' },
      ],
      rows: input.portfolio.trades.map((trade) => [
        trade.strategyId,
        trade.symbol,
        trade.side,
        trade.quantity,
        trade.entryTime,
        trade.entryPrice,
        trade.exitTime,
        trade.exitPrice,
        trade.pnl,
        trade.returnPct,
        trade.barsHeld,
        trade.exitReason,
      ]),
    };
  }
  if (input.rebalances.length > 0) {
    result.rebalances = {
      noun: 'rebalances',
      sortable: true,
      columns: [
        { label: 'Time', type: 'time' },
        { label: 'Reason', type: 'text' },
        { label: 'Traded (one-way)', type: 'pct', title: 'One-way turnover: half the sum of the weight changes, Σ |after − before| / 2 — from all cash to fully invested is 50%' },
        { label: 'Weights before', type: 'text', wrap: true },
        { label: 'Weights after', type: 'text', wrap: true },
      ],
      rows: input.rebalances.map((event) => [
        event.time,
        event.reason,
        rebalanceTurnover(event),
        formatWeights(event.weightsBefore),
        formatWeights(event.weightsAfter),
      ]),
    };
  }
  if (input.conflicts.length > 0) {
    result.conflicts = {
      noun: 'conflicts',
      sortable: true,
      columns: [
        { label: 'Time', type: 'time' },
        { label: 'Symbol', type: 'text' },
        { label: 'Policy', type: 'text' },
        { label: 'Signals', type: 'text', wrap: true },
        { label: 'Outcome', type: 'text' },
      ],
      rows: input.conflicts.map((event) => [event.time, event.symbol, event.policy, formatConflictInputs(event.inputs), event.outcome]),
    };
  }
  if (input.risk.length > 0) {
    result.risk = {
      noun: 'risk events',
      sortable: true,
      columns: [
        { label: 'Time', type: 'time' },
        { label: 'Kind', type: 'text' },
        { label: 'Detail', type: 'text', wrap: true },
      ],
      rows: input.risk.map((event) => [event.time, event.kind, event.detail]),
    };
  }
  return result;
}

function masthead(input: ReportInput, timeFormat: TimeFormat): string {
  const time = input.portfolio.equity.time;
  const start = time[0] ?? 0;
  const end = time[time.length - 1] ?? 0;
  const facts = [
    `${formatTime(start, timeFormat)} → ${formatTime(end, timeFormat)}`,
    formatSpan(start, end),
    `${formatCount(time.length)} ${time.length === 1 ? 'bar' : 'bars'}`,
  ];
  if (input.sleeves.length === 1) facts.push(`strategy ${input.sleeves[0]?.strategy ?? ''}`);
  if (input.sleeves.length > 1) facts.push(`${input.sleeves.length} sleeves`);
  if (input.benchmark !== undefined) facts.push(`benchmark ${input.benchmark.name}`);
  if (input.generatedAt !== undefined) facts.push(`generated ${input.generatedAt}`);
  const metrics = input.portfolio.metrics.metrics;
  const subs: Record<string, string> = {};
  if (metrics.benchmarkReturn !== null && input.benchmark !== undefined) subs['Total return'] = `${input.benchmark.name} ${formatPercent(metrics.benchmarkReturn)}`;
  if (metrics.sortino !== null) subs.Sharpe = `Sortino ${formatMetric(metrics.sortino, 'ratio')}`;
  if (metrics.maxDrawdown === 0) subs['Max drawdown'] = 'no drawdown: the curve never fell below its peak';
  else if (metrics.maxDrawdownDays !== null) {
    // Its days run to the last bar when the curve has not recovered.
    const recovered = (input.portfolio.metrics.maxDrawdownPeriod?.recovery ?? null) !== null;
    subs['Max drawdown'] = `${formatCount(Math.round(metrics.maxDrawdownDays))} days ${recovered ? 'peak to recovery' : 'since the peak, not recovered'}`;
  }
  if (metrics.calmar !== null) subs.CAGR = `Calmar ${formatMetric(metrics.calmar, 'ratio')}`;
  if (metrics.startEquity !== null) subs['End equity'] = `from ${formatCurrency(metrics.startEquity)}`;
  if (metrics.valueAtRisk !== null) subs.Volatility = `VaR ${formatPercent(metrics.valueAtRisk)} per bar`;
  const cards = headline(input.portfolio.metrics)
    .map((card) => {
      // A short form on the card keeps the figure on one line; the sub line gives it in full.
      if (card.short !== undefined) subs[card.label] = subs[card.label] === undefined ? card.value : `${card.value} ${subs[card.label] ?? ''}`;
      return card;
    })
    .map(
      (card) =>
        `<div class="card ${card.tone}" data-card="${escapeHtml(card.label)}"><div class="label">${escapeHtml(card.label)}</div>${cardValue(card)}${
          subs[card.label] === undefined ? '' : `<div class="sub">${escapeHtml(subs[card.label] ?? '')}</div>`
        }</div>`,
    )
    .join('');
  return `<header class="masthead"><div class="wrap">
<div class="brand">Ensemble · ${input.sleeves.length > 1 ? 'orchestrated portfolio' : 'backtest'} report</div>
<h1>${escapeHtml(input.title)}</h1>
${input.subtitle === undefined ? '' : `<p class="subtitle">${escapeHtml(input.subtitle)}</p>`}
<p class="facts">${facts.map((fact) => `<span>${escapeHtml(fact)}</span>`).join('')}</p>
<div class="cards">${cards}</div>
</div></header>`;
}

/** A card's figure: its short form when it has one (the full one in its title), smaller when long. */
function cardValue(card: HeadlineCard): string {
  const shown = card.short ?? card.value;
  const title = card.short === undefined ? '' : ` title="${escapeHtml(card.value)}"`;
  return `<div class="value${shown.length > 11 ? ' long' : ''}"${title}>${escapeHtml(shown)}</div>`;
}

/**
 * Renders the HTML tearsheet: one self-contained file (vega, vega-lite and vega-embed inlined,
 * data embedded as JSON, system fonts, no external request) with the charts of the report, the
 * metrics of the portfolio and sleeves side by side, top drawdowns, a sortable and filterable trade
 * list, the rebalance, conflict and risk logs, and the configuration. Curves longer than
 * `maxChartPoints` are downsampled for drawing only; tables show up to `maxTableRows` rows at a
 * time. Validates `input` first (a `ConfigError` lists every problem).
 */
export function renderHtml(input: ReportInput, options: ReportOptions = {}): string {
  return htmlReport(parseReportInput(input), resolveOptions(options));
}

/** {@link renderHtml} for an input already validated and options already resolved. */
export function htmlReport(report: ReportInput, resolved: ResolvedReportOptions): string {
  const timeFormat = detectTimeFormat(report);
  const charts = buildCharts(report, { width: HTML_CHART_WIDTH, maxPoints: resolved.maxChartPoints, timeFormat });
  const chart = new Map<ChartId, ReportChart>(charts.map((entry) => [entry.id, entry]));
  const interactive = tables(report);
  resolved.logger.debug(
    { charts: charts.map((entry) => entry.id), points: report.portfolio.equity.time.length, maxChartPoints: resolved.maxChartPoints },
    'building HTML report',
  );

  const nav: [string, string][] = [['performance', 'Performance']];
  const sections: string[] = [];
  const panel = (id: ChartId, options: Parameters<typeof chartPanel>[1] = {}) => {
    const entry = chart.get(id);
    return entry === undefined ? '' : chartPanel(entry, options);
  };

  const isolated = report.sleeves.filter((sleeve) => sleeve.error !== undefined);
  const callouts = isolated
    .map((sleeve) => `<div class="callout"><strong>Isolated:</strong> sleeve <code>${escapeHtml(sleeve.id)}</code> (${escapeHtml(sleeve.strategy)}) failed and was closed out — ${escapeHtml(sleeve.error ?? '')}</div>`)
    .join('');

  const logToggle = Array.from(report.portfolio.equity.equity).every((value) => value > 0)
    ? '<label class="toggle"><input type="checkbox" id="log-scale"> Log scale</label>'
    : '';
  sections.push(`<section id="performance"><h2>Performance</h2><div class="grid">
${panel('equity', { wide: true, toggle: logToggle })}
${panel('drawdown', { wide: true })}
${panel('monthly-returns')}
${panel('rolling-sharpe')}
</div></section>`);

  if (report.sleeves.length > 0) {
    nav.push(['sleeves', 'Sleeves']);
    const crossing =
      report.crossing === undefined
        ? ''
        : report.crossing.savedTurnover === 0
          ? `<div class="stat-row"><span>${report.sleeves.length < 2 ? 'Internal crossing had nothing to cross: one sleeve' : 'Internal crossing saved nothing: no opposite orders of two sleeves met on one symbol and bar'}</span></div>`
          : `<div class="stat-row"><span>Internal crossing of opposite orders saved <strong>${formatCurrency(report.crossing.savedCommission)}</strong> of commission${
              report.crossing.savedSlippage === undefined ? '' : ` and <strong>${formatCurrency(report.crossing.savedSlippage)}</strong> of slippage`
            } on <strong>${formatCurrency(report.crossing.savedTurnover)}</strong> of turnover</span></div>`;
    const ratio =
      report.diversificationRatio === undefined || report.diversificationRatio === null
        ? ''
        : `<div class="stat-row"><span>Diversification ratio <strong>${formatNumber(report.diversificationRatio, 2)}</strong> (Σ wᵢσᵢ / σ of the portfolio)</span></div>`;
    const sleevesNote = report.sleevesNote === undefined ? '' : `<p class="caption">${escapeHtml(report.sleevesNote)}</p>`;
    sections.push(`<section id="sleeves"><h2>Sleeves</h2>${sleevesTable(report, `${sleevesNote}${crossing}`)}
<div class="grid" style="margin-top:16px">
${panel('sleeve-equity')}
${panel('weights')}
${panel('contribution')}
${panel('correlation', { center: true, extra: ratio })}
${panel('attribution', { wide: true })}
</div></section>`);
  }

  nav.push(['metrics', 'Metrics']);
  sections.push(`<section id="metrics"><h2>Metrics</h2>${metricsTable(report)}</section>`);

  if (report.portfolio.metrics.drawdowns.length > 0) {
    nav.push(['drawdowns', 'Drawdowns']);
    sections.push(`<section id="drawdowns"><h2>Top drawdowns</h2>${drawdownsTable(report, timeFormat)}</section>`);
  }
  const logs: [string, string, string][] = [
    ['trades', 'Trades', 'Filter trades (sleeve, symbol, reason…)'],
    ['rebalances', 'Rebalances', 'Filter rebalances'],
    ['conflicts', 'Conflicts', 'Filter conflicts (symbol, policy, sleeve…)'],
    ['risk', 'Risk events', 'Filter risk events'],
  ];
  for (const [id, title, placeholder] of logs) {
    const table = interactive[id];
    if (table === undefined) continue;
    nav.push([id, title]);
    const remark =
      id === 'rebalances' && report.rebalanceNote !== undefined
        ? `<p class="caption">${escapeHtml(report.rebalanceNote)}</p>`
        : id === 'trades'
          ? portfolioTradesNote(report)
          : '';
    sections.push(`<section id="${id}"><h2>${title}</h2>${remark}${interactiveTable(id, table, true, placeholder)}</section>`);
  }
  nav.push(['config', 'Configuration']);
  sections.push(`<section id="config"><h2>Configuration</h2><div class="panel"><details><summary>Resolved run configuration (JSON)</summary><pre>${escapeHtml(
    JSON.stringify(report.config ?? null, null, 2),
  )}</pre></details></div></section>`);

  const data = {
    timeFormat,
    maxTableRows: resolved.maxTableRows,
    charts: Object.fromEntries(charts.map((entry) => [entry.id, describedSpec(entry)])),
    tables: interactive,
    sleeveColors: Object.fromEntries(report.sleeves.map((sleeve, index) => [sleeve.id, sleeveColor(index)])),
  };
  return htmlPage({
    title: report.title,
    masthead: masthead(report, timeFormat),
    nav,
    main: [callouts, ...sections],
    ...(report.generatedAt === undefined ? {} : { generatedAt: report.generatedAt }),
    data,
  });
}
