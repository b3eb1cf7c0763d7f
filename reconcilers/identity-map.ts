/**
 * A map by identity (kind, owner key, name) as nested maps: a lookup builds no string, which is
 * what lets a plan pair 280,000 desired resources with 280,000 observed objects in well under a
 * second (the loader's ResourceIndex does the same). `Kind/owner/name` string keys (identity.ts
 * `keyOf`) are still accepted on the rare paths that carry them (`getKey`, `hasKey`).
 */
export class IdentityMap<V> {
  private readonly kinds = new Map<string, Map<string, Map<string, V>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(kind: string, owner: string | undefined, name: string): V | undefined {
    return this.kinds.get(kind)?.get(owner ?? '')?.get(name);
  }

  has(kind: string, owner: string | undefined, name: string): boolean {
    return this.get(kind, owner, name) !== undefined;
  }

  set(kind: string, owner: string | undefined, name: string, value: V): void {
    let owners = this.kinds.get(kind);
    if (!owners) this.kinds.set(kind, (owners = new Map()));
    const o = owner ?? '';
    let names = owners.get(o);
    if (!names) owners.set(o, (names = new Map()));
    if (!names.has(name)) this.count++;
    names.set(name, value);
  }

  delete(kind: string, owner: string | undefined, name: string): boolean {
    const names = this.kinds.get(kind)?.get(owner ?? '');
    if (!names?.delete(name)) return false;
    this.count--;
    return true;
  }

  getKey(key: string): V | undefined {
    const [kind, owner, name] = splitKey(key);
    return this.get(kind, owner, name);
  }

  hasKey(key: string): boolean {
    return this.getKey(key) !== undefined;
  }

  /** Every value, kind by kind, each in insertion order. */
  *values(): IterableIterator<V> {
    for (const owners of this.kinds.values()) for (const names of owners.values()) yield* names.values();
  }

  /** Every value of one kind. */
  *ofKind(kind: string): IterableIterator<V> {
    for (const names of this.kinds.get(kind)?.values() ?? []) yield* names.values();
  }
}

/** `Kind/owner/name` → its parts (names and owner keys cannot hold a slash). */
export function splitKey(key: string): [string, string | undefined, string] {
  const i = key.indexOf('/');
  const j = key.indexOf('/', i + 1);
  return [key.slice(0, i), key.slice(i + 1, j) || undefined, key.slice(j + 1)];
}
