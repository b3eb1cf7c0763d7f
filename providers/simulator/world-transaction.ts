import type { Kind } from '../../desired-state/model.js';
import { externalIdPrefix, type SimObject } from './sim-object.js';
import { StagedLayer, type KeyValueSource } from './staged-layer.js';
import { identityKey, SEP, type WorldReader } from './world-reader.js';

/** The four key spaces of the world, as a mutation reads them (world-store.ts: lmdb, cached, plus the batch's writes). */
export interface WorldSources {
  objects: KeyValueSource<SimObject>;
  index: KeyValueSource<string>;
  claims: KeyValueSource<string>;
  meta: KeyValueSource<unknown>;
}

/**
 * One mutation of the world. Writes are staged here and reach the batch (and then lmdb) only when
 * the mutation returns, so a mutation that throws halfway (no capacity on the third NIC's network,
 * say) leaves no trace: the per-kind code can check and write in whatever order reads best.
 *
 * Objects read through a transaction are shallow copies, made once per transaction (a VM create
 * that looks at its host three times gets one copy): the per-kind code replaces `spec`, `status`
 * and the other fields of an object it changes, and never modifies what they hold in place, so
 * the decoded objects the world keeps (world-cache.ts) are never touched by a mutation that fails.
 */
export class WorldTx implements WorldReader {
  private readonly objects: StagedLayer<SimObject>;
  private readonly index: StagedLayer<string>;
  private readonly claims: StagedLayer<string>;
  private readonly metas: StagedLayer<unknown>;
  private readonly copies = new Map<string, SimObject>();

  constructor(private readonly sources: WorldSources) {
    this.objects = new StagedLayer(sources.objects);
    this.index = new StagedLayer(sources.index);
    this.claims = new StagedLayer(sources.claims);
    this.metas = new StagedLayer(sources.meta);
  }

  get(externalId: string): SimObject | undefined {
    if (this.objects.has(externalId)) return this.objects.get(externalId);
    let copy = this.copies.get(externalId);
    if (copy === undefined) {
      const obj = this.sources.objects.get(externalId);
      if (obj === undefined) return undefined;
      this.copies.set(externalId, (copy = { ...obj }));
    }
    return copy;
  }

  put(obj: SimObject): void {
    this.objects.set(obj.externalId, obj);
  }

  /** Removes the object and, if it is managed, its identity. */
  remove(obj: SimObject): void {
    this.objects.delete(obj.externalId);
    if (obj.identity) this.index.delete(identityKey(obj.kind, obj.name, obj.identity.owner));
  }

  byIdentity(kind: Kind, owner: string, name: string): SimObject | undefined {
    const id = this.index.get(identityKey(kind, name, owner));
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
    if (obj.identity) this.index.delete(identityKey(obj.kind, obj.name, obj.identity.owner));
    delete obj.identity;
    this.put(obj);
  }

  managedNamed(kind: Kind, name: string): SimObject[] {
    return this.indexRange(`id${SEP}${kind}${SEP}${name}${SEP}`)
      .map((id) => this.get(id))
      .filter((o): o is SimObject => o?.identity !== undefined);
  }

  scan(kind: Kind): SimObject[] {
    return this.objects.range(externalIdPrefix(kind)).map(([id, obj]) => (this.objects.has(id) ? obj : this.copyOf(id, obj)));
  }

  indexRange(prefix: string): string[] {
    return this.index.range(prefix).map((e) => e[1]);
  }

  indexPut(key: string, value: string): void {
    this.index.set(key, value);
  }

  indexRemove(key: string): void {
    this.index.delete(key);
  }

  claimHolder(key: string): string | undefined {
    return this.claims.get(key);
  }

  hasClaims(prefix: string): boolean {
    return this.claims.range(prefix).length > 0;
  }

  claim(key: string, holder: string): void {
    this.claims.set(key, holder);
  }

  release(key: string): void {
    this.claims.delete(key);
  }

  meta<T>(key: string): T | undefined {
    return this.metas.get(key) as T | undefined;
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

  /** True when the mutation staged any write (a refused or read-only one stages none). */
  get wrote(): boolean {
    return this.objects.size + this.index.size + this.claims.size + this.metas.size > 0;
  }

  /** Hands what was staged to the batch below (`into`): called once the mutation returned. */
  commitInto(into: { objects: StagedLayer<SimObject>; index: StagedLayer<string>; claims: StagedLayer<string>; meta: StagedLayer<unknown> }): void {
    this.objects.mergeInto(into.objects);
    this.index.mergeInto(into.index);
    this.claims.mergeInto(into.claims);
    this.metas.mergeInto(into.meta);
  }

  /** The copy this transaction works on (the same one every time it is asked for). */
  private copyOf(id: string, obj: SimObject): SimObject {
    let copy = this.copies.get(id);
    if (copy === undefined) this.copies.set(id, (copy = { ...obj }));
    return copy;
  }
}
