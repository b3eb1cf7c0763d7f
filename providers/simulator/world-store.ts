import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { open, type Database, type RootDatabase } from 'lmdb';
import { KINDS, type Kind } from '../../desired-state/model.js';
import { TransientError } from '../errors/transient-error.js';
import { SimulatorConfigError } from './errors/simulator-config-error.js';
import type { SimObject } from './sim-object.js';
import { DELETED, StagedLayer } from './staged-layer.js';
import { CachedDb, CachedObjects } from './world-cache.js';
import { identityKey, SEP, type WorldReader } from './world-reader.js';
import { TRANSITIONS_PREFIX } from './transition-records.js';
import { WorldTx } from './world-transaction.js';

interface PendingMutation {
  run: (tx: WorldTx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * What a commit of the world survives:
 * - 'process' (default): the commit is in the kernel's page cache when the call returns, so it
 *   survives the process being killed (SIGKILL included); the disk catches up in the background
 *   (an fsync at most SYNC_DELAY_MS after a write, and on close). An operating-system crash or a
 *   power cut may lose the last moments of the simulated world, or, lmdb warns, leave the file
 *   unreadable (then remove `simulator.lmdb`: the next apply creates the world again).
 * - 'commit': every batch is fsynced before its calls return (about a millisecond each here).
 * Set by the first open of a state folder in a process; CAIRN_SIM_DURABILITY overrides the default.
 */
export type WorldDurability = 'process' | 'commit';

/** How soon after a write the background fsync of 'process' durability runs. */
export const SYNC_DELAY_MS = 100;

/** msgpackr options (passed through by lmdb, not in its typings). */
const SHARED_STRUCTURES = { sharedStructuresKey: Symbol.for('structures'), maxSharedStructures: 256 };

/** Meta keys the store itself keeps, outside any mutation's reach. */
const GENERATION_KEY = `${SEP}generation`;
const WORLD_ID_KEY = `${SEP}worldId`;

/**
 * The simulated world in `<stateDir>/simulator.lmdb`, shared by every process that opens the same
 * state folder (a CLI `sim fault` and a running controller see one world).
 *
 * Mutations are grouped: everything asked for before the current microtasks have run (the calls
 * that one completion set going) runs, one after the other, in one synchronous lmdb write
 * transaction, as a microtask rather than on the next turn of the event loop, which added a turn's
 * wait to every call's latency. The batch's writes are coalesced (a host that sixteen VM
 * creates of one batch reserve capacity on is encoded and written once). See WorldDurability for
 * what a commit survives; with the default, a commit costs tens of microseconds instead of the
 * millisecond of an fsync, which capped an apply near 3,000 calls a second.
 *
 * Every write transaction bumps a generation counter kept in the world itself. It is the change
 * token (`changeToken`): equal tokens mean an unchanged world, whichever process changed it. It
 * also keeps the decoded objects (world-cache.ts) honest: when the generation is not the one this
 * process last wrote or read, another process wrote, and everything decoded is dropped.
 *
 * lmdb's own async `transaction()` is not used: a batch waiting for the write thread's commit
 * holds every call of the batch for that long (measured: a third of the throughput).
 */
export class SimulatorWorld implements WorldReader {
  readonly path: string;
  readonly durability: WorldDurability;
  private readonly root: RootDatabase;
  private readonly dbs: { objects: Database<SimObject, string>; index: Database<string, string>; claims: Database<string, string>; meta: Database<unknown, string> };
  private readonly cache: { objects: CachedObjects; index: CachedDb<string>; claims: CachedDb<string>; meta: CachedDb<unknown> };
  /** The generation the cache holds; undefined: not read yet. */
  private generation: number | undefined;
  private queue: PendingMutation[] = [];
  private scheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;
  /** Objects this process wrote since observed-view.ts last asked, and which decoded world they belong to. */
  private changedObjects = new Set<string>();
  private cacheEpoch = 0;
  private syncing: Promise<void> | undefined;

  constructor(stateDir: string, durability: WorldDurability = 'process') {
    fs.mkdirSync(stateDir, { recursive: true });
    // Like the desired-state cache: the state folder ignores itself, so it never dirties the repository.
    const ignore = path.join(stateDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    this.path = path.join(stateDir, SIMULATOR_DB);
    this.durability = durability;
    this.root = open({ path: this.path, maxDbs: 8, ...(durability === 'process' ? { noSync: true } : {}) });
    this.dbs = {
      // Objects come in a few dozen shapes (a status per kind and state); msgpackr shares 32 by
      // default and writes the rest's definitions into every record, which made decoding a world
      // seven times slower (3.7 s instead of 0.5 s for 282,000 objects).
      objects: this.root.openDB<SimObject, string>({ name: 'objects', ...SHARED_STRUCTURES }),
      index: this.root.openDB<string, string>({ name: 'index' }),
      claims: this.root.openDB<string, string>({ name: 'claims' }),
      meta: this.root.openDB<unknown, string>({ name: 'meta' }),
    };
    this.cache = {
      objects: new CachedObjects(this.dbs.objects),
      index: new CachedDb(this.dbs.index, { memoRanges: true, loadWhole: true }),
      claims: new CachedDb(this.dbs.claims, { loadWhole: true }),
      meta: new CachedDb(this.dbs.meta),
    };
  }

  /** Runs `fn` atomically against the latest world (other processes' commits included); resolves once committed. */
  mutate<T>(fn: (tx: WorldTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flushQueue());
      }
    });
  }

  /**
   * A token that changes whenever the world does (any write, by any process: applies, drift,
   * faults); undefined while a transition is under way (a VM Starting: observing will change it).
   */
  changeToken(): string | undefined {
    this.refresh();
    if (this.cache.index.range(TRANSITIONS_PREFIX).length > 0) return undefined;
    const id = this.dbs.meta.get(WORLD_ID_KEY);
    return `${typeof id === 'string' ? id : 'empty'}:${this.generation ?? 0}`;
  }

  private flushQueue(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const layers = {
      objects: new StagedLayer<SimObject>(this.cache.objects),
      index: new StagedLayer<string>(this.cache.index),
      claims: new StagedLayer<string>(this.cache.claims),
      meta: new StagedLayer<unknown>(this.cache.meta),
    };
    let generation: number | undefined;
    try {
      this.root.transactionSync(() => {
        // Under the writer lock, the latest commit of any process is visible.
        this.checkGeneration();
        for (const m of batch) {
          const tx = new WorldTx(layers);
          try {
            const value = m.run(tx);
            tx.commitInto(layers);
            outcomes.push({ ok: true, value });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
        if (layers.objects.size + layers.index.size + layers.claims.size + layers.meta.size === 0) return;
        write(layers.objects, this.dbs.objects);
        write(layers.index, this.dbs.index);
        write(layers.claims, this.dbs.claims);
        write(layers.meta, this.dbs.meta);
        generation = (this.generation ?? 0) + 1;
        void this.dbs.meta.put(GENERATION_KEY, generation);
        if (this.dbs.meta.get(WORLD_ID_KEY) === undefined) void this.dbs.meta.put(WORLD_ID_KEY, randomUUID());
      });
    } catch (error) {
      // Nothing was written: what was decoded may hold what this batch read half-way, so start afresh.
      this.clearCache();
      const failure = new TransientError(`the simulator could not write its world (${this.path}): ${(error as Error).message}`, { cause: error });
      for (const m of batch) m.reject(failure);
      return;
    }
    if (generation !== undefined) {
      for (const id of layers.objects.staged.keys()) this.changedObjects.add(id);
      remember(layers.objects, this.cache.objects);
      remember(layers.index, this.cache.index);
      remember(layers.claims, this.cache.claims);
      remember(layers.meta, this.cache.meta);
      this.generation = generation;
      this.scheduleSync();
    }
    batch.forEach((m, i) => (outcomes[i]!.ok ? m.resolve(outcomes[i]!.value) : m.reject(outcomes[i]!.value)));
  }

  /** Drops what was decoded when another process wrote since this one last looked. */
  private checkGeneration(): void {
    const stored = (this.dbs.meta.get(GENERATION_KEY) as number | undefined) ?? 0;
    if (stored !== this.generation) {
      this.clearCache();
      this.generation = stored;
    }
  }

  /**
   * The objects this process wrote since the last call, and the epoch of the decoded world: a new
   * epoch (another process wrote, everything decoded was dropped) means "all of them".
   */
  takeChangedObjects(): { epoch: number; ids: Set<string> } {
    const ids = this.changedObjects;
    this.changedObjects = new Set();
    return { epoch: this.cacheEpoch, ids };
  }

  private clearCache(): void {
    this.cacheEpoch++;
    this.changedObjects.clear();
    this.generation = undefined;
    for (const c of Object.values(this.cache)) c.clear();
  }

  /** 'process' durability: one fsync, in the background, shortly after writes, for the disk to catch up. */
  private scheduleSync(): void {
    if (this.durability !== 'process' || this.syncTimer !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.sync();
    }, SYNC_DELAY_MS);
    this.syncTimer.unref();
  }

  private sync(): Promise<void> {
    if (this.durability !== 'process') return Promise.resolve();
    // One fsync at a time; one asked for meanwhile runs after it (it must cover later commits).
    const run = async (): Promise<void> => {
      await new Promise<void>((resolve) => {
        (this.root as unknown as { sync(cb: (error?: unknown) => void): void }).sync(() => resolve());
      });
    };
    const next = (this.syncing ?? Promise.resolve()).then(run);
    this.syncing = next;
    void next.then(() => {
      if (this.syncing === next) this.syncing = undefined;
    });
    return next;
  }

  /** Forgets the read snapshot, so the next read sees what other processes committed since. */
  refresh(): void {
    this.root.resetReadTxn();
    this.checkGeneration();
  }

  get(externalId: string): SimObject | undefined {
    return this.cache.objects.get(externalId);
  }

  byIdentity(kind: Kind, owner: string, name: string): SimObject | undefined {
    const id = this.cache.index.get(identityKey(kind, name, owner));
    const obj = id === undefined ? undefined : this.get(id);
    return obj?.identity ? obj : undefined;
  }

  managedNamed(kind: Kind, name: string): SimObject[] {
    return this.indexRange(`id${SEP}${kind}${SEP}${name}${SEP}`)
      .map((id) => this.get(id))
      .filter((o): o is SimObject => o?.identity !== undefined);
  }

  /** Every object of a kind, in id order. The objects are the world's own: read them, never change them. */
  scan(kind: Kind): SimObject[] {
    return [...this.cache.objects.ofKind(kind)].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  }

  /**
   * Every object of the given kinds (all kinds when omitted), kind by kind in KINDS order (within a
   * kind in no particular order). Decoded once per process while no other process writes.
   */
  *objects(kinds: readonly Kind[] = KINDS): Generator<SimObject> {
    for (const kind of kinds) yield* this.cache.objects.ofKind(kind);
  }

  indexRange(prefix: string): string[] {
    return this.cache.index.range(prefix).map((e) => e[1]);
  }

  claimHolder(key: string): string | undefined {
    return this.cache.claims.get(key);
  }

  hasClaims(prefix: string): boolean {
    return this.cache.claims.range(prefix).length > 0;
  }

  meta<T>(key: string): T | undefined {
    return this.cache.meta.get(key) as T | undefined;
  }

  /** Waits for queued mutations, syncs ('process' durability), then closes lmdb. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) await new Promise((r) => setImmediate(r));
    if (this.syncTimer !== undefined) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.sync();
    await this.root.close();
  }
}

export const SIMULATOR_DB = 'simulator.lmdb';

/**
 * One lmdb handle per state folder per process, as the desired-state cache does: lmdb wants one
 * environment per file per process, and the provider, drift functions and CLI share it.
 */
const openWorlds = new Map<string, SimulatorWorld>();

export function openSimulatorWorld(stateDir: string, durability?: WorldDurability): SimulatorWorld {
  const key = path.resolve(stateDir);
  let world = openWorlds.get(key);
  if (!world) openWorlds.set(key, (world = new SimulatorWorld(key, durability ?? durabilityFromEnv())));
  return world;
}

function durabilityFromEnv(): WorldDurability {
  const v = process.env.CAIRN_SIM_DURABILITY;
  if (v === undefined || v.trim() === '') return 'process';
  if (v === 'process' || v === 'commit') return v;
  throw new SimulatorConfigError(`CAIRN_SIM_DURABILITY must be process or commit (got ${JSON.stringify(v)})`);
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

/** Writes a batch's coalesced writes inside the lmdb write transaction. */
function write<V>(layer: StagedLayer<V>, db: Database<V, string>): void {
  for (const [key, value] of layer.staged) {
    if (value === DELETED) void db.remove(key);
    else void db.put(key, value);
  }
}

/** Once committed, a batch's writes are what this process knows of the world. */
function remember<V>(layer: StagedLayer<V>, cache: CachedDb<V>): void {
  for (const [key, value] of layer.staged) cache.set(key, value === DELETED ? undefined : value);
}
