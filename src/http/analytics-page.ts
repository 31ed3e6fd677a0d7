/**
 * The override analytics page: a table and Chart.js charts of GET /analytics/overrides. Static:
 * the token is typed in (or passed in the URL fragment, which never reaches a server) and kept
 * in sessionStorage. Text from the report is set with textContent only, never as HTML.
 */
export const ANALYTICS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trd-cds override analytics</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; max-width: 1200px; }
  h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
  form { display: flex; gap: .75rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-size: .85rem; gap: .2rem; }
  input, button { font: inherit; padding: .3rem .5rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { border-bottom: 1px solid #d0d7de; padding: .35rem .5rem; text-align: right; }
  th:first-child, td:first-child, th:nth-child(2), td:nth-child(2), th:last-child, td.reasons { text-align: left; }
  .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
  .chart { position: relative; height: 320px; }
  #status { color: #57606a; }
  #status.error { color: #b42318; }
</style>
</head>
<body>
<h1>Override analytics</h1>
<p>Cards shown, accepted, overridden and ignored per rule and indicator, from the card ledger and CDS Hooks feedback. Override rate = overridden / shown.</p>
<form id="range">
  <label>From <input type="date" id="from" name="from"></label>
  <label>To (exclusive) <input type="date" id="to" name="to"></label>
  <label>Analytics token <input type="password" id="token" autocomplete="off"></label>
  <button type="submit">Show</button>
</form>
<p id="status" role="status">Enter the analytics token.</p>
<div class="charts">
  <div><h2>Outcomes per rule</h2><div class="chart"><canvas id="outcomes" aria-label="Outcomes per rule"></canvas></div></div>
  <div><h2>Override rate by week</h2><div class="chart"><canvas id="weekly" aria-label="Override rate by week"></canvas></div></div>
</div>
<table id="table">
  <thead><tr><th>Rule</th><th>Indicator</th><th>Shown</th><th>Accepted</th><th>Overridden</th><th>Ignored</th><th>Override rate</th><th>Suggestions accepted</th><th>Top override reasons</th></tr></thead>
  <tbody></tbody>
</table>
<p id="unmatched"></p>
<script src="/analytics/assets/chart.umd.min.js"></script>
<script src="/analytics/assets/analytics.js"></script>
</body>
</html>
`;

export const ANALYTICS_SCRIPT = `'use strict';
(function () {
  var charts = [];
  var $ = function (id) { return document.getElementById(id); };
  var pct = function (r) { return r === null ? '—' : (Math.round(r * 1000) / 10) + ' %'; };
  var iso = function (d) { return d.toISOString().slice(0, 10); };
  var fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) { sessionStorage.setItem('analyticsToken', fragment.get('token')); history.replaceState(null, '', location.pathname + location.search); }
  var query = new URLSearchParams(location.search);
  var now = new Date();
  $('to').value = query.get('to') || iso(new Date(now.getTime() + 86400000));
  $('from').value = query.get('from') || iso(new Date(now.getTime() - 84 * 86400000));
  $('token').value = sessionStorage.getItem('analyticsToken') || '';

  function cell(row, text) { var td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; }
  function status(text, error) { $('status').textContent = text; $('status').className = error ? 'error' : ''; }

  function render(report) {
    var tbody = $('table').querySelector('tbody');
    tbody.textContent = '';
    report.rules.forEach(function (r) {
      var tr = document.createElement('tr');
      cell(tr, r.ruleId); cell(tr, r.indicator); cell(tr, r.shown); cell(tr, r.accepted); cell(tr, r.overridden); cell(tr, r.ignored);
      cell(tr, pct(r.overrideRate));
      cell(tr, r.suggestions.offered ? r.suggestions.accepted + ' / ' + r.suggestions.offered : '—');
      cell(tr, r.topOverrideReasons.map(function (x) { return x.code + ' (' + x.count + ')'; }).join(', ') || '—').className = 'reasons';
      tbody.appendChild(tr);
    });
    $('unmatched').textContent = 'Unmatched feedback (cards this service never issued): ' + report.unmatchedFeedback;
    charts.forEach(function (c) { c.destroy(); });
    var labels = report.rules.map(function (r) { return r.ruleId + ' · ' + r.indicator; });
    var bar = function (label, key, color) { return { label: label, data: report.rules.map(function (r) { return r[key]; }), backgroundColor: color }; };
    charts = [
      new Chart($('outcomes'), {
        type: 'bar',
        data: { labels: labels, datasets: [bar('Accepted', 'accepted', '#2da44e'), bar('Overridden', 'overridden', '#cf222e'), bar('Ignored', 'ignored', '#8c959f')] },
        options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'cards' } }, y: { stacked: true } } }
      }),
      new Chart($('weekly'), {
        type: 'line',
        data: {
          labels: Array.from(new Set([].concat.apply([], report.rules.map(function (r) { return r.weeks.map(function (w) { return w.week; }); })))).sort(),
          datasets: report.rules.map(function (r, i) {
            var byWeek = {}; r.weeks.forEach(function (w) { byWeek[w.week] = w.overrideRate === null ? null : w.overrideRate * 100; });
            return { label: r.ruleId + ' · ' + r.indicator, data: null, byWeek: byWeek, borderColor: 'hsl(' + (i * 67 % 360) + ' 65% 45%)', spanGaps: true };
          })
        },
        options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100, title: { display: true, text: 'override rate %' } } } }
      })
    ];
    var weekly = charts[1];
    weekly.data.datasets.forEach(function (d) { d.data = weekly.data.labels.map(function (w) { return w in d.byWeek ? d.byWeek[w] : null; }); });
    weekly.update();
    status(report.rules.length ? 'Report ' + report.from.slice(0, 10) + ' to ' + report.to.slice(0, 10) + ': ' + report.rules.length + ' rule rows.' : 'No cards in this range.');
    document.body.setAttribute('data-state', 'loaded');
  }

  function load() {
    var token = $('token').value.trim();
    if (!token) { status('Enter the analytics token.'); return; }
    sessionStorage.setItem('analyticsToken', token);
    status('Loading…');
    var params = new URLSearchParams({ from: $('from').value, to: $('to').value });
    fetch('/analytics/overrides?' + params, { headers: { authorization: 'Bearer ' + token } })
      .then(function (r) { if (!r.ok) throw new Error(r.status === 401 ? 'The token was refused.' : 'The report failed (' + r.status + ').'); return r.json(); })
      .then(render)
      .catch(function (e) { status(e.message, true); document.body.setAttribute('data-state', 'error'); });
  }
  $('range').addEventListener('submit', function (e) { e.preventDefault(); load(); });
  load();
})();
`;
