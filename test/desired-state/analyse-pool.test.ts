/**
 * A cold load of many files parses on worker threads. Whatever the number of workers, the verdict
 * and the model are the same as when everything runs on one thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../desired-state/load.js';
import { flipFirstVmState, generateDatacenter } from '../bench/generate-datacenter.js';
import { commitFiles, makeTempDir, removeTempDirs } from '../support/desired-state-repo.js';

afterAll(removeTempDirs);
const saved = process.env.CAIRN_WORKERS;
afterEach(() => {
  if (saved === undefined) delete process.env.CAIRN_WORKERS;
  else process.env.CAIRN_WORKERS = saved;
});

async function loadWith(workers: number, repo: string) {
  process.env.CAIRN_WORKERS = String(workers);
  return loadDesiredState({ repo, stateDir: false });
}

describe('analysis on worker threads', () => {
  it('gives the same errors and resources as one thread, with a broken file among many', async () => {
    const repo = makeTempDir('cairn-pool-');
    await generateDatacenter(
      repo,
      { zones: 1, podsPerZone: 2, clustersPerPod: 2, hostsPerCluster: 3, accounts: 40, networksPerAccount: 2, vmsPerNetwork: 5 },
      { git: 'isomorphic', log: () => {} },
    );
    const vms = path.join(repo, 'tenants/acct-0007/vms.yaml');
    const text = fs.readFileSync(vms, 'utf8');
    await commitFiles(repo, {
      'tenants/acct-0007/vms.yaml': text.replace('serviceOffering:', 'servceOffering:'),
      'tenants/broken.yaml': 'apiVersion: cairn.dev/v1\nkind: Zone\nmetadata: {name: z\n',
    }, 'break two files');

    const one = await loadWith(0, repo);
    const two = await loadWith(2, repo);
    expect(one.stats.files).toBeGreaterThan(64);
    expect(one.valid).toBe(false);
    expect(two.errors).toEqual(one.errors);
    expect(two.stats.documents).toBe(one.stats.documents);
    expect(two.model.resources.map((r) => `${r.kind}/${r.tenant}/${r.name}`)).toEqual(one.model.resources.map((r) => `${r.kind}/${r.tenant}/${r.name}`));
    expect(two.model.resources.map((r) => r.doc)).toEqual(one.model.resources.map((r) => r.doc));
  });

  it('stores what the workers encoded: a later load decodes the same model from the cache', async () => {
    const repo = makeTempDir('cairn-pool-');
    await generateDatacenter(
      repo,
      { zones: 1, podsPerZone: 1, clustersPerPod: 2, hostsPerCluster: 3, accounts: 70, networksPerAccount: 1, vmsPerNetwork: 3 },
      { git: 'isomorphic', log: () => {} },
    );
    const reference = await loadWith(0, repo);
    process.env.CAIRN_WORKERS = '2';
    const stateDir = makeTempDir('cairn-pool-state-');
    const cold = await loadDesiredState({ repo, stateDir });
    expect(cold.stats.parsedFiles).toBeGreaterThan(64);
    // A one-file change re-checks from the blobs the workers stored, and the whole model decodes from them.
    const vms = 'tenants/acct-0003/vms.yaml';
    await commitFiles(repo, { [vms]: flipFirstVmState(fs.readFileSync(path.join(repo, vms), 'utf8')) }, 'stop one');
    const changed = await loadDesiredState({ repo, stateDir });
    expect(changed.stats.parsedFiles).toBe(1);
    expect(changed.valid).toBe(true);
    const key = (r: { kind: string; tenant?: string; name: string }) => `${r.kind}/${r.tenant}/${r.name}`;
    expect(changed.model.resources.map(key)).toEqual(reference.model.resources.map(key));
    const warm = await loadDesiredState({ repo, rev: 'HEAD~1', stateDir });
    expect(warm.stats.revisionCacheHit).toBe(true);
    expect(warm.model.resources.map((r) => r.doc)).toEqual(reference.model.resources.map((r) => r.doc));
  });
});
