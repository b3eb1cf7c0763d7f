/**
 * The desired-state model: what the loader hands to the rest of cairn.
 * Plain, immutable data. Positions are kept as (file, docIndex) so that a
 * line and column can be computed lazily, only when an error needs them.
 */

/** Every kind cairn knows. The schemas in schemas/ are the source of truth; this list must match them. */
export const KINDS = [
  'Zone', 'Pod', 'Cluster', 'Host', 'PrimaryStorage', 'SecondaryStorage',
  'ServiceOffering', 'DiskOffering', 'Template',
  'Domain', 'Account', 'Project',
  'Network', 'Vpc', 'NetworkAcl', 'SecurityGroup', 'FirewallRule', 'EgressRule', 'PortForward',
  'PublicIp', 'LoadBalancer', 'VirtualMachine', 'Volume', 'Snapshot', 'AffinityGroup',
] as const;
export type Kind = (typeof KINDS)[number];

export const API_VERSION = 'cairn.dev/v1';

export interface Metadata {
  name: string;
  account?: string;
  project?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One YAML document as written by the user (after schema validation). */
export interface ResourceDocument {
  apiVersion: string;
  kind: Kind;
  metadata: Metadata;
  // The per-kind spec types are generated from schemas/ into schemas/types.generated.ts.
  spec: Record<string, unknown>;
}

/** Where a document lives: enough to find it again and compute line:column on demand. */
export interface SourceRef {
  /** Path relative to the repository root, forward slashes. */
  file: string;
  /** Index of the document inside the file (0-based, counting empty documents). */
  docIndex: number;
}

/** A reference from one resource's field to another resource, found through `x-cairn-ref` in the schema. */
export interface ReferenceSite {
  /** JSON pointer-ish path inside the document, e.g. ['spec', 'networks', 0, 'network']. */
  path: (string | number)[];
  kind: Kind;
  name: string;
}

export interface Resource {
  readonly kind: Kind;
  readonly name: string;
  /** The owning tenant: `account` or `project` from metadata; undefined for global kinds. */
  readonly tenant?: string;
  readonly tenantType?: 'account' | 'project';
  readonly source: SourceRef;
  readonly doc: ResourceDocument;
}

/** A problem found in the desired state, positioned on the offending node. */
export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  kind?: string;
  name?: string;
  /** Stable identifier of the rule broken, e.g. `schema.additionalProperties`, `ref.unresolved`. */
  rule: string;
  message: string;
}

export interface DesiredModel {
  /** Commit id the model was read from, or null for a working tree. */
  readonly revision: string | null;
  readonly resources: readonly Resource[];
}

export interface LoadResult {
  readonly model: DesiredModel;
  readonly errors: readonly ValidationIssue[];
  readonly valid: boolean;
  readonly stats: LoadStats;
}

export interface LoadStats {
  files: number;
  documents: number;
  bytes: number;
  /** Files parsed in this load (the rest came from the blob cache). */
  parsedFiles: number;
  /** True when the whole revision's verdict came from the cache. */
  revisionCacheHit: boolean;
  /** True when only the tenants a commit touched were re-checked against the previous verdict. */
  incremental?: boolean;
}

/** Identity of a resource: (kind, tenant, name). Global kinds have an empty tenant. */
export function identityKey(kind: string, tenant: string | undefined, name: string): string {
  return `${kind}/${tenant ?? ''}/${name}`;
}

/**
 * Who owns a resource, as a key: an account and a project may share a name and still be two
 * tenants ("account:acme" and "project:acme"); '' for global kinds.
 */
export function ownerKey(r: { tenant?: string; tenantType?: 'account' | 'project' }): string {
  return r.tenant === undefined ? '' : `${r.tenantType ?? 'account'}:${r.tenant}`;
}
