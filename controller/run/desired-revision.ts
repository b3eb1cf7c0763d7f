import type { DesiredModel, Resource } from '../../desired-state/model.js';
import { keyOf, ownerOf } from '../../reconcilers/identity.js';

/** A valid revision held by the controller: its resources by identity and by file. */
export class DesiredRevision {
  readonly byKey = new Map<string, Resource>();
  private readonly byFile = new Map<string, string[]>();

  constructor(readonly revision: string, readonly model: DesiredModel) {
    for (const r of model.resources) {
      const key = keyOf(r.kind, ownerOf(r), r.name);
      if (this.byKey.has(key)) continue; // a duplicate identity never reaches here (invalid revision)
      this.byKey.set(key, r);
      let list = this.byFile.get(r.source.file);
      if (!list) this.byFile.set(r.source.file, (list = []));
      list.push(key);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  keysOfFile(file: string): readonly string[] {
    return this.byFile.get(file) ?? [];
  }

  /**
   * Identities whose document differs between `previous` and this revision, given the files that
   * changed: added, removed, or edited (a document moved to another file unchanged is not a change).
   */
  changedKeys(previous: DesiredRevision, files: readonly string[]): Set<string> {
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

/** `Kind/owner/name` → its parts (names and owner keys hold no slash). */
export function splitKey(key: string): { kind: string; owner: string; name: string } {
  const a = key.indexOf('/');
  const b = key.lastIndexOf('/');
  return { kind: key.slice(0, a), owner: key.slice(a + 1, b), name: key.slice(b + 1) };
}
