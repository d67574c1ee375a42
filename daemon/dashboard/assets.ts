/**
 * The files inlined into the dashboard page, so it works offline with no CDN: uPlot (from the
 * installed package), our page script and stylesheet. Read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface DashboardAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  css: string;
}

let cached: DashboardAssets | undefined;

export function dashboardAssets(): DashboardAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const uplotDir = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
  const here = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
  const uplotJs = readFileSync(path.join(uplotDir, 'uPlot.iife.min.js'), 'utf8');
  const clientJs = here('./client.js');
  // An inline script ends at the first "</script": a library update that contains one must not break the page.
  for (const [name, js] of [['uPlot.iife.min.js', uplotJs], ['client.js', clientJs]]) {
    if (/<\/script/i.test(js)) throw new Error(`${name} contains "</script": cannot be inlined safely`);
  }
  cached = { uplotJs, uplotCss: readFileSync(path.join(uplotDir, 'uPlot.min.css'), 'utf8'), clientJs, css: here('./style.css') };
  return cached;
}
