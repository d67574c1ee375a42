/**
 * The one table renderer. A table is its columns (a header and an alignment each) and rows of
 * cells already formatted by common/format.ts. It renders as aligned plain text for a terminal or
 * as a GitHub Markdown table; in both, numbers are right-aligned and text left-aligned.
 *
 * Plain text: every cell padded to the widest of its column, two spaces between columns, a dashed
 * rule under the header, no trailing spaces. Markdown: every cell escaped, so a name with a pipe,
 * a line break or HTML in it cannot break the table or the page around it.
 */

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  /** Default left; right for numbers. */
  align?: Align;
}

type Cells = readonly string[];

function columnWidths(rows: readonly Cells[]): number[] {
  const n = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: n }, (_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
}

/** Rows of cells as aligned lines, without a header: a command list, a key/value block. */
export function alignRows(rows: readonly Cells[], align: readonly Align[] = [], indent = ''): string[] {
  const widths = columnWidths(rows);
  const pad = (cell: string, i: number) => (align[i] === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i]));
  return rows.map((r) => `${indent}${widths.map((_, i) => pad(r[i] ?? '', i)).join('  ')}`.trimEnd());
}

/** Plain text for a terminal: header, dashed rule, rows; `indent` in front of every line. */
export function textTable(columns: readonly Column[], rows: readonly Cells[], indent = ''): string {
  const header = columns.map((c) => c.header);
  const rule = columnWidths([header, ...rows]).map((w) => '-'.repeat(w));
  return alignRows([header, rule, ...rows], columns.map((c) => c.align ?? 'left'), indent).join('\n');
}

/** A GitHub Markdown table; cells are escaped here, so pass them as plain text. */
export function markdownTable(columns: readonly Column[], rows: readonly Cells[]): string {
  const line = (cells: Cells) => `|${cells.map((c) => (c ? ` ${escapeMdCell(c)} ` : ' ')).join('|')}|`;
  const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** A Markdown table cell or inline text: pipes escaped, line breaks flattened, HTML-significant characters as entities. */
export function escapeMdCell(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}
