/**
 * The phases of the controller benchmark, each run in a fresh process by controller.bench.ts:
 *
 * - `prepare`: the generated data center applied to an empty simulated world (makePlan + runApply,
 *   zero latency), so that the controller starts on a world that matches git.
 * - `controller`: the reconcile loop of `cairn run` in this process (the Controller class, without
 *   the HTTP server, which only reads it), timed from outside through its events:
 *   start-up; idle RSS; resyncs of a world with no drift; then N commits that each flip one VM's
 *   power state in one tenant's vms.yaml, picked up by the ref-file watcher as in production.
 *   Each commit also rewrites a comment line, so that its tree is new to the loader's caches.
 *   Each commit is timed from the moment the branch moves (the ref is written; the commit object
 *   was made just before, like a push) to the first action started and to the revision applied.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import git from 'isomorphic-git';
import pino from 'pino';
import { Controller } from '../../controller/run/controller.js';
import type { ControllerEvent } from '../../controller/run/controller-view.js';
import { DriftPolicies } from '../../controller/run/drift-policy.js';
import { runApply } from '../../controller/planning/apply-run.js';
import { makePlan } from '../../controller/planning/make-plan.js';
import { openJournal } from '../../controller/state/journal.js';
import { flipFirstVmState } from './generate-datacenter.js';

export interface ControllerPhaseArgs {
  repo: string;
  stateDir: string;
  /** The file whose first VM is flipped by every commit. */
  target: string;
  commits: number;
  resyncs: number;
}

export interface PrepareOutput {
  phase: 'prepare';
  actions: number;
  succeeded: number;
  failed: number;
  ms: number;
}

export interface CommitFigure {
  revision: string;
  /** Branch moved → first provider call started. */
  toFirstActionMs: number;
  /** Branch moved → revision recorded as applied. */
  toAppliedMs: number;
  /** What the controller logged for it: load (validate), accept (load + the next revision's index), plan scope and size, plan time. */
  loadMs?: number;
  acceptMs?: number;
  /** Branch moved → the controller starts looking at it (file event, debounce, its turn on the loop). */
  pickupMs?: number;
  planMs?: number;
  planScope?: string;
  planned?: number;
  actions: number;
}

export interface ControllerOutput {
  phase: 'controller';
  resources: number;
  unmanaged: number;
  startMs: number;
  idleRssMiB: number;
  idleRssAfterCommitsMiB: number;
  /** The idle RSS after the commits, split into anonymous memory and lmdb's mapped file pages (Linux). */
  idleRssSplit?: { anonMiB: number; fileMiB: number };
  heapUsedMiB: number;
  /** Forced (as POST /api/v1/reconcile): the whole world observed and compared. */
  resyncs: { durationMs: number; drifted: number; observeMs?: number }[];
  /** Periodic, world and revision unchanged: answered by the provider's change token. */
  unchangedResyncs: number[];
  commits: CommitFigure[];
  maxRssMiB: number;
}

const mib = (b: number) => Math.round(b / 1048576);

/** The figures the controller logs at debug level (JSON), captured for the per-commit breakdown. */
class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        if (typeof rec.level === 'number' && rec.level >= 40) process.stderr.write(`[controller] ${line}\n`);
        this.lines.push(rec);
      } catch {
        // not JSON: ignore
      }
    }
    done();
  }
}

export async function preparePhase(args: ControllerPhaseArgs): Promise<PrepareOutput> {
  process.env.CAIRN_SIM_LATENCY_MS = '0';
  const t0 = performance.now();
  const planned = await makePlan({ repo: args.repo, rev: 'HEAD', stateDir: args.stateDir });
  if (!planned.ok) throw new Error(`the generated revision is invalid: ${planned.load.errors[0]?.message}`);
  if (planned.plan.errors.length > 0) throw new Error(`the plan has errors: ${planned.plan.errors[0]!.message}`);
  process.stderr.write(`[prepare] applying ${planned.plan.actions.length} actions to an empty world\n`);
  const { report } = await runApply(planned.plan, planned.observed, planned.provider, { journal: openJournal(args.stateDir) });
  return { phase: 'prepare', actions: planned.plan.actions.length, succeeded: report.succeeded.length, failed: report.failed.length, ms: performance.now() - t0 };
}

export async function controllerPhase(args: ControllerPhaseArgs): Promise<ControllerOutput> {
  process.env.CAIRN_SIM_LATENCY_MS = '0';
  const capture = new LogCapture();
  const logger = pino({ level: 'debug', base: null }, capture as unknown as pino.DestinationStream);
  const controller = new Controller({
    repo: args.repo, branch: 'main', stateDir: args.stateDir, logger,
    // Timers out of the way: resyncs are asked for, commits are picked up by the watcher.
    resyncMs: 3_600_000, pollMs: 3_600_000, shutdownTimeoutMs: 30_000, driftPolicies: new DriftPolicies(),
  });
  const events: { t: number; e: ControllerEvent }[] = [];
  controller.subscribe((e) => events.push({ t: performance.now(), e }));
  const next = (pred: (e: ControllerEvent) => boolean, after: number, timeoutMs = 120_000): Promise<{ t: number; e: ControllerEvent }> =>
    new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('timed out waiting for a controller event')), timeoutMs);
      const found = events.slice(after).find((x) => pred(x.e));
      if (found) {
        clearTimeout(deadline);
        resolve(found);
        return;
      }
      const off = controller.subscribe((e) => {
        if (!pred(e)) return;
        off();
        clearTimeout(deadline);
        resolve({ t: performance.now(), e });
      });
    });

  const t0 = performance.now();
  await controller.start();
  await controller.idle();
  const startMs = performance.now() - t0;
  const status = controller.status();
  const resources = status.summary.ready + status.summary.progressing + status.summary.failed + status.summary.drifted;
  process.stderr.write(`[controller] started in ${Math.round(startMs)} ms: ${resources} resources, summary ${JSON.stringify(status.summary)}\n`);
  const idleRssMiB = await settledRss();

  const resyncs: ControllerOutput['resyncs'] = [];
  for (let i = 0; i < args.resyncs; i++) {
    const from = events.length;
    const logFrom = capture.lines.length;
    controller.requestResync('bench'); // not 'periodic': observed in full, as the API asks
    const { e } = await next((x) => x.type === 'sync', from);
    const line = capture.lines.slice(logFrom).find((l) => l.msg === 'resync');
    if (e.type === 'sync') resyncs.push({ durationMs: Math.round(e.durationMs), drifted: e.drifted, ...(typeof line?.observeMs === 'number' ? { observeMs: line.observeMs } : {}) });
    process.stderr.write(`[controller] resync ${i + 1}: ${JSON.stringify(resyncs.at(-1))}\n`);
    await controller.idle();
  }

  // A periodic resync of the same unchanged world: the provider's change token answers it.
  const unchangedResyncs: number[] = [];
  for (let i = 0; i < args.resyncs; i++) {
    const from = events.length;
    controller.requestResync('periodic');
    const { e } = await next((x) => x.type === 'sync', from);
    if (e.type === 'sync') unchangedResyncs.push(e.durationMs);
    await controller.idle();
  }
  process.stderr.write(`[controller] periodic resyncs of an unchanged world: ${unchangedResyncs.map((ms) => ms.toFixed(1)).join(', ')} ms\n`);

  const commits: CommitFigure[] = [];
  const file = path.join(args.repo, args.target);
  for (let i = 0; i < args.commits; i++) {
    // A fresh comment as well as the flip: every commit is a tree the loader has never seen (flips
    // alone repeat two trees, which its revision cache would answer without any work).
    const text = flipFirstVmState(fs.readFileSync(file, 'utf8')).replace(/\n# bench nonce .*\n$/, '\n');
    fs.writeFileSync(file, `${text}# bench nonce ${randomUUID()}\n`);
    await git.add({ fs, dir: args.repo, filepath: args.target });
    const ts = Math.floor(Date.now() / 1000);
    const author = { name: 'cairn bench', email: 'bench@cairn.invalid', timestamp: ts, timezoneOffset: 0 };
    const oid = await git.commit({ fs, dir: args.repo, message: `bench: flip a VM (${i + 1})`, author, committer: author, noUpdateBranch: true });
    const from = events.length;
    const logFrom = capture.lines.length;
    const moved = performance.now();
    const movedEpoch = Date.now();
    await git.writeRef({ fs, dir: args.repo, ref: 'refs/heads/main', value: oid, force: true });
    const applied = await next((e) => e.type === 'revision' && e.outcome === 'applied' && e.revision === oid, from);
    const firstAction = events.slice(from).find((x) => x.e.type === 'action' && x.e.result === 'started');
    const log = capture.lines.slice(logFrom);
    const accepted = log.find((l) => l.msg === 'revision accepted');
    const seen = log.find((l) => l.msg === 'new revision');
    const planned = log.find((l) => l.msg === 'batch planned');
    commits.push({
      revision: oid,
      toFirstActionMs: firstAction ? firstAction.t - moved : NaN,
      toAppliedMs: applied.t - moved,
      ...(typeof accepted?.loadMs === 'number' ? { loadMs: accepted.loadMs } : {}),
      ...(typeof accepted?.acceptMs === 'number' ? { acceptMs: accepted.acceptMs } : {}),
      ...(typeof seen?.time === 'number' ? { pickupMs: seen.time - movedEpoch } : {}),
      ...(typeof planned?.planMs === 'number' ? { planMs: planned.planMs, planScope: String(planned.scope), planned: Number(planned.planned) } : {}),
      actions: events.slice(from).filter((x) => x.e.type === 'action' && x.e.result === 'started').length,
    });
    process.stderr.write(`[controller] commit ${i + 1}/${args.commits}: ${JSON.stringify(commits.at(-1))}\n`);
    await controller.idle();
  }
  const idleRssAfterCommitsMiB = await settledRss();
  const split = rssSplit();
  const heapUsedMiB = mib(process.memoryUsage().heapUsed);
  await controller.stop();
  return {
    phase: 'controller', resources, unmanaged: status.summary.unmanaged, startMs, idleRssMiB, idleRssAfterCommitsMiB, ...(split ? { idleRssSplit: split } : {}), heapUsedMiB,
    resyncs, unchangedResyncs, commits, maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
  };
}

/** RSS once the process has been idle for a moment (after a full GC when node was started with --expose-gc). */
async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 2000));
  gc?.();
  return mib(process.memoryUsage().rss);
}

/**
 * RSS split as Linux counts it: anonymous memory (the heap and native allocations) and file pages
 * mapped by lmdb (the simulated world, the caches, the journal), which count in RSS while they are
 * resident but are page cache the kernel can drop. Undefined off Linux.
 */
export function rssSplit(): { anonMiB: number; fileMiB: number } | undefined {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { anonMiB: Math.round(kb('RssAnon') / 1024), fileMiB: Math.round(kb('RssFile') / 1024) };
  } catch {
    return undefined;
  }
}

async function main(argv: string[]): Promise<void> {
  const [phase, json] = argv;
  if (!phase || !json) throw new Error("usage: controller-phase.ts prepare|controller '<ControllerPhaseArgs as JSON>'");
  const args = JSON.parse(json) as ControllerPhaseArgs;
  const out = phase === 'prepare' ? await preparePhase(args) : phase === 'controller' ? await controllerPhase(args) : undefined;
  if (!out) throw new Error(`unknown phase ${phase}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    // lmdb handles may stay open; the figures are out, so leave at once.
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`controller-phase: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
