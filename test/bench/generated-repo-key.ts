/**
 * What the benchmarks that keep a generated repository (`--reuse`) know of it, and the folder name
 * it is kept under: the data center's dimensions plus a digest of the generator, so that a change
 * to the generator never reuses a repository it would no longer write.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatacenterParams, GitImpl } from './generate-datacenter.js';

const GENERATOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'generate-datacenter.ts');

export interface GeneratedRepoMeta {
  commit: string;
  git: GitImpl;
  bytes: number;
  files: number;
  documents: number;
  generateMs: number;
  params: DatacenterParams;
}

function generatorFingerprint(): string {
  return createHash('sha1').update(fs.readFileSync(GENERATOR)).digest('hex').slice(0, 10);
}

export function generatedRepoKey(p: DatacenterParams): string {
  return `z${p.zones}-p${p.podsPerZone}-c${p.clustersPerPod}-h${p.hostsPerCluster}-a${p.accounts}-n${p.networksPerAccount}-v${p.vmsPerNetwork}-g${generatorFingerprint()}`;
}
