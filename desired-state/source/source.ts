/** Where desired-state files come from: a git revision or a working tree. */
export interface SourceFile {
  /** Path relative to the repository root, forward slashes. */
  path: string;
  /** Git blob id of the content (computed for working-tree files), the cache key. */
  oid: string;
}

export interface DesiredStateSource {
  /** Commit id, or null for a working tree. */
  readonly revision: string | null;
  /** Identity of the whole file set (git tree id, or a digest of all blob ids), for the revision cache. */
  readonly treeId: string;
  /** Tree ids of the revision's parents (none for a working tree): where an incremental check starts. */
  parentTreeIds(): Promise<string[]>;
  /** The desired-state files, sorted by path; listed on first call (a revision-cache hit never needs it). */
  listFiles(): Promise<readonly SourceFile[]>;
  read(file: SourceFile): Promise<Uint8Array>;
}

/** Only YAML files outside dot-folders are desired state (`.github/`, `.cairn/` and the like are not). */
export function isDesiredStatePath(path: string): boolean {
  if (!/\.ya?ml$/i.test(path)) return false;
  return !path.split('/').some((seg) => seg.startsWith('.') || seg === 'node_modules');
}
