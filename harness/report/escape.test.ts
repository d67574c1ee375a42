import { describe, expect, it } from 'vitest';
import { escapeXml, jsonForScript } from './escape.ts';

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
});
