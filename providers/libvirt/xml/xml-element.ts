/**
 * The little XML that libvirt speaks, read into plain elements. libvirt's documents are small and
 * regular (no DTD, no CDATA in what cairn reads, entities limited to the five predefined ones and
 * numeric references), so a 60-line reader is enough and keeps cairn free of an XML dependency.
 */
export interface XmlElement {
  /** The qualified name as written, prefix included (`cairn:kind`). */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element, entities decoded, trimmed. */
  text: string;
}

export class XmlSyntaxError extends Error {
  readonly code = 'LIBVIRT_XML_SYNTAX';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? whole;
  });
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses one document; throws XmlSyntaxError on unbalanced or missing elements. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    const [, cdata, close, open, attrText, selfClose, text] = m;
    if (open !== undefined) {
      const el: XmlElement = { name: open, attrs: {}, children: [], text: '' };
      ATTR.lastIndex = 0;
      for (let a = ATTR.exec(attrText ?? ''); a; a = ATTR.exec(attrText ?? '')) el.attrs[a[1]!] = decodeEntities(a[2] ?? a[3] ?? '');
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlSyntaxError(`a second root element <${open}>`);
      else root = el;
      if (!selfClose) stack.push(el);
    } else if (close !== undefined) {
      const el = stack.pop();
      if (!el || el.name !== close) throw new XmlSyntaxError(`</${close}> closes ${el ? `<${el.name}>` : 'nothing'}`);
      el.text = el.text.trim();
    } else if (text !== undefined || cdata !== undefined) {
      const parent = stack[stack.length - 1];
      if (parent) parent.text += cdata ?? decodeEntities(text!);
      else if ((text ?? '').trim() !== '') throw new XmlSyntaxError('text outside the root element');
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new XmlSyntaxError('no element');
  return root;
}

/** The first child of `el` named `name` (local name, any prefix), following a path like `devices/disk`. */
export function child(el: XmlElement | undefined, path: string): XmlElement | undefined {
  let cur = el;
  for (const part of path.split('/')) cur = cur?.children.find((c) => localName(c.name) === part);
  return cur;
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => localName(c.name) === name) : [];
}

export function localName(qualified: string): string {
  const i = qualified.indexOf(':');
  return i < 0 ? qualified : qualified.slice(i + 1);
}
