import { describe, expect, it } from 'vitest';
import { parseXmlStrict } from './xml-wellformed.ts';

// The checker guards the JUnit tests, so it must itself reject what a real XML parser rejects.
describe('parseXmlStrict', () => {
  it('reads a well-formed document into a tree, decoding entities', () => {
    const root = parseXmlStrict('<?xml version="1.0"?>\n<a x="1 &amp; &lt;2&gt;"><b/><c y=\'q\'>t &quot;&#65;&#x42;</c></a>\n');
    expect(root.name).toBe('a');
    expect(root.attrs.x).toBe('1 & <2>');
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(root.children[1].text).toBe('t "AB');
  });

  it.each([
    ['<a><b></a></b>', /mismatched/],
    ['<a x=1/>', /not quoted/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>1 & 2</a>', /bad entity/],
    ['<a>&nbsp;</a>', /bad entity/],
    ['<a x="<"/>', /"<" in attribute/],
    ['<a/><b/>', /content after the root/],
    ['<a>', /unclosed/],
    ['<a>\u0001</a>', /control character/],
    ['text<a/>', /outside the root/],
  ])('rejects %j', (xml, why) => {
    expect(() => parseXmlStrict(xml)).toThrow(why);
  });
});
