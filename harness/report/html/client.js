// Draws the report's charts with the inlined uPlot from the JSON embedded in the page.
// Plain browser JavaScript: it is read from disk and inlined, never imported by Node.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('overbench-data').textContent);
  var NINES = ['0%', '90%', '99%', '99.9%', '99.99%', '99.999%'];
  var charts = [];

  function pctFromNines(n) { var p = 100 * (1 - Math.pow(10, -n)); return (Math.round(p * 1000) / 1000) + '%'; }
  function num(v) { return v == null ? '–' : (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(3)).toString()); }

  function xAxis(spec) {
    if (spec.xKind === 'nines') {
      return { label: 'percentile', splits: function () { return [0, 1, 2, 3, 4, 5]; }, values: function (u, splits) { return splits.map(function (s) { return NINES[s] || ''; }); } };
    }
    if (spec.xKind === 'index') {
      return {
        label: spec.xLabel || '',
        splits: function () { return spec.xTicks || spec.x; },
        values: function (u, splits) { return splits.map(function (s) { return spec.xTickLabels ? (spec.xTickLabels[s] || '') : String(s); }); },
      };
    }
    return { label: spec.xLabel || '' };
  }

  function seriesOpts(s) {
    var o = { label: s.label, stroke: s.color, width: s.style === 'points' ? 0 : 1.5, scale: s.axis === 'right' ? 'y2' : 'y', value: function (u, v) { return num(v) + (s.unit ? ' ' + s.unit : ''); }, spanGaps: true };
    if (s.dash) o.dash = s.dash;
    if (s.style === 'points') {
      o.paths = function () { return null; };
      o.points = { show: true, size: 8, space: 0, fill: s.hollow ? '#fff' : s.color, stroke: s.color, width: 1.5 };
    } else {
      o.points = { show: s.style === 'both', size: 6, space: 0, fill: s.color };
    }
    return o;
  }

  // Headroom above the highest point so markers at the top are not cut in half.
  function padded(fromZero) {
    return function (u, min, max) {
      if (min == null || max == null) return [0, 1];
      var lo = fromZero ? Math.min(0, min) : min;
      var span = max - lo || Math.abs(max) || 1;
      return [fromZero ? lo : lo - span * 0.08, max + span * 0.08];
    };
  }

  function build(spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var hasRight = spec.series.some(function (s) { return s.axis === 'right'; });
    var axes = [xAxis(spec), { label: spec.yLabel, size: 60 }];
    if (hasRight) axes.push({ scale: 'y2', side: 1, label: spec.y2Label, grid: { show: false }, size: 50, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 1e4, 1e5, 1e6] });
    var scales = { x: { time: spec.xKind === 'time' }, y: { range: padded(spec.yFromZero) } };
    if (spec.xKind === 'nines') scales.x.range = [0, 5];
    if (spec.xKind === 'index') scales.x.range = function (u, min, max) { return [min - 0.5, max + 0.5]; };
    if (hasRight) scales.y2 = { range: function (u, min, max) { return [0, Math.max(1, Math.ceil(max * 1.1))]; } };
    var opts = {
      width: Math.max(320, el.clientWidth),
      height: spec.height || 240,
      scales: scales,
      axes: axes,
      cursor: { drag: { x: false, y: false } },
      series: [{ label: spec.xKind === 'nines' ? 'percentile' : (spec.xLabel || 'x'), value: function (u, v) { return v == null ? '–' : spec.xKind === 'nines' ? pctFromNines(v) : spec.xLabels ? spec.xLabels[v] : spec.xKind === 'time' ? new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ') : String(v); } }]
        .concat(spec.series.map(seriesOpts)),
    };
    var aligned = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    charts.push({ plot: new uPlot(opts, aligned, el), el: el });
  }

  data.charts.forEach(build);

  function resize(widthOf) {
    charts.forEach(function (c) { c.plot.setSize({ width: widthOf(c), height: c.plot.height }); });
  }
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { resize(function (c) { return Math.max(320, c.el.clientWidth); }); }, 150);
  });
  // Paper is narrower than the screen: redraw at print width so no chart is cut off.
  window.addEventListener('beforeprint', function () { resize(function () { return 330; }); });
  window.addEventListener('afterprint', function () { resize(function (c) { return Math.max(320, c.el.clientWidth); }); });
  document.documentElement.setAttribute('data-charts-drawn', String(charts.length));
})();
