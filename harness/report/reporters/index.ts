import type { Reporter } from '../reporter.ts';
import { htmlReporter } from './html.ts';
import { junitReporter } from './junit.ts';
import { markdownReporter } from './markdown.ts';

/** Reporter names as users type them (`--html`, `--junit`, `--md`) -> implementation. */
export const ReportersMap = {
  html: htmlReporter,
  junit: junitReporter,
  markdown: markdownReporter,
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof ReportersMap;

export { htmlReporter, junitReporter, markdownReporter };
