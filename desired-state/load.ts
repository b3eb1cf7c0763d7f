import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RepositoryError } from './errors/repository-error.js';
import { findGitDirs } from './source/git-dirs.js';
import { analyseFiles } from './analyse-pool.js';
import { cairnVersion } from './cairn-version.js';
import { cacheSalt, DesiredStateCache, type BlobEntry, type BlobMeta, type GlobalsSnapshot } from './cache/desired-state-cache.js';
import type { HostProfiles } from './validate/semantic/host-profiles.js';
import { planIncremental, type IncrementalPlan } from './incremental-base.js';
import { byPosition, locateIssues, type SitedIssue } from './locate-issues.js';
import type { DesiredModel, LoadResult, Resource, ValidationIssue } from './model.js';
import { openGitSource } from './source/git-source.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';
import { openWorktreeSource } from './source/worktree-source.js';
import { semanticChecks } from './validate/semantic/all-checks.js';
import { checkClaims } from './validate/semantic/claims-check.js';
import { ownerKey, ResourceIndex, type Claim, type PendingIssue } from './validate/semantic/context.js';
import { schemaRegistry, type SchemaRegistry } from './validate/schema-registry.js';

export interface LoadOptions {
  /** Repository (or, with `worktree`, plain directory). */
  repo: string;
  /** Any ref, commit id or `REV~n`; default HEAD. Ignored with `worktree`. */
  rev?: string;
  /** Read uncommitted files instead of a revision. */
  worktree?: boolean;
  /** Cache folder; default `<repo>/.cairn` (or $CAIRN_STATE_DIR). `false` disables the cache. */
  stateDir?: string | false;
}

/**
 * Bump when what a blob or a revision turns into changes shape or meaning within one release (the
 * salt also holds cairn's version and the schemas), so old cache entries are not used.
 */
const CACHE_FORMAT = 3;

export function defaultStateDir(repo: string): string {
  if (process.env.CAIRN_STATE_DIR) return path.resolve(process.env.CAIRN_STATE_DIR);
  return path.join(path.resolve(repo), '.cairn');
}

/**
 * Git revision (or working tree) → parsed, validated, reference-checked model. Every error of the
 * revision is reported, each on the node at fault. Work is cached by git blob id: an unchanged
 * revision reads no YAML, and a commit that changes one file parses that file only.
 */
export async function loadDesiredState(opts: LoadOptions): Promise<LoadResult> {
  // Find the repository before creating anything: a typo in --repo must not leave a .cairn/ behind.
  if (opts.worktree) {
    if (!fs.existsSync(opts.repo)) throw new RepositoryError(path.resolve(opts.repo), 'no such directory');
  } else {
    findGitDirs(opts.repo);
  }
  const registry = schemaRegistry();
  const stateDir = opts.stateDir === false ? undefined : opts.stateDir ?? defaultStateDir(opts.repo);
  const cache = stateDir ? openCache(stateDir, registry) : undefined;
  const source = opts.worktree
    ? await openWorktreeSource(opts.repo)
    : await openGitSource(opts.repo, opts.rev ?? 'HEAD', cache?.treeListings);
  return load(source, registry, cache);
}

/**
 * One cache handle per state folder for the life of the process: the controller loads revision
 * after revision, and a model decodes its documents after the load returned. Opening and closing
 * an lmdb environment around every load would cost more and race with those late reads.
 */
const openCaches = new Map<string, DesiredStateCache>();

function openCache(stateDir: string, registry: SchemaRegistry): DesiredStateCache {
  const salt = cacheSalt([registry.digest, cairnVersion()], CACHE_FORMAT);
  const key = `${path.resolve(stateDir)}\0${salt}`;
  let cache = openCaches.get(key);
  if (!cache) openCaches.set(key, (cache = new DesiredStateCache(stateDir, salt)));
  return cache;
}

/** Closes every cache this process opened (tests, and a controller shutting down). */
export async function closeDesiredStateCaches(): Promise<void> {
  const all = [...openCaches.values()];
  openCaches.clear();
  await Promise.all(all.map((c) => c.close()));
}

async function load(
  source: DesiredStateSource,
  registry: SchemaRegistry,
  cache: DesiredStateCache | undefined,
): Promise<LoadResult> {
  const known = cache?.getRevision(source.treeId);
  if (known) {
    // The verdict is known and the file list came with it; documents are decoded from the cache
    // only if someone asks for the model.
    const files = known.files.map(([path, oid]) => ({ path, oid }));
    return {
      model: lazyModel(source.revision, files, cache!),
      errors: known.errors,
      valid: known.errors.length === 0,
      stats: { files: files.length, documents: known.documents, bytes: known.bytes, parsedFiles: 0, revisionCacheHit: true },
    };
  }

  const files = await source.listFiles();
  // Every file analysed on its own (parse, schema): from the cache, or now.
  const fresh = new Map<string, BlobEntry>();
  const metas = new Map<string, BlobMeta>();
  const misses: SourceFile[] = [];
  for (const file of files) {
    const meta = cache?.getBlobMeta(file.oid);
    if (meta) metas.set(file.path, meta);
    else misses.push(file);
  }
  await analyseFiles(
    source,
    misses,
    registry,
    (file, entry, packed) => {
      const meta = blobMeta(entry);
      if (packed) cache?.putBlob(file.oid, packed, meta);
      fresh.set(file.path, entry);
      metas.set(file.path, meta);
    },
    { pack: cache !== undefined },
  );
  const entryOf = (f: SourceFile): BlobEntry | undefined => fresh.get(f.path) ?? cache?.getBlob(f.oid);
  const metaOf = (f: SourceFile): BlobMeta => metas.get(f.path)!;

  const plan = cache ? await planIncremental(source, files, metaOf, cache) : undefined;
  const checked = (plan && checkTenants(files, entryOf, metaOf, plan, cache!)) ?? checkAll(files, entryOf, metaOf, cache);

  // File-local errors: kept from the base for unchanged files, read from the analysis otherwise.
  const fileErrors: ValidationIssue[] = plan && checked.incremental ? plan.base.fileErrors.filter((e) => !plan.changed.has(e.file)) : [];
  for (const f of files) {
    if (plan && checked.incremental && !plan.changed.has(f.path)) continue;
    for (const i of entryOf(f)?.issues ?? []) fileErrors.push({ file: f.path, ...i });
  }

  const scoped = new Map<string, ValidationIssue[]>(plan && checked.incremental ? plan.base.scoped.filter(([scope]) => !checked.rechecked(scope)) : []);
  const located = await locateIssues(checked.issues.map((i) => i.issue), source, files);
  checked.issues.forEach(({ scope }, k) => {
    let list = scoped.get(scope);
    if (!list) scoped.set(scope, (list = []));
    list.push(located[k]!);
  });
  const claims = new Map<string, Claim[]>(plan && checked.incremental ? plan.base.claims.filter(([scope]) => !checked.rechecked(scope)) : []);
  for (const c of checked.claims) {
    let list = claims.get(c.scope);
    if (!list) claims.set(c.scope, (list = []));
    list.push(c);
  }
  const collisions = checkClaims([...claims.values()].flat()).map(
    ({ claim: c, first, message }): SitedIssue => ({
      site: { file: c.file, docIndex: c.docIndex, path: c.path },
      kind: c.kind,
      name: c.name,
      rule: c.rule,
      message,
      related: { file: first.file, docIndex: first.docIndex, path: first.path },
    }),
  );

  const errors = [...fileErrors, ...[...scoped.values()].flat(), ...(await locateIssues(collisions, source, files))].sort(byPosition);
  let documents = 0;
  let bytes = 0;
  let shared = false;
  for (const f of files) {
    const m = metaOf(f);
    documents += m.documents;
    bytes += m.bytes;
    shared ||= m.shared;
  }
  cache?.putRevision(source.treeId, {
    files: files.map((f) => [f.path, f.oid]),
    errors,
    fileErrors,
    scoped: [...scoped],
    claims: [...claims],
    shared,
    documents,
    bytes,
  });
  cache?.setLastTree(source.treeId);
  await cache?.flush();
  return {
    model: checked.resources && !checked.incremental ? { revision: source.revision, resources: checked.resources } : lazyModel(source.revision, files, cache!),
    errors,
    valid: errors.length === 0,
    stats: { files: files.length, documents, bytes, parsedFiles: misses.length, revisionCacheHit: false, incremental: checked.incremental },
  };
}

interface Checked {
  incremental: boolean;
  /** True for scopes whose issues and claims this check recomputed. */
  rechecked(scope: string): boolean;
  issues: { scope: string; issue: SitedIssue }[];
  claims: Claim[];
  /** Every resource, when the check loaded them all. */
  resources?: Resource[];
}

/** The cross-document checks over every resource of the revision. */
function checkAll(
  files: readonly SourceFile[],
  entryOf: (f: SourceFile) => BlobEntry | undefined,
  metaOf: (f: SourceFile) => BlobMeta,
  cache: DesiredStateCache | undefined,
): Checked {
  const resources = toResources(files, entryOf);
  const { index, ...run } = runChecks(resources);
  // What the next commit's check of tenants will need of the global documents, if it changes none.
  cache?.putGlobals(globalsKey(files, metaOf), globalsSnapshot(resources, index));
  return { incremental: false, rechecked: () => true, resources, ...run };
}

/**
 * The cross-document checks over the global resources and the affected tenants' only. Undefined
 * when the result could depend on other tenants after all: a reference that does not resolve is
 * explained by looking at every tenant ("it belongs to account X"), so that case runs in full.
 */
function checkTenants(
  files: readonly SourceFile[],
  entryOf: (f: SourceFile) => BlobEntry | undefined,
  metaOf: (f: SourceFile) => BlobMeta,
  plan: IncrementalPlan,
  cache: DesiredStateCache,
): Checked | undefined {
  // Global resources are loaded to resolve references, but none changed (or this would be a full
  // check), so their issues are the base's; only the affected tenants are re-checked. They come
  // from the snapshot the last check of these global files left, else from their blobs.
  const recheck = (scope: string) => plan.affected.has(scope);
  const key = globalsKey(files, metaOf);
  const snapshot = cache.getGlobals(key);
  let run: ReturnType<typeof runChecks>;
  if (snapshot) {
    const tenants = toResources(files.filter((f) => metaOf(f).scopes.some(recheck)), entryOf, recheck);
    run = runChecks([...snapshot.resources, ...tenants], recheck, new Map(snapshot.profiles));
  } else {
    const load = (scope: string) => scope === '' || recheck(scope);
    const resources = toResources(files.filter((f) => metaOf(f).scopes.some(load)), entryOf, load);
    run = runChecks(resources, recheck);
    cache.putGlobals(key, globalsSnapshot(resources, run.index));
  }
  if (run.issues.some((i) => i.issue.rule.startsWith('ref.'))) return undefined;
  return {
    incremental: true,
    rechecked: recheck,
    issues: run.issues.filter((i) => recheck(i.scope)),
    claims: run.claims.filter((c) => recheck(c.scope)),
  };
}

/** Identifies the global documents of a revision: the paths and blob ids of the files holding them. */
function globalsKey(files: readonly SourceFile[], metaOf: (f: SourceFile) => BlobMeta): string {
  const h = createHash('sha1');
  for (const f of files) if (metaOf(f).scopes.includes('')) h.update(f.path).update('\0').update(f.oid).update('\n');
  return h.digest('hex');
}

function globalsSnapshot(resources: readonly Resource[], index: ResourceIndex): GlobalsSnapshot {
  const globals: Resource[] = [];
  for (const r of resources) {
    // Global resources have no tenant: written without those keys, as msgpack would read an
    // undefined back as null.
    if (r.tenant === undefined && r.kind !== 'Host') globals.push({ kind: r.kind, name: r.name, source: r.source, doc: r.doc });
  }
  return { resources: globals, profiles: [...index.hostProfiles()] };
}

function runChecks(
  resources: Resource[],
  inFocus?: (scope: string) => boolean,
  profiles?: HostProfiles,
): Pick<Checked, 'issues' | 'claims'> & { index: ResourceIndex } {
  const index = new ResourceIndex(resources, inFocus, profiles);
  const issues: Checked['issues'] = [];
  for (const check of semanticChecks) {
    for (const p of check(index)) issues.push({ scope: p.scope ?? ownerKey(p.resource), issue: sited(p) });
  }
  return { issues, claims: index.claims, index };
}

function sited(p: PendingIssue): SitedIssue {
  const { file, docIndex } = p.resource.source;
  return {
    site: { file, docIndex, path: p.path, target: p.target },
    kind: p.resource.kind,
    name: p.resource.name,
    rule: p.rule,
    message: p.message,
    related: p.related && { file: p.related.resource.source.file, docIndex: p.related.resource.source.docIndex, path: p.related.path },
  };
}

function blobMeta(entry: BlobEntry): BlobMeta {
  const scopes = new Set<string>();
  let documents = 0;
  let shared = false;
  for (const d of entry.docs) {
    if (!d.kind || typeof d.name !== 'string') continue;
    documents++;
    scopes.add(ownerKey(d));
    shared ||= d.kind === 'Network' && (d.value as { spec?: { type?: unknown } })?.spec?.type === 'Shared';
  }
  return { scopes: [...scopes].sort(), shared, documents, bytes: entry.bytes };
}

/**
 * Resources of the revision, in file order. Documents that failed a single-document check are
 * kept when their identity is readable, so that references to them do not cascade into
 * "not found" errors; they never reach a plan because the revision is invalid.
 */
function toResources(
  files: readonly SourceFile[],
  entryOf: (f: SourceFile) => BlobEntry | undefined,
  wanted: (scope: string) => boolean = () => true,
): Resource[] {
  const out: Resource[] = [];
  for (const file of files) {
    const entry = entryOf(file);
    if (!entry) continue;
    for (const d of entry.docs) {
      if (!d.kind || typeof d.name !== 'string' || !wanted(ownerKey(d))) continue;
      out.push({
        kind: d.kind,
        name: d.name,
        tenant: d.tenant,
        tenantType: d.tenantType,
        source: { file: file.path, docIndex: d.index },
        doc: d.value as Resource['doc'],
      });
    }
  }
  return out;
}

function lazyModel(revision: string | null, files: readonly SourceFile[], cache: DesiredStateCache): DesiredModel {
  let resources: Resource[] | undefined;
  return {
    revision,
    get resources() {
      resources ??= toResources(files, (f) => cache.getBlob(f.oid));
      return resources;
    },
  };
}
