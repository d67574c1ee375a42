// The live view's script (inlined by page.ts): the window in progress (each variant's throughput
// every second and its percentiles so far), then one section per scenario, redrawn from each state
// frame of this host's /ws feed. Rounds are points (throughput, latency percentiles per variant);
// the overhead estimates are drawn as intervals against the number of valid round pairs.
/* global uPlot */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var sections = {};
  var updates = 0;
  window.liveState = null;
  var COLORS = { baseline: '#2563eb', instrumented: '#dc2626' };

  function fmt(n, d) { return n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US', { maximumFractionDigits: d === undefined ? 1 : d }); }
  function mmss(s) { s = Math.max(0, Math.round(s)); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }

  function pointsChart(el, title, series) {
    return new uPlot({
      width: Math.max(300, el.clientWidth || 440), height: 200, title: title,
      scales: { x: { time: false } },
      axes: [{ label: 'round' }, {}],
      series: [{ label: 'round' }].concat(series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 0, points: { show: true, size: 7, fill: s.color }, paths: function () { return null; } };
      })),
      legend: { live: false },
    }, [[]].concat(series.map(function () { return []; })), el);
  }

  function section(name) {
    if (sections[name]) return sections[name];
    var div = document.createElement('section');
    div.innerHTML = '<h2>' + esc(name) + ' <span class="verdict"></span></h2><div class="charts">' +
      '<figure><figcaption>Throughput per round (req/s)</figcaption><div class="c-tp"></div></figure>' +
      '<figure><figcaption>Latency per round (ms): p50 and p99</figcaption><div class="c-lat"></div></figure>' +
      '<figure><figcaption>Overhead estimate and 95% interval (%), by valid round pairs: cpuPerRequest</figcaption><div class="c-est"></div></figure>' +
      '</div><table class="estimates"><thead><tr><th>metric</th><th>pairs</th><th>estimate</th><th>interval</th><th>budget</th><th>verdict</th></tr></thead><tbody></tbody></table>';
    $('scenarios').appendChild(div);
    var s = {
      el: div,
      tp: pointsChart(div.querySelector('.c-tp'), '', [{ label: 'baseline', color: COLORS.baseline }, { label: 'instrumented', color: COLORS.instrumented }]),
      lat: pointsChart(div.querySelector('.c-lat'), '', [
        { label: 'baseline p50', color: COLORS.baseline }, { label: 'instrumented p50', color: COLORS.instrumented },
        { label: 'baseline p99', color: '#93c5fd' }, { label: 'instrumented p99', color: '#fca5a5' }]),
      est: new uPlot({
        width: 440, height: 200, scales: { x: { time: false } }, axes: [{ label: 'valid round pairs' }, {}],
        series: [{}, { label: 'estimate', stroke: '#7c3aed', width: 2, points: { show: true } },
          { label: 'low', stroke: '#a78bfa', dash: [4, 4] }, { label: 'high', stroke: '#a78bfa', dash: [4, 4] }, { label: 'budget', stroke: '#f59e0b' }],
        legend: { live: false },
      }, [[], [], [], [], []], div.querySelector('.c-est')),
    };
    sections[name] = s;
    return s;
  }

  function byVariant(rounds, variant, key) {
    var xs = [], ys = [];
    rounds.forEach(function (r) { if (r.variant === variant && r.valid) { xs.push(r.round); ys.push(r[key]); } });
    return [xs, ys];
  }

  function aligned(xs, cols) {
    // uPlot wants one x array: rounds 0..max, missing values null.
    var max = -1; xs.forEach(function (x) { x.forEach(function (v) { if (v > max) max = v; }); });
    var x = []; for (var i = 0; i <= max; i++) x.push(i);
    return [x].concat(cols.map(function (c, k) {
      var out = x.map(function () { return null; });
      xs[k].forEach(function (r, j) { out[r] = c[j]; });
      return out;
    }));
  }

  var windowChart = null;
  var VARIANTS = ['baseline', 'instrumented'];

  function renderWindow(c) {
    var live = (c && c.live) || {};
    if (windowChart === null) {
      windowChart = new uPlot({
        width: Math.max(300, $('c-window').clientWidth || 440), height: 200, scales: { x: { time: false } }, axes: [{ label: 's into the window' }, {}],
        series: [{}].concat(VARIANTS.map(function (v) { return { label: v, stroke: COLORS[v], width: 2, points: { show: true } }; })),
        legend: { live: false },
      }, [[], [], []], $('c-window'));
    }
    // Each driver reports on its own second: points are placed at the whole second they fall in.
    var series = VARIANTS.map(function (v) { return live[v] ? live[v].series : []; });
    windowChart.setData(aligned(series.map(function (pts) { return pts.map(function (p) { return Math.round(p.t); }); }),
      series.map(function (pts) { return pts.map(function (p) { return p.throughput; }); })));
    $('window-what').textContent = c && c.round > 0 ? '· ' + c.scenario + ' round ' + c.round + ' · ' + c.phase : '';
    var html = VARIANTS.filter(function (v) { return live[v]; }).map(function (v) {
      var l = live[v];
      var ms = function (us) { return us === null ? '-' : fmt(us / 1000, 2); };
      return '<tr data-variant="' + v + '"><td>' + v + '</td><td>' + fmt(l.elapsedSec, 0) + '</td><td>' + fmt(l.throughput) + '</td><td>' + fmt(l.requests, 0) +
        '</td><td>' + fmt(l.errors, 0) + '</td><td>' + ms(l.p50) + '</td><td>' + ms(l.p95) + '</td><td>' + ms(l.p99) + '</td></tr>';
    }).join('');
    var tbody = $('window-live').tBodies[0];
    if (tbody.innerHTML !== html) tbody.innerHTML = html;
  }

  function render(st) {
    window.liveState = st;
    updates++;
    document.documentElement.setAttribute('data-updates', String(updates));
    var c = st.current;
    $('now').textContent = st.ended ? 'run finished: ' + st.ended.verdict.toUpperCase()
      : c ? 'scenario ' + c.scenario + ' (' + (c.index + 1) + '/' + c.count + ') · round ' + c.round + '/' + c.rounds + ' · ' + c.variant + ' · ' + c.phase + ' (' + mmss(c.windowLeftSec) + ' left in window)'
      : 'starting';
    $('left').textContent = st.ended ? '' : 'about ' + mmss(st.leftSec) + ' of windows left (plus start-up)';
    $('report').innerHTML = st.ended && st.ended.report ? '<a id="report-link" href="' + esc(st.ended.report) + '">Open the final report</a>' : '';
    renderWindow(st.ended ? null : c);
    st.scenarios.forEach(function (sc) {
      var s = section(sc.name);
      s.el.querySelector('.verdict').textContent = sc.verdict ? '· ' + sc.verdict.toUpperCase() : '';
      var tb = byVariant(sc.rounds, 'baseline', 'throughput'), ti = byVariant(sc.rounds, 'instrumented', 'throughput');
      s.tp.setData(aligned([tb[0], ti[0]], [tb[1], ti[1]]));
      var keys = [['baseline', 'p50'], ['instrumented', 'p50'], ['baseline', 'p99'], ['instrumented', 'p99']].map(function (k) { return byVariant(sc.rounds, k[0], k[1]); });
      s.lat.setData(aligned(keys.map(function (k) { return k[0]; }), keys.map(function (k) { return k[1].map(function (us) { return us / 1000; }); })));
      var cpu = sc.estimates.filter(function (e) { return e.metric === 'cpuPerRequest' && !e.final; });
      s.est.setData([cpu.map(function (e) { return e.pairs; }), cpu.map(function (e) { return e.estimatePct; }), cpu.map(function (e) { return e.ciLowPct; }), cpu.map(function (e) { return e.ciHighPct; }), cpu.map(function (e) { return e.budgetPct; })]);
      var latest = {};
      sc.estimates.forEach(function (e) { latest[e.metric] = e; });
      var html = Object.keys(latest).map(function (m) {
        var e = latest[m];
        return '<tr><td>' + esc(m) + (e.final ? ' (final)' : '') + '</td><td>' + e.pairs + '</td><td>' + fmt(e.estimatePct) + '%</td><td>[' + fmt(e.ciLowPct) + ', ' + fmt(e.ciHighPct) + ']</td><td>' + fmt(e.budgetPct) + '%</td><td>' + esc(e.verdict) + '</td></tr>';
      }).join('');
      var tbody = s.el.querySelector('.estimates tbody');
      if (tbody.innerHTML !== html) tbody.innerHTML = html;
    });
  }

  function feed() {
    var ws = new WebSocket('ws://' + location.host + '/ws');
    ws.onopen = function () { $('feed').className = 'badge on'; $('feed').textContent = 'live'; };
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.type === 'state') render(msg.data);
      if (msg.data && msg.data.ended) { $('feed').className = 'badge done'; $('feed').textContent = 'finished'; }
    };
    ws.onclose = function () {
      if (window.liveState && window.liveState.ended) return;
      $('feed').className = 'badge'; $('feed').textContent = 'reconnecting';
      setTimeout(feed, 2000);
    };
  }
  feed();
})();
