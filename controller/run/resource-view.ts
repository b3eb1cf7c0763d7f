import type { Resource } from '../../desired-state/model.js';
import type { ObservedResource } from '../../providers/provider.js';
import type { ResourceFilter, ResourceItem, ResourceStatus, StatusSnapshot } from './controller-view.js';
import { redactSpec } from './redaction.js';

/** What the view needs to say how each resource is doing. */
export interface ResourceFacts {
  /** The managed observed object of a desired resource (by identity: no key string built). */
  observed(r: Resource): ObservedResource | undefined;
  lastError(key: string): string | undefined;
  drifted(key: string): boolean;
  /** Work owed: queued, running, or waiting out a backoff. */
  pending(key: string): boolean;
  /** When the resource's status last changed, ISO. */
  since(key: string): string;
  /**
   * Keys that may not be ready: failed, drifted, owed work, or observed in a transition. Every
   * other resource of the revision is ready (a resource missing from the world is always one of
   * these: owed by its commit, or found by a resync as drift), so the summary of 275,000 resources
   * looks at a handful.
   */
  attention(): Iterable<string>;
}

export const TRANSITIONAL = new Set(['Starting', 'Stopping', 'Migrating']);

export function statusOf(key: string, r: Resource, facts: ResourceFacts): ResourceStatus {
  if (facts.lastError(key) !== undefined) return 'failed';
  if (facts.drifted(key)) return 'drifted';
  const o = facts.observed(r);
  if (facts.pending(key) || !o || (typeof o.status.state === 'string' && TRANSITIONAL.has(o.status.state))) return 'progressing';
  return 'ready';
}

export function summarise(byKey: ReadonlyMap<string, Resource>, facts: ResourceFacts, unmanaged: number): StatusSnapshot['summary'] {
  const summary = { ready: byKey.size, progressing: 0, failed: 0, drifted: 0, unmanaged };
  for (const key of new Set(facts.attention())) {
    const r = byKey.get(key);
    if (!r) continue;
    const status = statusOf(key, r, facts);
    if (status === 'ready') continue;
    summary.ready--;
    summary[status]++;
  }
  return summary;
}

/** Resources of the enforced revision that pass the filter, redacted. */
export function listResources(byKey: ReadonlyMap<string, Resource>, facts: ResourceFacts, filter: ResourceFilter): ResourceItem[] {
  const out: ResourceItem[] = [];
  for (const [key, r] of byKey) {
    if (filter.kind && r.kind !== filter.kind) continue;
    const account = r.tenant === undefined ? null : `${r.tenantType ?? 'account'}:${r.tenant}`;
    if (filter.account && account !== filter.account && r.tenant !== filter.account) continue;
    const status = statusOf(key, r, facts);
    if (filter.status && status !== filter.status) continue;
    const o = facts.observed(r);
    const lastError = facts.lastError(key) ?? null;
    out.push({
      kind: r.kind,
      name: r.name,
      account,
      status,
      desired: redactSpec(r.kind, r.doc.spec),
      observed: o ? { ...redactSpec(o.kind, o.spec), ...o.status, externalId: o.externalId } : null,
      conditions: [{
        type: 'Ready',
        status: status === 'ready' ? 'True' : 'False',
        reason: status === 'ready' ? 'InSync' : status === 'failed' ? 'ActionFailed' : status === 'drifted' ? 'Drifted' : 'Reconciling',
        ...(lastError ? { message: lastError } : {}),
        lastTransitionAt: facts.since(key),
      }],
      lastError,
    });
  }
  return out;
}
