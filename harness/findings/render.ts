import { escapeHtml as h } from '../report/escape.ts';
import type { Block } from './memo.ts';

const cellMd = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(blocks: readonly Block[]): string {
  const out = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `${'#'.repeat(b.level)} ${b.text}`;
      case 'paragraph':
        return b.text;
      case 'list':
        return b.items.map((i) => `- ${i}`).join('\n');
      case 'table':
        return [`| ${b.headers.map(cellMd).join(' | ')} |`, `|${b.headers.map(() => ' --- ').join('|')}|`, ...b.rows.map((r) => `| ${r.map(cellMd).join(' | ')} |`)].join('\n');
      case 'code':
        return ['```sh', ...b.lines, '```'].join('\n');
    }
  });
  return `${out.join('\n\n')}\n`;
}

/** `**bold**` and `` `code` `` of the memo's plain text, after escaping. */
const inline = (s: string) => h(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>');

/** One self-contained page: no script, no outside request, readable printed. */
export function renderHtml(blocks: readonly Block[]): string {
  const title = blocks.find((b) => b.kind === 'heading')?.text ?? 'overbench findings';
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `<h${b.level}>${inline(b.text)}</h${b.level}>`;
      case 'paragraph':
        return `<p>${inline(b.text)}</p>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
      case 'table':
        return `<table><thead><tr>${b.headers.map((x) => `<th>${inline(x)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((x) => `<td>${inline(x)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
      case 'code':
        return `<pre><code>${h(b.lines.join('\n'))}</code></pre>`;
    }
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${h(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
h2 { margin-top: 1.6em; border-top: 2px solid #d0d7de; padding-top: 0.5em; }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
