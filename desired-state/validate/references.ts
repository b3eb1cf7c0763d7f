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
  const out: ReferenceSite[] = [];
  forEachReference(r, (kind, name, at) => out.push({ path: at.slice(), kind, name }));
  return out;
}

/**
 * Calls `visit` for each reference `r` makes, allocating nothing: `at` is the path to it, valid
 * only during the call (copy it to keep it). For the checks that resolve every reference of a
 * quarter of a million resources and need a path only for the few that fail.
 */
export function forEachReference(r: Pick<Resource, 'kind' | 'doc'>, visit: (kind: Kind, name: string, at: readonly (string | number)[]) => void): void {
  const schema = schemaRegistry().kinds.get(r.kind);
  for (const ref of schema?.references ?? []) walk(r.doc, ref.path, 0, [], ref.kind, visit);
}

/** Walks `pattern` from `node`; `at` is the path so far, one stack for the whole walk. */
function walk(node: unknown, pattern: PathPattern, i: number, at: (string | number)[], kind: Kind, visit: (kind: Kind, name: string, at: readonly (string | number)[]) => void): void {
  if (i === pattern.length) {
    if (typeof node === 'string') visit(kind, node, at);
    return;
  }
  const seg = pattern[i]!;
  if (seg === '*') {
    if (!Array.isArray(node)) return;
    for (let k = 0; k < node.length; k++) {
      at.push(k);
      walk(node[k], pattern, i + 1, at, kind, visit);
      at.pop();
    }
  } else if (isObject(node) && seg in node) {
    at.push(seg);
    walk(node[seg], pattern, i + 1, at, kind, visit);
    at.pop();
  }
}
