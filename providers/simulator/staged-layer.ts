/** What a layer marks as removed: it hides the key in every layer below. */
export const DELETED = Symbol('deleted');

/** Read access to one key space of the world (objects, index, claims or meta), however it is stored. */
export interface KeyValueSource<V> {
  get(key: string): V | undefined;
  /** Entries whose key starts with `prefix`, in key order. */
  range(prefix: string): [string, V][];
}

/**
 * Writes not yet below: a mutation's own, staged until it returns (so that one that throws halfway
 * leaves no trace), or a batch's, staged until the batch is written in one lmdb transaction (so
 * that a host or a counter that sixteen calls of one batch touch is encoded and written once).
 * Reads see the layer's own writes first.
 */
export class StagedLayer<V> implements KeyValueSource<V> {
  readonly staged = new Map<string, V | typeof DELETED>();

  constructor(private readonly below: KeyValueSource<V>) {}

  get size(): number {
    return this.staged.size;
  }

  get(key: string): V | undefined {
    const s = this.staged.get(key);
    if (s === DELETED) return undefined;
    return s !== undefined ? s : this.below.get(key);
  }

  /** Whether the key was written in this layer (a value or a removal). */
  has(key: string): boolean {
    return this.staged.has(key);
  }

  set(key: string, value: V): void {
    this.staged.set(key, value);
  }

  delete(key: string): void {
    this.staged.set(key, DELETED);
  }

  range(prefix: string): [string, V][] {
    const base = this.below.range(prefix);
    if (this.staged.size === 0) return base;
    const out: [string, V][] = [];
    for (const entry of base) if (!this.staged.has(entry[0])) out.push(entry);
    let added = false;
    for (const [key, value] of this.staged) {
      if (value === DELETED || !key.startsWith(prefix)) continue;
      out.push([key, value]);
      added = true;
    }
    if (added) out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return out;
  }

  /** Moves this layer's writes into `into` (the layer below it), emptying this one. */
  mergeInto(into: StagedLayer<V>): void {
    for (const [key, value] of this.staged) into.staged.set(key, value);
    this.staged.clear();
  }
}
