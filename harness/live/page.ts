/**
 * The live view's page: one HTML document, everything inline (uPlot from the report's assets, so
 * it works offline); its only data is this host's `/ws` feed.
 */
import { readFileSync } from 'node:fs';
import { htmlAssets } from '../report/html/assets.ts';

let clientJs: string | undefined;

export function livePage(): string {
  const a = htmlAssets();
  clientJs ??= readFileSync(new URL('./client.js', import.meta.url), 'utf8');
  if (/<\/script/i.test(clientJs)) throw new Error('harness/live/client.js contains "</script": cannot be inlined safely');
  return `<!doctype html>
<html lang="en" data-updates="0">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>overbench: live run</title>
<link rel="icon" href="data:,">
<style>${a.uplotCss}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 16px 32px; color: #1f2937; background: #f8fafc; }
header { display: flex; gap: 12px; align-items: baseline; padding: 12px 0; flex-wrap: wrap; }
h1 { font-size: 20px; margin: 0; } h2 { font-size: 16px; margin: 16px 0 4px; }
.badge { padding: 2px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: #94a3b8; }
.badge.on { background: #16a34a; } .badge.done { background: #2563eb; }
#now { font-size: 15px; } #left { color: #64748b; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
figure { margin: 0; background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
table { border-collapse: collapse; background: #fff; font-size: 12px; }
td, th { border-bottom: 1px solid #e2e8f0; padding: 2px 8px; text-align: right; } td:first-child, th:first-child { text-align: left; }
#report a { font-size: 16px; font-weight: 600; }
</style>
</head>
<body>
<header><h1>overbench live</h1><span id="feed" class="badge">connecting</span><span id="now">waiting for the run</span><span id="left"></span></header>
<p id="report"></p>
<section id="window">
<h2>This window <span id="window-what"></span></h2>
<div class="charts">
  <figure><figcaption>Throughput in this window (req/s, each second)</figcaption><div id="c-window"></div></figure>
  <figure><figcaption>Per variant, so far in this window (latency: measured windows only)</figcaption>
  <table id="window-live"><thead><tr><th>variant</th><th>s</th><th>req/s</th><th>requests</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead><tbody></tbody></table></figure>
</div>
</section>
<div id="scenarios"></div>
<script>${a.uplotJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
