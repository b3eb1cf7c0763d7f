import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RepositoryError } from '../errors/repository-error.js';
import { isDesiredStatePath, type DesiredStateSource, type SourceFile } from './source.js';

/**
 * Uncommitted files of a directory (`--worktree`). Each file's git blob id is computed from its
 * bytes so the same cache serves working trees and revisions.
 */
export async function openWorktreeSource(repo: string): Promise<DesiredStateSource> {
  const root = path.resolve(repo);
  try {
    await fs.access(root);
  } catch (err) {
    throw new RepositoryError(root, 'no such directory', err);
  }
  const paths: string[] = [];
  await walk(root, '', paths);
  paths.sort();
  const contents = new Map<string, Uint8Array>();
  const files: SourceFile[] = [];
  for (const p of paths) {
    const bytes = await fs.readFile(path.join(root, p));
    contents.set(p, bytes);
    files.push({ path: p, oid: gitBlobId(bytes) });
  }
  const treeId = createHash('sha1')
    .update(files.map((f) => `${f.path}\0${f.oid}`).join('\n'))
    .digest('hex');
  return {
    revision: null,
    treeId: `worktree:${treeId}`,
    listFiles: async () => files,
    parentTreeIds: async () => [],
    async read(file) {
      const bytes = contents.get(file.path);
      if (!bytes) throw new RepositoryError(root, `${file.path} vanished while loading`);
      return bytes;
    },
  };
}

export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(root, p, out);
    else if (e.isFile() && isDesiredStatePath(p)) out.push(p);
  }
}
