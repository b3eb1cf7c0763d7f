/**
 * The seam between the reconcile loop (controller/run/) and what reports on it (the HTTP API and
 * the metrics in controller/http/ and controller/metrics/). The loop implements ControllerView and
 * calls ControllerMetrics; the server only reads the view. Values handed out here are already
 * redacted: no secret (x-cairn-secret field) ever leaves the loop through this interface.
 */
import type { Kind, ValidationIssue } from '../../desired-state/model.js';

export type ResourceStatus = 'ready' | 'progressing' | 'failed' | 'drifted';
export type DriftPolicy = 'correct' | 'report';

export interface StatusSnapshot {
  /** Last revision (commit id) applied in full; null before the first. */
  appliedRevision: string | null;
  /** Newest valid revision seen on the branch (being applied when it differs from appliedRevision). */
  desiredRevision: string | null;
  /** Newest revision refused as invalid, with every error; null when the newest seen is valid. */
  rejectedRevision: { revision: string; errors: ValidationIssue[] } | null;
  /** ISO time of the last completed observe of the world. */
  lastSyncAt: string | null;
  summary: { ready: number; progressing: number; failed: number; drifted: number; unmanaged: number };
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionAt: string;
}

export interface ResourceItem {
  kind: Kind;
  name: string;
  /** Owner key of tenant kinds (`account:NAME` / `project:NAME`), null for global kinds. */
  account: string | null;
  status: ResourceStatus;
  /** The desired document's spec (redacted). */
  desired: unknown;
  /** The provider's view: its spec plus status fields such as `state`, `host` (redacted); null when absent. */
  observed: Record<string, unknown> | null;
  conditions: Condition[];
  lastError: string | null;
}

export interface ResourceFilter {
  kind?: string;
  /** Matches `account:NAME`, `project:NAME` or a bare NAME. */
  account?: string;
  status?: string;
}

export interface DriftField {
  path: string;
  desired: unknown;
  observed: unknown;
}

export interface DriftRecord {
  kind: Kind;
  name: string;
  account: string | null;
  fields: DriftField[];
  policy: DriftPolicy;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When cairn put it back; null while open or under the `report` policy. */
  correctedAt: string | null;
}

export interface UnmanagedObject {
  kind: Kind;
  name: string;
  account: string | null;
  externalId: string;
}

export type ControllerEvent =
  | { type: 'revision'; at: string; revision: string; outcome: 'accepted' | 'rejected' | 'applied'; errors?: number }
  | { type: 'action'; at: string; op: string; kind: Kind; name: string; account: string | null; result: 'started' | 'succeeded' | 'failed' | 'retrying'; error?: string }
  | { type: 'drift'; at: string; record: DriftRecord }
  | { type: 'sync'; at: string; durationMs: number; drifted: number; unmanaged: number };

export interface ControllerView {
  /** True once the first revision is loaded and the world observed (GET /readyz). */
  ready(): boolean;
  status(): StatusSnapshot;
  resources(filter: ResourceFilter): ResourceItem[];
  drift(): { items: DriftRecord[]; unmanaged: UnmanagedObject[] };
  /** Every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ControllerEvent) => void): () => void;
  /** POST /api/v1/reconcile: re-observe and reconcile now. */
  requestResync(reason: string): void;
  /** POST /hooks/git with a valid signature: look at the branch now. */
  notifyPush(): void;
}

/** What the loop measures; implemented with prom-client in controller/metrics/. Names are `cairn_…`. */
export interface ControllerMetrics {
  /** One reconcile pass (load, observe, plan, apply) took `seconds`. */
  observeReconcile(seconds: number, outcome: 'ok' | 'failed' | 'rejected'): void;
  /** One provider action finished. */
  observeAction(kind: Kind, op: string, result: 'succeeded' | 'failed' | 'retried', seconds: number): void;
  setQueueDepth(n: number): void;
  setDrifted(n: number): void;
  setUnmanaged(n: number): void;
  /** When the applied revision's commit was applied (epoch ms): the gauge reports its age. */
  setAppliedAt(epochMs: number): void;
}
