import fs from 'node:fs';
import git, { TREE } from 'isomorphic-git';

/**
 * Paths of the files that differ between two commits (added, removed or modified), found by
 * walking both trees side by side and skipping every subtree whose id is the same on both sides:
 * a one-file commit in a data center of thousands of files reads a handful of tree objects.
 */
export async function changedFiles(gitdir: string, from: string, to: string, cache: object): Promise<string[]> {
  const out: string[] = [];
  await git.walk({
    fs,
    gitdir,
    cache,
    trees: [TREE({ ref: from }), TREE({ ref: to })],
    map: async (filepath, entries) => {
      const [a, b] = entries;
      const [oa, ob] = await Promise.all([a?.oid(), b?.oid()]);
      if (filepath !== '.' && oa === ob) return null; // the same subtree or blob: nothing below differs
      const [ta, tb] = await Promise.all([a?.type(), b?.type()]);
      if (ta === 'blob' || tb === 'blob') out.push(filepath);
      return true;
    },
  });
  return out.sort();
}
