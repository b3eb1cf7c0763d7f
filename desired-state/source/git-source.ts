import fs from 'node:fs';
import git from 'isomorphic-git';
import { findGitDirs } from './git-dirs.js';
import { resolveRevision } from './resolve-revision.js';
import { isDesiredStatePath, type DesiredStateSource, type SourceFile } from './source.js';

/**
 * A revision read straight from the git object store: the working tree is never touched, so
 * uncommitted edits do not leak into what the controller enforces.
 */
export async function openGitSource(repo: string, rev: string): Promise<DesiredStateSource> {
  const { gitdir } = findGitDirs(repo);
  // One isomorphic-git cache per source: packfile indexes are parsed once, not per object.
  const cache = {};
  const revision = await resolveRevision(gitdir, rev, cache);
  const { commit } = await git.readCommit({ fs, gitdir, oid: revision, cache });
  let listing: Promise<SourceFile[]> | undefined;
  return {
    revision,
    treeId: commit.tree,
    listFiles() {
      listing ??= (async () => {
        const files: SourceFile[] = [];
        await walkTree(gitdir, commit.tree, '', files, cache);
        return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      })();
      return listing;
    },
    async read(file) {
      const { blob } = await git.readBlob({ fs, gitdir, oid: file.oid, cache });
      return blob;
    },
  };
}

async function walkTree(gitdir: string, oid: string, prefix: string, out: SourceFile[], cache: object): Promise<void> {
  const { tree } = await git.readTree({ fs, gitdir, oid, cache });
  const subtrees: Promise<void>[] = [];
  for (const entry of tree) {
    const p = prefix ? `${prefix}/${entry.path}` : entry.path;
    if (entry.type === 'tree') {
      if (entry.path.startsWith('.') || entry.path === 'node_modules') continue;
      subtrees.push(walkTree(gitdir, entry.oid, p, out, cache));
    } else if (entry.type === 'blob' && isDesiredStatePath(p)) {
      out.push({ path: p, oid: entry.oid });
    }
  }
  await Promise.all(subtrees);
}
