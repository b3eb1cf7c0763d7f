import fs from 'node:fs';
import git from 'isomorphic-git';
import { findGitDirs } from './git-dirs.js';
import { readLooseBlob } from './loose-object.js';
import { resolveRevision } from './resolve-revision.js';
import { isDesiredStatePath, type DesiredStateSource, type SourceFile } from './source.js';

/**
 * Remembers, per git tree id, the desired-state files below that tree. Trees are immutable, so a
 * commit that changes one file re-reads only the trees on that file's path.
 */
export interface TreeListingCache {
  get(treeOid: string): [path: string, oid: string][] | undefined;
  put(treeOid: string, files: [path: string, oid: string][]): void;
}

/**
 * A revision read straight from the git object store: the working tree is never touched, so
 * uncommitted edits do not leak into what the controller enforces.
 */
export async function openGitSource(repo: string, rev: string, listings?: TreeListingCache): Promise<DesiredStateSource> {
  const { gitdir } = findGitDirs(repo);
  // One isomorphic-git cache per source: packfile indexes are parsed once, not per object.
  const cache = {};
  const revision = await resolveRevision(gitdir, rev, cache);
  const { commit } = await git.readCommit({ fs, gitdir, oid: revision, cache });
  let listing: Promise<SourceFile[]> | undefined;
  return {
    revision,
    treeId: commit.tree,
    parentTreeIds: async () => {
      const out: string[] = [];
      for (const p of commit.parent) {
        try {
          out.push((await git.readCommit({ fs, gitdir, oid: p, cache })).commit.tree);
        } catch {
          // A shallow clone lacks its parents: nothing to compare against, which is fine.
        }
      }
      return out;
    },
    listFiles() {
      listing ??= listTree(gitdir, commit.tree, cache, listings).then((files) =>
        files.map(([path, oid]) => ({ path, oid })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      );
      return listing;
    },
    async read(file) {
      const loose = readLooseBlob(gitdir, file.oid);
      if (loose) return loose;
      const { blob } = await git.readBlob({ fs, gitdir, oid: file.oid, cache });
      return blob;
    },
  };
}

async function listTree(gitdir: string, oid: string, cache: object, listings?: TreeListingCache): Promise<[string, string][]> {
  const known = listings?.get(oid);
  if (known) return known;
  const { tree } = await git.readTree({ fs, gitdir, oid, cache });
  const out: [string, string][] = [];
  const subtrees: Promise<void>[] = [];
  for (const entry of tree) {
    if (entry.type === 'tree') {
      if (entry.path.startsWith('.') || entry.path === 'node_modules') continue;
      subtrees.push(
        listTree(gitdir, entry.oid, cache, listings).then((files) => {
          for (const [p, o] of files) out.push([`${entry.path}/${p}`, o]);
        }),
      );
    } else if (entry.type === 'blob' && isDesiredStatePath(entry.path)) {
      out.push([entry.path, entry.oid]);
    }
  }
  await Promise.all(subtrees);
  listings?.put(oid, out);
  return out;
}
