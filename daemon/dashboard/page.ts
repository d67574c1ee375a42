/**
 * The dashboard page: one HTML document with everything inline (uPlot, script, styles). The
 * figures arrive over `/ws` on the same host; the page has no other source of data.
 */
import { dashboardAssets } from './assets.ts';

export function dashboardPage(opts: { intervalSec: number }): string {
  const a = dashboardAssets();
  return `<!doctype html>
<html lang="en" data-updates="0">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>EXAI daemon dashboard</title>
<link rel="icon" href="data:,">
<style>${a.uplotCss}</style>
<style>${a.css}</style>
</head>
<body>
<header>
  <h1>EXAI daemon</h1>
  <span id="feed" class="badge off">connecting</span>
  <span id="meta"></span>
</header>
<section class="tiles">
  <div class="tile"><b id="t-connections">-</b><span>connections</span></div>
  <div class="tile"><b id="t-sessions">-</b><span>sessions</span></div>
  <div class="tile"><b id="t-in">-</b><span>messages in /s</span></div>
  <div class="tile"><b id="t-out">-</b><span>messages out /s</span></div>
  <div class="tile"><b id="t-errors">-</b><span>errors /s</span></div>
  <div class="tile"><b id="t-cache">-</b><span>cache hit rate</span></div>
  <div class="tile"><b id="t-inflight">-</b><span>calls in flight</span></div>
  <div class="tile"><b id="t-elu">-</b><span>event-loop utilisation</span></div>
  <div class="tile"><b id="t-rss">-</b><span>RSS</span></div>
</section>
<section class="charts">
  <figure><figcaption>Messages per second</figcaption><div id="c-messages" class="chart"></div></figure>
  <figure><figcaption>Call latency (stage "total"), ms</figcaption><div id="c-latency" class="chart"></div></figure>
  <figure><figcaption>Calls in flight and semaphore use</figcaption><div id="c-inflight" class="chart"></div></figure>
  <figure><figcaption>Event-loop utilisation (%) and RSS (MiB)</figcaption><div id="c-process" class="chart"></div></figure>
</section>
<section class="tables">
  <div><h2>Stage latency (ms)</h2><table id="stages"><thead><tr><th>stage</th><th>count</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody></tbody></table></div>
  <div><h2>Circuit breakers</h2><table id="circuits"><tbody></tbody></table>
       <h2>Semaphores</h2><table id="semaphores"><thead><tr><th></th><th>in use</th><th>capacity</th><th>waiting</th></tr></thead><tbody></tbody></table></div>
  <div><h2>Errors by kind</h2><table id="errors"><tbody></tbody></table>
       <h2>Send path</h2><table id="send"><tbody></tbody></table></div>
  <div class="wide"><h2>Recent auditor observations</h2><table id="observations"><thead><tr><th>at</th><th>tool</th><th>session</th><th>ok</th><th>latency ms</th><th>note</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="testing">
  <h2>Testing panel</h2>
  <form id="test-form">
    <label>tool <input id="test-tool" value="status" size="14"></label>
    <label>arguments (JSON) <input id="test-args" value="{}" size="40"></label>
    <label>token <input id="test-token" type="password" size="12" autocomplete="off"></label>
    <button id="test-send" type="submit">Send tool call</button>
  </form>
  <pre id="test-frames"></pre>
</section>
<script>${a.uplotJs}</script>
<script>window.DASHBOARD_INTERVAL_SEC = ${JSON.stringify(opts.intervalSec)};</script>
<script>${a.clientJs}</script>
</body>
</html>
`;
}
