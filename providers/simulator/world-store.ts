import fs from 'node:fs';
import path from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { KINDS, type Kind } from '../../desired-state/model.js';
import { TransientError } from '../errors/transient-error.js';
import { externalIdPrefix, type SimObject } from './sim-object.js';
import { identityKey, RANGE_END, SEP, type WorldReader } from './world-reader.js';
import { WorldTx, type WorldDbs } from './world-transaction.js';

interface PendingMutation {
  run: (tx: WorldTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The simulated world in `<stateDir>/simulator.lmdb`, shared by every process that opens the same
 * state folder (a CLI `sim fault` and a running controller see one world).
 *
 * Mutations are grouped: everything asked for in one event-loop turn runs, one after the other, in
 * one synchronous lmdb write transaction, committed durably before any of their promises resolve.
 * A synchronous commit costs a third of a millisecond on this machine's disk, so one commit per
 * call would cap an apply near 3,000 actions/s; grouped, a plan of thousands costs a few commits.
 * lmdb's own async `transaction()` is not used: its callbacks never ran here (it needs a thread-safe
 * N-API call that this build does not deliver).
 */
export class SimulatorWorld implements WorldReader {
  readonly path: string;
  private readonly root: RootDatabase;
  private readonly dbs: WorldDbs;
  private queue: PendingMutation[] = [];
  private scheduled = false;

  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    // Like the desired-state cache: the state folder ignores itself, so it never dirties the repository.
    const ignore = path.join(stateDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    this.path = path.join(stateDir, SIMULATOR_DB);
    this.root = open({ path: this.path, maxDbs: 8 });
    this.dbs = {
      objects: this.root.openDB<SimObject, string>({ name: 'objects', sharedStructuresKey: Symbol.for('structures') }),
      index: this.root.openDB<string, string>({ name: 'index' }),
      claims: this.root.openDB<string, string>({ name: 'claims' }),
      meta: this.root.openDB<unknown, string>({ name: 'meta' }),
    };
  }

  /** Runs `fn` atomically against the latest world (other processes' commits included); resolves once durable. */
  mutate<T>(fn: (tx: WorldTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushQueue());
      }
    });
  }

  private flushQueue(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.root.transactionSync(() => {
        for (const m of batch) {
          const tx = new WorldTx(this.dbs);
          try {
            const value = m.run(tx);
            tx.commit();
            outcomes.push({ ok: true, value });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      const failure = new TransientError(`the simulator could not write its world (${this.path}): ${(error as Error).message}`, { cause: error });
      for (const m of batch) m.reject(failure);
      return;
    }
    batch.forEach((m, i) => (outcomes[i]!.ok ? m.resolve(outcomes[i]!.value) : m.reject(outcomes[i]!.value)));
  }

  /** Forgets the read snapshot, so the next read sees what other processes committed since. */
  refresh(): void {
    this.root.resetReadTxn();
  }

  get(externalId: string): SimObject | undefined {
    return this.dbs.objects.get(externalId);
  }

  byIdentity(kind: Kind, owner: string, name: string): SimObject | undefined {
    const id = this.dbs.index.get(identityKey(kind, name, owner));
    const obj = id === undefined ? undefined : this.get(id);
    return obj?.identity ? obj : undefined;
  }

  managedNamed(kind: Kind, name: string): SimObject[] {
    return this.indexRange(`id${SEP}${kind}${SEP}${name}${SEP}`)
      .map((id) => this.get(id))
      .filter((o): o is SimObject => o?.identity !== undefined);
  }

  scan(kind: Kind): SimObject[] {
    const prefix = externalIdPrefix(kind);
    return [...this.dbs.objects.getRange({ start: prefix, end: prefix + RANGE_END })].map((e) => e.value);
  }

  /** Every object of the given kinds (all kinds when omitted), kind by kind in KINDS order. */
  *objects(kinds: readonly Kind[] = KINDS): Generator<SimObject> {
    for (const kind of kinds) {
      const prefix = externalIdPrefix(kind);
      for (const { value } of this.dbs.objects.getRange({ start: prefix, end: prefix + RANGE_END })) yield value;
    }
  }

  indexRange(prefix: string): string[] {
    return [...this.dbs.index.getRange({ start: prefix, end: prefix + RANGE_END })].map((e) => e.value);
  }

  claimHolder(key: string): string | undefined {
    return this.dbs.claims.get(key);
  }

  hasClaims(prefix: string): boolean {
    for (const _ of this.dbs.claims.getRange({ start: prefix, end: prefix + RANGE_END, limit: 1 })) return true;
    return false;
  }

  meta<T>(key: string): T | undefined {
    return this.dbs.meta.get(key) as T | undefined;
  }

  /** Waits for queued mutations, then closes lmdb. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) await new Promise((r) => setImmediate(r));
    await this.root.close();
  }
}

export const SIMULATOR_DB = 'simulator.lmdb';

/**
 * One lmdb handle per state folder per process, as the desired-state cache does: lmdb wants one
 * environment per file per process, and the provider, drift functions and CLI share it.
 */
const openWorlds = new Map<string, SimulatorWorld>();

export function openSimulatorWorld(stateDir: string): SimulatorWorld {
  const key = path.resolve(stateDir);
  let world = openWorlds.get(key);
  if (!world) openWorlds.set(key, (world = new SimulatorWorld(key)));
  return world;
}

/** True when a world was ever written in this state folder (`sim show` must not create one). */
export function simulatorWorldExists(stateDir: string): boolean {
  return fs.existsSync(path.join(stateDir, SIMULATOR_DB));
}

/** Closes every world this process opened (tests; a controller shutting down). */
export async function closeSimulatorWorlds(): Promise<void> {
  const all = [...openWorlds.values()];
  openWorlds.clear();
  await Promise.all(all.map((w) => w.close()));
}
