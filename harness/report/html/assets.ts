import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The files inlined into every HTML report (so it opens offline): uPlot, our chart script, our CSS. */
export interface HtmlAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  css: string;
}

let cached: HtmlAssets | undefined;

/** Read once per process; they are part of the program, not inputs of a report. */
export function htmlAssets(): HtmlAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const uplotDir = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
  const read = (file: string) => readFileSync(file, 'utf8');
  const here = (name: string) => new URL(name, import.meta.url);
  const uplotJs = read(path.join(uplotDir, 'uPlot.iife.min.js'));
  // An inline script ends at the first "</script"; a library update that contains one must not break the page.
  if (/<\/script/i.test(uplotJs)) throw new Error('uPlot.iife.min.js contains "</script": cannot be inlined safely');
  cached = {
    uplotJs,
    uplotCss: read(path.join(uplotDir, 'uPlot.min.css')),
    clientJs: readFileSync(here('./client.js'), 'utf8'),
    css: readFileSync(here('./style.css'), 'utf8'),
  };
  return cached;
}
