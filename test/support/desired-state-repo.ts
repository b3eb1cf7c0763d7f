/**
 * Test support for the desired-state loader: a copy of the example data center as a map of files,
 * written into a temporary folder, optionally committed with isomorphic-git (never the git CLI, so
 * the tests do not depend on what is installed), then loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { exampleDatacenterDir, exampleDatacenterFiles } from '../../desired-state/example-datacenter.js';
import { loadDesiredState, type LoadOptions } from '../../desired-state/load.js';
import type { LoadResult, ValidationIssue } from '../../desired-state/model.js';

/** Repository-relative path → content. `null` deletes the file when applied over another map. */
export type FileMap = Record<string, string | Uint8Array | null>;

/** The example data center, as `cairn init` writes it; a fresh copy on every call. */
export function exampleFiles(): Record<string, string> {
  const root = exampleDatacenterDir();
  const out: Record<string, string> = {};
  for (const rel of exampleDatacenterFiles()) out[rel] = fs.readFileSync(path.join(root, rel), 'utf8');
  return out;
}

/**
 * `text` with `from` replaced by `to`. `from` must occur exactly once: a test that edits the
 * example must fail loudly, not silently test nothing, when the example changes under it.
 */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`replaceOnce: ${JSON.stringify(from)} not found`);
  if (text.indexOf(from, at + 1) >= 0) throw new Error(`replaceOnce: ${JSON.stringify(from)} occurs more than once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The example with one file edited by `replaceOnce`. */
export function exampleWith(file: string, from: string, to: string): Record<string, string> {
  const files = exampleFiles();
  if (files[file] === undefined) throw new Error(`exampleWith: the example has no ${file}`);
  files[file] = replaceOnce(files[file]!, from, to);
  return files;
}

/**
 * 1-based line and column of the `occurrence`-th (1-based) match of `needle` in `text`, counted in
 * characters as an editor shows them. Used for positions inside the untouched example, so that the
 * tests do not hard-code the example's layout; positions inside text a test writes are literals.
 */
export function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`positionOf: occurrence ${occurrence} of ${JSON.stringify(needle)} not found`);
  }
  return positionAtOffset(text, at);
}

/** 1-based line and column of the character at `offset` (a UTF-16 index, as `indexOf` returns). */
export function positionAtOffset(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
  return { line, column };
}

/** Position of `needle` in a file of the untouched example. */
export function examplePositionOf(file: string, needle: string, occurrence = 1): { line: number; column: number } {
  const text = exampleFiles()[file];
  if (text === undefined) throw new Error(`examplePositionOf: the example has no ${file}`);
  return positionOf(text, needle, occurrence);
}

const tempRoots: string[] = [];

/** A new empty folder under the system temp folder; `removeTempDirs()` deletes them all. */
export function makeTempDir(prefix = 'cairn-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempRoots.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of tempRoots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Writes `files` under `dir`; a `null` content deletes the file. */
export function writeFiles(dir: string, files: FileMap): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (content === null) {
      fs.rmSync(abs, { force: true });
      continue;
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

/** Fixed author and clock: the same files give the same commit id on every run. */
let clock = 1_700_000_000;
function signature(): { name: string; email: string; timestamp: number; timezoneOffset: number } {
  clock += 60;
  return { name: 'cairn test', email: 'test@cairn.invalid', timestamp: clock, timezoneOffset: 0 };
}

/** `git init` (branch main) with isomorphic-git. */
export async function gitInit(dir: string): Promise<void> {
  await git.init({ fs, dir, defaultBranch: 'main' });
}

/** Stages every change of the working tree (additions, edits, deletions) and commits; returns the commit id. */
export async function commitAll(dir: string, message: string): Promise<string> {
  for (const [filepath, head, workdir] of await git.statusMatrix({ fs, dir })) {
    if (workdir === 0 && head === 1) await git.remove({ fs, dir, filepath });
    else if (workdir !== 1 || head !== 1) await git.add({ fs, dir, filepath });
  }
  return git.commit({ fs, dir, message, author: signature() });
}

/** A git repository in a temp folder holding `files`, committed once; returns its folder. */
export async function makeRepo(files: FileMap, message = 'initial'): Promise<string> {
  const dir = makeTempDir();
  writeFiles(dir, files);
  await gitInit(dir);
  await commitAll(dir, message);
  return dir;
}

/** Writes `files` and commits them on top of the current branch of `dir`; returns the commit id. */
export async function commitFiles(dir: string, files: FileMap, message: string): Promise<string> {
  writeFiles(dir, files);
  return commitAll(dir, message);
}

export async function annotatedTag(dir: string, ref: string, message: string): Promise<void> {
  await git.annotatedTag({ fs, dir, ref, message, tagger: signature() });
}

export async function branch(dir: string, ref: string, checkout = false): Promise<void> {
  await git.branch({ fs, dir, ref, checkout });
}

export async function checkout(dir: string, ref: string): Promise<void> {
  await git.checkout({ fs, dir, ref });
}

/**
 * Loads `files` the way the validation tests do: written to a temp folder and read as a working
 * tree (no git needed to test a rule), without the cache.
 */
export async function loadFiles(files: FileMap, opts: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const dir = makeTempDir();
  writeFiles(dir, files);
  return loadDesiredState({ repo: dir, worktree: true, stateDir: false, ...opts });
}

/** Loads `files` committed in a fresh git repository (revision HEAD), without the cache. */
export async function loadCommitted(files: FileMap, opts: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const dir = await makeRepo(files);
  return loadDesiredState({ repo: dir, stateDir: false, ...opts });
}

/** What a test expects of one error: exact place and rule, and a part of the message. */
export interface ExpectedIssue {
  file: string;
  line: number;
  column: number;
  rule: string;
  /** Substrings (or patterns) the message must contain. */
  message?: string | RegExp | (string | RegExp)[];
  kind?: string;
  name?: string;
}

/** One line per issue, for readable failure output: `file:line:col rule kind/name: message`. */
export function describeIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.rule} ${i.kind ?? '-'}/${i.name ?? '-'}: ${i.message}`);
}

/**
 * A file's text from its lines: argument N is line N, so a test's expected line numbers can be read
 * off the source.
 */
export function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}

/**
 * The example with one file edited (`from` → `to`, see `replaceOnce`), and `at(needle, n)`: the
 * position of the n-th (default first) `needle` inside the replacement text, where the error should be.
 */
export function exampleEdit(
  file: string,
  from: string,
  to: string,
): { files: Record<string, string>; at(needle: string, occurrence?: number): { line: number; column: number } } {
  const original = exampleFiles()[file];
  if (original === undefined) throw new Error(`exampleEdit: the example has no ${file}`);
  const start = original.indexOf(from);
  const files = exampleWith(file, from, to);
  const text = files[file]!;
  return {
    files,
    at(needle, occurrence = 1) {
      let i = start - 1;
      for (let k = 0; k < occurrence; k++) i = text.indexOf(needle, i + 1);
      if (i < 0 || i + needle.length > start + to.length) throw new Error(`exampleEdit: ${JSON.stringify(needle)} (#${occurrence}) is not inside ${JSON.stringify(to)}`);
      return positionAtOffset(text, i);
    },
  };
}
