import fs from 'node:fs';
import git from 'isomorphic-git';
import type pino from 'pino';
import { closeDesiredStateCaches, loadDesiredState } from '../../desired-state/load.js';
import type { Resource, ValidationIssue } from '../../desired-state/model.js';
import { findGitDirs } from '../../desired-state/source/git-dirs.js';
import type { Provider } from '../../providers/provider.js';
import { createProvider } from '../../providers/provider-router.js';
import { keyOf } from '../../reconcilers/identity.js';
import type { PlanOptions } from '../../reconcilers/plan.js';
import { plan as planAll } from '../../reconcilers/planner.js';
import type { ExecuteOptions } from '../executor/execute-plan.js';
import { closeJournals, openJournal, type Journal } from '../state/journal.js';
import { BranchWatcher } from './branch-watcher.js';
import { changedFiles } from './changed-files.js';
import { resourcesOfFiles } from './changed-resources.js';
import type {
  ControllerEvent, ControllerMetrics, ControllerView, DriftRecord, ResourceFilter, ResourceItem, StatusSnapshot, UnmanagedObject,
} from './controller-view.js';
import { DesiredRevision } from './desired-revision.js';
import type { DriftPolicies } from './drift-policy.js';
import { scanDrift } from './drift-scan.js';
import { DriftStore } from './drift-store.js';
import { DriftTracker } from './drift-tracker.js';
import { ObservedState } from './observed-state.js';
import { fetchRemote } from './remote-fetch.js';
import { reconcileBatch } from './reconcile-batch.js';
import { listResources, summarise, type ResourceFacts } from './resource-view.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions {
  /** The repository (a working copy or a bare repository). */
  repo: string;
  branch: string;
  stateDir: string;
  /** Re-observe the world every `resyncMs`. */
  resyncMs: number;
  /** Look at the branch every `pollMs` even without a file event. */
  pollMs: number;
  /** How long actions in flight may take to finish after SIGTERM. */
  shutdownTimeoutMs: number;
  driftPolicies: DriftPolicies;
  logger: pino.Logger;
  metrics?: ControllerMetrics;
  /** Fetch from this URL (isomorphic-git) before each look at the branch. */
  remote?: string;
  /** Default: the simulator of `stateDir`. */
  provider?: Provider;
  plan?: PlanOptions;
  concurrency?: number;
  /** Overall limit on provider calls: at most `intervalCap` per `intervalMs`. */
  rateLimit?: ExecuteOptions['rateLimit'];
}

/** Retries inside one batch stay short: the work queue's per-key backoff takes over after them. */
const BATCH_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 1000 };

/**
 * The reconcile loop (issue 4): watches a branch, applies each valid revision incrementally,
 * re-observes the world every resync to find drift, and implements the view the HTTP API serves.
 *
 * Everything that reads or changes the controller's state runs one step at a time on `serial`
 * (a look at the branch, a resync, a batch of work): no step sees another half done. Provider
 * calls within a batch run in parallel in the executor.
 */
export class Controller implements ControllerView {
  private readonly gitdir: string;
  private readonly gitCache = {};
  private readonly listeners = new Set<(e: ControllerEvent) => void>();
  private readonly queue: WorkQueue;
  private readonly observed = new ObservedState();
  private readonly lastErrors = new Map<string, string>();
  private readonly since = new Map<string, string>();
  /** Identities a revision asked for and not yet done: the revision is applied when none is left. */
  private readonly owed = new Set<string>();
  private journal!: Journal;
  private store!: DriftStore;
  private tracker!: DriftTracker;
  private provider!: Provider;
  private watcher: BranchWatcher | undefined;
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private desired: DesiredRevision | undefined;
  private lastSeen: string | undefined;
  private rejected: { revision: string; errors: ValidationIssue[] } | null = null;
  private applied: string | null = null;
  private lastSyncAt: string | null = null;
  private isReady = false;
  private initialized = false;
  private stopping = false;
  private serial: Promise<unknown> = Promise.resolve();
  private batchScheduled = false;
  private resyncQueued = false;
  /** The provider's change token when the cached observation was made (undefined: none, or no promise). */
  private observedToken: string | undefined;
  /** The revision the last drift scan compared against a true observation. */
  private scannedRevision: string | undefined;
  private lookQueued = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: ControllerOptions) {
    this.gitdir = findGitDirs(options.repo).gitdir;
    this.queue = new WorkQueue({ onReady: () => this.scheduleBatch() });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Opens the state, enforces the branch (or the last good revision), observes, starts watching. */
  async start(): Promise<void> {
    const { stateDir, logger } = this.options;
    this.journal = openJournal(stateDir);
    this.store = new DriftStore(stateDir);
    this.tracker = new DriftTracker(this.store, this.options.driftPolicies);
    this.provider = this.options.provider ?? createProvider({ stateDir });
    this.applied = this.journal.appliedRevision() ?? null;
    const interrupted = this.journal.interruptedRuns();
    if (interrupted.length > 0) logger.warn({ runs: interrupted.map((r) => r.runId) }, 'an earlier run was interrupted; the world is observed again and what it left undone is planned again');
    // Watch before the first look: a commit landing while the first revision is applied is then
    // seen (its look is queued behind the first), never missed until the next poll.
    this.watcher = new BranchWatcher({ gitdir: this.gitdir, branch: this.options.branch, pollMs: this.options.pollMs, onMaybeMoved: (why) => this.lookAtBranch(why) });
    if (!this.options.remote) await this.watcher.start();
    const done = await this.step(() => this.initialRevision());
    // A first look that failed (the world could not be observed, say) is redone by the next look.
    if (done !== true) this.lastSeen = undefined;
    this.initialized = true;
    // Whatever moved while the first revision was planned is looked at now.
    this.lookAtBranch('start');
    this.resyncTimer = setInterval(() => this.requestResync('periodic'), this.options.resyncMs);
    this.isReady = true;
    logger.info({ branch: this.options.branch, revision: this.desired?.revision ?? null, applied: this.applied, resources: this.desired?.size ?? 0, observed: this.observed.size }, 'controller ready');
    if (this.options.remote) this.startRemotePoll();
  }

  /**
   * Stops taking work, lets the actions in flight finish (up to the shutdown deadline, after which
   * they are abandoned and journaled as interrupted), closes the state. What was queued and not
   * started is planned again from the journal and the world at the next start.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.isReady = false;
    clearInterval(this.resyncTimer);
    clearInterval(this.remoteTimer);
    await this.watcher?.stop();
    const left = this.queue.pendingKeys().length;
    this.queue.shutdown();
    this.abort.abort(new Error('shutdown'));
    await this.idle();
    this.options.logger.info({ notStarted: left }, 'controller stopped; what was left is planned again at the next start');
    await this.store?.close();
    await closeJournals();
    await closeDesiredStateCaches();
  }

  // ---- ControllerView --------------------------------------------------------------------------

  ready(): boolean {
    return this.isReady;
  }

  status(): StatusSnapshot {
    return {
      appliedRevision: this.applied,
      desiredRevision: this.desired?.revision ?? null,
      rejectedRevision: this.rejected,
      lastSyncAt: this.lastSyncAt,
      summary: summarise(this.desired?.byKey ?? new Map(), this.facts, this.observed.unmanaged.length),
    };
  }

  resources(filter: ResourceFilter): ResourceItem[] {
    return listResources(this.desired?.byKey ?? new Map(), this.facts, filter);
  }

  drift(): { items: DriftRecord[]; unmanaged: UnmanagedObject[] } {
    return {
      items: this.tracker?.records() ?? [],
      unmanaged: this.observed.unmanaged.map((o) => ({ kind: o.kind, name: o.name, account: o.owner ?? null, externalId: o.externalId })),
    };
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  requestResync(reason: string): void {
    // One waiting resync answers every request made before it starts (timer, API, a burst of POSTs).
    if (this.stopping || this.resyncQueued) return;
    this.resyncQueued = true;
    void this.step(() => {
      this.resyncQueued = false;
      return this.resync(reason);
    });
  }

  notifyPush(): void {
    this.options.logger.info('push notification: looking at the branch');
    this.lookAtBranch('push notification');
  }

  // ---- steps -----------------------------------------------------------------------------------

  private lookAtBranch(why: string): void {
    // Likewise one waiting look at the branch is enough: it reads the ref when it runs.
    if (this.stopping || this.lookQueued) return;
    this.lookQueued = true;
    void this.step(() => {
      this.lookQueued = false;
      return this.checkBranch(why);
    });
  }

  /** Runs `fn` after every step before it; a step that throws is logged, the loop goes on. */
  private step<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const run = this.serial.then(async () => {
      if (this.stopping) return undefined;
      try {
        return await fn();
      } catch (error) {
        this.options.logger.error({ err: error instanceof Error ? { message: error.message, code: (error as { code?: string }).code } : String(error) }, 'controller step failed; it is tried again on the next trigger');
        return undefined;
      }
    });
    this.serial = run;
    return run;
  }

  private async headCommit(): Promise<string> {
    if (this.options.remote) return fetchRemote(this.gitdir, this.options.remote, this.options.branch, this.gitCache);
    return git.resolveRef({ fs, gitdir: this.gitdir, ref: `refs/heads/${this.options.branch}` });
  }

  private async load(revision: string) {
    return loadDesiredState({ repo: this.options.repo, rev: revision, stateDir: this.options.stateDir });
  }

  /**
   * At start: the branch's revision if it is valid, else the last good one (rejected one reported).
   * What differs from the world is work when git changed it since the last applied revision (or
   * nothing was ever applied), drift otherwise.
   */
  private async initialRevision(): Promise<boolean> {
    const { logger } = this.options;
    const head = await this.headCommit();
    this.lastSeen = head;
    let load = await this.load(head);
    let revision = head;
    if (!load.valid) {
      this.reject(head, load.errors);
      const good = this.store.lastGoodRevision() ?? this.applied ?? undefined;
      if (!good) {
        logger.error('no valid revision to enforce yet: waiting for a commit that fixes the errors');
        await this.observe();
        return true;
      }
      revision = good;
      load = await this.load(good);
      if (!load.valid) throw new Error(`the last good revision ${good} no longer loads valid`);
    }
    this.desired = DesiredRevision.fromModel(revision, load.model);
    this.store.setLastGoodRevision(revision);
    this.emit({ type: 'revision', at: now(), revision, outcome: 'accepted' });
    await this.observe();
    if (this.applied === revision) {
      // A restart on the revision already applied: whatever differs is drift, which the scan finds
      // without planning the whole data center.
      logger.info({ revision }, 'the branch is at the applied revision: what differs is drift');
      this.recordDrift();
      return true;
    }
    const p = planAll(this.desired.model, this.observed.all, this.options.plan);
    const keys = new Set(p.actions.map((a) => keyOf(a.kind, a.owner, a.name)));
    let changed: Set<string> | undefined;
    if (this.applied) {
      // History rewritten or collected (a force-push): the applied revision may be gone. Then
      // everything that differs is work, as if nothing had been applied.
      const before = await this.load(this.applied).catch((error: unknown) => {
        logger.warn({ applied: this.applied, err: String(error) }, 'the last applied revision cannot be read; everything that differs is applied');
        return undefined;
      });
      changed = before?.valid ? this.desired.changedKeys(DesiredRevision.fromModel(this.applied, before.model), await changedFiles(this.gitdir, this.applied, revision, this.gitCache)) : undefined;
    }
    // Never applied, or the applied revision is unreadable: everything that differs is work.
    // Otherwise what git changed since the applied revision is work, and the rest drift.
    const work = changed === undefined ? keys : new Set([...keys].filter((k) => changed.has(k)));
    logger.info({ revision, actions: p.actions.length, work: work.size, planErrors: p.errors.length }, 'initial plan');
    for (const key of work) this.owe(key);
    if (work.size < keys.size) this.recordDrift();
    if (work.size === 0) await this.markApplied(revision);
    return true;
  }

  private async checkBranch(why: string): Promise<void> {
    // Before the first revision is in place there is nothing to compare with: the first look does it.
    if (!this.initialized) return;
    const { logger, metrics } = this.options;
    const head = await this.headCommit();
    if (head === this.lastSeen) return;
    const t0 = performance.now();
    this.lastSeen = head;
    const log = logger.child({ revision: head });
    log.info({ why }, 'new revision');
    const load = await this.load(head);
    if (!load.valid) {
      this.reject(head, load.errors);
      metrics?.observeReconcile((performance.now() - t0) / 1000, 'rejected');
      log.warn({ errors: load.errors.length, first: load.errors[0] }, 'revision rejected: it has errors; the last good revision stays enforced');
      return;
    }
    this.rejected = null;
    const loadMs = performance.now() - t0;
    const previous = this.desired;
    let next: DesiredRevision;
    let keys: Set<string>;
    if (previous) {
      // Only the files the commit changed are read again; every other resource is the previous revision's.
      const files = await changedFiles(this.gitdir, previous.revision, head, this.gitCache);
      ({ next, changedKeys: keys } = previous.advance(head, await resourcesOfFiles(this.gitdir, head, files, this.gitCache)));
    } else {
      next = DesiredRevision.fromModel(head, load.model);
      keys = new Set(next.byKey.keys());
    }
    this.desired = next;
    this.store.setLastGoodRevision(head);
    this.emit({ type: 'revision', at: now(), revision: head, outcome: 'accepted' });
    log.info({ changed: keys.size, parsedFiles: load.stats.parsedFiles, loadMs: Math.round(loadMs), acceptMs: Math.round(performance.now() - t0) }, 'revision accepted');
    for (const key of keys) this.owe(key);
    this.options.metrics?.setQueueDepth(this.queue.depth);
    if (this.owed.size === 0) await this.markApplied(head);
  }

  /**
   * Re-observes the world and records what differs from git as drift. A periodic resync first asks
   * the provider's change token (providers/provider.ts): when neither the world (equal token, and no
   * action of ours patched the cached observation since) nor the revision changed since the last
   * scan, nothing can have drifted and 275,000 objects are not observed again for nothing. Asked for
   * by the API (or the provider has no token), the world is always observed.
   */
  private async resync(reason: string): Promise<void> {
    const t0 = performance.now();
    if (reason === 'periodic' && (await this.worldUnchanged())) {
      const at = now();
      this.lastSyncAt = at;
      this.tracker.seenAgain(at);
      const durationMs = performance.now() - t0;
      this.emit({ type: 'sync', at, durationMs, drifted: this.tracker.openCount(), unmanaged: this.observed.unmanaged.length });
      this.options.logger.debug({ reason, durationMs: Math.round(durationMs) }, 'resync: the world and the revision are unchanged since the last one');
      return;
    }
    await this.observe();
    const observeMs = performance.now() - t0;
    const { drifted } = this.recordDrift();
    const durationMs = performance.now() - t0;
    this.emit({ type: 'sync', at: now(), durationMs, drifted, unmanaged: this.observed.unmanaged.length });
    this.options.logger.info({ reason, observed: this.observed.size, observeMs: Math.round(observeMs), durationMs: Math.round(durationMs), drifted, unmanaged: this.observed.unmanaged.length }, 'resync');
  }

  /** True when the provider promises the same observation as the last one, and the last scan saw this revision. */
  private async worldUnchanged(): Promise<boolean> {
    if (!this.provider.changeToken || this.observedToken === undefined || this.observed.patched) return false;
    if (this.scannedRevision === undefined || this.scannedRevision !== this.desired?.revision) return false;
    return (await this.provider.changeToken(this.abort.signal)) === this.observedToken;
  }

  private async observe(): Promise<void> {
    // The token first: a change made while observing then shows as a different token next time.
    const token = await this.provider.changeToken?.(this.abort.signal);
    const all = await this.provider.observe({}, this.abort.signal);
    this.observedToken = token;
    this.observed.replace(all, Date.now());
    this.lastSyncAt = now();
    this.options.metrics?.setUnmanaged(this.observed.unmanaged.length);
  }

  private recordDrift(): { drifted: number } {
    if (!this.desired) return { drifted: 0 };
    const scan = scanDrift({ desired: this.desired.byKey, managed: this.observed.byIdentity, unmanaged: this.observed.unmanaged });
    this.scannedRevision = this.observed.patched ? undefined : this.desired.revision;
    const at = now();
    const { changed, toCorrect } = this.tracker.resync(scan.differences, (key) => this.queue.has(key) || this.owed.has(key), at);
    for (const record of changed) {
      this.emit({ type: 'drift', at, record });
      this.options.logger.warn({ kind: record.kind, name: record.name, account: record.account, policy: record.policy, fields: record.fields.map((f) => f.path) }, record.policy === 'correct' ? 'drift: correcting' : 'drift: reported only (policy report)');
      this.since.set(keyOf(record.kind, record.account ?? undefined, record.name), at);
    }
    for (const key of toCorrect) this.queue.add(key);
    this.options.metrics?.setQueueDepth(this.queue.depth);
    const drifted = this.tracker.openCount();
    this.options.metrics?.setDrifted(drifted);
    return { drifted };
  }

  // ---- work ------------------------------------------------------------------------------------

  private owe(key: string): void {
    this.owed.add(key);
    this.queue.add(key);
  }

  private scheduleBatch(): void {
    if (this.batchScheduled || this.stopping) return;
    this.batchScheduled = true;
    void this.step(async () => {
      this.batchScheduled = false;
      await this.runBatch();
    });
  }

  private async runBatch(): Promise<void> {
    const desired = this.desired;
    if (!desired) return;
    const keys = this.queue.takeAll();
    if (keys.length === 0) return;
    const t0 = performance.now();
    // A retry is planned against a fresh observation: whatever made it fail (a host down, an object
    // changed by hand) was outside cairn, so the cached one cannot say whether it is over.
    if (keys.some((k) => this.queue.failuresOf(k) > 0)) await this.observe();
    this.options.metrics?.setQueueDepth(this.queue.depth);
    const outcome = await reconcileBatch({
      keys, desired, observed: this.observed, provider: this.provider, journal: this.journal,
      plan: this.options.plan ?? {}, logger: this.options.logger, signal: this.abort.signal,
      reportedOnly: (key) => this.tracker.isReportedOnly(key) && !this.owed.has(key),
      emit: (e) => this.emit(e), metrics: this.options.metrics,
      execute: { retry: BATCH_RETRY, drainTimeoutMs: this.options.shutdownTimeoutMs, ...(this.options.rateLimit ? { rateLimit: this.options.rateLimit } : {}) },
      concurrency: this.options.concurrency,
    });
    const at = now();
    for (const [key, result] of outcome) {
      this.since.set(key, at);
      if (result.ok) {
        this.lastErrors.delete(key);
        this.owed.delete(key);
        const closed = this.tracker.corrected(key, at);
        if (closed) this.emit({ type: 'drift', at, record: closed });
        this.queue.done(key, 'ok');
      } else if (result.notStarted) {
        this.queue.done(key, 'again');
      } else {
        this.lastErrors.set(key, result.error ?? 'failed');
        this.queue.done(key, 'failed');
      }
    }
    const failed = [...outcome.values()].filter((r) => !r.ok && !r.notStarted).length;
    this.options.metrics?.observeReconcile((performance.now() - t0) / 1000, failed > 0 ? 'failed' : 'ok');
    this.options.metrics?.setQueueDepth(this.queue.depth);
    this.options.metrics?.setDrifted(this.tracker.openCount());
    if (this.owed.size === 0 && desired === this.desired && this.applied !== desired.revision) await this.markApplied(desired.revision);
  }

  private async markApplied(revision: string): Promise<void> {
    await this.journal.setAppliedRevision(revision);
    this.applied = revision;
    this.options.metrics?.setAppliedAt(Date.now());
    this.emit({ type: 'revision', at: now(), revision, outcome: 'applied' });
    this.options.logger.info({ revision }, 'revision applied');
  }

  private reject(revision: string, errors: readonly ValidationIssue[]): void {
    this.rejected = { revision, errors: [...errors] };
    this.emit({ type: 'revision', at: now(), revision, outcome: 'rejected', errors: errors.length });
  }

  private emit(event: ControllerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber (an SSE client gone away) must never break the loop.
      }
    }
  }

  private readonly facts: ResourceFacts = {
    observed: (r) => this.observed.byIdentity.get(r.kind, ownerKeyOf(r), r.name),
    lastError: (key) => this.lastErrors.get(key),
    drifted: (key) => this.tracker?.openRecord(key) !== undefined,
    pending: (key) => this.queue.has(key) || this.owed.has(key),
    since: (key) => this.since.get(key) ?? this.lastSyncAt ?? now(),
    attention: () => [
      ...this.lastErrors.keys(), ...(this.tracker?.openKeys() ?? []), ...this.queue.pendingKeys(), ...this.owed, ...this.observed.transitional,
    ],
  };

  // ---- remote ----------------------------------------------------------------------------------

  private remoteTimer: ReturnType<typeof setInterval> | undefined;

  /** With --remote there are no ref files to watch: the poll (and the webhook) make the looks. */
  private startRemotePoll(): void {
    this.remoteTimer = setInterval(() => this.lookAtBranch('poll'), this.options.pollMs);
  }

  /** For tests and the benchmark: resolves once every step queued so far has run. */
  async idle(): Promise<void> {
    let last: Promise<unknown>;
    do {
      last = this.serial;
      await last.catch(() => undefined);
    } while (last !== this.serial);
  }
}

const now = () => new Date().toISOString();

/** Owner keys (`account:acme`), one string per tenant however many resources ask. */
const ownerKeys = { account: new Map<string, string>(), project: new Map<string, string>() };
function ownerKeyOf(r: Resource): string | undefined {
  if (r.tenant === undefined) return undefined;
  const type = r.tenantType ?? 'account';
  let key = ownerKeys[type].get(r.tenant);
  if (key === undefined) ownerKeys[type].set(r.tenant, (key = `${type}:${r.tenant}`));
  return key;
}
