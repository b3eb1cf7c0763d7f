import type { Kind, ReferenceSite, Resource } from '../model.js';
import type { PathPattern } from './schema-registry.js';
import { schemaRegistry } from './schema-registry.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The references a resource makes, found through `x-cairn-ref` in its kind's schema. Computed on
 * demand rather than stored: they follow from the document, and 250,000 VMs' worth of path arrays
 * would only weigh on the cache and the garbage collector.
 */
export function referencesOf(r: Pick<Resource, 'kind' | 'doc'>): ReferenceSite[] {
  const schema = schemaRegistry().kinds.get(r.kind);
  const out: ReferenceSite[] = [];
  for (const ref of schema?.references ?? []) collect(r.doc, ref.path, 0, [], ref.kind, out);
  return out;
}

function collect(node: unknown, pattern: PathPattern, i: number, at: (string | number)[], kind: Kind, out: ReferenceSite[]): void {
  if (i === pattern.length) {
    if (typeof node === 'string') out.push({ path: [...at], kind, name: node });
    return;
  }
  const seg = pattern[i]!;
  if (seg === '*') {
    if (Array.isArray(node)) node.forEach((item, k) => collect(item, pattern, i + 1, [...at, k], kind, out));
  } else if (isObject(node) && seg in node) {
    collect(node[seg], pattern, i + 1, [...at, seg], kind, out);
  }
}
