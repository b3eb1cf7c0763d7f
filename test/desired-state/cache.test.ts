/**
 * The loader's cache in the state folder: an unchanged revision is answered from the cache with the
 * same verdict; a commit that changes one file parses that one file; cross-document errors (whose
 * positions may be in files that did not change) are recomputed, never served stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../desired-state/load.js';
import type { LoadResult } from '../../desired-state/model.js';
import {
  commitFiles, exampleFiles, examplePositionOf, exampleWith, lines, makeRepo, makeTempDir, positionOf, removeTempDirs, writeFiles,
} from '../support/desired-state-repo.js';
import { expectIssues, expectOneIssue } from '../support/expect-issues.js';

afterAll(removeTempDirs);

const VMS = 'tenants/acme/vms.yaml';
const names = (r: LoadResult) => r.model.resources.map((x) => `${x.kind}/${x.tenant ?? ''}/${x.name}@${x.source.file}#${x.source.docIndex}`);

describe('the revision cache', () => {
  it('answers a second load of the same revision from the cache, with the same errors and model', async () => {
    const files = exampleWith(VMS, '  serviceOffering: large-ssd', '  servceOffering: large-ssd');
    const repo = await makeRepo(files);
    const stateDir = makeTempDir();
    const first = await loadDesiredState({ repo, stateDir });
    expect(first.stats).toMatchObject({ revisionCacheHit: false, parsedFiles: 5, files: 5 });
    expectOneIssue(first, { file: VMS, ...positionOf(files[VMS]!, 'servceOffering'), rule: 'schema.unknown-field' });

    const second = await loadDesiredState({ repo, stateDir });
    expect(second.stats).toMatchObject({ revisionCacheHit: true, parsedFiles: 0, files: 5, documents: first.stats.documents, bytes: first.stats.bytes });
    expect(second.errors).toEqual(first.errors);
    expect(second.valid).toBe(false);
    expect(second.model.revision).toBe(first.model.revision);
    expect(names(second)).toEqual(names(first));
    expect(second.model.resources.find((r) => r.name === 'web-1')?.doc).toEqual(first.model.resources.find((r) => r.name === 'web-1')?.doc);
  });

  it('is kept in the state folder, which ignores itself', async () => {
    const repo = await makeRepo(exampleFiles());
    const stateDir = path.join(makeTempDir(), 'state');
    await loadDesiredState({ repo, stateDir });
    expect(fs.readFileSync(path.join(stateDir, '.gitignore'), 'utf8')).toBe('*\n');
  });

  it('parses only the changed file of a new commit, and agrees with an uncached load', async () => {
    const repo = await makeRepo(exampleFiles());
    const stateDir = makeTempDir();
    expect((await loadDesiredState({ repo, stateDir })).stats.parsedFiles).toBe(5);
    const edited = exampleWith('tenants/acme/network.yaml', 'cidr: 10.1.1.0/24', 'cidr: 10.1.1.0/33');
    await commitFiles(repo, { 'tenants/acme/network.yaml': edited['tenants/acme/network.yaml']! }, 'a bad cidr');

    const cached = await loadDesiredState({ repo, stateDir });
    expect(cached.stats).toMatchObject({ revisionCacheHit: false, parsedFiles: 1 });
    expectOneIssue(cached, { file: 'tenants/acme/network.yaml', ...positionOf(edited['tenants/acme/network.yaml']!, '10.1.1.0/33'), rule: 'schema.format' });
    const uncached = await loadDesiredState({ repo, stateDir: false });
    expect(cached.errors).toEqual(uncached.errors);
    expect(names(cached)).toEqual(names(uncached));

    // The previous revision is still in the cache.
    const previous = await loadDesiredState({ repo, rev: 'HEAD~1', stateDir });
    expect(previous.stats.revisionCacheHit).toBe(true);
    expectIssues(previous, []);
  });

  it('recomputes cross-document errors whose related position moved in a changed file', async () => {
    const dup = 'catalog/storage-offerings.yaml';
    const files: Record<string, string> = { ...exampleFiles(), [dup]: lines('apiVersion: cairn.dev/v1', 'kind: DiskOffering', 'metadata:', '  name: data-50', 'spec: { sizeGiB: 100 }') };
    const repo = await makeRepo(files);
    const stateDir = makeTempDir();
    const first = examplePositionOf('catalog/offerings.yaml', 'data-50');
    expectOneIssue(await loadDesiredState({ repo, stateDir }), {
      file: dup, line: 4, column: 9, rule: 'identity.duplicate', message: `the first is at catalog/offerings.yaml:${first.line}:${first.column}`,
    });

    // Two lines added on top of the file holding the first declaration; the duplicate's file is unchanged.
    await commitFiles(repo, { 'catalog/offerings.yaml': `# Offerings\n# of the catalog\n${files['catalog/offerings.yaml']}` }, 'a header');
    const after = await loadDesiredState({ repo, stateDir });
    expect(after.stats).toMatchObject({ revisionCacheHit: false, parsedFiles: 1 });
    expectOneIssue(after, {
      file: dup, line: 4, column: 9, rule: 'identity.duplicate', message: `the first is at catalog/offerings.yaml:${first.line + 2}:${first.column}`,
    });
  });

  it('reports an error of a blob shared by two paths under each path', async () => {
    const bad = lines('apiVersion: cairn.dev/v1', 'kind: DiskOffering', 'metadata: { name: d1 }', 'spec: { sizeGiB: -1 }');
    const repo = await makeRepo({ ...exampleFiles(), 'catalog/a.yaml': bad, 'catalog/b.yaml': bad.replace('d1', 'd2') });
    await commitFiles(repo, { 'catalog/b.yaml': bad }, 'same bytes twice');
    const stateDir = makeTempDir();
    for (const expectedHit of [false, true]) {
      const result = await loadDesiredState({ repo, stateDir });
      expect(result.stats.revisionCacheHit).toBe(expectedHit);
      expectIssues(result, [
        { file: 'catalog/a.yaml', line: 4, column: 18, rule: 'schema.minimum' },
        { file: 'catalog/b.yaml', line: 3, column: 19, rule: 'identity.duplicate', message: 'the first is at catalog/a.yaml:3:19' },
        { file: 'catalog/b.yaml', line: 4, column: 18, rule: 'schema.minimum' },
      ]);
    }
  });

  it('serves working trees too: the same files are a cache hit, an edited file is parsed again', async () => {
    const dir = makeTempDir();
    writeFiles(dir, exampleFiles());
    const stateDir = makeTempDir();
    expect((await loadDesiredState({ repo: dir, worktree: true, stateDir })).stats).toMatchObject({ revisionCacheHit: false, parsedFiles: 5 });
    expect((await loadDesiredState({ repo: dir, worktree: true, stateDir })).stats).toMatchObject({ revisionCacheHit: true, parsedFiles: 0 });
    writeFiles(dir, { [VMS]: exampleFiles()[VMS]!.replace('rootDiskGiB: 10', 'rootDiskGiB: 0') });
    const edited = await loadDesiredState({ repo: dir, worktree: true, stateDir });
    expect(edited.stats).toMatchObject({ revisionCacheHit: false, parsedFiles: 1 });
    expectOneIssue(edited, { file: VMS, ...positionOf(exampleFiles()[VMS]!, '10\n'), rule: 'schema.minimum' });
  });
});
