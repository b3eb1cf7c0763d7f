import type { Database } from 'lmdb';
import type { Kind } from '../../desired-state/model.js';
import { ID_PREFIX, externalIdPrefix, type SimObject } from './sim-object.js';
import type { KeyValueSource } from './staged-layer.js';
import { RANGE_END, SEP } from './world-reader.js';

const ABSENT = Symbol('absent');

/**
 * One lmdb database of the world, decoded once and kept: a VM create reads its host, cluster, pod,
 * offering, template, network and storage, and decoding them from lmdb for every VM was a seventh
 * of an apply. Valid for one generation of the world (world-store.ts clears it when another
 * process wrote); this process's own writes are applied to it as they are committed.
 *
 * Values are shared with whoever reads them: the world's code never modifies an object it read in
 * place (WorldTx hands mutations shallow copies; see world-transaction.ts).
 */
export class CachedDb<V> implements KeyValueSource<V> {
  private readonly known = new Map<string, V | typeof ABSENT>();
  /** Results of `range` for prefixes that end at a separator, until a key under them is written. */
  private readonly ranges = new Map<string, [string, V][]>();
  /** Every key of the database is in `known`: a key not there is absent, no lmdb read needed. */
  private complete = false;
  private misses = 0;

  /**
   * `memoRanges`: keep range results (the index: storage by scope, transitions). `loadWhole`: read
   * the whole database once lookups of absent keys pile up (the index and the claims; not the
   * objects, which are read whole by kind).
   */
  constructor(private readonly db: Database<V, string>, private readonly options: { memoRanges?: boolean; loadWhole?: boolean } = {}) {}

  get(key: string): V | undefined {
    let v = this.known.get(key);
    if (v === undefined) {
      if (this.complete) return undefined;
      // A large apply asks about thousands of keys that do not exist yet (a new VM's identity, a
      // free address): past a few thousand misses, one read of the whole database answers them all.
      if (this.options.loadWhole && ++this.misses === LOAD_WHOLE_AFTER_MISSES && this.loadWhole()) return this.get(key);
      v = this.db.get(key) ?? ABSENT;
      this.known.set(key, v);
    }
    return v === ABSENT ? undefined : v;
  }

  private loadWhole(): boolean {
    for (const { key, value } of this.db.getRange({})) {
      if (typeof key === 'string' && !this.known.has(key)) this.known.set(key, value);
    }
    return (this.complete = true);
  }

  range(prefix: string): [string, V][] {
    const memo = this.options.memoRanges === true && prefix.endsWith(SEP);
    if (memo) {
      const hit = this.ranges.get(prefix);
      if (hit) return hit;
    }
    const out: [string, V][] = [];
    for (const { key, value } of this.db.getRange({ start: prefix, end: prefix + RANGE_END })) out.push([key, value]);
    if (memo) this.ranges.set(prefix, out);
    return out;
  }

  /** A committed write (undefined: a removal). */
  set(key: string, value: V | undefined): void {
    this.known.set(key, value === undefined ? ABSENT : value);
    if (this.ranges.size === 0) return;
    // Every memoised prefix that `key` falls under ends at one of its separators.
    for (let i = key.indexOf(SEP); i >= 0; i = key.indexOf(SEP, i + 1)) this.ranges.delete(key.slice(0, i + 1));
  }

  clear(): void {
    this.known.clear();
    this.ranges.clear();
    this.complete = false;
    this.misses = 0;
  }
}

const LOAD_WHOLE_AFTER_MISSES = 4096;

/**
 * The objects database, with whole kinds kept once read: observing the world twice in one process
 * (a controller's resyncs) decodes it once. Iteration order within a kind is not the key order.
 */
export class CachedObjects extends CachedDb<SimObject> {
  private readonly kinds = new Map<Kind, Map<string, SimObject>>();

  constructor(private readonly objectsDb: Database<SimObject, string>) {
    super(objectsDb);
  }

  /** Every object of `kind` as of the generation this cache is valid for. */
  ofKind(kind: Kind): Iterable<SimObject> {
    let all = this.kinds.get(kind);
    if (!all) {
      all = new Map();
      const prefix = externalIdPrefix(kind);
      for (const { key, value } of this.objectsDb.getRange({ start: prefix, end: prefix + RANGE_END })) all.set(key, value);
      this.kinds.set(kind, all);
    }
    return all.values();
  }

  /** A kind read whole answers for its objects too (not copied key by key: observing fills it). */
  override get(key: string): SimObject | undefined {
    if (this.kinds.size > 0) {
      const all = this.kinds.get(kindOfId(key));
      if (all) return all.get(key);
    }
    return super.get(key);
  }

  override set(key: string, value: SimObject | undefined): void {
    super.set(key, value);
    const all = this.kinds.get(kindOfId(key));
    if (!all) return;
    if (value === undefined) all.delete(key);
    else all.set(key, value);
  }

  override clear(): void {
    super.clear();
    this.kinds.clear();
  }
}

/** `sim-<Kind>-<n>` → Kind (kind names hold no dash). */
function kindOfId(id: string): Kind {
  return id.slice(ID_PREFIX.length, id.lastIndexOf('-')) as Kind;
}
