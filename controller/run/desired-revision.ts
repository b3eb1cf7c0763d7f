import type { DesiredModel, Resource } from '../../desired-state/model.js';
import { keyOf, ownerOf } from '../../reconcilers/identity.js';

/**
 * A valid revision held by the controller: its resources in git's order (files sorted by path,
 * documents in file order, as the loader lists them), by identity and by file.
 */
export class DesiredRevision {
  readonly model: DesiredModel;

  private constructor(
    readonly revision: string,
    readonly byKey: Map<string, Resource>,
    private readonly byFile: Map<string, Resource[]>,
    resources: readonly Resource[],
  ) {
    this.model = { revision, resources };
  }

  /** Every resource of a loaded model (the first revision, or after a full reload). */
  static fromModel(revision: string, model: DesiredModel): DesiredRevision {
    const byKey = new Map<string, Resource>();
    const byFile = new Map<string, Resource[]>();
    for (const r of model.resources) {
      const key = keyOf(r.kind, ownerOf(r), r.name);
      if (byKey.has(key)) continue; // a duplicate identity never reaches here (invalid revision)
      byKey.set(key, r);
      let list = byFile.get(r.source.file);
      if (!list) byFile.set(r.source.file, (list = []));
      list.push(r);
    }
    return new DesiredRevision(revision, byKey, byFile, model.resources);
  }

  /**
   * The next revision from this one and the resources of the files a commit changed (an empty list
   * for a removed file): the rest is shared, so a one-file commit costs that file, not the data center.
   */
  derive(revision: string, changed: ReadonlyMap<string, readonly Resource[]>): DesiredRevision {
    const byKey = new Map(this.byKey);
    const byFile = new Map(this.byFile);
    for (const [file, next] of changed) {
      for (const r of this.byFile.get(file) ?? []) {
        const key = keyOf(r.kind, ownerOf(r), r.name);
        if (byKey.get(key) === r) byKey.delete(key);
      }
      if (next.length === 0) byFile.delete(file);
      else byFile.set(file, [...next]);
    }
    for (const next of changed.values()) for (const r of next) byKey.set(keyOf(r.kind, ownerOf(r), r.name), r);
    const resources: Resource[] = [];
    for (const file of [...byFile.keys()].sort(byPath)) for (const r of byFile.get(file)!) resources.push(r);
    return new DesiredRevision(revision, byKey, byFile, resources);
  }

  get size(): number {
    return this.byKey.size;
  }

  keysOfFile(file: string): string[] {
    return (this.byFile.get(file) ?? []).map((r) => keyOf(r.kind, ownerOf(r), r.name));
  }

  /**
   * Identities whose document differs between `previous` and this revision, given the files that
   * changed: added, removed, or edited (a document moved to another file unchanged is not a change).
   */
  changedKeys(previous: DesiredRevision, files: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const file of files) {
      for (const key of [...previous.keysOfFile(file), ...this.keysOfFile(file)]) {
        if (out.has(key)) continue;
        const before = previous.byKey.get(key);
        const after = this.byKey.get(key);
        if (!before || !after || JSON.stringify(before.doc) !== JSON.stringify(after.doc)) out.add(key);
      }
    }
    return out;
  }
}

/** Paths in the order the loader lists files (code unit order, as git's tree listing sorts them). */
const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `Kind/owner/name` → its parts (names and owner keys hold no slash). */
export function splitKey(key: string): { kind: string; owner: string; name: string } {
  const a = key.indexOf('/');
  const b = key.lastIndexOf('/');
  return { kind: key.slice(0, a), owner: key.slice(a + 1, b), name: key.slice(b + 1) };
}
