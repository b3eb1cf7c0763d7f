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
   * for a removed file), with the identities whose document changed. The indexes move to the next
   * revision instead of being copied (copying 275,000 entries per commit cost more than the rest of
   * the commit): this revision must not be used afterwards, and says so if it is.
   */
  advance(revision: string, changed: ReadonlyMap<string, readonly Resource[]>): { next: DesiredRevision; changedKeys: Set<string> } {
    this.assertCurrent();
    // Identities in the changed files, before and after. A valid revision holds each identity once,
    // so an identity is either in these files on a side or in an unchanged file, never both.
    const before = new Map<string, Resource>();
    for (const file of changed.keys()) for (const r of this.byFile.get(file) ?? []) before.set(keyOf(r.kind, ownerOf(r), r.name), r);
    const after = new Map<string, Resource>();
    for (const list of changed.values()) for (const r of list) after.set(keyOf(r.kind, ownerOf(r), r.name), r);
    const changedKeys = new Set<string>();
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(key);
      const now = after.get(key);
      if (!old || !now || JSON.stringify(old.doc) !== JSON.stringify(now.doc)) changedKeys.add(key);
      if (now) this.byKey.set(key, now);
      else this.byKey.delete(key);
    }
    for (const [file, list] of changed) {
      if (list.length === 0) this.byFile.delete(file);
      else this.byFile.set(file, [...list]);
    }
    const resources: Resource[] = [];
    for (const file of [...this.byFile.keys()].sort(byPath)) for (const r of this.byFile.get(file)!) resources.push(r);
    this.consumed = true;
    return { next: new DesiredRevision(revision, this.byKey, this.byFile, resources), changedKeys };
  }

  private consumed = false;

  private assertCurrent(): void {
    if (this.consumed) throw new Error(`revision ${this.revision} was advanced; its indexes belong to the next revision`);
  }

  get size(): number {
    return this.byKey.size;
  }

  keysOfFile(file: string): string[] {
    this.assertCurrent();
    return (this.byFile.get(file) ?? []).map((r) => keyOf(r.kind, ownerOf(r), r.name));
  }

  /**
   * Identities whose document differs between `previous` and this revision, given the files that
   * changed: added, removed, or edited (a document moved to another file unchanged is not a change).
   */
  changedKeys(previous: DesiredRevision, files: Iterable<string>): Set<string> {
    this.assertCurrent();
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
