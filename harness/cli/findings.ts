import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.ts';
import { ExitCode } from '../../common/exit-codes.ts';
import { buildMemo } from '../findings/memo.ts';
import { renderHtml, renderMarkdown } from '../findings/render.ts';
import { collectFindings } from '../findings/sources.ts';
import { flags, outFlag, parseCommand } from './flags.ts';

const USAGE = `usage: overbench findings [--results DIR] [--out FILE]
A decision memo from the newest results in DIR (default ./reports): the overhead of each metrics
backend per scenario class with intervals and verdicts, the instrument's power from calibration,
realistic targets derived from tight, the architectures compared, a go / no-go line per backend,
and the commands that reproduce every figure. Every number comes from a result file.
Writes FILE (default DIR/findings.md) and the same memo as HTML beside it (.html).
exit: 0 written, 2 bad input (no results, unreadable folder)`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, flags('results', 'out'), { usage: USAGE });
  if (!parsed) return ExitCode.Pass;
  const dir = outFlag(parsed.values.results);
  const md = path.resolve(parsed.values.out ?? path.join(dir, 'findings.md'));
  const html = md.replace(/\.md$/i, '') + '.html';
  const findings = await collectFindings(dir, (line) => process.stderr.write(`overbench findings: ${line}\n`));
  const { blocks } = buildMemo(findings);
  await writeFileAtomic(md, renderMarkdown(blocks));
  await writeFileAtomic(html, renderHtml(blocks));
  process.stdout.write(`findings: ${md}\nfindings: ${html}\n`);
  return ExitCode.Pass;
}
