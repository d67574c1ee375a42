import { describe, expect, it } from 'vitest';
import { alignRows, escapeMdCell, markdownTable, textTable, type Column } from './table.ts';

const columns: Column[] = [{ header: 'backend' }, { header: 'ns/op', align: 'right' }, { header: 'verdict' }];
const rows = [['none', '2', ''], ['legacy', '4,806', 'fail']];

describe('tables', () => {
  it('plain text: padded columns, numbers right, a rule under the header, no trailing spaces', () => {
    expect(textTable(columns, rows, '  ').split('\n')).toEqual([
      '  backend  ns/op  verdict',
      '  -------  -----  -------',
      '  none         2',
      '  legacy   4,806  fail',
    ]);
  });

  it('rows without a header align the same way', () => {
    expect(alignRows([['gate', 'the CI gate'], ['realistic', 'run']])).toEqual(['gate       the CI gate', 'realistic  run']);
  });

  it('Markdown: alignment row, empty cells, every cell escaped', () => {
    expect(markdownTable(columns, [['a|b <i>', '1', '']]).split('\n')).toEqual([
      '| backend | ns/op | verdict |',
      '|---|---:|---|',
      '| a\\|b &lt;i&gt; | 1 | |',
    ]);
  });

  it('Markdown cells: pipes, line breaks and HTML made inert', () => {
    expect(escapeMdCell('a|b\nc <i>')).toBe('a\\|b c &lt;i&gt;');
  });
});
