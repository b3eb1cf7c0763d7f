/**
 * The `apply` benchmark: `cairn apply` of a generated CloudStack-size data center against the
 * embedded simulator, every phase in a fresh child process (apply-phase.ts) for its peak RSS.
 *
 * 1. Zero latency, full size by default (25,000 hosts, 250,000 VMs, ~282,000 resources): in a
 *    fresh state dir, load + observe + plan + executePlan with the journal: actions, apply time
 *    (executor wall time), actions per second (controller throughput), total time; then the no-op
 *    plan after it (load warm + observe + plan; must find 0 actions) against a warm validate of the
 *    same revision and state dir.
 * 2. Latency L and concurrency C on a smaller data center (--latency-scale): the apply's makespan
 *    against the ideal N·L/C (N provider calls) and the layer-aware ideal Σ ceil(n_layer/C)·L over
 *    the plan's dependency layers.
 * 1b. The same plan against a null provider (answers at once, does nothing): the controller alone
 *    (executor, journal, progress), without the simulator's own work.
 * 3. Optionally (--sweep) the zero-latency apply again for each journal durability × concurrency.
 *
 *   npm run bench -- apply [--scale 1] [--latency-scale 0.004] [--latency 20] [--concurrency 16]
 *                          [--durability commit|flush|process] [--sweep ...] [--reuse] [--keep]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FULL_SIZE,
  chooseGit,
  expectedCounts,
  generateDatacenter,
  scaleParams,
  type DatacenterParams,
  type GitImpl,
} from './generate-datacenter.js';
import { generatedRepoKey, type GeneratedRepoMeta } from './generated-repo-key.js';
import { runPhaseProcess } from './phase-process.js';
import { DEFAULT_JOURNAL_DURABILITY } from '../../controller/state/journal.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_PER_HOST_CONCURRENCY,
  type ApplyPhaseOutput,
  type Durability,
  type NoopPhaseOutput,
  type PhaseArgs,
  type PhaseOutput,
  type ProgressChoice,
  type ValidatePhaseOutput,
} from './apply-phase.js';

export const description =
  'cairn apply of a generated CloudStack-size data center on the simulator: actions/s at zero latency, no-op plan vs warm validate, makespan vs ideal with latency';

const CACHE_BASE = path.join(os.tmpdir(), 'cairn-bench-apply');

export const usage = `npm run bench -- apply [options]
  --scale F              size of the zero-latency data center (multiplies accounts and clusters per pod); default 1 (full size)
  --latency-scale F      size of the data center applied with latency; default 0.004 (about 2,000 actions)
  --latency L            simulator latency per call for the makespan part, ms; default 20
  --concurrency C        executor concurrency (both parts); default ${DEFAULT_CONCURRENCY} (cairn apply's)
  --per-host-concurrency N  calls at once per hypervisor host; default ${DEFAULT_PER_HOST_CONCURRENCY}
  --durability D         journal durability: process (default: cairn apply's), commit or flush
  --progress P           progress events: tty (default: the live line, drawn into a sink), plain, json or none
  --sweep [LIST]         also apply at zero latency for each durability:concurrency of LIST (fresh state dir each);
                         default list commit:16,commit:64,commit:256,process:16,process:64,process:256
  --sweep-scale F        size of the sweep's data center; default --scale
  --skip-zero            skip the zero-latency part      --skip-latency   skip the latency part
  --skip-controller-only skip the zero-latency apply against a null provider (the controller alone: executor, journal, progress)
  --reuse                keep the generated repositories under ${CACHE_BASE} and reuse them
  --keep                 do not delete temporary repositories and state dirs
  --git cli|isomorphic   how to commit (default: git CLI when on PATH; env CAIRN_BENCH_GIT)
  --heap MiB             --max-old-space-size for the phase processes
  --cpu-prof DIR         CPU profiles: every phase process (node --cpu-prof) and the executor's run alone (*-executor.cpuprofile)
  --zones N --podsPerZone N --clustersPerPod N --hostsPerCluster N
  --accounts N --networksPerAccount N --vmsPerNetwork N   override one dimension of every data center (after scaling)`;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const PHASE_SCRIPT = path.join(HERE, 'apply-phase.ts');

/** What the issue asks of cairn. */
export const TARGETS = Object.freeze({ actionsPerSecond: 5000, noopPlanVsWarmValidate: 2, makespanVsIdeal: 1.1 });

export const DEFAULT_SWEEP: readonly { durability: Durability; concurrency: number }[] = [
  { durability: 'commit', concurrency: 16 },
  { durability: 'commit', concurrency: 64 },
  { durability: 'commit', concurrency: 256 },
  { durability: 'process', concurrency: 16 },
  { durability: 'process', concurrency: 64 },
  { durability: 'process', concurrency: 256 },
];

export interface Options {
  scale: number;
  latencyScale: number;
  params: DatacenterParams;
  latencyParams: DatacenterParams;
  latencyMs: number;
  concurrency: number;
  perHostConcurrency: number;
  durability: Durability;
  progress: ProgressChoice;
  sweep: { durability: Durability; concurrency: number }[] | null;
  sweepParams: DatacenterParams;
  sweepScale: number;
  skipZero: boolean;
  skipLatency: boolean;
  skipControllerOnly: boolean;
  reuse: boolean;
  keep: boolean;
  git?: GitImpl;
  heapMiB?: number;
  cpuProfDir?: string;
}

const PARAM_KEYS = Object.keys(FULL_SIZE) as (keyof DatacenterParams)[];
const DURABILITIES: readonly Durability[] = ['commit', 'flush', 'process'];
const PROGRESS: readonly ProgressChoice[] = ['tty', 'plain', 'json', 'none'];

function parseSweep(list: string): { durability: Durability; concurrency: number }[] {
  return list.split(',').filter((s) => s.trim() !== '').map((item) => {
    const [d, c] = item.trim().split(':');
    if (!DURABILITIES.includes(d as Durability)) throw new Error(`--sweep: durability must be commit, flush or process (got ${JSON.stringify(d)} in ${JSON.stringify(item)})`);
    const concurrency = Number(c);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--sweep: concurrency must be a positive integer (got ${JSON.stringify(c)} in ${JSON.stringify(item)})`);
    return { durability: d as Durability, concurrency };
  });
}

export function parseOptions(args: string[]): Options {
  let scale = 1;
  let latencyScale = 0.004;
  let sweepScale: number | undefined;
  let latencyMs = 20;
  let concurrency = DEFAULT_CONCURRENCY;
  let perHostConcurrency = DEFAULT_PER_HOST_CONCURRENCY;
  let durability: Durability = DEFAULT_JOURNAL_DURABILITY;
  let progress: ProgressChoice = 'tty';
  let sweep: { durability: Durability; concurrency: number }[] | null = null;
  let skipZero = false;
  let skipLatency = false;
  let skipControllerOnly = false;
  let reuse = false;
  let keep = false;
  let gitImpl: GitImpl | undefined;
  let heapMiB: number | undefined;
  let cpuProfDir: string | undefined;
  const overrides: Partial<DatacenterParams> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = args[i + 1];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return v;
    };
    const num = (min: number): number => {
      const raw = take();
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min) throw new Error(`${flag}: not a number ≥ ${min}: ${raw}`);
      return n;
    };
    const int = (): number => {
      const n = num(1);
      if (!Number.isInteger(n)) throw new Error(`${flag}: not a positive integer: ${n}`);
      return n;
    };
    if (flag === '--scale') scale = num(Number.MIN_VALUE);
    else if (flag === '--latency-scale') latencyScale = num(Number.MIN_VALUE);
    else if (flag === '--sweep-scale') sweepScale = num(Number.MIN_VALUE);
    else if (flag === '--latency') latencyMs = num(0);
    else if (flag === '--concurrency') concurrency = int();
    else if (flag === '--per-host-concurrency') perHostConcurrency = int();
    else if (flag === '--durability') {
      const d = take();
      if (!DURABILITIES.includes(d as Durability)) throw new Error(`--durability must be commit, flush or process (got ${d})`);
      durability = d as Durability;
    } else if (flag === '--progress') {
      const p = take();
      if (!PROGRESS.includes(p as ProgressChoice)) throw new Error(`--progress must be tty, plain, json or none (got ${p})`);
      progress = p as ProgressChoice;
    } else if (flag === '--sweep') {
      // An optional value: the next argument, unless it is another flag.
      const next = inline ?? (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') ? args[++i] : undefined);
      sweep = next === undefined ? DEFAULT_SWEEP.map((s) => ({ ...s })) : parseSweep(next);
    } else if (flag === '--skip-zero') skipZero = true;
    else if (flag === '--skip-latency') skipLatency = true;
    else if (flag === '--skip-controller-only') skipControllerOnly = true;
    else if (flag === '--reuse') reuse = true;
    else if (flag === '--keep') keep = true;
    else if (flag === '--heap') heapMiB = int();
    else if (flag === '--cpu-prof') cpuProfDir = path.resolve(take());
    else if (flag === '--git') {
      const g = take();
      if (g !== 'cli' && g !== 'isomorphic') throw new Error(`--git must be cli or isomorphic, got ${g}`);
      gitImpl = g;
    } else if (flag.startsWith('--') && (PARAM_KEYS as string[]).includes(flag.slice(2))) {
      overrides[flag.slice(2) as keyof DatacenterParams] = int();
    } else throw new Error(`unknown option: ${a}\n${usage}`);
  }
  const sized = (s: number): DatacenterParams => ({ ...scaleParams(FULL_SIZE, s), ...overrides });
  return {
    scale, latencyScale, sweepScale: sweepScale ?? scale,
    params: sized(scale), latencyParams: sized(latencyScale), sweepParams: sized(sweepScale ?? scale),
    latencyMs, concurrency, perHostConcurrency, durability, progress, sweep,
    skipZero, skipLatency, skipControllerOnly, reuse, keep, git: gitImpl, heapMiB, cpuProfDir,
  };
}

function log(line: string): void {
  process.stderr.write(`[apply] ${line}\n`);
}

let profileSeq = 0;

/** Run one phase in a fresh node process; its last stdout line is its JSON result. */
function runPhase<T extends PhaseOutput>(phase: T['phase'], args: PhaseArgs, opts: Options, label: string): Promise<T> {
  const nodeArgs = ['--import', 'tsx'];
  if (opts.heapMiB) nodeArgs.push(`--max-old-space-size=${opts.heapMiB}`);
  if (opts.cpuProfDir) {
    const name = `${String(++profileSeq).padStart(2, '0')}-${label}`;
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.join(opts.cpuProfDir, name)}`);
    if (phase === 'apply') args = { ...args, cpuProfile: path.join(opts.cpuProfDir, `${name}-executor.cpuprofile`) };
  }
  nodeArgs.push(PHASE_SCRIPT, phase, JSON.stringify(args));
  return runPhaseProcess<T>(nodeArgs, ROOT, label);
}

interface PreparedRepo {
  repo: string;
  meta: GeneratedRepoMeta;
  generated: boolean;
  temp: string | null;
}

const sameParams = (a: DatacenterParams, b: DatacenterParams): boolean => PARAM_KEYS.every((k) => a[k] === b[k]);

/**
 * A repository holding the generated data center. Phases always read its generated commit by id,
 * so a reused repository never needs resetting.
 */
async function prepareRepo(p: DatacenterParams, opts: Options): Promise<PreparedRepo> {
  const expected = expectedCounts(p);
  log(`data center ${JSON.stringify(p)}: ${expected.documents} documents in ${expected.files} files`);
  const gen = async (repo: string): Promise<GeneratedRepoMeta> => {
    const r = await generateDatacenter(repo, p, { git: opts.git, log });
    return { commit: r.commit, git: r.git, bytes: r.bytes, files: r.files, documents: r.documents, generateMs: r.ms, params: p };
  };
  if (opts.reuse) {
    const base = path.join(CACHE_BASE, generatedRepoKey(p));
    const repo = path.join(base, 'repo');
    const metaFile = path.join(base, 'meta.json');
    if (fs.existsSync(metaFile) && fs.existsSync(path.join(repo, '.git'))) {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as GeneratedRepoMeta;
      log(`reuse: ${repo} at ${meta.commit.slice(0, 12)} (${meta.documents} documents, ${(meta.bytes / 1048576).toFixed(1)} MiB)`);
      return { repo, meta, generated: false, temp: null };
    }
    fs.rmSync(base, { recursive: true, force: true });
    const meta = await gen(repo);
    fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    return { repo, meta, generated: true, temp: null };
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-apply-'));
  const repo = path.join(temp, 'repo');
  return { repo, meta: await gen(repo), generated: true, temp };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : round3(a / b);
const perSecond = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 1000) / ms) : 0);

/** The ideals of a plan with `calls` provider calls in `callsPerLayer` dependency layers. */
export function ideals(callsPerLayer: readonly number[], latencyMs: number, concurrency: number): { idealMs: number; layerIdealMs: number; criticalPathMs: number } {
  const calls = callsPerLayer.reduce((s, n) => s + n, 0);
  return {
    idealMs: (calls * latencyMs) / concurrency,
    layerIdealMs: callsPerLayer.reduce((s, n) => s + Math.ceil(n / concurrency) * latencyMs, 0),
    criticalPathMs: callsPerLayer.length * latencyMs,
  };
}

function describeApply(label: string, r: ApplyPhaseOutput): void {
  log(
    `${label}: ${r.actions} actions (${r.providerCalls} provider calls) in ${Math.round(r.applyMs)} ms = ${perSecond(r.providerCalls, r.applyMs)} actions/s` +
      ` [durability ${r.durability}, concurrency ${r.concurrency}, per host ${r.perHostConcurrency}, progress ${r.progress};` +
      ` load average ${r.loadAverage.before} → ${r.loadAverage.after}];` +
      ` load ${Math.round(r.loadMs)} + observe ${Math.round(r.observeMs)} + plan ${Math.round(r.planMs)} ms, total ${Math.round(r.totalMs)} ms;` +
      ` peak RSS ${r.maxRssMiB} MiB (${r.rssAfterPlanMiB} MiB after planning; after the executor: heap ${r.memoryAfterApplyMiB.heapUsed} MiB, external ${r.memoryAfterApplyMiB.external} MiB;` +
      ` lmdb files ${Object.entries(r.stateFilesMiB).map(([f, m]) => `${f} ${m} MiB`).join(', ')}); ${r.succeeded} succeeded, ${r.failed} failed, ${r.skipped} skipped, ${r.notStarted} not started`,
  );
  log(`  dependency layers (provider calls): [${r.layers.callsPerLayer.join(', ')}]`);
  if (r.verifyActions !== undefined && r.verifyActions >= 0) log(`  verified after the apply (observe + plan): ${r.verifyActions} actions in ${Math.round(r.verifyMs ?? 0)} ms`);
  for (const e of r.planErrors) log(`  plan error: ${e}`);
  for (const f of r.firstFailures) log(`  failed: ${f}`);
}

function applyArgs(repo: PreparedRepo, stateDir: string, latencyMs: number, concurrency: number, durability: Durability, opts: Options, provider: 'simulator' | 'null' = 'simulator'): PhaseArgs {
  return {
    repo: repo.repo, stateDir, rev: repo.meta.commit, latencyMs, concurrency,
    perHostConcurrency: opts.perHostConcurrency, durability, progress: opts.progress, provider,
  };
}

/** Problems that make the figures meaningless or show a bug (a failed action, a non-empty no-op plan). */
function applyProblems(label: string, r: ApplyPhaseOutput): string[] {
  const out: string[] = [];
  if (!r.valid) out.push(`${label}: the revision is invalid: ${r.planErrors.join('; ')}`);
  else if (r.planErrors.length > 0) out.push(`${label}: the plan has errors: ${r.planErrors.join('; ')}`);
  if (r.verifyActions !== undefined && r.verifyActions > 0) out.push(`${label}: the plan after the apply is not empty: ${r.verifyActions} actions`);
  if (r.failed + r.skipped + r.notStarted > 0) out.push(`${label}: ${r.failed} failed, ${r.skipped} skipped, ${r.notStarted} not started (${r.firstFailures.join('; ')})`);
  return out;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const opts = parseOptions(args);
  if (!opts.git) opts.git = chooseGit();
  if (opts.cpuProfDir) fs.mkdirSync(opts.cpuProfDir, { recursive: true });
  const repos: PreparedRepo[] = [];
  const stateDirs: string[] = [];
  const problems: string[] = [];
  const freshStateDir = (label: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-apply-state-${label}-`));
    stateDirs.push(dir);
    return dir;
  };
  const repoFor = async (p: DatacenterParams): Promise<PreparedRepo> => {
    const known = repos.find((r) => sameParams(r.meta.params, p));
    if (known) return known;
    const r = await prepareRepo(p, opts);
    repos.push(r);
    return r;
  };

  try {
    let zeroLatency: Record<string, unknown> | null = null;
    let zeroApply: ApplyPhaseOutput | null = null;
    let noop: NoopPhaseOutput | null = null;
    let validate: ValidatePhaseOutput | null = null;
    if (!opts.skipZero) {
      const repo = await repoFor(opts.params);
      const stateDir = freshStateDir('zero');
      log(`zero latency: apply in a fresh state dir ${stateDir}`);
      zeroApply = await runPhase<ApplyPhaseOutput>('apply', applyArgs(repo, stateDir, 0, opts.concurrency, opts.durability, opts), opts, 'apply-zero');
      describeApply('zero-latency apply', zeroApply);
      problems.push(...applyProblems('zero-latency apply', zeroApply));

      log('no-op plan: load (warm) + observe + plan of the same revision, same state dir');
      noop = await runPhase<NoopPhaseOutput>('noop', { repo: repo.repo, stateDir, rev: repo.meta.commit, latencyMs: 0 }, opts, 'noop-plan');
      log(
        `no-op plan: ${noop.actions} actions in ${Math.round(noop.totalMs)} ms (load ${Math.round(noop.loadMs)}, observe ${Math.round(noop.observeMs)} of ${noop.observed} objects, plan ${Math.round(noop.planMs)}),` +
          ` remembered empty plan reused ${noop.reused}, revision cache hit ${noop.revisionCacheHit}, peak RSS ${noop.maxRssMiB} MiB`,
      );
      for (const [label, f] of [['cold (world decoded from lmdb)', noop.fullCold], ['warm (a controller resync)', noop.fullWarm]] as const) {
        if (f) log(`  full observe + plan, ${label}: observe ${Math.round(f.observeMs)} ms of ${f.observed} objects + plan ${Math.round(f.planMs)} ms = ${Math.round(f.observeMs + f.planMs)} ms, ${f.actions} actions`);
        if (f && f.actions !== 0) problems.push(`full observe + plan ${label} after the apply is not empty: ${f.actions} actions`);
      }
      if (noop.actions !== 0) {
        const msg = `ASSERTION FAILED: the plan after the apply is not empty: ${noop.actions} actions, e.g. ${noop.firstActions.join('; ')}`;
        log(msg);
        problems.push(msg);
      }
      for (const e of noop.planErrors) problems.push(`no-op plan error: ${e}`);

      log('warm validate: loadDesiredState of the same revision, same state dir');
      validate = await runPhase<ValidatePhaseOutput>('validate', { repo: repo.repo, stateDir, rev: repo.meta.commit, latencyMs: 0 }, opts, 'validate-warm');
      log(`warm validate: ${Math.round(validate.ms)} ms, valid=${validate.valid}, revision cache hit ${validate.revisionCacheHit}, peak RSS ${validate.maxRssMiB} MiB`);

      let controllerOnly: Record<string, unknown> | null = null;
      if (!opts.skipControllerOnly) {
        const nullState = freshStateDir('null');
        log('controller only: the same plan against a provider that answers at once and does nothing (fresh state dir)');
        const c = await runPhase<ApplyPhaseOutput>('apply', applyArgs(repo, nullState, 0, opts.concurrency, opts.durability, opts, 'null'), opts, 'apply-null-provider');
        describeApply('controller-only apply', c);
        problems.push(...applyProblems('controller-only apply', c));
        controllerOnly = {
          applyMs: round1(c.applyMs), actionsPerSecond: perSecond(c.providerCalls, c.applyMs), peakRssMiB: c.maxRssMiB,
          // What the simulator adds to each call, on average, at this concurrency.
          simulatorUsPerAction: zeroApply.providerCalls > 0 ? Math.round(((zeroApply.applyMs - c.applyMs) * 1000) / zeroApply.providerCalls) : null,
        };
        if (!opts.keep) fs.rmSync(nullState, { recursive: true, force: true });
      }

      zeroLatency = {
        actions: zeroApply.actions,
        providerCalls: zeroApply.providerCalls,
        applyMs: round1(zeroApply.applyMs),
        actionsPerSecond: perSecond(zeroApply.providerCalls, zeroApply.applyMs),
        totalMs: round1(zeroApply.totalMs),
        loadMs: round1(zeroApply.loadMs),
        observeMs: round1(zeroApply.observeMs),
        planMs: round1(zeroApply.planMs),
        journalRunMs: round1(zeroApply.journalRunMs),
        renderMs: round1(zeroApply.renderMs),
        noopPlanMs: round1(noop.totalMs),
        noopPlanActions: noop.actions,
        noopLoadMs: round1(noop.loadMs),
        noopObserveMs: round1(noop.observeMs),
        noopPlanOnlyMs: round1(noop.planMs),
        noopPlanReused: noop.reused ?? false,
        fullObservePlanCold: noop.fullCold ? { observeMs: round1(noop.fullCold.observeMs), planMs: round1(noop.fullCold.planMs), totalMs: round1(noop.fullCold.observeMs + noop.fullCold.planMs) } : null,
        fullObservePlanWarm: noop.fullWarm ? { observeMs: round1(noop.fullWarm.observeMs), planMs: round1(noop.fullWarm.planMs), totalMs: round1(noop.fullWarm.observeMs + noop.fullWarm.planMs) } : null,
        verifyAfterApplyMs: round1(zeroApply.verifyMs ?? 0),
        verifyAfterApplyActions: zeroApply.verifyActions ?? null,
        warmValidateMs: round1(validate.ms),
        succeeded: zeroApply.succeeded,
        failed: zeroApply.failed,
        summary: zeroApply.summary,
        callsPerLayer: zeroApply.layers.callsPerLayer,
        peakRssMiB: { apply: zeroApply.maxRssMiB, applyAfterPlan: zeroApply.rssAfterPlanMiB, noopPlan: noop.maxRssMiB, noopWithFullPlans: noop.maxRssWithFullMiB ?? null, warmValidate: validate.maxRssMiB },
        controllerOnly,
        loadAverage: zeroApply.loadAverage,
        memoryAfterApplyMiB: zeroApply.memoryAfterApplyMiB,
        stateFilesMiB: zeroApply.stateFilesMiB,
      };
    }

    let latency: Record<string, unknown> | null = null;
    let latencyApply: ApplyPhaseOutput | null = null;
    if (!opts.skipLatency) {
      const repo = await repoFor(opts.latencyParams);
      const stateDir = freshStateDir('latency');
      log(`latency ${opts.latencyMs} ms, concurrency ${opts.concurrency}: apply in a fresh state dir ${stateDir}`);
      latencyApply = await runPhase<ApplyPhaseOutput>('apply', applyArgs(repo, stateDir, opts.latencyMs, opts.concurrency, opts.durability, opts), opts, 'apply-latency');
      describeApply('latency apply', latencyApply);
      problems.push(...applyProblems('latency apply', latencyApply));
      const ideal = ideals(latencyApply.layers.callsPerLayer, opts.latencyMs, opts.concurrency);
      latency = {
        latencyMs: opts.latencyMs,
        concurrency: opts.concurrency,
        perHostConcurrency: opts.perHostConcurrency,
        actions: latencyApply.actions,
        providerCalls: latencyApply.providerCalls,
        makespanMs: round1(latencyApply.applyMs),
        idealMs: round1(ideal.idealMs),
        layerIdealMs: round1(ideal.layerIdealMs),
        criticalPathMs: round1(ideal.criticalPathMs),
        ratio: ratio(latencyApply.applyMs, ideal.idealMs),
        layerRatio: ratio(latencyApply.applyMs, ideal.layerIdealMs),
        callsPerLayer: latencyApply.layers.callsPerLayer,
        peakRssMiB: latencyApply.maxRssMiB,
      };
      log(
        `makespan ${Math.round(latencyApply.applyMs)} ms vs ideal N·L/C = ${Math.round(ideal.idealMs)} ms (×${latency.ratio}),` +
          ` layer-aware Σ ceil(n/C)·L = ${Math.round(ideal.layerIdealMs)} ms (×${latency.layerRatio}), critical path ${Math.round(ideal.criticalPathMs)} ms`,
      );
    }

    let sweep: Record<string, unknown>[] | null = null;
    if (opts.sweep) {
      sweep = [];
      const repo = await repoFor(opts.sweepParams);
      for (const s of opts.sweep) {
        const stateDir = freshStateDir(`sweep-${s.durability}-${s.concurrency}`);
        const label = `sweep ${s.durability}/${s.concurrency}`;
        log(`${label}: zero-latency apply in a fresh state dir`);
        const r = await runPhase<ApplyPhaseOutput>('apply', applyArgs(repo, stateDir, 0, s.concurrency, s.durability, opts), opts, `sweep-${s.durability}-${s.concurrency}`);
        describeApply(label, r);
        problems.push(...applyProblems(label, r));
        sweep.push({
          durability: s.durability, concurrency: s.concurrency, actions: r.actions, applyMs: round1(r.applyMs),
          actionsPerSecond: perSecond(r.providerCalls, r.applyMs), totalMs: round1(r.totalMs), peakRssMiB: r.maxRssMiB,
          loadAverage: r.loadAverage,
        });
        // Each sweep point leaves a world of the data center's size behind; free the disk as we go.
        if (!opts.keep) fs.rmSync(stateDir, { recursive: true, force: true });
      }
    }

    const best = sweep && sweep.length > 0 ? sweep.reduce((a, b) => ((b.actionsPerSecond as number) > (a.actionsPerSecond as number) ? b : a)) : null;
    const aps = zeroLatency ? (zeroLatency.actionsPerSecond as number) : null;
    const controllerAps = zeroLatency?.controllerOnly ? ((zeroLatency.controllerOnly as Record<string, unknown>).actionsPerSecond as number) : null;
    const noopRatio = noop && validate ? ratio(noop.totalMs, validate.ms) : null;
    const makespanRatio = latency ? (latency.ratio as number | null) : null;
    for (const p of problems) log(`PROBLEM: ${p}`);
    return {
      bench: 'apply',
      params: {
        zeroLatency: { ...opts.params, scale: opts.scale },
        latency: { ...opts.latencyParams, scale: opts.latencyScale },
        ...(opts.sweep ? { sweep: { ...opts.sweepParams, scale: opts.sweepScale } } : {}),
        latencyMs: opts.latencyMs,
        concurrency: opts.concurrency,
        perHostConcurrency: opts.perHostConcurrency,
        durability: opts.durability,
        progress: opts.progress,
        git: repos[0]?.meta.git ?? opts.git,
        reuse: opts.reuse,
        heapMiB: opts.heapMiB ?? null,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      },
      zeroLatency,
      latency,
      ...(sweep ? { sweep, best } : {}),
      targets: {
        actionsPerSecond: aps,
        actionsPerSecondMet: aps === null ? null : aps >= TARGETS.actionsPerSecond,
        controllerOnlyActionsPerSecond: controllerAps,
        controllerOnlyActionsPerSecondMet: controllerAps === null ? null : controllerAps >= TARGETS.actionsPerSecond,
        noopPlanVsWarmValidate: noopRatio,
        noopPlanVsWarmValidateMet: noopRatio === null ? null : noopRatio <= TARGETS.noopPlanVsWarmValidate,
        makespanVsIdeal: makespanRatio,
        makespanVsIdealMet: makespanRatio === null ? null : makespanRatio <= TARGETS.makespanVsIdeal,
        makespanVsLayerIdeal: latency ? latency.layerRatio : null,
      },
      problems,
      generateMs: Object.fromEntries(repos.filter((r) => r.generated).map((r) => [generatedRepoKey(r.meta.params), Math.round(r.meta.generateMs)])),
    };
  } finally {
    if (opts.keep) log(`kept repositories ${repos.map((r) => r.repo).join(', ')} and state dirs ${stateDirs.join(', ')}`);
    else {
      for (const d of stateDirs) fs.rmSync(d, { recursive: true, force: true });
      for (const r of repos) if (r.temp) fs.rmSync(r.temp, { recursive: true, force: true });
    }
  }
}
