/**
 * The `controller` benchmark: the reconcile loop of `cairn run` on the generated CloudStack-size data
 * center (generate-datacenter.ts, as the load and apply benchmarks), simulator latency 0.
 *
 * 1. prepare (fresh process): the data center applied to an empty world, so the world matches git.
 * 2. controller (fresh process, --expose-gc): start-up, idle RSS, no-drift resyncs, then N commits
 *    that each flip one VM's power state, timed from the branch moving to the first action and to
 *    the revision applied (controller-phase.ts says exactly what is timed).
 *
 *   npm run bench -- controller [--scale F] [--commits 20] [--resyncs 3] [--reuse] [--keep]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import { FULL_SIZE, changeTargetPath, expectedCounts, generateDatacenter, scaleParams, type DatacenterParams } from './generate-datacenter.js';
import type { ControllerOutput, ControllerPhaseArgs, PrepareOutput } from './controller-phase.js';
import { runPhaseProcess } from './phase-process.js';

export const description = 'cairn run on the CloudStack-size data center: commit-to-action and commit-to-applied for a one-VM change, no-drift resync, idle RSS';

export const usage = `npm run bench -- controller [options]
  --scale F      size of the data center (multiplies accounts and clusters per pod); default 1 (full size: ~282,000 resources)
  --commits N    one-VM commits to time; default 20
  --resyncs N    no-drift resyncs to time; default 3
  --reuse        keep the generated repository and its applied world under ${path.join(os.tmpdir(), 'cairn-bench-controller')} and reuse them
  --keep         do not delete the temporary repository and state folder`;

/** What issue 4 asks of the loop. */
export const TARGETS = Object.freeze({ oneVmChangeMs: 1000, noDriftResyncMs: 2000, idleRssMiB: 1536 });

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PHASE = path.join(HERE, 'controller-phase.ts');
const CACHE_BASE = path.join(os.tmpdir(), 'cairn-bench-controller');

interface Options {
  scale: number;
  commits: number;
  resyncs: number;
  reuse: boolean;
  keep: boolean;
}

function parseOptions(args: string[]): Options {
  const o: Options = { scale: 1, commits: 20, resyncs: 3, reuse: false, keep: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return Number(v);
    };
    if (a === '--scale') o.scale = value();
    else if (a === '--commits') o.commits = value();
    else if (a === '--resyncs') o.resyncs = value();
    else if (a === '--reuse') o.reuse = true;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option: ${a}\n${usage}`);
  }
  if (!(o.scale > 0)) throw new Error('--scale must be above 0');
  if (!Number.isInteger(o.commits) || o.commits < 1) throw new Error('--commits must be a positive integer');
  if (!Number.isInteger(o.resyncs) || o.resyncs < 1) throw new Error('--resyncs must be a positive integer');
  return o;
}

const log = (line: string) => process.stderr.write(`[controller-bench] ${line}\n`);

const key = (p: DatacenterParams) => `z${p.zones}-p${p.podsPerZone}-c${p.clustersPerPod}-h${p.hostsPerCluster}-a${p.accounts}-n${p.networksPerAccount}-v${p.vmsPerNetwork}`;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the p99 of 20 samples is the largest one, said plainly.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const stats = (xs: number[]) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return { median: Math.round(quantile(s, 0.5)), p99: Math.round(quantile(s, 0.99)), max: Math.round(s.at(-1) ?? NaN), n: s.length };
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const opts = parseOptions(args);
  const params = scaleParams(FULL_SIZE, opts.scale);
  const base = opts.reuse ? path.join(CACHE_BASE, key(params)) : fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-controller-'));
  const repo = path.join(base, 'repo');
  const stateDir = path.join(base, 'state');
  const target = changeTargetPath(params);
  const phaseArgs: ControllerPhaseArgs = { repo, stateDir, target, commits: opts.commits, resyncs: opts.resyncs };
  const runPhase = <T>(phase: string, extra: string[] = []) => runPhaseProcess<T>(['--import', 'tsx', ...extra, PHASE, phase, JSON.stringify(phaseArgs)], ROOT, phase);

  let generated: { commit: string; documents: number; files: number } | undefined;
  let prepare: PrepareOutput | undefined;
  try {
    if (!fs.existsSync(path.join(repo, '.git'))) {
      fs.rmSync(base, { recursive: true, force: true });
      log(`generating ${expectedCounts(params).documents} documents into ${repo}`);
      const g = await generateDatacenter(repo, params, { log });
      generated = { commit: g.commit, documents: g.documents, files: g.files };
      fs.writeFileSync(path.join(base, 'generated-commit'), g.commit);
    } else {
      log(`reusing ${repo}`);
      // The previous run's commits are undone: the branch goes back to the generated commit.
      const commit = fs.readFileSync(path.join(base, 'generated-commit'), 'utf8').trim();
      await git.writeRef({ fs, dir: repo, ref: 'refs/heads/main', value: commit, force: true });
      await git.checkout({ fs, dir: repo, ref: 'main', force: true, filepaths: [target] });
    }
    if (!fs.existsSync(path.join(stateDir, 'simulator.lmdb'))) {
      log('prepare: applying the data center to an empty simulated world (fresh process)');
      prepare = await runPhase<PrepareOutput>('prepare');
      log(`prepare: ${prepare.succeeded}/${prepare.actions} actions in ${Math.round(prepare.ms)} ms`);
      if (prepare.failed > 0) throw new Error(`prepare: ${prepare.failed} actions failed`);
    } else log('prepare: reusing the applied world');

    log('controller: start, idle RSS, resyncs, commits (fresh process)');
    const out = await runPhase<ControllerOutput>('controller', ['--expose-gc']);
    const toFirst = stats(out.commits.map((c) => c.toFirstActionMs));
    const toApplied = stats(out.commits.map((c) => c.toAppliedMs));
    const resync = stats(out.resyncs.map((r) => r.durationMs));
    return {
      benchmark: 'controller',
      scale: opts.scale,
      resources: out.resources,
      ...(generated ? { generated } : {}),
      ...(prepare ? { prepareMs: Math.round(prepare.ms), prepareActions: prepare.actions } : {}),
      startMs: Math.round(out.startMs),
      commitToFirstActionMs: toFirst,
      commitToAppliedMs: toApplied,
      perCommit: {
        loadMs: stats(out.commits.flatMap((c) => (c.loadMs !== undefined ? [c.loadMs] : []))),
        pickupMs: stats(out.commits.flatMap((c) => (c.pickupMs !== undefined ? [c.pickupMs] : []))),
        acceptMs: stats(out.commits.flatMap((c) => (c.acceptMs !== undefined ? [c.acceptMs] : []))),
        planMs: stats(out.commits.flatMap((c) => (c.planMs !== undefined ? [c.planMs] : []))),
        planScopes: [...new Set(out.commits.map((c) => c.planScope))],
        plannedObjects: stats(out.commits.flatMap((c) => (c.planned !== undefined ? [c.planned] : []))),
        actions: stats(out.commits.map((c) => c.actions)),
      },
      resyncNoDriftMs: resync,
      resyncUnchangedWorldMs: stats(out.unchangedResyncs),
      resyncObserveMs: stats(out.resyncs.flatMap((r) => (r.observeMs !== undefined ? [r.observeMs] : []))),
      resyncDrifted: out.resyncs.map((r) => r.drifted),
      idleRssMiB: out.idleRssMiB,
      idleRssAfterCommitsMiB: out.idleRssAfterCommitsMiB,
      heapUsedAfterCommitsMiB: out.heapUsedMiB,
      ...(out.idleRssSplit ? { idleRssAfterCommitsSplit: out.idleRssSplit } : {}),
      maxRssMiB: out.maxRssMiB,
      targets: TARGETS,
      met: {
        oneVmChange: toApplied.p99 <= TARGETS.oneVmChangeMs,
        noDriftResync: resync.median <= TARGETS.noDriftResyncMs,
        idleRss: Math.max(out.idleRssMiB, out.idleRssAfterCommitsMiB) <= TARGETS.idleRssMiB,
      },
    };
  } finally {
    if (!opts.reuse && !opts.keep) fs.rmSync(base, { recursive: true, force: true });
    else log(`kept ${base}`);
  }
}
