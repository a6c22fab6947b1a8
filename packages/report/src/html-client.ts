import { LOG_SCALE } from './charts/time-series';

/**
 * The tearsheet's script (plain ES2020, no dependencies besides the inlined vega-embed): renders
 * every chart from the embedded specs, switches the equity chart between linear and log scale,
 * and drives the interactive tables (click a header to sort, type to filter, long tables capped).
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var results = {};
  var formats = {};

  function numberFormat(decimals, fewest) {
    var least = fewest === undefined ? decimals : fewest;
    var key = least + ':' + decimals;
    if (!formats[key]) {
      formats[key] = new Intl.NumberFormat('en-US', { minimumFractionDigits: least, maximumFractionDigits: decimals, signDisplay: 'negative' });
    }
    return formats[key];
  }

  // protocol's priceDecimals: 2 from 1 up, four significant digits below 1 (at least 4 decimals).
  function priceDecimals(value) {
    var magnitude = Math.abs(value);
    if (magnitude >= 1 || magnitude === 0 || !isFinite(magnitude)) return 2;
    return Math.min(20, Math.max(4, 3 - Math.floor(Math.log10(magnitude))));
  }

  function formatTime(ms) {
    var iso = new Date(ms).toISOString();
    return data.timeFormat === 'date' ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }

  function isNumeric(type) {
    return type === 'int' || type === 'qty' || type === 'price' || type === 'money' || type === 'pct' || type === 'ratio';
  }

  function formatCell(value, type) {
    if (value === null || value === undefined) return isNumeric(type) ? '—' : '';
    // A number the page shows as text: an unbounded objective, "∞ (no drawdown)".
    if (typeof value === 'string' && isNumeric(type)) return value;
    switch (type) {
      case 'time': return formatTime(value);
      case 'int': return numberFormat(0).format(value);
      // protocol's formatQuantity: whole units as such, fractional ones to 6 decimals without trailing zeros.
      case 'qty': return numberFormat(6, 0).format(value);
      case 'price': return numberFormat(priceDecimals(value)).format(value);
      case 'money': return numberFormat(2).format(value);
      case 'pct': return numberFormat(2).format(value * 100) + '%';
      case 'ratio': return numberFormat(3).format(value);
      default: return String(value);
    }
  }

  var embedOptions = { renderer: 'svg', actions: false, mode: 'vega-lite' };

  function renderChart(id, spec) {
    var element = document.querySelector('[data-chart="' + id + '"]');
    if (!element) return Promise.resolve();
    if (results[id]) {
      results[id].finalize();
      delete results[id];
    }
    element.setAttribute('data-rendered', 'false');
    var meta = spec.usermeta || {};
    var width = Math.floor(element.clientWidth);
    if (!meta.fixed && width > 0) {
      spec = Object.assign({}, spec, { width: Math.max(160, width - (meta.reserve || 80)) });
    }
    element.setAttribute('data-width', String(width));
    return vegaEmbed(element, spec, embedOptions).then(function (result) {
      results[id] = result;
      element.setAttribute('data-rendered', 'true');
    }).catch(function (error) {
      element.setAttribute('data-rendered', 'error');
      element.textContent = 'This chart could not be drawn: ' + (error && error.message ? error.message : String(error));
      console.error(error);
    });
  }

  function renderAll() {
    var ids = Object.keys(data.charts);
    var chain = Promise.resolve();
    ids.forEach(function (id) {
      // Yield between charts so that the page paints and stays responsive while they draw.
      chain = chain
        .then(function () { return new Promise(function (resolve) { setTimeout(resolve, 0); }); })
        .then(function () { return renderChart(id, currentSpec(id)); });
    });
    return chain.then(function () { document.body.setAttribute('data-charts-ready', 'true'); });
  }

  function currentSpec(id) {
    var spec = data.charts[id];
    if (id === 'equity') {
      var box = document.getElementById('log-scale');
      if (box && box.checked) {
        spec = JSON.parse(JSON.stringify(spec));
        spec.layer[0].encoding.y.scale = ${JSON.stringify(LOG_SCALE)};
      }
    }
    return spec;
  }

  function setupResize() {
    var timer = null;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        Object.keys(data.charts).forEach(function (id) {
          var element = document.querySelector('[data-chart="' + id + '"]');
          if (!element || element.getAttribute('data-rendered') !== 'true') return;
          var width = Math.floor(element.clientWidth);
          if (Math.abs(width - Number(element.getAttribute('data-width'))) > 24) renderChart(id, currentSpec(id));
        });
      }, 200);
    });
  }

  function setupLogToggle() {
    var box = document.getElementById('log-scale');
    var element = document.querySelector('[data-chart="equity"]');
    if (!box || !element) return;
    box.addEventListener('change', function () {
      element.setAttribute('data-scale', box.checked ? 'log' : 'linear');
      renderChart('equity', currentSpec('equity'));
    });
  }

  // An unbounded value ("∞ (no drawdown)") sorts above every number.
  function sortValue(value) {
    return typeof value === 'string' && value.charAt(0) === '∞' ? Infinity : value;
  }

  function compare(a, b) {
    a = sortValue(a);
    b = sortValue(b);
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), 'en', { numeric: true });
  }

  function setupTable(root) {
    var id = root.getAttribute('data-table');
    var table = data.tables[id];
    if (!table) return;
    var tbody = root.querySelector('tbody');
    var note = root.querySelector('.note');
    var search = root.querySelector('input[type="search"]');
    var headers = root.querySelectorAll('th');
    var order = table.rows.map(function (_, i) { return i; });
    var texts = null;
    var query = '';
    var sortColumn = -1;
    var direction = 1;

    function rowText(i) {
      if (!texts) {
        texts = table.rows.map(function (row) {
          return row.map(function (value, c) { return formatCell(value, table.columns[c].type); }).join(' ').toLowerCase();
        });
      }
      return texts[i];
    }

    function render() {
      // Every word typed must appear in the row, in any place and order ("dip-buyer exit").
      var terms = query.split(/\s+/).filter(function (term) { return term !== ''; });
      var rows = terms.length === 0 ? order : order.filter(function (i) { var text = rowText(i); return terms.every(function (term) { return text.indexOf(term) !== -1; }); });
      var shown = rows.slice(0, data.maxTableRows);
      var fragment = document.createDocumentFragment();
      shown.forEach(function (i) {
        var tr = document.createElement('tr');
        table.rows[i].forEach(function (value, c) {
          var column = table.columns[c];
          var td = document.createElement('td');
          if (isNumeric(column.type)) td.className = 'num';
          var signed = sortValue(value);
          if (column.signed && typeof signed === 'number' && signed !== 0) td.className += signed > 0 ? ' pos' : ' neg';
          if (column.wrap) td.className += ' wrap-text';
          if (column.type === 'sleeve' && data.sleeveColors[value]) {
            var swatch = document.createElement('span');
            swatch.className = 'swatch';
            swatch.style.background = data.sleeveColors[value];
            td.appendChild(swatch);
          }
          td.appendChild(document.createTextNode(formatCell(value, column.type)));
          tr.appendChild(td);
        });
        fragment.appendChild(tr);
      });
      tbody.replaceChildren(fragment);
      var total = table.rows.length;
      var text;
      if (query !== '') text = numberFormat(0).format(rows.length) + ' of ' + numberFormat(0).format(total) + ' ' + table.noun + ' match';
      else text = numberFormat(0).format(total) + ' ' + table.noun;
      if (shown.length < rows.length) {
        text += ' · showing the first ' + numberFormat(0).format(shown.length) + '; the JSON result holds every row';
      }
      note.textContent = text;
      root.setAttribute('data-visible-rows', String(shown.length));
    }

    Array.prototype.forEach.call(headers, function (th, c) {
      if (!table.sortable) return;
      th.classList.add('sortable');
      th.setAttribute('tabindex', '0');
      function sort() {
        direction = sortColumn === c ? -direction : (isNumeric(table.columns[c].type) ? -1 : 1);
        sortColumn = c;
        order.sort(function (a, b) {
          var result = compare(table.rows[a][c], table.rows[b][c]);
          if (result !== 0 && table.rows[a][c] !== null && table.rows[b][c] !== null) result *= direction;
          return result !== 0 ? result : a - b;
        });
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
        render();
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); }
      });
    });

    if (search) {
      search.addEventListener('input', function () {
        query = search.value.trim().toLowerCase();
        render();
      });
    }
    render();
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-table]'), setupTable);
  setupLogToggle();
  setupResize();
  renderAll();
})();
`;
