import { describe, expect, it } from 'vitest';
import { escapeMdCell, escapeXml, jsonForScript } from './escape.ts';
import { fmtBudget, fmtInterval, fmtNs, fmtOpsPerSec, fmtPct, fmtUs } from './format.ts';

describe('formatting shared by every reporter', () => {
  it('percentages are signed, budgets keep their decimals', () => {
    expect([fmtPct(1.234), fmtPct(-0.4), fmtPct(-0.001), fmtPct(null)]).toEqual(['+1.23%', '-0.40%', '0.00%', 'n/a']);
    expect(fmtInterval(-2.1, 3.456)).toBe('[-2.10%, +3.46%]');
    expect([fmtBudget(5), fmtBudget(0.5), fmtBudget(2.25), fmtBudget(0)]).toEqual(['+5%', '+0.5%', '+2.25%', '0%']);
  });

  it('latencies and costs pick a readable unit', () => {
    expect([fmtUs(850), fmtUs(12_345), fmtUs(1_200_000)]).toEqual(['850 us', '12.3 ms', '1.2 s']);
    expect([fmtNs(12.44), fmtNs(1234)]).toEqual(['12.4 ns', '1.23 us']);
    expect([fmtOpsPerSec(59.2), fmtOpsPerSec(2000), fmtOpsPerSec(0)]).toEqual(['16.9 M ops/s', '500 k ops/s', 'n/a']);
  });
});

describe('escaping', () => {
  it('XML: five entities, characters XML forbids replaced', () => {
    expect(escapeXml(`<a & "b" 'c'>\u0001\uD800`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;\uFFFD\uFFFD');
    expect(escapeXml('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('JSON in a script tag cannot close it and reads back unchanged', () => {
    const data = { s: '</script><!-- \u2028 x' };
    const out = jsonForScript(data);
    expect(out).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(out)).toEqual(data);
  });

  it('Markdown cells: pipes, line breaks and HTML made inert', () => {
    expect(escapeMdCell('a|b\nc <i>')).toBe('a\\|b c &lt;i&gt;');
  });
});
