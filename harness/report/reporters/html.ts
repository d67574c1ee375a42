import type { Result } from '../../result/schema.ts';
import { renderPage } from '../html/page.ts';
import type { RenderContext, Reporter } from '../reporter.ts';

/** The self-contained HTML report (see html/page.ts for what is on it and in which order). */
export const htmlReporter: Reporter = {
  name: 'html',
  defaultFile: 'report.html',
  render: (result: Result, ctx: RenderContext) => renderPage(result, ctx),
};
