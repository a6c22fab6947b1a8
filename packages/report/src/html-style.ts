/** The tearsheet's stylesheet: system fonts, a light page, a dark masthead, print rules. */
export const STYLE = String.raw`
:root {
  --ink: #1f2933; --muted: #616e7c; --faint: #9aa5b1; --line: #e4e7eb; --page: #f4f6f9; --panel: #ffffff;
  --navy: #1d3557; --navy-2: #27496d; --positive: #1f7a55; --negative: #b42318; --accent: #3d6fb6;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 14px/1.5 var(--font); }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 28px; }
a { color: var(--accent); }
.masthead { background: linear-gradient(135deg, var(--navy) 0%, var(--navy-2) 100%); color: #fff; padding: 26px 0 24px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.brand { font-size: 11px; letter-spacing: .14em; text-transform: uppercase; color: #b7c7dc; font-weight: 600; }
.masthead h1 { margin: 6px 0 2px; font-size: 26px; line-height: 1.25; font-weight: 650; letter-spacing: -.01em; }
.masthead h1, .subtitle, .facts, .card .sub, .caption, .callout { overflow-wrap: anywhere; }
.subtitle { margin: 0 0 4px; color: #d5e0ee; font-size: 15px; }
.facts { margin: 6px 0 0; color: #b7c7dc; font-size: 13px; }
.facts span + span::before { content: "·"; margin: 0 8px; color: #7d93b2; }
.cards { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; margin-top: 20px; }
.card { background: rgba(255, 255, 255, .08); border: 1px solid rgba(255, 255, 255, .14); border-radius: 10px; padding: 12px 14px; }
.card .label { font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: #b7c7dc; font-weight: 600; }
.card .value { font-size: 24px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card .value.long { font-size: 17px; line-height: 1.7; overflow-wrap: anywhere; white-space: normal; }
.card.positive .value { color: #8fe3b9; }
.card.negative .value { color: #ffb4a8; }
.card .sub { font-size: 12px; color: #b7c7dc; margin-top: 2px; }
nav.toc { position: sticky; top: 0; z-index: 5; background: rgba(255, 255, 255, .94); border-bottom: 1px solid var(--line);
  backdrop-filter: saturate(1.4) blur(6px); }
nav.toc .wrap { display: flex; gap: 4px; overflow-x: auto; padding-top: 6px; padding-bottom: 6px; }
nav.toc a { color: var(--muted); text-decoration: none; font-size: 13px; font-weight: 500; padding: 5px 10px; border-radius: 6px; white-space: nowrap; }
nav.toc a:hover { background: #eef2f7; color: var(--ink); }
main { padding-top: 8px; padding-bottom: 40px; }
section { margin-top: 26px; scroll-margin-top: 56px; }
h2 { font-size: 17px; font-weight: 650; margin: 0 0 12px; letter-spacing: -.005em; }
h3 { font-size: 14px; font-weight: 600; margin: 0; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.grid > .wide { grid-column: 1 / -1; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 12px; margin: 0;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04); min-width: 0; }
.panel + .panel { margin-top: 16px; }
.grid > .panel + .panel { margin-top: 0; }
.panel-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; margin-bottom: 6px; }
.caption { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.chart { width: 100%; min-height: 60px; }
.chart.center { display: flex; justify-content: center; }
.chart svg { display: block; max-width: 100%; height: auto; }
.toggle { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); cursor: pointer; user-select: none; }
.toggle input { margin: 0; accent-color: var(--navy); }
.stat-row { display: flex; flex-wrap: wrap; gap: 10px 28px; margin-top: 10px; font-size: 13px; color: var(--muted); }
.stat-row strong { color: var(--ink); font-variant-numeric: tabular-nums; }
.callout { background: #fff7ed; border: 1px solid #fed7aa; color: #7c2d12; border-radius: 10px; padding: 10px 14px; margin-top: 18px; font-size: 13px; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 9px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; background: #f8fafc; }
td.num, th.num { text-align: right; }
td.wrap-text { white-space: normal; min-width: 220px; }
td.symbols { white-space: normal; }
tbody tr:hover td { background: #f8fafc; }
tr.group td { background: #f1f5f9; font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--navy); padding-top: 7px; }
td.metric-name { color: var(--ink); }
table.metrics { --name-width: 220px; table-layout: fixed; min-width: calc(var(--name-width) + var(--value-columns, 1) * 120px); }
table.metrics th:first-child, table.metrics td:first-child { width: var(--name-width); }
table.metrics.readings { min-width: calc(var(--name-width) + 100px + 260px); }
table.metrics.readings th:nth-child(2) { width: 100px; }
table.metrics th, table.metrics td { overflow: hidden; text-overflow: ellipsis; }
td.pos { color: var(--positive); }
td.neg { color: var(--negative); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 7px; vertical-align: -1px; }
th.sortable { cursor: pointer; user-select: none; white-space: normal; }
/* The sleeves table's eleven headers wrap rather than push its last columns out of the panel. */
table.sleeves th { white-space: normal; vertical-align: bottom; }
th.sortable:hover { color: var(--ink); }
th.sortable::after { content: "↕"; margin-left: 5px; color: #cbd2d9; font-size: 10px; }
th[aria-sort="ascending"]::after { content: "▲"; color: var(--navy); }
th[aria-sort="descending"]::after { content: "▼"; color: var(--navy); }
.table-tools { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 12px; margin-bottom: 8px; }
.table-tools input[type="search"] { font: inherit; font-size: 13px; padding: 6px 10px; border: 1px solid #cbd2d9; border-radius: 7px; flex: 0 1 330px; min-width: 0; }
.table-tools input[type="search"]:focus { outline: 2px solid #bcd0ee; border-color: var(--accent); }
.note { color: var(--muted); font-size: 12px; }
.scroll { max-height: 560px; overflow: auto; }
.scroll thead th { position: sticky; top: 0; z-index: 1; }
details summary { cursor: pointer; font-weight: 600; }
pre { font: 12px/1.5 var(--mono); background: #f8fafc; border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow: auto; max-height: 480px; }
footer { color: var(--faint); font-size: 12px; padding: 24px 0 36px; margin-top: 28px; border-top: 1px solid var(--line); }
.vega-embed { width: 100%; }
.vega-embed .vega-actions { display: none; }
@media (max-width: 980px) {
  .cards { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .grid { grid-template-columns: minmax(0, 1fr); }
}
@media (max-width: 560px) {
  .wrap { padding: 0 14px; }
  table.metrics { --name-width: 150px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  /* The research report's readings: each under its statistic and value, the page's width, not a column scrolled off it. */
  table.metrics.readings, table.metrics.readings tbody { display: block; min-width: 0; }
  table.readings thead { display: none; }
  table.readings tr { display: grid; grid-template-columns: minmax(0, 1fr) auto; }
  table.readings td.wrap-text { grid-column: 1 / -1; min-width: 0; padding-top: 0; }
  table.readings td:not(.wrap-text) { border-bottom: none; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 11px; }
  .wrap { max-width: none; padding: 0; }
  nav.toc, .toggle, .table-tools input, .no-print { display: none !important; }
  .masthead { padding: 14px 16px; border-radius: 8px; }
  .cards { grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 8px; }
  .card .value { font-size: 17px; }
  section { break-inside: auto; margin-top: 14px; }
  .panel { box-shadow: none; break-inside: avoid; page-break-inside: avoid; }
  .grid { grid-template-columns: minmax(0, 1fr); }
  .scroll { max-height: none; overflow: visible; }
  table.metrics { min-width: 0; }
  table { font-size: 10px; }
  th, td { padding: 3px 6px; }
  tr { break-inside: avoid; }
  details:not([open]) { display: none; }
  a { color: inherit; text-decoration: none; }
}
`;
