import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { DriftRecord } from './controller-view.js';

/** Corrected records kept for the operator to see, newest first; older ones are forgotten. */
const KEEP_CORRECTED = 200;

/**
 * Drift records by resource identity, in lmdb (`<stateDir>/controller.lmdb`), so that "first seen"
 * survives a restart of the controller. Also what the controller must remember between runs that
 * the journal does not: the last revision that loaded valid. One handle per process, like the journal.
 */
export class DriftStore {
  private readonly root: RootDatabase;
  private readonly records: Database<DriftRecord, string>;
  private readonly meta: Database<unknown, string>;
  private readonly cache = new Map<string, DriftRecord>();

  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.root = open({ path: path.join(stateDir, 'controller.lmdb'), maxDbs: 4 });
    this.records = this.root.openDB<DriftRecord, string>({ name: 'drift' });
    this.meta = this.root.openDB<unknown, string>({ name: 'meta' });
    for (const { key, value } of this.records.getRange()) this.cache.set(key, value);
  }

  get(key: string): DriftRecord | undefined {
    return this.cache.get(key);
  }

  /** Open records (not corrected) and the most recently corrected ones. */
  all(): DriftRecord[] {
    return [...this.cache.values()];
  }

  open(): [string, DriftRecord][] {
    return [...this.cache].filter(([, r]) => r.correctedAt === null);
  }

  put(key: string, record: DriftRecord): void {
    this.cache.set(key, record);
    void this.records.put(key, record);
  }

  remove(key: string): void {
    if (!this.cache.delete(key)) return;
    void this.records.remove(key);
  }

  /** Forgets corrected records beyond the newest KEEP_CORRECTED. */
  prune(): void {
    const corrected = [...this.cache].filter(([, r]) => r.correctedAt !== null).sort((a, b) => (a[1].correctedAt! < b[1].correctedAt! ? 1 : -1));
    for (const [key] of corrected.slice(KEEP_CORRECTED)) this.remove(key);
  }

  lastGoodRevision(): string | undefined {
    return this.meta.get('lastGoodRevision') as string | undefined;
  }

  setLastGoodRevision(revision: string): void {
    void this.meta.put('lastGoodRevision', revision);
  }

  async close(): Promise<void> {
    await this.root.flushed;
    await this.root.close();
  }
}
