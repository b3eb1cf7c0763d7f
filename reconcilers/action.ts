import type { Kind } from '../desired-state/model.js';

/**
 * What a plan asks a provider to do. `replace` is planned as a destructive delete + create pair
 * only where the kind cannot change a field in place; providers see create/update/delete/orphan/
 * start/stop (a replace reaches them as its `delete` then its `create`).
 */
export type ActionOp = 'create' | 'update' | 'replace' | 'delete' | 'orphan' | 'start' | 'stop';

export interface FieldDiff {
  /** Dotted path inside spec, e.g. `serviceOffering`, `networks[0].ip`. */
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface Action {
  /** Stable within a plan: `${op}:${kind}/${owner}/${name}`. */
  id: string;
  op: ActionOp;
  kind: Kind;
  name: string;
  /** Owner key (`account:acme`), undefined for global kinds. */
  owner?: string;
  /** Why, in words: "not in the world", "serviceOffering changed", "removed from git". */
  reason: string;
  fields: FieldDiff[];
  /** Ids of actions that must succeed first. */
  dependsOn: string[];
  destructive: boolean;
  /** The desired document's spec (create, update, replace), secrets included: never printed. */
  spec?: Record<string, unknown>;
  /** The object's provider id (update, delete, orphan, start, stop). */
  externalId?: string;
  /**
   * Decisions made while planning and kept once made (placement host and storage, allocated IP,
   * VLAN, public address). Names of resources, not provider ids.
   */
  placement?: Record<string, unknown>;
}

export interface ActionResult {
  /** The object's provider id after the action (create, adopt). */
  externalId?: string;
  /** True when create found an object with the same identity and adopted it. */
  adopted?: boolean;
  /** Status fields the provider decided (host, ip, vlan). */
  status?: Record<string, unknown>;
}
