import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { ValidationIssue } from '../model.js';
import type { FileIssue } from '../parse/issue.js';
import type { Claim } from '../validate/semantic/context.js';
import type { HostProfile } from '../validate/semantic/host-profiles.js';
import type { Resource } from '../model.js';
import type { DocRecord } from '../validate/validate-document.js';
import { unpackBlob } from './blob-codec.js';

/** What one git blob (one file's bytes) turned into; independent of the file's path. */
export interface BlobEntry {
  docs: DocRecord[];
  issues: FileIssue[];
  bytes: number;
}

/** What the revision-level checks need to know of a blob without decoding its documents. */
export interface BlobMeta {
  /** Owners of its resources ('' for global kinds, `account:NAME`, `project:NAME`). */
  scopes: string[];
  /** It declares a Shared network (which any tenant may use: no incremental check across it). */
  shared: boolean;
  documents: number;
  bytes: number;
}

/**
 * The verdict on a whole revision (a git tree): an unchanged revision reads no YAML at all, and
 * the next commit's check starts from it, re-checking only the tenants that commit touched.
 */
export interface RevisionEntry {
  files: [path: string, oid: string][];
  /** Every error, sorted: what a cache hit returns. */
  errors: ValidationIssue[];
  /** Errors found in single files (syntax, schema), by file. */
  fileErrors: ValidationIssue[];
  /** Cross-document errors by scope (see BlobMeta.scopes). */
  scoped: [scope: string, issues: ValidationIssue[]][];
  /** Claims on shared pools by scope, to find collisions with a re-checked tenant. */
  claims: [scope: string, claims: Claim[]][];
  shared: boolean;
  documents: number;
  bytes: number;
}

/**
 * What a check of tenants needs of the global documents, for one set of global files: every global
 * resource but the hosts, and the hosts' profiles per zone (all the capacity check reads of them).
 * 25,000 hosts are most of a data center's global documents; a commit that changes tenants only
 * then decodes none of them.
 */
export interface GlobalsSnapshot {
  resources: Resource[];
  profiles: [zone: string, profiles: HostProfile[]][];
}

/**
 * The parse-and-validate cache in the state directory (lmdb). Keys carry a digest of the schemas
 * and of this cache's format, so a schema change or an upgrade never serves stale verdicts.
 */
export class DesiredStateCache {
  private readonly root: RootDatabase;
  /** Encoded with blob-codec.ts (the bytes a worker thread produced), not by lmdb. */
  private readonly blobs: Database<Uint8Array, string>;
  private readonly revisions: Database<RevisionEntry, string>;
  private readonly trees: Database<[string, string][], string>;
  private readonly metas: Database<BlobMeta, string>;
  private readonly pointers: Database<string, string>;
  private readonly globals: Database<GlobalsSnapshot, string>;

  constructor(stateDir: string, private readonly salt: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    // Like .pytest_cache: the state folder ignores itself, so it never dirties the user's repository.
    const ignore = path.join(stateDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    this.root = open({ path: path.join(stateDir, 'desired-state.lmdb'), maxDbs: 8, noSubdir: false });
    const structured = { sharedStructuresKey: Symbol.for('structures') };
    this.blobs = this.root.openDB<Uint8Array, string>({ name: 'blobs', encoding: 'binary' });
    this.revisions = this.root.openDB<RevisionEntry, string>({ name: 'revisions', ...structured });
    this.trees = this.root.openDB<[string, string][], string>({ name: 'trees' });
    this.metas = this.root.openDB<BlobMeta, string>({ name: 'blob-metas', ...structured });
    this.pointers = this.root.openDB<string, string>({ name: 'pointers' });
    this.globals = this.root.openDB<GlobalsSnapshot, string>({ name: 'globals', ...structured });
  }

  getBlob(oid: string): BlobEntry | undefined {
    const bytes = this.blobs.get(`${this.salt}:${oid}`);
    return bytes && unpackBlob(bytes);
  }

  /** `packed` is the entry encoded by blob-codec.ts's packBlob. */
  putBlob(oid: string, packed: Uint8Array, meta: BlobMeta): void {
    void this.blobs.put(`${this.salt}:${oid}`, packed);
    void this.metas.put(`${this.salt}:${oid}`, meta);
  }

  getBlobMeta(oid: string): BlobMeta | undefined {
    return this.metas.get(`${this.salt}:${oid}`);
  }

  /** `key`: a digest of the global files' paths and blob ids (see load.ts). */
  getGlobals(key: string): GlobalsSnapshot | undefined {
    return this.globals.get(`${this.salt}:${key}`);
  }

  putGlobals(key: string, snapshot: GlobalsSnapshot): void {
    void this.globals.put(`${this.salt}:${key}`, snapshot);
  }

  /** The tree checked last, a base for the next incremental check when a revision's parent is unknown. */
  getLastTree(): string | undefined {
    return this.pointers.get(`${this.salt}:last-tree`);
  }

  setLastTree(treeId: string): void {
    void this.pointers.put(`${this.salt}:last-tree`, treeId);
  }

  getRevision(treeId: string): RevisionEntry | undefined {
    return this.revisions.get(`${this.salt}:${treeId}`);
  }

  putRevision(treeId: string, entry: RevisionEntry): void {
    void this.revisions.put(`${this.salt}:${treeId}`, entry);
  }

  /** The desired-state files below a git tree (independent of schemas: not salted). */
  readonly treeListings = {
    get: (treeOid: string) => this.trees.get(treeOid),
    put: (treeOid: string, files: [string, string][]) => void this.trees.put(treeOid, files),
  };

  /** Waits until every write so far is durable. */
  async flush(): Promise<void> {
    await this.root.flushed;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

/** A digest of everything that changes what a blob turns into: the schemas and the cache format. */
export function cacheSalt(schemaTexts: readonly string[], formatVersion: number): string {
  const h = createHash('sha1');
  h.update(`v${formatVersion}\0`);
  for (const t of schemaTexts) h.update(t).update('\0');
  return h.digest('hex').slice(0, 12);
}
