import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { ValidationIssue } from '../model.js';
import type { FileIssue } from '../parse/issue.js';
import type { DocRecord } from '../validate/validate-document.js';

/** What one git blob (one file's bytes) turned into; independent of the file's path. */
export interface BlobEntry {
  docs: DocRecord[];
  issues: FileIssue[];
  bytes: number;
}

/** The verdict on a whole revision (a git tree), so an unchanged revision reads no YAML at all. */
export interface RevisionEntry {
  files: [path: string, oid: string][];
  errors: ValidationIssue[];
  documents: number;
  bytes: number;
}

/**
 * The parse-and-validate cache in the state directory (lmdb). Keys carry a digest of the schemas
 * and of this cache's format, so a schema change or an upgrade never serves stale verdicts.
 */
export class DesiredStateCache {
  private readonly root: RootDatabase;
  private readonly blobs: Database<BlobEntry, string>;
  private readonly revisions: Database<RevisionEntry, string>;
  private readonly trees: Database<[string, string][], string>;

  constructor(stateDir: string, private readonly salt: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    // Like .pytest_cache: the state folder ignores itself, so it never dirties the user's repository.
    const ignore = path.join(stateDir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
    this.root = open({ path: path.join(stateDir, 'desired-state.lmdb'), maxDbs: 4, noSubdir: false });
    const structured = { sharedStructuresKey: Symbol.for('structures') };
    this.blobs = this.root.openDB<BlobEntry, string>({ name: 'blobs', ...structured });
    this.revisions = this.root.openDB<RevisionEntry, string>({ name: 'revisions', ...structured });
    this.trees = this.root.openDB<[string, string][], string>({ name: 'trees' });
  }

  getBlob(oid: string): BlobEntry | undefined {
    return this.blobs.get(`${this.salt}:${oid}`);
  }

  putBlob(oid: string, entry: BlobEntry): void {
    void this.blobs.put(`${this.salt}:${oid}`, entry);
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
