/**
 * Test support for driving the CLI as a user would: in-process through `runCli` (fast), or as a real
 * `node` process (slower; proves that main.ts, the exit code and the streams work end to end).
 * Repositories are made and committed with isomorphic-git, never the git CLI, so the tests do not
 * depend on what is installed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import { runCli } from '../../controller/cli/run-cli.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainTs = path.join(projectRoot, 'controller/cli/main.ts');
const tsxLoader = path.join(projectRoot, 'node_modules/tsx/dist/esm/index.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a stack trace looks like on a stream: a line starting with indented `at `. */
export const STACK_TRACE = /\n\s+at /;

/** The environment a user's shell would give cairn: nothing that points cairn's state elsewhere. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['CAIRN_STATE_DIR', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'NODE_OPTIONS']) if (!(k in extra)) delete env[k];
  return env;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `cairn ARGV` in this process, as from a shell in `cwd`. An escaping exception is a test failure, as it would be a stack trace for the user. */
export async function cairn(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await runCli(argv, { stdout, stderr, cwd: opts.cwd, env: opts.env ?? userEnv() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs `cairn ARGV` as a real process (`node --import tsx controller/cli/main.ts`), in `cwd`. */
export function cairnProcess(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, mainTs, ...argv], {
      cwd: opts.cwd,
      env: opts.env ?? userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cairn ${argv.join(' ')} did not finish in ${opts.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A signal (an abort, say) is reported as the shell would: 128 + signal number.
      resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stdout, stderr });
    });
  });
}

const tempDirs: string[] = [];

/** A new empty folder under the system temp folder; `removeTempDirs()` deletes them all. */
export function tempDir(prefix = 'cairn-cli-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Fixed author and a clock that moves a minute per commit: the same edits give the same commit ids. */
let clock = 1_700_000_000;
export const testAuthor = () => ({ name: 'cairn test', email: 'test@cairn.invalid', timestamp: (clock += 60), timezoneOffset: 0 });

/** Stages every change of the working tree (additions, edits, deletions) and commits; returns the commit id. */
export async function commitAll(dir: string, message: string): Promise<string> {
  for (const [filepath, head, workdir] of await git.statusMatrix({ fs, dir })) {
    if (workdir === 0 && head === 1) await git.remove({ fs, dir, filepath });
    else if (workdir !== 1 || head !== 1) await git.add({ fs, dir, filepath });
  }
  return git.commit({ fs, dir, message, author: testAuthor() });
}

/** Commit ids of the current branch, newest first. */
export async function history(dir: string): Promise<{ oid: string; message: string }[]> {
  return (await git.log({ fs, dir })).map((c) => ({ oid: c.oid, message: c.commit.message.trim() }));
}

/** `text` with `from` replaced by `to`; `from` must occur exactly once, so an edit never silently does nothing. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`replaceOnce: ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Edits one file of a repository in place with `replaceOnce`; returns the new text. */
export function editFile(dir: string, rel: string, from: string, to: string): string {
  const file = path.join(dir, rel);
  const text = replaceOnce(fs.readFileSync(file, 'utf8'), from, to);
  fs.writeFileSync(file, text);
  return text;
}

/** 1-based line and column of the first `needle` in `text`, in characters as an editor counts them. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`positionOf: ${JSON.stringify(needle)} not found`);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: [...before.slice(before.lastIndexOf('\n') + 1)].length + 1 };
}

/** `file:line:col: error [rule] ...`, the shape `cairn validate` prints each error in. */
export const ISSUE_LINE = /^(?<file>[^\s:][^:]*):(?<line>\d+):(?<column>\d+): error \[(?<rule>[a-z0-9.-]+)\] .+$/;
