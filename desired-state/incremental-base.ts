import type { BlobMeta, DesiredStateCache, RevisionEntry } from './cache/desired-state-cache.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';

/** A previously checked revision, and which tenants' declarations differ from it. */
export interface IncrementalPlan {
  base: RevisionEntry;
  /** Paths added, removed or modified since the base. */
  changed: Set<string>;
  /** Tenant scopes (`account:NAME`, `project:NAME`) with a changed document, before or after. */
  affected: Set<string>;
}

/**
 * Decides whether a revision can be checked incrementally: against the verdict on its parent (or,
 * failing that, on the last tree checked), when the change touches tenants' documents only. Any
 * change to a global document (a zone, an offering, an account...) or to a Shared network, which
 * every tenant may reference, means a full check: such changes can affect everyone, and they are
 * rare next to the daily flow of VMs and rules.
 */
export async function planIncremental(
  source: DesiredStateSource,
  files: readonly SourceFile[],
  metaOf: (file: SourceFile) => BlobMeta,
  cache: DesiredStateCache,
): Promise<IncrementalPlan | undefined> {
  const candidates = [...(await source.parentTreeIds()), cache.getLastTree()].filter((t): t is string => !!t && t !== source.treeId);
  let base: RevisionEntry | undefined;
  for (const t of candidates) {
    base = cache.getRevision(t);
    if (base) break;
  }
  if (!base || base.shared) return undefined;

  const before = new Map(base.files);
  const after = new Map(files.map((f) => [f.path, f] as const));
  const changed = new Set<string>();
  const affected = new Set<string>();
  const touch = (meta: BlobMeta | undefined): boolean => {
    if (!meta || meta.shared || meta.scopes.includes('')) return false;
    for (const s of meta.scopes) affected.add(s);
    return true;
  };
  for (const [path, oid] of before) {
    const now = after.get(path);
    if (now?.oid === oid) continue;
    changed.add(path);
    if (!touch(cache.getBlobMeta(oid))) return undefined;
    if (now && !touch(metaOf(now))) return undefined;
  }
  for (const [path, f] of after) {
    if (before.has(path)) continue;
    changed.add(path);
    if (!touch(metaOf(f))) return undefined;
  }
  return { base, changed, affected };
}
