import type { Result } from '../../result/schema.ts';
import { escapeHtml as h, jsonForScript } from '../escape.ts';
import { trendEntries } from '../history.ts';
import type { RenderContext } from '../reporter.ts';
import { htmlAssets } from './assets.ts';
import type { ChartSpec } from './chart-specs.ts';
import type { Calibration } from '../../result/calibration.ts';
import { calibrationSection } from './calibration-section.ts';
import { environmentSection } from './environment-section.ts';
import { scenarioSection } from './scenario-section.ts';
import { tightSection } from './tight-section.ts';
import { verdictSection } from './verdict-section.ts';

/**
 * The whole report as one self-contained page: CSS, uPlot, chart data and the drawing script are
 * inline, and the Content-Security-Policy forbids every fetch, so it works offline and a report
 * can never phone home. Order: the answer, the evidence per scenario, the calibration of those
 * scenarios when one is at hand, the tight table, where and how it ran.
 */
export function renderPage(result: Result, ctx: RenderContext): string {
  const trend = trendEntries(ctx.history, result);
  const charts: ChartSpec[] = [];
  const realistic = result.scenarios
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.kind === 'realistic')
    .map(({ s, i }) => {
      const part = scenarioSection(s, i, ctx.labels, trend);
      charts.push(...part.charts);
      return part.html;
    });
  const tight = tightSection(result.scenarios.filter((s) => s.kind === 'tight'), ctx.labels, trend, result.seed);
  charts.push(...tight.charts);
  const title = ctx.title ?? `run ${result.runId}`;
  const sha = result.env.gitSha ? ` · git ${result.env.gitSha.slice(0, 12)}` : '';
  const calibration = ctx.calibration ? calibrationSection(ctx.calibration, result.scenarios.filter((s) => s.kind === 'realistic').map((s) => s.name)) : '';
  return shell({
    title: `overbench ${result.verdict.toUpperCase()}: ${title}`,
    heading: `overbench: ${title}`,
    byline: `${result.finishedAt}${sha} · ${result.tool.name} ${result.tool.version}`,
    body: [verdictSection(result, ctx), ...realistic, calibration, tight.html, environmentSection(result)],
    charts,
  });
}

/** `overbench calibrate`'s report.html: the calibration section alone. */
export function renderCalibrationPage(c: Calibration): string {
  return shell({ title: `overbench calibration ${c.runId ?? ''}`.trim(), heading: 'overbench: calibration', byline: c.finishedAt ?? '', body: [calibrationSection(c)], charts: [] });
}

function shell(p: { title: string; heading: string; byline: string; body: readonly string[]; charts: readonly ChartSpec[] }): string {
  const assets = htmlAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${h(p.title)}</title>
<style>${assets.uplotCss}</style>
<style>${assets.css}</style>
</head>
<body>
<main>
<header>
<h1>${h(p.heading)}</h1>
<p class="muted">${h(p.byline)}</p>
</header>
${p.body.filter(Boolean).join('\n')}
</main>
<script type="application/json" id="overbench-data">${jsonForScript({ charts: p.charts })}</script>
<script>${assets.uplotJs}</script>
<script>${assets.clientJs}</script>
</body>
</html>
`;
}
