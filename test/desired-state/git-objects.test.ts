/**
 * Blobs are read from loose objects with node's zlib and from packfiles with isomorphic-git; both
 * give the same revision. A damaged object is an error naming it, never a wrong document.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import git from 'isomorphic-git';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../desired-state/load.js';
import { readLooseBlob } from '../../desired-state/source/loose-object.js';
import { exampleFiles, makeRepo, makeTempDir, removeTempDirs } from '../support/desired-state-repo.js';

afterAll(removeTempDirs);

function looseObjects(gitdir: string): string[] {
  const out: string[] = [];
  const root = path.join(gitdir, 'objects');
  for (const d of fs.readdirSync(root)) {
    if (!/^[0-9a-f]{2}$/.test(d)) continue;
    for (const f of fs.readdirSync(path.join(root, d))) out.push(d + f);
  }
  return out;
}

/** Moves every loose object into one packfile, as `git gc` or a clone leaves a repository. */
async function packEverything(dir: string): Promise<void> {
  const gitdir = path.join(dir, '.git');
  const oids = looseObjects(gitdir);
  const { filename } = await git.packObjects({ fs, dir, oids, write: true });
  await git.indexPack({ fs, dir, filepath: path.join('.git', 'objects', 'pack', filename) });
  for (const oid of oids) fs.rmSync(path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
}

async function blobOid(dir: string, filepath: string): Promise<string> {
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  return (await git.readBlob({ fs, dir, oid: head, filepath })).oid;
}

describe('reading blobs from the git object store', () => {
  it('reads a loose blob byte for byte', async () => {
    const files = exampleFiles();
    const repo = await makeRepo(files);
    const [name, text] = Object.entries(files)[0]!;
    const bytes = readLooseBlob(path.join(repo, '.git'), await blobOid(repo, name));
    expect(Buffer.from(bytes!).toString('utf8')).toBe(text);
  });

  it('returns nothing for an object that is not loose, and the loader reads it from the pack', async () => {
    const repo = await makeRepo(exampleFiles());
    const loose = await loadDesiredState({ repo, stateDir: false });
    const oid = await blobOid(repo, Object.keys(exampleFiles())[0]!);
    await packEverything(repo);
    expect(looseObjects(path.join(repo, '.git'))).toEqual([]);
    expect(readLooseBlob(path.join(repo, '.git'), oid)).toBeUndefined();
    const packed = await loadDesiredState({ repo, stateDir: false });
    expect(packed.valid).toBe(true);
    expect(packed.stats.documents).toBe(loose.stats.documents);
    expect(packed.model.resources.map((r) => r.doc)).toEqual(loose.model.resources.map((r) => r.doc));
  });

  it('refuses an object whose size does not match its header', async () => {
    const files = exampleFiles();
    const repo = await makeRepo(files);
    const oid = await blobOid(repo, Object.keys(files)[0]!);
    const file = path.join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, zlib.deflateSync(Buffer.from('blob 999\0short')));
    expect(() => readLooseBlob(path.join(repo, '.git'), oid)).toThrow(/corrupt \(size 5, header says 999\)/);
    await expect(loadDesiredState({ repo, stateDir: false })).rejects.toMatchObject({ code: 'REPOSITORY_UNREADABLE' });
  });

  it('refuses an object that is not a blob', async () => {
    const repo = await makeRepo(exampleFiles());
    const commit = await git.resolveRef({ fs, dir: repo, ref: 'HEAD' });
    expect(() => readLooseBlob(path.join(repo, '.git'), commit)).toThrow(/is a commit, not a blob/);
  });

  it('refuses an object that is not zlib data', async () => {
    const files = exampleFiles();
    const repo = await makeRepo(files);
    const oid = await blobOid(repo, Object.keys(files)[0]!);
    const file = path.join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, 'not deflated');
    const state = makeTempDir();
    await expect(loadDesiredState({ repo, stateDir: state })).rejects.toMatchObject({ code: 'REPOSITORY_UNREADABLE' });
  });
});
