import fs from 'node:fs';
import path from 'node:path';
import { RepositoryError } from './errors/repository-error.js';
import { findGitDirs } from './source/git-dirs.js';
import { analyseFile } from './analyse-file.js';
import { cairnVersion } from './cairn-version.js';
import { cacheSalt, DesiredStateCache, type BlobEntry } from './cache/desired-state-cache.js';
import type { DesiredModel, LoadResult, Resource, ValidationIssue } from './model.js';
import { SourceLocator } from './parse/locate.js';
import { openGitSource } from './source/git-source.js';
import type { DesiredStateSource, SourceFile } from './source/source.js';
import { openWorktreeSource } from './source/worktree-source.js';
import { semanticChecks } from './validate/semantic/all-checks.js';
import { ResourceIndex, type PendingIssue } from './validate/semantic/context.js';
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

const READ_AHEAD = 16;

async function* readAhead(source: DesiredStateSource, files: readonly SourceFile[], window: number): AsyncGenerator<[SourceFile, Uint8Array]> {
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  const fill = () => {
    while (next < files.length && pending.length < window) pending.push(source.read(files[next++]!));
  };
  for (let i = 0; i < files.length; i++) {
    fill();
    const raw = await pending.shift()!;
    yield [files[i]!, raw];
  }
}

/**
 * Bump when what a blob or a revision turns into changes shape or meaning within one release (the
 * salt also holds cairn's version and the schemas), so old cache entries are not used.
 */
const CACHE_FORMAT = 2;

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
  try {
    const source = opts.worktree
      ? await openWorktreeSource(opts.repo)
      : await openGitSource(opts.repo, opts.rev ?? 'HEAD', cache?.treeListings);
    return await load(source, registry, cache, () => openCache(stateDir!, registry));
  } finally {
    await cache?.close();
  }
}

function openCache(stateDir: string, registry: SchemaRegistry): DesiredStateCache {
  return new DesiredStateCache(stateDir, cacheSalt([registry.digest, cairnVersion()], CACHE_FORMAT));
}

async function load(
  source: DesiredStateSource,
  registry: SchemaRegistry,
  cache: DesiredStateCache | undefined,
  reopenCache: () => DesiredStateCache,
): Promise<LoadResult> {
  const known = cache?.getRevision(source.treeId);
  if (known) {
    // The verdict is known and the file list came with it; documents are decoded from the cache
    // only if someone asks for the model.
    const files = known.files.map(([path, oid]) => ({ path, oid }));
    return {
      model: lazyModel(source.revision, files, reopenCache),
      errors: known.errors,
      valid: known.errors.length === 0,
      stats: { files: files.length, documents: known.documents, bytes: known.bytes, parsedFiles: 0, revisionCacheHit: true },
    };
  }

  const files = await source.listFiles();
  const entries = new Map<string, BlobEntry>();
  const misses: SourceFile[] = [];
  for (const file of files) {
    const hit = cache?.getBlob(file.oid);
    if (hit) entries.set(file.path, hit);
    else misses.push(file);
  }
  // Reads run ahead of parsing so the CPU never waits for the object store.
  for await (const [file, raw] of readAhead(source, misses, READ_AHEAD)) {
    const entry = analyseFile(raw, registry);
    cache?.putBlob(file.oid, entry);
    entries.set(file.path, entry);
  }
  let bytes = 0;
  for (const e of entries.values()) bytes += e.bytes;

  const errors: ValidationIssue[] = [];
  for (const [file, entry] of entries) for (const i of entry.issues) errors.push({ file, ...i });

  const resources = toResources(files, (f) => entries.get(f.path));
  const index = new ResourceIndex(resources);
  const pending: PendingIssue[] = [];
  for (const check of semanticChecks) pending.push(...check(index));
  errors.push(...(await locateAll(pending, source, files)));
  errors.sort(byPosition);

  const documents = resources.length;
  cache?.putRevision(source.treeId, { files: files.map((f) => [f.path, f.oid]), errors, documents, bytes });
  await cache?.flush();
  return {
    model: { revision: source.revision, resources },
    errors,
    valid: errors.length === 0,
    stats: { files: files.length, documents, bytes, parsedFiles: misses.length, revisionCacheHit: false },
  };
}

/**
 * Resources of the revision, in file order. Documents that failed a single-document check are
 * kept when their identity is readable, so that references to them do not cascade into
 * "not found" errors; they never reach a plan because the revision is invalid.
 */
function toResources(files: readonly SourceFile[], entryOf: (f: SourceFile) => BlobEntry | undefined): Resource[] {
  const out: Resource[] = [];
  for (const file of files) {
    const entry = entryOf(file);
    if (!entry) continue;
    for (const d of entry.docs) {
      if (!d.kind || typeof d.name !== 'string') continue;
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

/** The loader's own cache handle is closed by then, so reading the documents opens one for the purpose. */
function lazyModel(revision: string | null, files: readonly SourceFile[], openCache: () => DesiredStateCache): DesiredModel {
  let resources: Resource[] | undefined;
  return {
    revision,
    get resources() {
      if (!resources) {
        const cache = openCache();
        resources = toResources(files, (f) => cache.getBlob(f.oid));
        void cache.close();
      }
      return resources;
    },
  };
}

async function locateAll(
  pending: PendingIssue[],
  source: DesiredStateSource,
  files: readonly SourceFile[],
): Promise<ValidationIssue[]> {
  const locators = new Map<string, SourceLocator>();
  const locatorFor = async (file: string): Promise<SourceLocator> => {
    let l = locators.get(file);
    if (!l) {
      const f = files.find((x) => x.path === file)!;
      l = new SourceLocator(new TextDecoder().decode(await source.read(f)));
      locators.set(file, l);
    }
    return l;
  };
  const out: ValidationIssue[] = [];
  for (const p of pending) {
    const { file, docIndex } = p.resource.source;
    const pos = (await locatorFor(file)).locate(docIndex, p.path, p.target);
    let message = p.message;
    if (p.related) {
      const r = p.related.resource.source;
      const rp = (await locatorFor(r.file)).locate(r.docIndex, p.related.path);
      message = message.replace('{related}', `${r.file}:${rp.line}:${rp.column}`);
    }
    out.push({ file, line: pos.line, column: pos.column, kind: p.resource.kind, name: p.resource.name, rule: p.rule, message });
  }
  return out;
}

function byPosition(a: ValidationIssue, b: ValidationIssue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
