/**
 * Test support for the JUnit reporter: parse a document with saxes, a strict XML 1.0
 * well-formedness parser, into an element tree for count checks. Throws on the first problem
 * (mismatched tags, unquoted or duplicate attributes, undefined entities, forbidden characters,
 * content outside the one root), with its line and column.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXmlStrict(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (text) => {
    const el = stack.at(-1);
    if (el) el.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}
