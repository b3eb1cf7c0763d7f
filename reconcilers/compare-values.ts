import type { FieldDiff } from './action.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Structural equality of YAML/JSON values. Object keys whose value is `undefined` count as absent,
 * so `{a: 1, b: undefined}` equals `{a: 1}`.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (!deepEqual(ao[k], bo[k])) return false;
  for (const k in bo) if (ao[k] === undefined && bo[k] !== undefined) return false;
  return true;
}

/** Canonical JSON (object keys sorted, undefined dropped): a sort and set key for list items. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A list compared as a set: items in canonical order (strings sorted as they are). */
export function sortedList(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (v.every((x) => typeof x === 'string')) return [...(v as string[])].sort();
  const keyed = v.map((x) => [canonical(x), x] as const);
  keyed.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
  return keyed.map((p) => p[1]);
}

/**
 * The differences between `from` (the world) and `to` (git) as leaf-level diffs under `path`:
 * objects key by key (`overcommit.cpu`), lists of equal length item by item (`networks[0].ip`),
 * anything else whole.
 */
export function diffValues(path: string, from: unknown, to: unknown, out: FieldDiff[]): void {
  if (deepEqual(from, to)) return;
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = new Set([...Object.keys(to), ...Object.keys(from)]);
    for (const k of keys) diffValues(`${path}.${k}`, from[k], to[k], out);
    return;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    for (let i = 0; i < to.length; i++) diffValues(`${path}[${i}]`, from[i], to[i], out);
    return;
  }
  out.push(diff(path, from, to));
}

/** A FieldDiff without `from`/`to` keys for absent values (JSON stays small and honest). */
export function diff(path: string, from: unknown, to: unknown): FieldDiff {
  const d: FieldDiff = { path };
  if (from !== undefined) d.from = from;
  if (to !== undefined) d.to = to;
  return d;
}
