import fs from 'node:fs';
import git from 'isomorphic-git';
import { RevisionNotFoundError } from '../errors/revision-not-found-error.js';

/**
 * Resolves a revision expression to a commit id: a ref (`HEAD`, `main`, `refs/tags/v1`), a full or
 * abbreviated commit id, followed by any number of `~n`, `~` and `^` / `^n` suffixes, as git does.
 */
export async function resolveRevision(gitdir: string, rev: string, cache: object): Promise<string> {
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev.trim());
  const base = m?.[1] ?? '';
  const suffix = m?.[2] ?? '';
  if (!base) throw new RevisionNotFoundError(rev);
  let oid: string;
  try {
    oid = await resolveBase(gitdir, base);
  } catch (err) {
    if (base === 'HEAD' && !(await hasAnyCommit(gitdir))) throw new RevisionNotFoundError(rev, err, 'the repository has no commits yet: commit your YAML first (or validate it with --worktree)');
    throw new RevisionNotFoundError(rev, err);
  }
  for (const step of suffix.match(/[~^]\d*/g) ?? []) {
    const op = step[0];
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (op === '~') {
      for (let i = 0; i < n; i++) oid = await parent(gitdir, oid, 0, rev, cache);
    } else if (n > 0) {
      oid = await parent(gitdir, oid, n - 1, rev, cache);
    }
  }
  return oid;
}

async function resolveBase(gitdir: string, base: string): Promise<string> {
  try {
    const oid = await git.resolveRef({ fs, gitdir, ref: base });
    return await peelToCommit(gitdir, oid);
  } catch (refErr) {
    if (/^[0-9a-f]{4,40}$/i.test(base)) {
      const oid = await git.expandOid({ fs, gitdir, oid: base.toLowerCase() });
      return await peelToCommit(gitdir, oid);
    }
    throw refErr;
  }
}

/** Annotated tags point at a tag object; follow it to the commit. */
async function peelToCommit(gitdir: string, oid: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const obj = await git.readObject({ fs, gitdir, oid });
    if (obj.type === 'commit') return oid;
    if (obj.type === 'tag') {
      const tag = await git.readTag({ fs, gitdir, oid });
      oid = tag.tag.object;
      continue;
    }
    throw new Error(`${oid} is a ${obj.type}, not a commit`);
  }
  throw new Error(`${oid}: tag chain too long`);
}

async function parent(gitdir: string, oid: string, index: number, rev: string, cache: object): Promise<string> {
  const { commit } = await git.readCommit({ fs, gitdir, oid, cache });
  const p = commit.parent[index];
  if (!p) throw new RevisionNotFoundError(rev);
  return p;
}

async function hasAnyCommit(gitdir: string): Promise<boolean> {
  try {
    return (await git.log({ fs, gitdir, depth: 1 })).length > 0;
  } catch {
    return false;
  }
}
