import type { Resource } from '../../desired-state/model.js';
import type { DriftRecord } from './controller-view.js';
import type { Difference } from './drift-scan.js';
import type { DriftPolicies } from './drift-policy.js';
import type { DriftStore } from './drift-store.js';

export interface DriftUpdate {
  /** Records first seen, or changed, in this resync. */
  changed: DriftRecord[];
  /** Keys to correct now (policy `correct`). */
  toCorrect: string[];
}

/**
 * Drift records over time. A resync hands over what differs; identities with work owed (a commit
 * not yet applied to them, a failure being retried) are not drift, they are pending. A record is
 * opened when a difference is first seen, its `lastSeenAt` moves while it lasts, `correctedAt` is
 * set when cairn's correction succeeded; a difference that went away by itself (someone put it back
 * by hand) closes its record without a correction and it is dropped.
 */
export class DriftTracker {
  constructor(private readonly store: DriftStore, private readonly policies: DriftPolicies) {}

  resync(differences: readonly Difference[], pending: (key: string) => boolean, now: string): DriftUpdate {
    const changed: DriftRecord[] = [];
    const toCorrect: string[] = [];
    const seen = new Set<string>();
    for (const d of differences) {
      if (pending(d.key)) continue;
      seen.add(d.key);
      const policy = this.policies.of(d.kind, d.desired);
      const before = this.store.get(d.key);
      const open = before && before.correctedAt === null ? before : undefined;
      const record: DriftRecord = {
        kind: d.kind, name: d.name, account: d.owner ?? null, fields: d.fields, policy,
        firstSeenAt: open?.firstSeenAt ?? now, lastSeenAt: now, correctedAt: null,
      };
      if (!open || JSON.stringify(open.fields) !== JSON.stringify(record.fields) || open.policy !== policy) changed.push(record);
      this.store.put(d.key, record);
      if (policy === 'correct') toCorrect.push(d.key);
    }
    for (const [key] of this.store.open()) {
      if (!seen.has(key) && !pending(key)) this.store.remove(key);
    }
    this.store.prune();
    return { changed, toCorrect };
  }

  /** A resync found the world unchanged: every open record is still there, seen now. */
  seenAgain(now: string): void {
    for (const [key, r] of this.store.open()) this.store.put(key, { ...r, lastSeenAt: now });
  }

  /** The correction of `key` succeeded: its open record (if any) is closed. */
  corrected(key: string, now: string): DriftRecord | undefined {
    const r = this.store.get(key);
    if (!r || r.correctedAt !== null || r.policy !== 'correct') return undefined;
    const closed = { ...r, correctedAt: now };
    this.store.put(key, closed);
    return closed;
  }

  openRecord(key: string): DriftRecord | undefined {
    const r = this.store.get(key);
    return r && r.correctedAt === null ? r : undefined;
  }

  /** Open records under `report`: their identities are not acted on unless git changes them. */
  isReportedOnly(key: string): boolean {
    return this.openRecord(key)?.policy === 'report';
  }

  records(): DriftRecord[] {
    return this.store.all().sort((a, b) => (a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : 0));
  }

  /** Keys of the open records. */
  openKeys(): string[] {
    return this.store.open().map(([key]) => key);
  }

  openCount(): number {
    return this.store.open().length;
  }
}
