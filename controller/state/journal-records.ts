import type { ActionOp, ActionResult } from '../../reconcilers/action.js';
import type { Kind } from '../../desired-state/model.js';

/** Written, and durable, before a provider call. */
export interface IntentRecord {
  runId: string;
  actionId: string;
  /** The op the provider is asked for: a plan's `replace` is journaled as its `delete` then its `create`. */
  op: ActionOp;
  /** The plan's op when it differs from `op` (a replace). */
  planOp?: ActionOp;
  kind: Kind;
  owner?: string;
  name: string;
  /** 1-based, per provider op of the action. */
  attempt: number;
  /** Epoch ms. */
  startedAt: number;
}

/** Written after the provider call returned or threw. */
export interface OutcomeRecord {
  runId: string;
  actionId: string;
  op: ActionOp;
  attempt: number;
  ok: boolean;
  /** Class and code of what the provider threw (TransientError / PROVIDER_TRANSIENT, ...). */
  errorClass?: string;
  errorCode?: string;
  message?: string;
  /** Epoch ms. */
  finishedAt: number;
  result?: ActionResult;
}

export interface RunSummary {
  succeeded: number;
  failed: number;
  skipped: number;
  notStarted: number;
  cancelled: boolean;
  durationMs: number;
}

export interface RunRecord {
  runId: string;
  /** The git revision being applied; null for a working tree. */
  revision: string | null;
  /** Actions in the plan. */
  actions: number;
  /** Epoch ms. */
  startedAt: number;
  pid: number;
  /** Set by endRun; a run without it was interrupted (or is still going). */
  endedAt?: number;
  summary?: RunSummary;
}

/** What the executor needs of a journal (the lmdb Journal, or a fake in tests). */
export interface ExecutionJournal {
  /** Resolves once the intent is durable; the provider is called only after. */
  intent(record: IntentRecord): Promise<void>;
  outcome(record: OutcomeRecord): Promise<void>;
}
