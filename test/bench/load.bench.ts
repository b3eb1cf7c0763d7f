/**
 * The `load` benchmark: how long cairn takes to load a CloudStack-size data center from git,
 * cold (empty state dir), warm (same revision again) and after a one-file commit, against a
 * floor (plain js-yaml over the same files). Each phase runs in a fresh child process so that
 * its peak RSS is measured on its own.
 *
 *   npm run bench -- load [--scale 0.01] [--reuse] [--with-yaml-pkg] [--git cli|isomorphic]
 *                         [--heap MiB] [--keep] [--zones N --podsPerZone N ... --vmsPerNetwork N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FULL_SIZE,
  changeTargetPath,
  chooseGit,
  commitFile,
  expectedCounts,
  flipFirstVmState,
  generateDatacenter,
  headCommit,
  renderFile,
  resetTo,
  scaleParams,
  type DatacenterParams,
  type GitImpl,
} from './generate-datacenter.js';
import { generatedRepoKey, type GeneratedRepoMeta } from './generated-repo-key.js';
import { runPhaseProcess } from './phase-process.js';
import type { PhaseOutput } from './load-phase.js';

export const description =
  'load a generated CloudStack-size data center (25k hosts, 250k VMs): js-yaml floor, cold, warm, one-file change';

export const usage = `npm run bench -- load [options]
  --scale F          multiply accounts and clusters per pod (e.g. 0.01 for a quick run); default 1
  --reuse            keep the generated repository under ${path.join(os.tmpdir(), 'cairn-bench-load')} and reuse it
  --with-yaml-pkg    also time the yaml package's parseAllDocuments (slow)
  --git cli|isomorphic  how to commit (default: git CLI when on PATH; env CAIRN_BENCH_GIT)
  --heap MiB         --max-old-space-size for the phase processes
  --keep             do not delete the temporary repository and state dir
  --zones N --podsPerZone N --clustersPerPod N --hostsPerCluster N
  --accounts N --networksPerAccount N --vmsPerNetwork N   override one dimension (after --scale)`;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PHASE_SCRIPT = path.join(HERE, 'load-phase.ts');
const LOADER = path.join(ROOT, 'desired-state', 'load.ts');

interface Options {
  params: DatacenterParams;
  scale: number;
  reuse: boolean;
  withYamlPkg: boolean;
  git?: GitImpl;
  heapMiB?: number;
  keep: boolean;
}

const PARAM_KEYS = Object.keys(FULL_SIZE) as (keyof DatacenterParams)[];

export function parseOptions(args: string[]): Options {
  let scale = 1;
  let reuse = false;
  let withYamlPkg = false;
  let keep = false;
  let gitImpl: GitImpl | undefined;
  let heapMiB: number | undefined;
  const overrides: Partial<DatacenterParams> = {};
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    const num = (): number => {
      const raw = take();
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${flag}: not a number: ${raw}`);
      return n;
    };
    if (flag === '--scale') scale = num();
    else if (flag === '--reuse') reuse = true;
    else if (flag === '--with-yaml-pkg') withYamlPkg = true;
    else if (flag === '--keep') keep = true;
    else if (flag === '--heap') heapMiB = num();
    else if (flag === '--git') {
      const g = take();
      if (g !== 'cli' && g !== 'isomorphic') throw new Error(`--git must be cli or isomorphic, got ${g}`);
      gitImpl = g;
    } else if (flag.startsWith('--') && (PARAM_KEYS as string[]).includes(flag.slice(2))) {
      overrides[flag.slice(2) as keyof DatacenterParams] = num();
    } else throw new Error(`unknown option: ${a}\n${usage}`);
  }
  const params = { ...scaleParams(FULL_SIZE, scale), ...overrides };
  return { params, scale, reuse, withYamlPkg, git: gitImpl, heapMiB, keep };
}

function log(line: string): void {
  process.stderr.write(`[load] ${line}\n`);
}

/** Run one phase in a fresh node process; its last stdout line is its JSON result. */
function runPhase(args: string[], heapMiB: number | undefined): Promise<PhaseOutput> {
  const nodeArgs = ['--import', 'tsx', ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : []), PHASE_SCRIPT, ...args];
  return runPhaseProcess<PhaseOutput>(nodeArgs, ROOT, args[0]!);
}

/** A repository holding the generated data center at its single generated commit. */
async function prepareRepo(opts: Options): Promise<{ repo: string; meta: GeneratedRepoMeta; generated: boolean; temp: string | null }> {
  const p = opts.params;
  if (opts.reuse) {
    const base = path.join(os.tmpdir(), 'cairn-bench-load', generatedRepoKey(p));
    const repo = path.join(base, 'repo');
    const metaFile = path.join(base, 'meta.json');
    if (fs.existsSync(metaFile) && fs.existsSync(path.join(repo, '.git'))) {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as GeneratedRepoMeta;
      // An earlier run committed its one-file change on top: go back to the generated commit.
      if ((await headCommit(repo, meta.git)) !== meta.commit) {
        const target = changeTargetPath(p);
        await resetTo(repo, meta.commit, target, renderFile(p, target), meta.git);
        log(`reuse: reset ${repo} to ${meta.commit.slice(0, 12)}`);
      }
      log(`reuse: ${repo} (${meta.files} files, ${meta.documents} documents, ${(meta.bytes / 1048576).toFixed(1)} MiB)`);
      return { repo, meta, generated: false, temp: null };
    }
    fs.rmSync(base, { recursive: true, force: true });
    const r = await generateDatacenter(repo, p, { git: opts.git, log });
    const meta: GeneratedRepoMeta = { commit: r.commit, git: r.git, bytes: r.bytes, files: r.files, documents: r.documents, generateMs: r.ms, params: p };
    fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    return { repo, meta, generated: true, temp: null };
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-load-'));
  const repo = path.join(temp, 'repo');
  const r = await generateDatacenter(repo, p, { git: opts.git, log });
  const meta: GeneratedRepoMeta = { commit: r.commit, git: r.git, bytes: r.bytes, files: r.files, documents: r.documents, generateMs: r.ms, params: p };
  return { repo, meta, generated: true, temp };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

function describe(label: string, r: PhaseOutput): void {
  const extra =
    r.phase === 'load'
      ? `, valid=${r.valid}, errors=${r.errors}, parsedFiles=${r.parsedFiles}, revisionCacheHit=${r.revisionCacheHit}, import ${Math.round(r.importMs ?? 0)} ms`
      : '';
  log(`${label}: ${round1(r.ms)} ms, peak RSS ${r.maxRssMiB} MiB, ${r.files} files, ${r.documents} documents${extra}`);
  for (const e of r.firstErrors ?? []) log(`  ${e}`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const opts = parseOptions(args);
  const p = opts.params;
  const expected = expectedCounts(p);
  log(`params ${JSON.stringify(p)}: expect ${expected.files} files, ${expected.documents} documents`);
  if (!opts.git) opts.git = chooseGit();

  const { repo, meta, generated, temp } = await prepareRepo(opts);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-load-state-'));
  try {
    log('floor: js-yaml loadAll over every file, one thread');
    const floor = await runPhase(['floor', repo], opts.heapMiB);
    describe('floor', floor);

    let yamlPkg: PhaseOutput | null = null;
    if (opts.withYamlPkg) {
      log('yaml-pkg: yaml parseAllDocuments over every file');
      yamlPkg = await runPhase(['yaml-pkg', repo], opts.heapMiB);
      describe('yaml-pkg', yamlPkg);
    }

    let cold: PhaseOutput | null = null;
    let warm: PhaseOutput | null = null;
    let oneFile: PhaseOutput | null = null;
    if (!fs.existsSync(LOADER)) {
      log(`no loader at ${path.relative(ROOT, LOADER)} yet: skipping cold, warm and one-file change`);
    } else {
      log(`cold: loadDesiredState HEAD with an empty state dir ${stateDir}`);
      cold = await runPhase(['load', repo, stateDir, 'HEAD'], opts.heapMiB);
      describe('cold', cold);
      if (cold.documents !== meta.documents) log(`WARNING: loader saw ${cold.documents} documents, generator wrote ${meta.documents}`);

      log('warm: the same revision again, same state dir');
      warm = await runPhase(['load', repo, stateDir, 'HEAD'], opts.heapMiB);
      describe('warm', warm);

      const target = changeTargetPath(p);
      const abs = path.join(repo, target);
      fs.writeFileSync(abs, flipFirstVmState(fs.readFileSync(abs, 'utf8')));
      const commit = await commitFile(repo, target, `bench: flip one VM's state in ${target}`, meta.git);
      log(`one-file change: committed ${commit.slice(0, 12)} editing ${target}`);
      oneFile = await runPhase(['load', repo, stateDir, 'HEAD'], opts.heapMiB);
      describe('one-file change', oneFile);
    }

    const loads = [cold, warm, oneFile].filter((r): r is PhaseOutput => r !== null);
    const result = {
      bench: 'load',
      bytes: meta.bytes,
      files: meta.files,
      documents: meta.documents,
      floorJsYamlMs: round1(floor.ms),
      yamlPkgMs: yamlPkg ? round1(yamlPkg.ms) : null,
      coldMs: cold ? round1(cold.ms) : null,
      warmMs: warm ? round1(warm.ms) : null,
      oneFileChangeMs: oneFile ? round1(oneFile.ms) : null,
      peakRssMiB: {
        floor: floor.maxRssMiB,
        ...(yamlPkg ? { yamlPkg: yamlPkg.maxRssMiB } : {}),
        cold: cold?.maxRssMiB ?? null,
        warm: warm?.maxRssMiB ?? null,
        oneFile: oneFile?.maxRssMiB ?? null,
      },
      valid: loads.length === 3 && loads.every((r) => r.valid === true),
      errors: cold?.errors ?? null,
      targets: {
        coldVsFloor: ratio(cold?.ms ?? null, floor.ms),
        warmVsCold: ratio(warm?.ms ?? null, cold?.ms ?? null),
        oneFileVsCold: ratio(oneFile?.ms ?? null, cold?.ms ?? null),
      },
      generateMs: generated ? Math.round(meta.generateMs) : null,
      params: { ...p, scale: opts.scale, git: meta.git, reuse: opts.reuse, heapMiB: opts.heapMiB ?? null },
    };
    return result;
  } finally {
    if (opts.keep) log(`kept repository ${repo} and state dir ${stateDir}`);
    else {
      fs.rmSync(stateDir, { recursive: true, force: true });
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    }
  }
}
