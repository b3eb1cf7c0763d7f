/**
 * cairn's identity inside a libvirt object's <metadata>, under cairn's own XML namespace (libvirt
 * keeps one element per namespace and gives it back verbatim): kind, tenant, name, the revision that
 * last wrote it, whether cairn still manages it (orphan turns this off and keeps the object), and
 * the declared spec as JSON (what libvirt cannot say back: offering and template names...).
 */
import { child, escapeXml, type XmlElement } from './xml/xml-element.js';

export const CAIRN_XMLNS = 'https://cairn.dev/xmlns/libvirt/1';
/** The prefix cairn writes; reading accepts any prefix bound to CAIRN_XMLNS. */
export const CAIRN_PREFIX = 'cairn';

export interface CairnIdentity {
  kind: string;
  /** Owner key (`account:acme`), undefined for global kinds. */
  owner?: string;
  name: string;
  revision?: string;
  managed: boolean;
  spec: Record<string, unknown>;
}

/** The <cairn:resource> element, as `virsh metadata --set` and <metadata> both take it. */
export function identityElement(id: CairnIdentity): string {
  const [type, tenant] = id.owner ? (id.owner.split(':', 2) as [string, string]) : [];
  const p = CAIRN_PREFIX;
  const field = (name: string, value: string | undefined) => (value === undefined ? '' : `<${p}:${name}>${escapeXml(value)}</${p}:${name}>`);
  return (
    `<${p}:resource xmlns:${p}="${CAIRN_XMLNS}">` +
    field('kind', id.kind) +
    (type === 'project' ? field('project', tenant) : field('account', tenant)) +
    field('name', id.name) +
    field('revision', id.revision) +
    field('managed', String(id.managed)) +
    field('spec', JSON.stringify(id.spec)) +
    `</${p}:resource>`
  );
}

/** cairn's identity in an object's parsed XML, or undefined for an object cairn never touched. */
export function readIdentity(root: XmlElement): CairnIdentity | undefined {
  const metadata = child(root, 'metadata');
  const resource = metadata?.children.find((c) => Object.entries(c.attrs).some(([k, v]) => k.startsWith('xmlns') && v === CAIRN_XMLNS));
  if (!resource) return undefined;
  const text = (name: string) => {
    const el = child(resource, name);
    return el ? el.text : undefined;
  };
  const kind = text('kind');
  const name = text('name');
  if (!kind || !name) return undefined;
  const account = text('account');
  const project = text('project');
  let spec: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text('spec') ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) spec = parsed as Record<string, unknown>;
  } catch {
    // A hand-edited spec that no longer parses: observed as empty, which shows as drift and is rewritten.
  }
  return {
    kind,
    name,
    ...(project !== undefined ? { owner: `project:${project}` } : account !== undefined ? { owner: `account:${account}` } : {}),
    ...(text('revision') !== undefined ? { revision: text('revision') } : {}),
    managed: text('managed') !== 'false',
    spec,
  };
}
