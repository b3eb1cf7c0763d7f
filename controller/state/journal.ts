/**
 * The crash-safe journal of applies, in lmdb (`<stateDir>/journal.lmdb`).
 *
 * Before every provider call the executor records an intent (run, action, op, attempt, time) and
 * waits until the write is committed; after the call it records the outcome (ok, or the error's
 * class, code and message, and the provider's result). An intent without an outcome is therefore a
 * call that was, or may have been, in flight when the process died.
 *
 * Recovery after a crash (SIGKILL included), and why the journal is not replayed:
 * - The next apply does not resume the old plan. It re-observes the world and plans again from
 *   desired vs observed, so whatever the killed run finished is simply no longer in the plan, and
 *   whatever it left half done is planned again.
 * - That is safe because every provider call is idempotent (providers/provider.ts): a create first
 *   adopts an object that already carries the same cairn identity, so a create that reached the
 *   provider before the kill is adopted, never made twice; a delete of an object already gone
 *   succeeds; update/start/stop to a state already reached change nothing. Stateful kinds default to
 *   `deletionPolicy: Retain` and are orphaned, not deleted, so no volume is lost by re-planning.
 * - What the journal adds is the operator's view: `beginRun` closes the runs that never ended
 *   (their process is gone) and records them in the new run's `resumedAfter`, with the intents that
 *   had no outcome, so the CLI can say "resumed after an interrupted run: 3 actions were in flight"
 *   (recovery.ts) and `incompleteIntents(runId)` lists exactly which.
 *
 * Durability: an intent is awaited until its lmdb transaction is committed; a committed transaction
 * survives the process being killed at any instant (SIGKILL included: the pages are in the
 * kernel's cache). The default, 'process', stops there: no fsync per commit, one when a run ends.
 * That is enough because nothing depends on the journal to be correct (see above: the next apply
 * re-observes): after an operating-system crash the last records may be missing, and only the
 * "were in flight" report is less complete. It costs a tenth of a millisecond per batch of intents
 * instead of a millisecond of fsync on every provider call's path. `durability: 'commit'` syncs
 * every commit (lmdb's overlappingSync, in the background), `'flush'` also waits for that flush
 * before the call, for operators who want the journal itself to survive power loss.
 * Intents written together (before the current microtasks have run) share one transaction. lmdb commits in order, so
 * when an intent is durable, every outcome written before it is too.
 *
 * One handle per state folder per process (as desired-state/load.ts does for its cache): lmdb
 * environments must not be opened twice in one process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type {
  ExecutionJournal, IntentRecord, OutcomeRecord, RunRecord, RunSummary,
} from './journal-records.js';

export type { ExecutionJournal, IntentRecord, OutcomeRecord, RunRecord, RunSummary } from './journal-records.js';

export interface JournalOptions {
  /**
   * What an awaited intent survives:
   * - 'process' (default, DEFAULT_JOURNAL_DURABILITY): no fsync per commit (lmdb noSync; synced
   *   when a run ends and on close): a killed process (SIGKILL included: the writes are in the
   *   kernel's page cache), not a machine crash, after which the last runs' records may be missing.
   * - 'commit': lmdb's synced commits (flushed in the background with overlappingSync):
   *   a killed process at once, power loss as soon as the flush is done (milliseconds later).
   * - 'flush': also waits for that flush: power loss too, before the call.
   * Every process must open a given journal with the same choice.
   */
  durability?: 'commit' | 'flush' | 'process';
  /** Runs kept; older runs and their entries are pruned when a run begins. Default 20. */
  keepRuns?: number;
}

/** An interrupted run that a later run found and closed. */
export interface ResumedRun {
  runId: string;
  revision: string | null;
  startedAt: number;
  /** Intents of that run without an outcome: what it was doing when it died. */
  inFlight: IntentRecord[];
}

export interface JournalRunRecord extends RunRecord {
  /** Runs found interrupted when this one began. */
  resumedAfter?: ResumedRun[];
  /** Set on an interrupted run by the run that closed it. */
  interrupted?: { closedBy: string; at: number };
}

export interface JournalEntry {
  intent: IntentRecord;
  outcome?: OutcomeRecord;
}

type EntryKey = [number, string, string, number];

export const DEFAULT_JOURNAL_DURABILITY: NonNullable<JournalOptions['durability']> = 'process';

const RUN_ID_PREFIX = 'run-';

export class Journal implements ExecutionJournal {
  readonly path: string;
  private readonly root: RootDatabase;
  private readonly meta: Database<unknown, string>;
  private readonly runsDb: Database<JournalRunRecord, number>;
  private readonly intents: Database<IntentRecord, EntryKey>;
  private readonly outcomes: Database<OutcomeRecord, EntryKey>;
  private readonly durability: 'commit' | 'flush' | 'process';
  private readonly keepRuns: number;
  /** Runs begun through this handle and not ended: alive, never "interrupted". */
  private readonly active = new Set<number>();
  /** 'process' durability: records waiting for the next batch's write transaction. */
  private pendingWrites: { db: Database<unknown, EntryKey>; key: EntryKey; value: unknown; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(stateDir: string, options: JournalOptions = {}) {
    fs.mkdirSync(stateDir, { recursive: true });
    // Like the desired-state cache: the state folder ignores itself inside a repository.
    const ignore = path.join(stateDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    this.path = path.join(stateDir, 'journal.lmdb');
    this.durability = options.durability ?? DEFAULT_JOURNAL_DURABILITY;
    this.keepRuns = Math.max(1, options.keepRuns ?? 20);
    this.root = open({
      path: this.path, maxDbs: 8, noSubdir: false,
      ...(this.durability === 'process' ? { noSync: true, overlappingSync: false } : {}),
    });
    this.meta = this.root.openDB<unknown, string>({ name: 'meta' });
    this.runsDb = this.root.openDB<JournalRunRecord, number>({ name: 'runs' });
    // Two records per provider call, of a handful of shapes: with their structures shared (stored
    // once in the database, outside the key space) they encode twice as fast as with each record
    // describing itself. Records written before, without, still read back.
    const shared = { sharedStructuresKey: Symbol.for('structures'), maxSharedStructures: 256 };
    this.intents = this.root.openDB<IntentRecord, EntryKey>({ name: 'intents', ...shared });
    this.outcomes = this.root.openDB<OutcomeRecord, EntryKey>({ name: 'outcomes', ...shared });
  }

  /**
   * Starts a run and returns its id. Runs that never ended and whose process is gone are closed as
   * interrupted and listed, with what they had in flight, in the new run's `resumedAfter`.
   */
  async beginRun(meta: { revision: string | null; actions: number }): Promise<string> {
    const startedAt = Date.now();
    const interrupted = this.interruptedRuns();
    const resumedAfter: ResumedRun[] = interrupted.map((run) => ({
      runId: run.runId, revision: run.revision, startedAt: run.startedAt, inFlight: this.incompleteIntents(run.runId),
    }));
    // A synchronous write transaction: the sequence number is taken under lmdb's writer lock, so
    // two processes beginning at once still get distinct runs.
    const seq = this.root.transactionSync(() => {
      const n = ((this.meta.get('runSeq') as number | undefined) ?? 0) + 1;
      this.meta.putSync('runSeq', n);
      const runId = `${RUN_ID_PREFIX}${n}`;
      for (const run of interrupted) {
        this.runsDb.putSync(runSeq(run.runId), { ...run, interrupted: { closedBy: runId, at: startedAt } });
      }
      const record: JournalRunRecord = { runId, revision: meta.revision, actions: meta.actions, startedAt, pid: process.pid };
      if (resumedAfter.length > 0) record.resumedAfter = resumedAfter;
      this.runsDb.putSync(n, record);
      return n;
    });
    this.active.add(seq);
    await this.prune(seq);
    await this.durable();
    return `${RUN_ID_PREFIX}${seq}`;
  }

  async intent(record: IntentRecord): Promise<void> {
    if (this.durability === 'process') return this.batched(this.intents, entryKey(record), record);
    await this.intents.put(entryKey(record), record);
    await this.durable();
  }

  async outcome(record: OutcomeRecord): Promise<void> {
    if (this.durability === 'process') return this.batched(this.outcomes, entryKey(record), record);
    await this.outcomes.put(entryKey(record), record);
    await this.durable();
  }

  /**
   * 'process' durability: the records written together (before the current microtasks have run:
   * the calls one completion set going) are written in one synchronous transaction on this thread,
   * as a microtask. Without an fsync to wait for, handing them to lmdb's write thread and waiting
   * for its reply cost more than the write itself (a millisecond of latency on every provider
   * call), and waiting for the next event-loop turn cost a turn.
   */
  private batched<V>(db: Database<V, EntryKey>, key: EntryKey, value: V): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingWrites.push({ db: db as Database<unknown, EntryKey>, key, value, resolve, reject });
      if (this.pendingWrites.length === 1) queueMicrotask(() => this.writeBatch());
    });
  }

  private writeBatch(): void {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    try {
      this.root.transactionSync(() => {
        for (const w of batch) void w.db.put(w.key, w.value);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const w of batch) w.resolve();
  }

  async endRun(runId: string, summary: RunSummary): Promise<void> {
    const seq = runSeq(runId);
    const run = this.runsDb.get(seq);
    if (!run) throw new Error(`journal: no run ${runId}`);
    this.active.delete(seq);
    await this.runsDb.put(seq, { ...run, endedAt: Date.now(), summary });
    await this.durable();
    await this.syncUnsynced();
  }

  run(runId: string): JournalRunRecord | undefined {
    return this.runsDb.get(runSeq(runId));
  }

  /** The most recent run, ended or not. */
  lastRun(): JournalRunRecord | undefined {
    for (const { value } of this.runsDb.getRange({ reverse: true, limit: 1 })) return value;
    return undefined;
  }

  /** Every run kept, newest first. */
  runs(): JournalRunRecord[] {
    return [...this.runsDb.getRange({ reverse: true })].map((e) => e.value);
  }

  /**
   * Runs that never ended and are not running: begun by a process that is gone, or by this
   * process through another handle's lifetime. Not yet closed by a later run.
   */
  interruptedRuns(): JournalRunRecord[] {
    return this.runs().filter((run) =>
      run.endedAt === undefined && run.interrupted === undefined && !this.active.has(runSeq(run.runId)) && !otherProcessAlive(run.pid));
  }

  /** Intents without an outcome: calls in flight (or possibly so) when the run stopped. Default: the last run. */
  incompleteIntents(runId?: string): IntentRecord[] {
    const id = runId ?? this.lastRun()?.runId;
    if (id === undefined) return [];
    const out: IntentRecord[] = [];
    for (const { key, value } of this.intents.getRange(runRange(runSeq(id)))) {
      if (!this.outcomes.doesExist(key)) out.push(value);
    }
    return out;
  }

  /** Every intent of a run with its outcome, in key order (action id, op, attempt). */
  entries(runId: string): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const { key, value } of this.intents.getRange(runRange(runSeq(runId)))) {
      const outcome = this.outcomes.get(key);
      out.push(outcome ? { intent: value, outcome } : { intent: value });
    }
    return out;
  }

  async setAppliedRevision(revision: string | null): Promise<void> {
    await this.meta.put('appliedRevision', { revision, at: Date.now() });
    await this.durable();
  }

  /** The revision the last successful apply converged to (undefined: never applied; null: a working tree). */
  appliedRevision(): string | null | undefined {
    const entry = this.meta.get('appliedRevision') as { revision: string | null } | undefined;
    return entry?.revision;
  }

  /** Waits until every write so far is on disk. */
  async flush(): Promise<void> {
    await this.root.flushed;
  }

  async close(): Promise<void> {
    if (openJournals.get(this.path) === this) openJournals.delete(this.path);
    while (this.pendingWrites.length > 0) await new Promise((r) => setImmediate(r));
    await this.syncUnsynced();
    await this.root.close();
  }

  private async durable(): Promise<void> {
    if (this.durability === 'flush') await this.root.flushed;
  }

  /** 'process' durability: one fsync when a run ends instead of one per commit. */
  private async syncUnsynced(): Promise<void> {
    if (this.durability !== 'process') return;
    await this.root.committed;
    await new Promise<void>((resolve, reject) => {
      (this.root as unknown as { sync(cb: (error?: unknown) => void): void }).sync((error) => (error ? reject(error) : resolve()));
    });
  }

  /** Drops runs older than the last `keepRuns`, with their intents and outcomes. */
  private async prune(newest: number): Promise<void> {
    const oldestKept = newest - this.keepRuns + 1;
    if (oldestKept <= 1) return;
    const first = [...this.runsDb.getKeys({ limit: 1 })][0];
    if (first === undefined || first >= oldestKept) return;
    await this.root.transaction(() => {
      for (const key of this.runsDb.getKeys({ end: oldestKept })) this.runsDb.removeSync(key);
      const range = { start: [0] as unknown as EntryKey, end: [oldestKept] as unknown as EntryKey };
      for (const key of this.intents.getKeys(range)) this.intents.removeSync(key);
      for (const key of this.outcomes.getKeys(range)) this.outcomes.removeSync(key);
    });
  }
}

const openJournals = new Map<string, Journal>();

/** The journal of a state folder; one handle per folder for the life of the process. */
export function openJournal(stateDir: string, options?: JournalOptions): Journal {
  const key = path.join(path.resolve(stateDir), 'journal.lmdb');
  let journal = openJournals.get(key);
  if (!journal) openJournals.set(key, (journal = new Journal(stateDir, options)));
  return journal;
}

/** Closes every journal this process opened (tests, and a controller shutting down). */
export async function closeJournals(): Promise<void> {
  const all = [...openJournals.values()];
  openJournals.clear();
  await Promise.all(all.map((j) => j.close()));
}

function entryKey(record: { runId: string; actionId: string; op: string; attempt: number }): EntryKey {
  return [runSeq(record.runId), record.actionId, record.op, record.attempt];
}

function runRange(seq: number): { start: EntryKey; end: EntryKey } {
  // Array keys sort element by element, so [seq] .. [seq + 1] spans every entry of run `seq`.
  return { start: [seq] as unknown as EntryKey, end: [seq + 1] as unknown as EntryKey };
}

function runSeq(runId: string): number {
  const n = runId.startsWith(RUN_ID_PREFIX) ? Number(runId.slice(RUN_ID_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`journal: not a run id: ${runId}`);
  return n;
}

/** True when `pid` is a live process other than this one (a concurrent apply). */
function otherProcessAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
