import fs from 'node:fs';
import git from 'isomorphic-git';
import { analyseFile } from '../../desired-state/analyse-file.js';
import type { Resource } from '../../desired-state/model.js';
import { isDesiredStatePath } from '../../desired-state/source/source.js';
import { schemaRegistry } from '../../desired-state/validate/schema-registry.js';

/**
 * The resources of the desired-state files a commit changed, read from the commit's tree and
 * analysed by the loader's own per-file function (analyse-file.ts), as the loader turns documents
 * into resources. Only called on a revision the loader has just found valid, so every document
 * here has a kind and a name. A removed file maps to no resources; files that are not desired
 * state (a README, a `.github/` workflow) are left out.
 */
export async function resourcesOfFiles(gitdir: string, commit: string, files: readonly string[], cache: object): Promise<Map<string, Resource[]>> {
  const out = new Map<string, Resource[]>();
  for (const file of files) {
    if (!isDesiredStatePath(file)) continue;
    let blob: Uint8Array;
    try {
      blob = (await git.readBlob({ fs, gitdir, oid: commit, filepath: file, cache })).blob;
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFoundError') {
        out.set(file, []);
        continue;
      }
      throw error;
    }
    const resources: Resource[] = [];
    for (const d of analyseFile(blob, schemaRegistry()).docs) {
      if (!d.kind || typeof d.name !== 'string') continue;
      resources.push({
        kind: d.kind, name: d.name, tenant: d.tenant, tenantType: d.tenantType,
        source: { file, docIndex: d.index }, doc: d.value as Resource['doc'],
      });
    }
    out.set(file, resources);
  }
  return out;
}
