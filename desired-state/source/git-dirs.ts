import fs from 'node:fs';
import path from 'node:path';
import { RepositoryError } from '../errors/repository-error.js';

export interface GitDirs {
  /** Working tree, or undefined for a bare repository. */
  dir?: string;
  gitdir: string;
}

/** Finds the git directory for `repo`: `repo/.git`, or `repo` itself when it is bare. */
export function findGitDirs(repo: string): GitDirs {
  const abs = path.resolve(repo);
  if (!fs.existsSync(abs)) throw new RepositoryError(abs, 'no such directory');
  const dotGit = path.join(abs, '.git');
  if (fs.existsSync(dotGit)) {
    if (fs.statSync(dotGit).isFile()) {
      // A linked worktree or submodule: `.git` holds "gitdir: <path>".
      const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
      if (m) return { dir: abs, gitdir: path.resolve(abs, m[1]!) };
    }
    return { dir: abs, gitdir: dotGit };
  }
  if (fs.existsSync(path.join(abs, 'HEAD')) && fs.existsSync(path.join(abs, 'objects'))) return { gitdir: abs };
  throw new RepositoryError(abs, 'not a git repository (no .git folder); use --worktree to read plain files');
}
