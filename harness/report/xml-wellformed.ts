/**
 * A small strict XML 1.0 well-formedness check for the JUnit tests (no XML parser is installed and
 * we add no packages). Checks: one root, proper nesting, quoted unique attributes, only the five
 * predefined entities or character references, no raw `<`/`&` in text or `<` in attribute values,
 * no forbidden control characters. Returns the element tree for count checks; throws on the first
 * problem with its offset.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9._:]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '&') {
      const m = ENTITY.exec(raw.slice(i));
      if (!m) throw new Error(`bad entity at ${at + i}: ${raw.slice(i, i + 12)}`);
      const body = m[0].slice(1, -1);
      out += body.startsWith('#x') ? String.fromCodePoint(parseInt(body.slice(2), 16)) : body.startsWith('#') ? String.fromCodePoint(Number(body.slice(1))) : ENTITIES[body];
      i += m[0].length;
    } else {
      out += raw[i++];
    }
  }
  return out;
}

export function parseXmlStrict(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error(`forbidden control character at ${xml.search(FORBIDDEN)}`);
  let i = 0;
  const skipWs = () => { while (i < xml.length && /\s/.test(xml[i])) i++; };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    if (stack.length === 0) {
      skipWs();
      if (i >= xml.length) break;
      if (root) throw new Error(`content after the root element at ${i}`);
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) throw new Error(`unterminated comment at ${i}`);
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      const m = NAME.exec(xml.slice(i + 2));
      const open = stack.pop();
      if (!m || !open || open.name !== m[0]) throw new Error(`mismatched end tag at ${i}: ${xml.slice(i, i + 30)} (open: ${open?.name ?? 'none'})`);
      i += 2 + m[0].length;
      skipWs();
      if (xml[i] !== '>') throw new Error(`bad end tag at ${i}`);
      i++;
    } else if (xml[i] === '<') {
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) throw new Error(`bad tag name at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (!root) root = el;
      else throw new Error(`second root element at ${i}`);
      i += 1 + m[0].length;
      for (;;) {
        const before = i;
        skipWs();
        if (xml.startsWith('/>', i)) { i += 2; break; }
        if (xml[i] === '>') { i++; stack.push(el); break; }
        if (i === before) throw new Error(`expected whitespace before attribute at ${i}`);
        const a = NAME.exec(xml.slice(i));
        if (!a) throw new Error(`bad attribute at ${i}: ${xml.slice(i, i + 20)}`);
        i += a[0].length;
        if (xml[i] !== '=' || (xml[i + 1] !== '"' && xml[i + 1] !== "'")) throw new Error(`attribute ${a[0]} not quoted at ${i}`);
        const q = xml[i + 1];
        const end = xml.indexOf(q, i + 2);
        if (end < 0) throw new Error(`unterminated attribute ${a[0]} at ${i}`);
        const raw = xml.slice(i + 2, end);
        if (raw.includes('<')) throw new Error(`"<" in attribute ${a[0]} at ${i}`);
        if (a[0] in el.attrs) throw new Error(`duplicate attribute ${a[0]} at ${i}`);
        el.attrs[a[0]] = decode(raw, i + 2);
        i = end + 1;
      }
    } else {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? xml.length : next;
      if (stack.length === 0) throw new Error(`text outside the root at ${i}`);
      const raw = xml.slice(i, end);
      if (raw.includes(']]>')) throw new Error(`"]]>" in text at ${i}`);
      stack[stack.length - 1].text += decode(raw, i);
      i = end;
    }
  }
  if (stack.length) throw new Error(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
