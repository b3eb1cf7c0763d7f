/**
 * One phase of the `apply` benchmark, run in a fresh process so that its peak RSS is its own:
 *
 *   node --import tsx test/bench/apply-phase.ts apply    '<PhaseArgs as JSON>'
 *   node --import tsx test/bench/apply-phase.ts noop     '<PhaseArgs as JSON>'
 *   node --import tsx test/bench/apply-phase.ts validate '<PhaseArgs as JSON>'
 *
 * - apply: what `cairn apply --auto-approve` does, timed step by step: load the revision, observe
 *   the simulated world, plan (makePlan), open the journal, begin a run, executePlan (journal,
 *   progress events, hosts of observed VMs), end the run, record the applied revision.
 * - noop: what `cairn plan` does after that apply (load warm + observe + plan); it should find
 *   nothing to do.
 * - validate: a warm `cairn validate` (loadDesiredState of the same revision, same state dir).
 *
 * The simulator's latency is set through CAIRN_SIM_LATENCY_MS, which makePlan's provider reads, so
 * the code path is the CLI's own. Prints one JSON line on stdout: the phase's figures, including
 * `maxRssMiB`. Clocks cover the work only, not node/tsx start-up nor module import.
 *
 * With `"provider": "null"` the apply runs the same plan against a provider that answers at once
 * and does nothing: the controller's own cost (executor, journal, progress).
 *
 * The phase functions are exported so that they can also run in-process (they set
 * CAIRN_SIM_LATENCY_MS in process.env and open lmdb handles that stay open).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { endApplyRun, observedHosts } from '../../controller/planning/apply-run.js';
import { executePlan } from '../../controller/executor/execute-plan.js';
import { makePlan, observeAndPlan } from '../../controller/planning/make-plan.js';
import { verifyConverged } from '../../controller/planning/verify-converged.js';
import { createProgress, type ProgressMode } from '../../controller/progress/progress.js';
import { DEFAULT_JOURNAL_DURABILITY, openJournal, type JournalOptions } from '../../controller/state/journal.js';
import { loadDesiredState } from '../../desired-state/load.js';
import type { Provider } from '../../providers/provider.js';
import type { Action, ActionResult } from '../../reconcilers/action.js';
import { renderPlanText } from '../../reconcilers/render-plan.js';

export type Durability = NonNullable<JournalOptions['durability']>;
/** `none`: no events at all; the others as `cairn apply` (tty: the live line, written to a sink here). */
export type ProgressChoice = ProgressMode | 'none';

export interface PhaseArgs {
  repo: string;
  stateDir: string;
  rev: string;
  /** Simulator latency per call (and per observe), ms. */
  latencyMs: number;
  /** apply only. */
  concurrency?: number;
  perHostConcurrency?: number;
  durability?: Durability;
  progress?: ProgressChoice;
  /**
   * apply only: `null` runs the same plan against a provider that answers at once and does
   * nothing (no world), to measure the controller alone: executor, journal and progress.
   */
  provider?: 'simulator' | 'null';
  /** apply only: write a CPU profile of executePlan alone (node:inspector) to this file. */
  cpuProfile?: string;
}

/** Provider calls per dependency layer and what they give as ideals. */
export interface LayerStats {
  /** Provider calls (a replace is two) per layer; layer k holds the actions whose longest chain of dependencies has k links. */
  callsPerLayer: number[];
  /** Actions per layer. */
  actionsPerLayer: number[];
}

export interface ApplyPhaseOutput {
  phase: 'apply';
  provider: 'simulator' | 'null';
  maxRssMiB: number;
  revision: string | null;
  valid: boolean;
  planErrors: string[];
  actions: number;
  providerCalls: number;
  summary: Record<string, number>;
  layers: LayerStats;
  loadMs: number;
  observeMs: number;
  planMs: number;
  renderMs: number;
  /** executePlan's wall time: the executor, the journal and the simulator together. */
  applyMs: number;
  /** beginRun + endRun + setAppliedRevision. */
  journalRunMs: number;
  /** Everything from load to the applied revision recorded. */
  totalMs: number;
  succeeded: number;
  failed: number;
  skipped: number;
  notStarted: number;
  firstFailures: string[];
  warnings: number;
  /** RSS right after planning (before the executor ran). */
  rssAfterPlanMiB: number;
  /** Right after executePlan: RSS, V8 heap in use, memory outside the heap (lmdb buffers and the like). */
  memoryAfterApplyMiB: { rss: number; heapUsed: number; external: number };
  /** Size of the state dir's lmdb files once the run ended (mapped into the process: they count in RSS as they are touched). */
  stateFilesMiB: Record<string, number>;
  /** 1-minute load average of the machine when the phase began and when the executor ended: other work skews the figures. */
  loadAverage: { before: number; after: number };
  /** The observe + plan after a fully successful apply (verifyConverged, as `cairn apply` does); 0 when not run. */
  verifyMs?: number;
  /** Actions that plan found (0: converged; -1: not run). */
  verifyActions?: number;
  concurrency: number;
  perHostConcurrency: number;
  durability: Durability;
  progress: ProgressChoice;
}

/** One observe + plan in full (no remembered plan). */
export interface FullPlanFigures {
  observeMs: number;
  planMs: number;
  actions: number;
  observed: number;
}

export interface NoopPhaseOutput {
  phase: 'noop';
  /** Peak RSS of `cairn plan` (before the full observe + plan runs measured after it). */
  maxRssMiB: number;
  /** The remembered empty plan was used (the world's change token and the revision unchanged). */
  reused?: boolean;
  /** Observe + plan in full right after, in the same process: the world decoded from lmdb, as a fresh process does. */
  fullCold?: FullPlanFigures;
  /** The same again: the world already decoded, as a long-running controller's resync. */
  fullWarm?: FullPlanFigures;
  maxRssWithFullMiB?: number;
  valid: boolean;
  actions: number;
  /** The first few actions, when there are any (there should be none). */
  firstActions: string[];
  planErrors: string[];
  loadMs: number;
  observeMs: number;
  planMs: number;
  /** load + observe + plan. */
  totalMs: number;
  observed: number;
  revisionCacheHit: boolean | undefined;
}

export interface ValidatePhaseOutput {
  phase: 'validate';
  maxRssMiB: number;
  valid: boolean;
  errors: number;
  ms: number;
  documents: number;
  revisionCacheHit: boolean | undefined;
}

export type PhaseOutput = ApplyPhaseOutput | NoopPhaseOutput | ValidatePhaseOutput;

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_PER_HOST_CONCURRENCY = 4;

export function maxRssMiB(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

const loadAverage1m = (): number => Math.round(os.loadavg()[0]! * 100) / 100;
const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const rssMiB = (): number => mib(process.memoryUsage.rss());

/** Bytes of every lmdb file under the state dir, by file name relative to it. */
function stateFiles(stateDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile() && /mdb|lmdb/.test(r)) out[r] = mib(fs.statSync(path.join(dir, e.name)).size);
    }
  };
  walk(stateDir, '');
  return out;
}

/** A stream that drops everything, posing as a terminal so that `tty` progress draws its live line. */
const sink = { write: (_chunk: string) => true, isTTY: true, columns: 120 };

/**
 * Layers of the plan: an action's layer is the length of its longest chain of dependencies (0: none).
 * Plans list dependencies before dependents, but this does not rely on it.
 */
export function dependencyLayers(actions: readonly Action[]): LayerStats {
  const index = new Map<string, number>();
  actions.forEach((a, i) => index.set(a.id, i));
  const layer = new Int32Array(actions.length).fill(-1);
  const layerOf = (start: number): number => {
    // Iterative DFS: dependency chains can be long.
    const stack = [start];
    while (stack.length > 0) {
      const i = stack[stack.length - 1]!;
      if (layer[i]! >= 0) {
        stack.pop();
        continue;
      }
      let depth = 0;
      let ready = true;
      for (const id of actions[i]!.dependsOn) {
        const d = index.get(id);
        if (d === undefined) continue;
        if (layer[d]! < 0) {
          ready = false;
          stack.push(d);
        } else depth = Math.max(depth, layer[d]! + 1);
      }
      if (ready) {
        layer[i] = depth;
        stack.pop();
      } else if (stack.length > actions.length + 1) throw new Error('dependency cycle in the plan');
    }
    return layer[start]!;
  };
  const callsPerLayer: number[] = [];
  const actionsPerLayer: number[] = [];
  for (let i = 0; i < actions.length; i++) {
    const l = layerOf(i);
    while (callsPerLayer.length <= l) {
      callsPerLayer.push(0);
      actionsPerLayer.push(0);
    }
    callsPerLayer[l]! += actions[i]!.op === 'replace' ? 2 : 1;
    actionsPerLayer[l]!++;
  }
  return { callsPerLayer, actionsPerLayer };
}

/** Answers every call at once and does nothing: what is left is the controller's own cost. */
function nullProvider(real: Provider): Provider {
  const done: ActionResult = {};
  return { ...real, name: 'null', apply: () => Promise.resolve(done) };
}

/** A CPU profile of one stretch of this process (the executor's run, not the load before it). */
async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Sets the simulator latency the way a user would, for makePlan's provider. */
function setLatency(latencyMs: number): void {
  process.env.CAIRN_SIM_LATENCY_MS = String(latencyMs);
}

/** `cairn apply --auto-approve`, timed step by step (controller/commands/apply.ts is the model). */
export async function applyPhase(args: PhaseArgs): Promise<ApplyPhaseOutput> {
  setLatency(args.latencyMs);
  const concurrency = args.concurrency ?? DEFAULT_CONCURRENCY;
  const perHostConcurrency = args.perHostConcurrency ?? DEFAULT_PER_HOST_CONCURRENCY;
  const durability = args.durability ?? DEFAULT_JOURNAL_DURABILITY;
  const progressChoice = args.progress ?? 'tty';

  const loadBefore = loadAverage1m();
  const t0 = performance.now();
  const planned = await makePlan({ repo: args.repo, rev: args.rev, stateDir: args.stateDir });
  const tPlanned = performance.now();
  const base = {
    phase: 'apply' as const, provider: args.provider ?? 'simulator', concurrency, perHostConcurrency, durability, progress: progressChoice,
    loadAverage: { before: loadBefore, after: loadBefore },
  };
  if (!planned.ok) {
    return {
      ...base, maxRssMiB: maxRssMiB(), revision: planned.load.model.revision ?? null, valid: false,
      planErrors: planned.load.errors.slice(0, 10).map((e) => `${e.file}:${e.line}:${e.column} [${e.rule}] ${e.message}`),
      actions: 0, providerCalls: 0, summary: {}, layers: { callsPerLayer: [], actionsPerLayer: [] },
      loadMs: tPlanned - t0, observeMs: 0, planMs: 0, renderMs: 0, applyMs: 0, journalRunMs: 0, totalMs: tPlanned - t0,
      succeeded: 0, failed: 0, skipped: 0, notStarted: 0, firstFailures: [], warnings: 0, rssAfterPlanMiB: rssMiB(),
      memoryAfterApplyMiB: { rss: 0, heapUsed: 0, external: 0 }, stateFilesMiB: {},
    };
  }
  const { plan, stateDir, observeMs, planMs } = planned;
  const provider: Provider = args.provider === 'null' ? nullProvider(planned.provider) : planned.provider;
  const loadMs = tPlanned - t0 - observeMs - planMs;
  const rssAfterPlan = rssMiB();

  // The apply command prints the plan (capped at 200 actions) before asking.
  const tr = performance.now();
  renderPlanText(plan, { color: false, maxActions: 200 });
  const renderMs = performance.now() - tr;

  const layers = dependencyLayers(plan.actions);
  const providerCalls = layers.callsPerLayer.reduce((s, n) => s + n, 0);
  const common = {
    ...base, revision: plan.revision, valid: true,
    planErrors: plan.errors.slice(0, 10).map((e) => `[${e.code}] ${e.message}`),
    actions: plan.actions.length, providerCalls, summary: { ...plan.summary }, layers,
    loadMs, observeMs, planMs, renderMs, rssAfterPlanMiB: rssAfterPlan,
  };
  if (plan.errors.length > 0) {
    // As the apply command: a plan with errors is never applied.
    return {
      ...common, maxRssMiB: maxRssMiB(), applyMs: 0, journalRunMs: 0, totalMs: performance.now() - t0,
      succeeded: 0, failed: 0, skipped: 0, notStarted: plan.actions.length, firstFailures: [], warnings: 0,
      memoryAfterApplyMiB: { rss: 0, heapUsed: 0, external: 0 }, stateFilesMiB: stateFiles(stateDir),
    };
  }

  const tj = performance.now();
  const journal = openJournal(stateDir, { durability });
  const runId = await journal.beginRun({ revision: plan.revision, actions: plan.actions.length });
  let journalRunMs = performance.now() - tj;

  // The run is spelled out here rather than through runApply (controller/planning/apply-run.ts) so
  // that the journal's begin/end and the executor are timed (and profiled) apart.
  const hostOf = observedHosts(planned.observed);
  const progress = progressChoice === 'none'
    ? undefined
    : createProgress({ total: plan.actions.length, mode: progressChoice, stream: sink });

  const profiler = args.cpuProfile ? await startProfiler() : undefined;
  const ta = performance.now();
  const report = await executePlan(plan.actions, provider, {
    journal,
    runId,
    revision: plan.revision,
    ...(progress ? { events: progress } : {}),
    hostOf: (a: Action) => hostOf.get(`${a.kind}/${a.owner ?? ''}/${a.name}`),
    concurrency,
    perHostConcurrency,
  });
  const applyMs = performance.now() - ta;
  const loadAfter = loadAverage1m();
  const mem = process.memoryUsage();
  const memoryAfterApplyMiB = { rss: mib(mem.rss), heapUsed: mib(mem.heapUsed), external: mib(mem.external) };
  if (profiler) await profiler.stop(args.cpuProfile!);
  progress?.stop();

  const te = performance.now();
  const ok = await endApplyRun(journal, runId, plan.revision, report);
  const tEnd = performance.now();
  journalRunMs += tEnd - te;
  // As `cairn apply` does after a run where everything succeeded: observe and plan again (and so
  // remember the empty plan under the world's change token).
  let verifyMs = 0;
  let verifyActions = -1;
  if (ok && args.provider !== 'null') {
    const v = await verifyConverged(planned.load.model, provider, stateDir, new AbortController().signal);
    verifyMs = v.ms;
    verifyActions = v.plan.actions.length;
  }

  return {
    ...common,
    maxRssMiB: maxRssMiB(),
    applyMs,
    journalRunMs,
    totalMs: tEnd - t0,
    succeeded: report.succeeded.length,
    failed: report.failed.length,
    skipped: report.skipped.length,
    notStarted: report.notStarted.length,
    firstFailures: report.failed.slice(0, 5).map((f) => `${f.id}: [${f.code}] ${f.error}`),
    warnings: report.warnings.length,
    memoryAfterApplyMiB,
    stateFilesMiB: stateFiles(stateDir),
    loadAverage: { before: loadBefore, after: loadAfter },
    verifyMs,
    verifyActions,
  };
}

/**
 * `cairn plan` after the apply: load (warm), then the remembered empty plan if neither the revision
 * nor the world changed (the provider's change token), else observe + plan. Then, for the figures,
 * observe + plan in full in the same process twice: with the world decoded from lmdb (a fresh
 * process) and again (a long-running controller's resync, issue 4).
 */
export async function noopPhase(args: PhaseArgs): Promise<NoopPhaseOutput> {
  setLatency(args.latencyMs);
  const t0 = performance.now();
  const planned = await makePlan({ repo: args.repo, rev: args.rev, stateDir: args.stateDir, reuseUnchanged: true });
  const totalMs = performance.now() - t0;
  if (!planned.ok) {
    return {
      phase: 'noop', maxRssMiB: maxRssMiB(), valid: false, actions: -1, firstActions: [],
      planErrors: planned.load.errors.slice(0, 10).map((e) => `${e.file}:${e.line}:${e.column} [${e.rule}] ${e.message}`),
      loadMs: totalMs, observeMs: 0, planMs: 0, totalMs, observed: 0, revisionCacheHit: planned.load.stats.revisionCacheHit,
    };
  }
  const { plan, observeMs, planMs } = planned;
  const full = async () => {
    const r = await observeAndPlan(planned.load.model, planned.provider, planned.stateDir, { signal: new AbortController().signal });
    return { observeMs: r.observeMs, planMs: r.planMs, actions: r.plan.actions.length, observed: r.observed.length };
  };
  const maxRssBeforeFull = maxRssMiB();
  const fullCold = await full();
  const fullWarm = await full();
  return {
    phase: 'noop',
    reused: planned.reused === true,
    fullCold,
    fullWarm,
    maxRssMiB: maxRssBeforeFull,
    maxRssWithFullMiB: maxRssMiB(),
    valid: true,
    actions: plan.actions.length,
    firstActions: plan.actions.slice(0, 10).map((a) => `${a.id} (${a.reason})`),
    planErrors: plan.errors.slice(0, 10).map((e) => `[${e.code}] ${e.message}`),
    loadMs: totalMs - observeMs - planMs,
    observeMs,
    planMs,
    totalMs,
    observed: planned.observed.length,
    revisionCacheHit: planned.load.stats.revisionCacheHit,
  };
}

/** A warm `cairn validate`: the same revision, the same state dir. */
export async function validatePhase(args: PhaseArgs): Promise<ValidatePhaseOutput> {
  const t0 = performance.now();
  const load = await loadDesiredState({ repo: args.repo, rev: args.rev, stateDir: args.stateDir });
  const ms = performance.now() - t0;
  return {
    phase: 'validate',
    maxRssMiB: maxRssMiB(),
    valid: load.valid,
    errors: load.errors.length,
    ms,
    documents: load.stats.documents,
    revisionCacheHit: load.stats.revisionCacheHit,
  };
}

export async function runPhaseInProcess(phase: string, args: PhaseArgs): Promise<PhaseOutput> {
  if (phase === 'apply') return applyPhase(args);
  if (phase === 'noop') return noopPhase(args);
  if (phase === 'validate') return validatePhase(args);
  throw new Error(`unknown phase: ${phase} (apply, noop or validate)`);
}

async function main(argv: string[]): Promise<void> {
  const [phase, json] = argv;
  if (!phase || !json) throw new Error("usage: apply-phase.ts apply|noop|validate '<PhaseArgs as JSON>'");
  const out = await runPhaseInProcess(phase, JSON.parse(json) as PhaseArgs);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// Run as a script (a phase process), not when imported by the test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    // lmdb handles stay open; the figures are out, so leave at once.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`apply-phase: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
