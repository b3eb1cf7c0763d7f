import type { Database } from 'lmdb';
import type { Kind } from '../../desired-state/model.js';
import { externalIdPrefix, type SimObject } from './sim-object.js';
import { identityKey, RANGE_END, SEP, type WorldReader } from './world-reader.js';

const DELETED = Symbol('deleted');
type Staged<V> = Map<string, V | typeof DELETED>;

export interface WorldDbs {
  objects: Database<SimObject, string>;
  index: Database<string, string>;
  claims: Database<string, string>;
  meta: Database<unknown, string>;
}

/**
 * One mutation of the world. Writes are staged here and reach lmdb only when the mutation returns,
 * so a mutation that throws halfway (no capacity on the third NIC's network, say) leaves no trace:
 * the per-kind code can check and write in whatever order reads best.
 */
export class WorldTx implements WorldReader {
  private readonly objects: Staged<SimObject> = new Map();
  private readonly index: Staged<string> = new Map();
  private readonly claims: Staged<string> = new Map();
  private readonly metas: Staged<unknown> = new Map();
  private readonly seenObjects = new Map<string, SimObject>();
  private readonly seenIndex = new Map<string, string>();

  constructor(private readonly dbs: WorldDbs) {}

  get(externalId: string): SimObject | undefined {
    return read(this.objects, this.dbs.objects, externalId, this.seenObjects);
  }

  put(obj: SimObject): void {
    this.objects.set(obj.externalId, obj);
  }

  /** Removes the object and, if it is managed, its identity. */
  remove(obj: SimObject): void {
    this.objects.set(obj.externalId, DELETED);
    if (obj.identity) this.index.set(identityKey(obj.kind, obj.name, obj.identity.owner), DELETED);
  }

  byIdentity(kind: Kind, owner: string, name: string): SimObject | undefined {
    const id = read(this.index, this.dbs.index, identityKey(kind, name, owner), this.seenIndex);
    const obj = id === undefined ? undefined : this.get(id);
    return obj?.identity ? obj : undefined;
  }

  /** Tags the object with cairn's identity and indexes it. */
  setIdentity(obj: SimObject): void {
    obj.identity = { kind: obj.kind, owner: obj.owner, name: obj.name };
    this.index.set(identityKey(obj.kind, obj.name, obj.owner), obj.externalId);
    this.put(obj);
  }

  /** Takes cairn's identity off: the object stays, unmanaged. */
  clearIdentity(obj: SimObject): void {
    if (obj.identity) this.index.set(identityKey(obj.kind, obj.name, obj.identity.owner), DELETED);
    delete obj.identity;
    this.put(obj);
  }

  managedNamed(kind: Kind, name: string): SimObject[] {
    return this.indexRange(`id${SEP}${kind}${SEP}${name}${SEP}`)
      .map((id) => this.get(id))
      .filter((o): o is SimObject => o?.identity !== undefined);
  }

  scan(kind: Kind): SimObject[] {
    return [...range(this.objects, this.dbs.objects, externalIdPrefix(kind)).values()];
  }

  indexRange(prefix: string): string[] {
    return [...range(this.index, this.dbs.index, prefix).values()];
  }

  indexPut(key: string, value: string): void {
    this.index.set(key, value);
  }

  indexRemove(key: string): void {
    this.index.set(key, DELETED);
  }

  claimHolder(key: string): string | undefined {
    return read(this.claims, this.dbs.claims, key);
  }

  hasClaims(prefix: string): boolean {
    return range(this.claims, this.dbs.claims, prefix, 1).size > 0;
  }

  claim(key: string, holder: string): void {
    this.claims.set(key, holder);
  }

  release(key: string): void {
    this.claims.set(key, DELETED);
  }

  meta<T>(key: string): T | undefined {
    return read(this.metas, this.dbs.meta, key) as T | undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.metas.set(key, value);
  }

  /** `sim-<Kind>-<n>`, n counting per kind from 1: ids are deterministic for a given history. */
  nextId(kind: Kind): string {
    const n = (this.meta<number>(`counter${SEP}${kind}`) ?? 0) + 1;
    this.setMeta(`counter${SEP}${kind}`, n);
    return `${externalIdPrefix(kind)}${n}`;
  }

  /** Locally administered unicast MACs (02:00:...), from a counter: deterministic and never reused. */
  nextMac(): string {
    const n = (this.meta<number>('mac') ?? 0) + 1;
    this.setMeta('mac', n);
    const hex = n.toString(16).padStart(8, '0');
    return `02:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
  }

  /** Writes what was staged; runs inside the lmdb write transaction, where put and remove apply at once. */
  commit(): void {
    flush(this.objects, this.dbs.objects);
    flush(this.index, this.dbs.index);
    flush(this.claims, this.dbs.claims);
    flush(this.metas, this.dbs.meta);
  }
}

/**
 * Reads see the mutation's own writes first. What came from lmdb is remembered for the rest of the
 * mutation: a VM create looks at its host, cluster and pod several times, and decodes them once.
 */
function read<V>(staged: Staged<V>, db: Database<V, string>, key: string, seen?: Map<string, V>): V | undefined {
  const s = staged.get(key);
  if (s === DELETED) return undefined;
  if (s !== undefined) return s;
  let v = seen?.get(key);
  if (v === undefined) {
    v = db.get(key);
    if (v !== undefined) seen?.set(key, v);
  }
  return v;
}

function range<V>(staged: Staged<V>, db: Database<V, string>, prefix: string, limit?: number): Map<string, V> {
  const out = new Map<string, V>();
  for (const { key, value } of db.getRange({ start: prefix, end: prefix + RANGE_END })) {
    const s = staged.get(key);
    if (s === DELETED) continue;
    out.set(key, s !== undefined ? s : value);
    if (limit !== undefined && out.size >= limit) return out;
  }
  let added = false;
  for (const [key, value] of staged) {
    if (value === DELETED || out.has(key) || !key.startsWith(prefix)) continue;
    out.set(key, value);
    added = true;
  }
  return added ? new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : out;
}

function flush<V>(staged: Staged<V>, db: Database<V, string>): void {
  for (const [key, value] of staged) {
    if (value === DELETED) void db.remove(key);
    else void db.put(key, value);
  }
}
