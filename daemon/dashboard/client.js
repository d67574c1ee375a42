// The dashboard page's script (inlined by page.ts). It reads the figures from this host's /ws feed
// (initial_stats, then websocket_health every interval), keeps the last POINTS samples per series
// and redraws the uPlot charts. The testing panel opens its own connection to the daemon's
// WebSocket port and shows every frame of one tool call. No other request leaves the page.
/* global uPlot */
(function () {
  'use strict';
  var POINTS = 180;
  var $ = function (id) { return document.getElementById(id); };
  var state = { updates: 0, latest: null, series: { t: [], in: [], out: [], err: [], p50: [], p95: [], p99: [], inflight: [], global: [], elu: [], rss: [] } };
  window.dashboardState = state;

  function fmt(n, digits) {
    if (n === null || n === undefined || Number.isNaN(n)) return '-';
    return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function ms(us) { return us === undefined || us === null ? null : us / 1000; }
  function text(el, value) { if (el.textContent !== value) el.textContent = value; }

  function chart(id, series, scales) {
    var el = $(id);
    var opts = {
      width: Math.max(280, el.clientWidth || 420),
      height: 200,
      scales: Object.assign({ x: { time: true } }, scales || {}),
      axes: [{}, { scale: series[0].scale || 'y' }].concat(scales && scales.right ? [{ scale: 'right', side: 1, grid: { show: false } }] : []),
      series: [{}].concat(series),
      legend: { live: false },
    };
    return new uPlot(opts, [[]].concat(series.map(function () { return []; })), el);
  }

  var charts = {
    messages: chart('c-messages', [
      { label: 'in /s', stroke: '#2563eb', width: 2 },
      { label: 'out /s', stroke: '#16a34a', width: 2 },
      { label: 'errors /s', stroke: '#dc2626', width: 1 },
    ]),
    latency: chart('c-latency', [
      { label: 'p50', stroke: '#2563eb', width: 2 },
      { label: 'p95', stroke: '#d97706', width: 2 },
      { label: 'p99', stroke: '#dc2626', width: 2 },
    ]),
    inflight: chart('c-inflight', [
      { label: 'calls in flight', stroke: '#7c3aed', width: 2 },
      { label: 'global semaphore in use', stroke: '#0891b2', width: 2 },
    ]),
    process: chart('c-process', [
      { label: 'ELU %', stroke: '#ea580c', width: 2 },
      { label: 'RSS MiB', stroke: '#475569', width: 2, scale: 'right' },
    ], { right: { auto: true } }),
  };

  function push(arr, v) { arr.push(v); if (arr.length > POINTS) arr.shift(); }

  function rows(tbody, list) {
    var html = list.map(function (r) {
      return '<tr>' + r.map(function (c) { return '<td>' + escapeHtml(String(c)) + '</td>'; }).join('') + '</tr>';
    }).join('');
    if (tbody.innerHTML !== html) tbody.innerHTML = html;
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }

  function apply(f) {
    state.latest = f;
    state.updates++;
    document.documentElement.setAttribute('data-updates', String(state.updates));
    text($('meta'), 'backend ' + f.backend + (f.exact ? '' : ' (estimates)') + ' · up ' + fmt(f.uptimeSec, 0) + ' s · ' + f.timestamp);
    text($('t-connections'), fmt(f.connections, 0));
    text($('t-sessions'), fmt(f.sessions, 0));
    text($('t-in'), fmt(f.messages.inPerSec));
    text($('t-out'), fmt(f.messages.outPerSec));
    text($('t-errors'), fmt(f.errors.perSec));
    text($('t-cache'), f.cache.hitRate === null ? '-' : fmt(f.cache.hitRate * 100, 1) + '%');
    text($('t-inflight'), fmt(f.inflight, 0));
    text($('t-elu'), fmt(f.process.eventLoopUtilization * 100, 1) + '%');
    text($('t-rss'), fmt(f.process.rssBytes / 1048576, 1) + ' MiB');

    var s = state.series;
    var total = f.latencyUs.total || {};
    var global = f.semaphores.global || { active: 0 };
    push(s.t, Date.parse(f.timestamp) / 1000);
    push(s.in, f.messages.inPerSec);
    push(s.out, f.messages.outPerSec);
    push(s.err, f.errors.perSec);
    push(s.p50, ms(total.p50));
    push(s.p95, ms(total.p95));
    push(s.p99, ms(total.p99));
    push(s.inflight, f.inflight);
    push(s.global, global.active);
    push(s.elu, f.process.eventLoopUtilization * 100);
    push(s.rss, f.process.rssBytes / 1048576);
    charts.messages.setData([s.t, s.in, s.out, s.err]);
    charts.latency.setData([s.t, s.p50, s.p95, s.p99]);
    charts.inflight.setData([s.t, s.inflight, s.global]);
    charts.process.setData([s.t, s.elu, s.rss]);

    rows($('stages').tBodies[0], Object.keys(f.latencyUs).map(function (k) {
      var l = f.latencyUs[k];
      return [k, fmt(l.count, 0), fmt(ms(l.p50), 2), fmt(ms(l.p95), 2), fmt(ms(l.p99), 2), fmt(ms(l.max), 2)];
    }));
    rows($('circuits').tBodies[0], Object.keys(f.circuits).map(function (k) { return [k, f.circuits[k]]; }));
    rows($('semaphores').tBodies[0], Object.keys(f.semaphores).map(function (k) {
      var x = f.semaphores[k];
      return [k, x.active, x.capacity, x.waiting];
    }));
    rows($('errors').tBodies[0], f.errors.byKind === null
      ? [['total', fmt(f.errors.total, 0)], ['by kind', 'not reported by backend ' + f.backend]]
      : [['total', fmt(f.errors.total, 0)]].concat(Object.keys(f.errors.byKind).map(function (k) { return [k, fmt(f.errors.byKind[k], 0)]; })));
    rows($('send').tBodies[0], f.send === null ? [['send path', 'off (EXAI_SEND_DEDUP / _BREAKER / _RETRY)']] : [
      ['breaker', f.send.breaker === null ? 'off' : f.send.breaker], ['dedup hits', f.send.dedupHits], ['queued', f.send.queued],
      ['retried', f.send.retried], ['dropped', f.send.dropped], ['expired', f.send.expired], ['queue depth', f.send.queueDepth],
    ]);
    rows($('observations').tBodies[0], f.observations.length === 0 ? [['-', 'no observations (auditor off, or nothing sampled yet)', '', '', '', '']] : f.observations.map(function (o) {
      return [o.at, o.tool, o.sessionId, o.ok ? 'yes' : 'no', fmt(o.latencyMs, 1), o.note];
    }));
  }

  function feed() {
    // With a daemon token, the page was opened as /?token=...: the feed needs it too.
    var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + location.search);
    ws.onopen = function () { $('feed').className = 'badge on'; text($('feed'), 'live'); };
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.type === 'initial_stats' || msg.type === 'websocket_health') apply(msg.data);
    };
    ws.onclose = function () {
      $('feed').className = 'badge off';
      text($('feed'), 'reconnecting');
      setTimeout(feed, 2000);
    };
  }

  // Testing panel: hello, then one call_tool; every frame until its call_tool_res is shown.
  $('test-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var out = $('test-frames');
    var args;
    try { args = JSON.parse($('test-args').value || '{}'); } catch (e) { out.textContent = 'arguments are not JSON: ' + e.message; return; }
    if (!state.latest) { out.textContent = 'no figures yet: the daemon port is not known'; return; }
    var id = 'dash-' + Date.now().toString(36);
    var ws = new WebSocket('ws://' + location.hostname + ':' + state.latest.daemonWs.port);
    var log = function (dir, t) { out.textContent += dir + ' ' + t + '\n'; };
    out.textContent = '';
    ws.onopen = function () {
      var hello = { op: 'hello' };
      var token = $('test-token').value;
      if (token) hello.token = token;
      ws.send(JSON.stringify(hello));
      log('->', JSON.stringify({ op: 'hello', token: token ? '***' : undefined }));
    };
    ws.onmessage = function (e) {
      log('<-', e.data);
      var f = JSON.parse(e.data);
      if (f.op === 'hello_ack' && f.ok) {
        var call = JSON.stringify({ op: 'call_tool', request_id: id, name: $('test-tool').value, arguments: args });
        ws.send(call);
        log('->', call);
      } else if ((f.op === 'call_tool_res' && f.request_id === id) || (f.op === 'hello_ack' && !f.ok)) {
        ws.close(1000);
        out.setAttribute('data-done', 'true');
      }
    };
    ws.onerror = function () { log('!!', 'connection failed'); };
  });

  feed();
})();
