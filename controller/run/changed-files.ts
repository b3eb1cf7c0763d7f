import fs from 'node:fs';
import git from 'isomorphic-git';

/**
 * Paths of the files that differ between two commits (added, removed or modified). Both trees are
 * read side by side and a subtree with the same id on both sides is never opened: a one-file
 * commit in a data center of thousands of files reads the handful of trees on that file's path.
 * (isomorphic-git's walk visits every entry of every tree it opens, which cost hundreds of
 * milliseconds per commit on a folder of 1,000 tenants.)
 */
export async function changedFiles(gitdir: string, from: string, to: string, cache: object): Promise<string[]> {
  const [a, b] = await Promise.all([from, to].map(async (oid) => (await git.readCommit({ fs, gitdir, oid, cache })).commit.tree));
  const out: string[] = [];
  await diffTrees(gitdir, a, b, '', out, cache);
  return out.sort();
}

type Entry = { mode: string; oid: string; type: string };

async function entries(gitdir: string, oid: string | undefined, cache: object): Promise<Map<string, Entry>> {
  if (oid === undefined) return new Map();
  const { tree } = await git.readTree({ fs, gitdir, oid, cache });
  return new Map(tree.map((e) => [e.path, e] as const));
}

async function diffTrees(gitdir: string, a: string | undefined, b: string | undefined, prefix: string, out: string[], cache: object): Promise<void> {
  const [ea, eb] = await Promise.all([entries(gitdir, a, cache), entries(gitdir, b, cache)]);
  for (const name of new Set([...ea.keys(), ...eb.keys()])) {
    const x = ea.get(name);
    const y = eb.get(name);
    if (x && y && x.oid === y.oid && x.mode === y.mode) continue;
    const path = prefix + name;
    const xTree = x?.type === 'tree' ? x.oid : undefined;
    const yTree = y?.type === 'tree' ? y.oid : undefined;
    if (xTree !== undefined || yTree !== undefined) await diffTrees(gitdir, xTree, yTree, `${path}/`, out, cache);
    // A blob on either side (a file, or a file that became a folder or the reverse).
    if ((x && x.type !== 'tree') || (y && y.type !== 'tree')) out.push(path);
  }
}
