/**
 * One phase of the `load` benchmark, run in a fresh process so that its peak RSS is its own:
 *
 *   node --import tsx test/bench/load-phase.ts floor    REPO
 *   node --import tsx test/bench/load-phase.ts yaml-pkg REPO
 *   node --import tsx test/bench/load-phase.ts load     REPO STATE_DIR [REV]
 *
 * Prints one JSON line on stdout: the phase's figures, including `maxRssMiB`.
 * The clock covers the work only, not node/tsx start-up nor module import.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadResult } from '../../desired-state/model.js';

/** Read by load.bench.ts; keep the two in step. */
export interface PhaseOutput {
  phase: string;
  ms: number;
  maxRssMiB: number;
  files: number;
  documents: number;
  bytes: number;
  /** Only for `load`. */
  valid?: boolean;
  errors?: number;
  firstErrors?: string[];
  parsedFiles?: number;
  revisionCacheHit?: boolean;
  importMs?: number;
}

const YAML_FILE = /\.ya?ml$/;

/** Every YAML file under `root`, skipping dot folders (.git) as the loader does; sorted for a stable order. */
function yamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && YAML_FILE.test(e.name)) out.push(abs);
    }
  };
  walk(root);
  return out.sort();
}

function maxRssMiB(): number {
  // resourceUsage().maxRSS is in kilobytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

async function floor(repo: string): Promise<PhaseOutput> {
  const { loadAll } = await import('js-yaml');
  const files = yamlFiles(repo);
  const t0 = performance.now();
  let documents = 0;
  let bytes = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    bytes += Buffer.byteLength(text);
    documents += loadAll(text).length;
  }
  const ms = performance.now() - t0;
  return { phase: 'floor', ms, maxRssMiB: maxRssMiB(), files: files.length, documents, bytes };
}

async function yamlPkg(repo: string): Promise<PhaseOutput> {
  const { parseAllDocuments } = await import('yaml');
  const files = yamlFiles(repo);
  const t0 = performance.now();
  let documents = 0;
  let bytes = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    bytes += Buffer.byteLength(text);
    const docs = parseAllDocuments(text);
    documents += Array.isArray(docs) ? docs.length : 0;
  }
  const ms = performance.now() - t0;
  return { phase: 'yaml-pkg', ms, maxRssMiB: maxRssMiB(), files: files.length, documents, bytes };
}

interface LoaderModule {
  loadDesiredState(opts: { repo: string; rev?: string; worktree?: boolean; stateDir?: string }): Promise<LoadResult>;
}

const LOADER_PATH = fileURLToPath(new URL('../../desired-state/load.ts', import.meta.url));

async function load(repo: string, stateDir: string, rev: string): Promise<PhaseOutput> {
  const ti = performance.now();
  // A computed specifier: the loader is written concurrently and may not exist when this compiles.
  const mod = (await import(pathToFileURL(LOADER_PATH).href)) as LoaderModule;
  const importMs = performance.now() - ti;
  const t0 = performance.now();
  const result = await mod.loadDesiredState({ repo, rev, stateDir });
  const ms = performance.now() - t0;
  return {
    phase: 'load',
    ms,
    maxRssMiB: maxRssMiB(),
    files: result.stats.files,
    documents: result.stats.documents,
    bytes: result.stats.bytes,
    valid: result.valid,
    errors: result.errors.length,
    firstErrors: result.errors
      .slice(0, 10)
      .map((e) => `${e.file}:${e.line}:${e.column} ${e.kind ?? ''}/${e.name ?? ''} [${e.rule}] ${e.message}`),
    parsedFiles: result.stats.parsedFiles,
    revisionCacheHit: result.stats.revisionCacheHit,
    importMs,
  };
}

async function main(argv: string[]): Promise<void> {
  const [phase, repo, stateDir, rev] = argv;
  if (!phase || !repo) throw new Error('usage: load-phase.ts floor|yaml-pkg|load REPO [STATE_DIR [REV]]');
  let out: PhaseOutput;
  if (phase === 'floor') out = await floor(repo);
  else if (phase === 'yaml-pkg') out = await yamlPkg(repo);
  else if (phase === 'load') {
    if (!stateDir) throw new Error('load needs a STATE_DIR');
    out = await load(repo, stateDir, rev ?? 'HEAD');
  } else throw new Error(`unknown phase: ${phase}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`load-phase: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
